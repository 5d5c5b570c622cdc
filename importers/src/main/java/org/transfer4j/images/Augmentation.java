package org.transfer4j.images;

import org.transfer4j.tensor.Generator;

/**
 * Random training-time changes of an image, each drawn from {@code (seed, sample index)} alone (the
 * counter-based {@link Generator} stream), so a sample is augmented the same way whichever thread
 * decodes it, and differently under another seed. Applied in this order:
 *
 * <ol>
 *   <li>random resized crop, as torchvision's {@code RandomResizedCrop}: a box of {@code scale} times the
 *       image's area and aspect ratio (width/height) log-uniform in {@code ratio}, up to 10 tries, else the
 *       centre crop of the nearest allowed ratio; the box is resized to the output size (it replaces the
 *       dataset's {@link ResizeMode});</li>
 *   <li>rotation by an angle uniform in {@code [-degrees, degrees]} about the centre, bilinear, edge pixels
 *       repeated outside the image (Keras' {@code RandomRotation(fill_mode="nearest")});</li>
 *   <li>horizontal flip with probability {@code p}: an exact mirror of the columns;</li>
 *   <li>brightness and contrast jitter, as torchvision's {@code ColorJitter} on 8-bit images: pixels times
 *       {@code b}, then blended with their grey mean {@code m} ({@code 0.299 R + 0.587 G + 0.114 B}) as
 *       {@code c * x + (1 - c) * m}, each result clamped to [0, 255]; {@code b} and {@code c} uniform in
 *       {@code [max(0, 1 - j), 1 + j]}.</li>
 * </ol>
 *
 * <p>Validation and evaluation data are never augmented ({@link ImageDataset.Builder#evaluation}).
 */
public final class Augmentation {
    /** Nothing changed. */
    public static final Augmentation NONE = new Builder().noCrop().horizontalFlip(0).rotation(0).brightness(0).contrast(0).build();

    /** Counters per sample: 20 for the crop's tries, then one per other draw. */
    private static final int DRAWS_PER_SAMPLE = 32;
    private static final int CROP_TRIES = 10;
    private static final int SLOT_TOP = 2 * CROP_TRIES;
    private static final int SLOT_LEFT = SLOT_TOP + 1;
    private static final int SLOT_FLIP = SLOT_TOP + 2;
    private static final int SLOT_ROTATION = SLOT_TOP + 3;
    private static final int SLOT_BRIGHTNESS = SLOT_TOP + 4;
    private static final int SLOT_CONTRAST = SLOT_TOP + 5;

    private final boolean crop;
    private final double minScale;
    private final double maxScale;
    private final double minRatio;
    private final double maxRatio;
    private final double flipProbability;
    private final double degrees;
    private final double brightness;
    private final double contrast;

    private Augmentation(Builder b) {
        crop = b.crop;
        minScale = b.minScale;
        maxScale = b.maxScale;
        minRatio = b.minRatio;
        maxRatio = b.maxRatio;
        flipProbability = b.flipProbability;
        degrees = b.degrees;
        brightness = b.brightness;
        contrast = b.contrast;
    }

    /** The defaults of {@link #builder()}. */
    public static Augmentation defaults() {
        return builder().build();
    }

    /**
     * A builder with defaults meant for fine-tuning on small photo sets: crop scale [0.35, 1] (fastai's
     * {@code RandomResizedCrop(size, min_scale=0.35)}; torchvision's default 0.08 is meant for ImageNet
     * from scratch), ratio [3/4, 4/3] (torchvision), flip probability 0.5, rotation 10 degrees, brightness
     * and contrast 0.2.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** True when nothing is ever changed. */
    public boolean isIdentity() {
        return !crop && flipProbability == 0 && degrees == 0 && brightness == 0 && contrast == 0;
    }

    /** Whether the random resized crop is on (it then replaces the dataset's resize mode). */
    boolean crops() {
        return crop;
    }

    private static float draw(long seed, int index, int slot) {
        return Generator.uniform(Generator.mix64(seed ^ 0xA0E3_7A11_0C9DL), (long) index * DRAWS_PER_SAMPLE + slot);
    }

