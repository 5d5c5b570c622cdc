package org.transfer4j.images;

/**
 * A rectangle of whole pixels of an image, {@code top..top+height-1} by {@code left..left+width-1}, and
 * the step that copies it out and resizes it: {@code image (h,w,3) -> (size,size,3)}.
 */
record CropBox(int top, int left, int height, int width) {

    CropBox {
        if (top < 0 || left < 0 || height < 1 || width < 1) {
            throw new IllegalArgumentException("crop box " + height + "x" + width + " at (" + top + "," + left + ")");
        }
    }

    static CropBox whole(int h, int w) {
        return new CropBox(0, 0, h, w);
    }

    /** {@code rgb (h,w,3)} cropped to this box, then resampled to {@code (size,size,3)} with {@code mode}. */
    float[] cropAndResize(float[] rgb, int h, int w, int size, Resize mode) {
        if (top + height > h || left + width > w) {
            throw new IllegalArgumentException("crop box " + this + " outside an image of " + h + "x" + w);
        }
        float[] crop = rgb;
        if (height != h || width != w) {
            crop = new float[height * width * 3];
            for (int y = 0; y < height; y++) {
                System.arraycopy(rgb, ((top + y) * w + left) * 3, crop, y * width * 3, width * 3);
            }
        }
        return mode.resample(crop, height, width, 3, size, size);
    }
}
