package org.transfer4j.images;

import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * How an image is resampled to a new height and width: {@code image (H,W,C) -> (height,width,C)},
 * each channel on its own, float values in and out (no rounding to 8 bits).
 */
public enum Resize {
    /**
     * PIL's {@code Image.resize(size, Image.NEAREST)}, the default of Keras'
     * {@code image.load_img(path, target_size=...)}: output pixel {@code i} takes source pixel
     * {@code floor((i + 0.5) * in / out)} on each axis (Pillow {@code ImagingScaleAffine}).
     */
    NEAREST {
        @Override
        float[] resample(float[] src, int h, int w, int c, int height, int width) {
            return Resampling.nearest(src, h, w, c, height, width);
        }
    },
    /**
     * TensorFlow's {@code tf.image.resize(..., method="bilinear", antialias=False)}, used by Keras'
     * {@code image_dataset_from_directory} and {@code layers.Resizing}: half-pixel centres, source
     * coordinate {@code (i + 0.5) * in / out - 0.5} clamped to the image, linear weights between the two
     * neighbours. Only those two source pixels count, also when shrinking (no antialiasing), so it is
     * not PIL's {@code BILINEAR}, which widens its filter when it shrinks.
     */
    BILINEAR {
        @Override
        float[] resample(float[] src, int h, int w, int c, int height, int width) {
            return Resampling.bilinear(src, h, w, c, height, width);
        }
    };

    abstract float[] resample(float[] src, int h, int w, int c, int height, int width);

    /** {@code image (H,W,C) -> (height,width,C)}; the image itself is not changed. */
    public Tensor apply(Tensor image, int height, int width) {
        if (image.rank() != 3) {
            throw ShapeMismatchException.of("resize", "needs an image (H,W,C)", image.shape());
        }
        checkSize(height, width);
        int h = image.shape(0);
        int w = image.shape(1);
        int c = image.shape(2);
        return Tensor.of(resample(image.toArray(), h, w, c, height, width), height, width, c);
    }

    static void checkSize(int height, int width) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("resize: target size must be positive, got " + height + "x" + width);
        }
    }
}
