package org.transfer4j.images;

/**
 * How an image of any shape becomes a square {@code (size,size,3)} model input (the resampling itself is a
 * {@link Resize}, bilinear by default).
 */
public enum ResizeMode {
    /** The whole image resized to {@code size x size}, aspect ratio not kept (Keras' {@code image_dataset_from_directory} default). */
    STRETCH,
    /**
     * The largest centred square of the image, resized to {@code size x size}: the shorter side fills the
     * output, the longer one is cropped evenly on both sides. The box is Keras'
     * {@code crop_to_aspect_ratio=True} one ({@code smart_resize}): side {@code min(h, w)}, offset
     * {@code (h - side) / 2} and {@code (w - side) / 2} rounded down. (torchvision's {@code Resize(n)} then
     * {@code CenterCrop(n)} resizes first and crops after, which can differ by a fraction of a pixel.)
     */
    SHORTER_SIDE_CENTER_CROP;

    /** The part of an {@code h x w} image that this mode resizes to the output. */
    CropBox box(int h, int w) {
        if (this == STRETCH) {
            return CropBox.whole(h, w);
        }
        int side = Math.min(h, w);
        return new CropBox((h - side) / 2, (w - side) / 2, side, side);
    }
}