    /** torchvision's {@code RandomResizedCrop.get_params} on an {@code h x w} image, with our draws. */
    CropBox cropBox(long seed, int index, int h, int w) {
        double area = (double) h * w;
        double logMin = Math.log(minRatio);
        double logMax = Math.log(maxRatio);
        for (int t = 0; t < CROP_TRIES; t++) {
            double target = area * (minScale + draw(seed, index, 2 * t) * (maxScale - minScale));
            double ratio = Math.exp(logMin + draw(seed, index, 2 * t + 1) * (logMax - logMin));
            int cw = (int) Math.round(Math.sqrt(target * ratio));
            int ch = (int) Math.round(Math.sqrt(target / ratio));
            if (cw > 0 && cw <= w && ch > 0 && ch <= h) {
                int top = (int) (draw(seed, index, SLOT_TOP) * (h - ch + 1));
                int left = (int) (draw(seed, index, SLOT_LEFT) * (w - cw + 1));
                return new CropBox(top, left, ch, cw);
            }
        }
        // torchvision's fallback: the centre crop of the whole image clamped to the ratio range
        double inRatio = (double) w / h;
        int cw = w;
        int ch = h;
        if (inRatio < minRatio) {
            ch = Math.max(1, Math.min(h, (int) Math.round(w / minRatio)));
        } else if (inRatio > maxRatio) {
            cw = Math.max(1, Math.min(w, (int) Math.round(h * maxRatio)));
        }
        return new CropBox((h - ch) / 2, (w - cw) / 2, ch, cw);
    }

    /** Rotation, flip and colour jitter of {@code image (size,size,3)}, in place where it can; returns the result. */
    float[] finish(float[] image, int size, long seed, int index) {
        float[] out = image;
        if (degrees > 0) {
            double angle = Math.toRadians((2 * draw(seed, index, SLOT_ROTATION) - 1) * degrees);
            out = rotate(out, size, angle);
        }
        if (flipProbability > 0 && draw(seed, index, SLOT_FLIP) < flipProbability) {
            flip(out, size);
        }
        if (brightness > 0) {
            scale(out, factor(brightness, draw(seed, index, SLOT_BRIGHTNESS)));
        }
        if (contrast > 0) {
            blendWithGreyMean(out, factor(contrast, draw(seed, index, SLOT_CONTRAST)));
        }
        return out;
    }

    private static float factor(double jitter, float u) {
        double low = Math.max(0, 1 - jitter);
        return (float) (low + u * (1 + jitter - low));
    }

    /** {@code (size,size,3)} mirrored left to right, in place. */
    static void flip(float[] image, int size) {
        for (int y = 0; y < size; y++) {
            int row = y * size * 3;
            for (int x = 0; x < size / 2; x++) {
                int a = row + x * 3;
                int b = row + (size - 1 - x) * 3;
                for (int c = 0; c < 3; c++) {
                    float t = image[a + c];
                    image[a + c] = image[b + c];
                    image[b + c] = t;
                }
            }
        }
    }

    /**
     * {@code (size,size,3)} rotated by {@code angle} radians about the image centre: output pixel centre
     * {@code p} samples the source at the inverse rotation of {@code p}, bilinearly, coordinates clamped
     * to the edge pixels.
     */
    static float[] rotate(float[] src, int size, double angle) {
        float[] out = new float[src.length];
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        double centre = size / 2.0;
        // the inverse rotation of pixel centre (x + 0.5, y + 0.5) about the centre, in pixel-index
        // coordinates: sx = cos dx + sin dy + centre - 0.5, sy = -sin dx + cos dy + centre - 0.5; the dx
        // terms are the same on every row
        double[] xOfDx = new double[size];
        double[] yOfDx = new double[size];
        for (int x = 0; x < size; x++) {
            double dx = x + 0.5 - centre;
            xOfDx[x] = cos * dx + centre - 0.5;
            yOfDx[x] = -sin * dx + centre - 0.5;
        }
        for (int y = 0; y < size; y++) {
            double dy = y + 0.5 - centre;
            double xOfDy = sin * dy;
            double yOfDy = cos * dy;
            for (int x = 0; x < size; x++) {
                double sx = Math.clamp(xOfDx[x] + xOfDy, 0, size - 1);
                double sy = Math.clamp(yOfDx[x] + yOfDy, 0, size - 1);
                int x0 = (int) sx;
                int y0 = (int) sy;
                int x1 = Math.min(x0 + 1, size - 1);
                int y1 = Math.min(y0 + 1, size - 1);
                float fx = (float) (sx - x0);
                float fy = (float) (sy - y0);
                int tl = (y0 * size + x0) * 3;
                int tr = (y0 * size + x1) * 3;
                int bl = (y1 * size + x0) * 3;
                int br = (y1 * size + x1) * 3;
                int o = (y * size + x) * 3;
                for (int c = 0; c < 3; c++) {
                    float top = src[tl + c] + (src[tr + c] - src[tl + c]) * fx;
                    float bottom = src[bl + c] + (src[br + c] - src[bl + c]) * fx;
                    out[o + c] = top + (bottom - top) * fy;
                }
            }
        }
        return out;
    }

