package org.transfer4j.examples;

import org.transfer4j.tensor.Generator;

/**
 * A synthetic image-classification data set that needs no download: class {@code k} of
 * {@link #CLASSES} is a grating of stripes at angle {@code k * 18} degrees. Everything else is
 * random, so the stripe angle is the only thing that tells classes apart:
 * <ul>
 *   <li>the stripe period (4 to 8 pixels) and phase,</li>
 *   <li>the colours: a random mean colour, and a random contrast per channel (either sign),</li>
 *   <li>Gaussian pixel noise.</li>
 * </ul>
 * Images are RGB in {@code [0, 1]}, NHWC, {@code size x size}. The same seed always gives the same
 * images, bit for bit: every random number comes from a counter-based {@link Generator}.
 */
public final class StripeImages {
    /** Ten stripe angles, 18 degrees apart, cover the half circle (a grating at 180 degrees is the one at 0). */
    public static final int CLASSES = 10;

    private static final float MIN_PERIOD = 4f;
    private static final float MAX_PERIOD = 8f;
    private static final float NOISE_STD = 0.2f;

    private final Generator gen;
    private final int size;

    private StripeImages(long seed, int size) {
        this.gen = new Generator(seed);
        this.size = size;
    }

    /**
     * {@code perClass} images of each class, classes interleaved (image {@code i} has label {@code i % 10}),
     * so any prefix of the set is nearly balanced.
     */
    public static LabelledImages generate(int perClass, int size, long seed) {
        if (perClass < 1 || size < 4) {
            throw new IllegalArgumentException("stripe images: need perClass >= 1 and size >= 4, got perClass "
                    + perClass + ", size " + size);
        }
        StripeImages maker = new StripeImages(seed, size);
        int count = perClass * CLASSES;
        float[] pixels = new float[count * size * size * 3];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = i % CLASSES;
            maker.draw(labels[i], pixels, i * size * size * 3);
        }
        return new LabelledImages(pixels, labels, size, CLASSES);
    }

    /** Writes one image of class {@code label} into {@code out[offset...]} (HWC order). */
    private void draw(int label, float[] out, int offset) {
        double angle = Math.PI * label / CLASSES;
        double nx = Math.cos(angle);
        double ny = Math.sin(angle);
        double period = MIN_PERIOD + (MAX_PERIOD - MIN_PERIOD) * uniform();
        double phase = 2 * Math.PI * uniform();
        float[] mean = new float[3];
        float[] contrast = new float[3];
        for (int ch = 0; ch < 3; ch++) {
            mean[ch] = 0.3f + 0.4f * uniform();
            // At least 0.15 either way, so no image is a flat colour (which no model could classify).
            float amplitude = 0.1f + 0.2f * uniform();
            contrast[ch] = uniform() < 0.5f ? -amplitude : amplitude;
        }
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                // A sine wave along the direction (nx, ny): constant along lines perpendicular to it.
                float wave = (float) Math.sin(2 * Math.PI * (x * nx + y * ny) / period + phase);
                int p = offset + (y * size + x) * 3;
                for (int ch = 0; ch < 3; ch++) {
                    float v = mean[ch] + contrast[ch] * wave + NOISE_STD * normal();
                    out[p + ch] = Math.clamp(v, 0f, 1f);
                }
            }
        }
    }

    private float uniform() {
        return Generator.uniform(gen.seed(), gen.reserve(1));
    }

    private float normal() {
        return Generator.normal(gen.seed(), gen.reserve(2));
    }
}
