package org.transfer4j.images;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.transfer4j.tensor.Tensor;

/**
 * Reads image files into NHWC tensors of RGB values 0..255 (float32, not scaled: a model's
 * {@code preprocess_input} comes after).
 *
 * <ul>
 *   <li>Formats: whatever Java's ImageIO decodes (JPEG, PNG, BMP, GIF, TIFF, WBMP), recognised by
 *       content, not by file name; for a multi-image file (animated GIF, multi-page TIFF) the first image.</li>
 *   <li>Channels as PIL's {@code convert("RGB")} in Keras' {@code load_img}: stored values, R, G, B in that
 *       order; grayscale copied to three channels; alpha dropped (not composited); palette images looked up;
 *       16-bit samples reduced to their high byte; embedded ICC profiles ignored.</li>
 *   <li>EXIF orientation is ignored, as in {@code load_img}: a photo stored sideways with an
 *       "rotate 90" tag comes out sideways.</li>
 *   <li>Failures: an {@link ImageDecodeException} naming the file, for a missing file, a file that is not
 *       an image, a truncated or corrupt one, or one of more than 178,956,970 pixels (PIL's
 *       decompression-bomb limit, checked from the header before decoding); never {@code null} and never
 *       a decoder's own exception.</li>
 * </ul>
 */
public final class Images {
    private Images() {
    }

    /** {@code file -> (H,W,3)}: the image at its own size. */
    public static Tensor read(Path file) {
        BufferedImage image = ImageFileReader.read(file);
        return Tensor.of(RgbPixels.of(image), image.getHeight(), image.getWidth(), 3);
    }

    /**
     * {@code files -> (N,height,width,3)}, N = {@code files.size()}, in list order: each image decoded as by
     * {@link #read} and resized with {@code mode} (the whole image, aspect ratio not kept, no cropping, as
     * {@code load_img(target_size=(height, width))}). The first file that fails stops the batch with its
     * {@link ImageDecodeException}.
     */
    public static Tensor readBatch(List<Path> files, int height, int width, Resize mode) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("readBatch: no files given");
        }
        Resize.checkSize(height, width);
        if ((long) files.size() * height * width * 3 > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("readBatch: " + files.size() + " images of " + height + "x" + width
                    + " do not fit in one tensor");
        }
        int size = height * width * 3;
        float[] batch = new float[files.size() * size];
        for (int n = 0; n < files.size(); n++) {
            BufferedImage image = ImageFileReader.read(files.get(n));
            float[] rgb = RgbPixels.of(image);
            float[] resized = mode.resample(rgb, image.getHeight(), image.getWidth(), 3, height, width);
            System.arraycopy(resized, 0, batch, n * size, size);
        }
        return Tensor.of(batch, files.size(), height, width, 3);
    }
}