    private static void scale(float[] image, float b) {
        for (int i = 0; i < image.length; i++) {
            image[i] = Math.clamp(image[i] * b, 0f, 255f);
        }
    }

    private static void blendWithGreyMean(float[] image, float c) {
        double sum = 0;
        for (int i = 0; i < image.length; i += 3) {
            sum += 0.299 * image[i] + 0.587 * image[i + 1] + 0.114 * image[i + 2];
        }
        float mean = (float) (sum / (image.length / 3));
        for (int i = 0; i < image.length; i++) {
            image[i] = Math.clamp(c * image[i] + (1 - c) * mean, 0f, 255f);
        }
    }

    @Override
    public String toString() {
        return "Augmentation[" + (crop ? "crop scale " + minScale + ".." + maxScale + " ratio " + minRatio + ".." + maxRatio
                : "no crop") + ", flip " + flipProbability + ", rotation " + degrees + " deg, brightness " + brightness
                + ", contrast " + contrast + "]";
    }

    /** Each setting on its own; {@code 0} (or {@link #noCrop()}) turns a step off. */
    public static final class Builder {
        private boolean crop = true;
        private double minScale = 0.35;
        private double maxScale = 1.0;
        private double minRatio = 3.0 / 4;
        private double maxRatio = 4.0 / 3;
        private double flipProbability = 0.5;
        private double degrees = 10;
        private double brightness = 0.2;
        private double contrast = 0.2;

        private Builder() {
        }

        /** Random resized crop of {@code [minScale, maxScale]} of the area, aspect ratio in {@code [minRatio, maxRatio]}. */
        public Builder randomResizedCrop(double minScale, double maxScale, double minRatio, double maxRatio) {
            if (!(minScale > 0 && minScale <= maxScale && maxScale <= 1)) {
                throw new IllegalArgumentException("randomResizedCrop: scale range must satisfy 0 < min <= max <= 1, got ["
                        + minScale + ", " + maxScale + "]");
            }
            if (!(minRatio > 0 && minRatio <= maxRatio && Double.isFinite(maxRatio))) {
                throw new IllegalArgumentException("randomResizedCrop: ratio range must satisfy 0 < min <= max, got ["
                        + minRatio + ", " + maxRatio + "]");
            }
            this.crop = true;
            this.minScale = minScale;
            this.maxScale = maxScale;
            this.minRatio = minRatio;
            this.maxRatio = maxRatio;
            return this;
        }

        /** No random crop: the dataset's {@link ResizeMode} frames the image. */
        public Builder noCrop() {
            this.crop = false;
            return this;
        }

        /** Mirror left to right with probability {@code p} in [0, 1] (0: never). */
        public Builder horizontalFlip(double p) {
            this.flipProbability = check("horizontalFlip", p, 1);
            return this;
        }

        /** Rotate by up to {@code degrees} in [0, 45] either way (0: never). */
        public Builder rotation(double degrees) {
            this.degrees = check("rotation", degrees, 45);
            return this;
        }

        /** Brightness factor uniform in {@code [max(0, 1 - j), 1 + j]}, {@code j} in [0, 1] (0: off). */
        public Builder brightness(double j) {
            this.brightness = check("brightness", j, 1);
            return this;
        }

        /** Contrast factor uniform in {@code [max(0, 1 - j), 1 + j]}, {@code j} in [0, 1] (0: off). */
        public Builder contrast(double j) {
            this.contrast = check("contrast", j, 1);
            return this;
        }

        public Augmentation build() {
            return new Augmentation(this);
        }

        private static double check(String what, double value, double max) {
            if (!(value >= 0 && value <= max)) {
                throw new IllegalArgumentException(what + ": must be in [0, " + max + "], got " + value);
            }
            return value;
        }
    }
}
