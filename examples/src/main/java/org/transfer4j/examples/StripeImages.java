package org.transfer4j.examples;

import org.transfer4j.tensor.Generator;

/**
 * Synthetic image-classification data sets that need no download, made of stripe gratings. In the
 * {@link Task#SOURCE} task class {@code k} of 10 is a sine grating at angle {@code k * 18} degrees; in
 * the related {@link Task#TARGET} task class {@code k} of 5 is a square-wave grating at
 * {@code 9 + k * 36} degrees (halfway between source angles), with more noise: a model that learned
 * orientation on the source has the features the target needs, which is what transfer learning uses.
 * Everything else is random, so the stripe angle is the only thing that tells classes apart:
 * <ul>
 *   <li>the stripe period (4 to 8 pixels) and phase,</li>
 *   <li>the colours: a random mean colour, and a random contrast per channel (either sign),</li>
 *   <li>Gaussian pixel noise.</li>
 * </ul>
 * Images are RGB in {@code [0, 1]}, NHWC, {@code size x size}. The same seed always gives the same
 * images, bit for bit: every random number comes from a counter-based {@link Generator}.
 */
public final class StripeImages {
    /** The source task's ten stripe angles, 18 degrees apart, cover the half circle (180 degrees is 0). */
    public static final int CLASSES = 10;

    /** The most pixel values one data set may hold: the longest array a JVM reliably allocates. */
    public static final int MAX_VALUES = Integer.MAX_VALUE - 8;

    private static final float MIN_PERIOD = 4f;
    private static final float MAX_PERIOD = 8f;

    /**
     * A labelling of gratings: class {@code k} has angle {@code firstAngle + k * 180 / classes} degrees;
     * square waves are {@code sign(sin)} instead of {@code sin}.
     */
    public record Task(String name, int classes, double firstAngleDegrees, boolean squareWave, float noiseStd) {
        /** Ten sine gratings, 0 to 162 degrees, noise 0.2: plenty of data to pretrain on. */
        public static final Task SOURCE = new Task("10 sine-grating angles", CLASSES, 0, false, 0.2f);
        /** Five square-wave gratings at 9, 45, 81, 117, 153 degrees, noise 0.3: the related task. */
        public static final Task TARGET = new Task("5 square-wave angles", 5, 9, true, 0.3f);
    }

    private final Task task;
    private final Generator gen;
    private final int size;

    private StripeImages(Task task, long seed, int size) {
        this.task = task;
        this.gen = new Generator(seed);
        this.size = size;
    }

    /**
     * {@code perClass} images of each class, classes interleaved (image {@code i} has label {@code i % 10}),
     * so any prefix of the set is nearly balanced.
     */
    public static LabelledImages generate(int perClass, int size, long seed) {
        return generate(Task.SOURCE, perClass, size, seed);
    }

    /** As {@link #generate(int, int, long)} for any task; image {@code i} has label {@code i % task.classes()}. */
    public static LabelledImages generate(Task task, int perClass, int size, long seed) {
        if (perClass < 1 || size < 4) {
            throw new IllegalArgumentException("stripe images: need perClass >= 1 and size >= 4, got perClass "
                    + perClass + ", size " + size);
        }
        double values = (double) perClass * task.classes() * size * size * 3;
        if (values > MAX_VALUES) {
            throw new IllegalArgumentException("stripe images: " + perClass + " per class of " + size + "x" + size
                    + " make " + (long) values + " pixel values, more than one array holds (" + MAX_VALUES + ")");
        }
        StripeImages maker = new StripeImages(task, seed, size);
        int count = perClass * task.classes();
        float[] pixels = new float[count * size * size * 3];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = i % task.classes();
            maker.draw(labels[i], pixels, i * size * size * 3);
        }
        return new LabelledImages(pixels, labels, size, task.classes());
    }

    /** Writes one image of class {@code label} into {@code out[offset...]} (HWC order). */
    private void draw(int label, float[] out, int offset) {
        double angle = Math.toRadians(task.firstAngleDegrees()) + Math.PI * label / task.classes();
        double nx = Math.cos(angle);
        double ny = Math.sin(angle);
        double period = MIN_PERIOD + (MAX_PERIOD - MIN_PERIOD) * uniform();
        double phase = 2 * Math.PI * uniform();
        float[] mean = new float[3];
        float[] contrast = new float[3];
        for (int ch = 0; ch < 3; ch++) {
            mean[ch] = 0.3f + 0.4f * uniform();
            // At least 0.1 either way, so no image is a flat colour (which no model could classify).
            float amplitude = 0.1f + 0.2f * uniform();
            contrast[ch] = uniform() < 0.5f ? -amplitude : amplitude;
        }
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                // A sine wave along the direction (nx, ny): constant along lines perpendicular to it.
                float wave = (float) Math.sin(2 * Math.PI * (x * nx + y * ny) / period + phase);
                if (task.squareWave()) {
                    wave = Math.signum(wave);
                }
                int p = offset + (y * size + x) * 3;
                for (int ch = 0; ch < 3; ch++) {
                    float v = mean[ch] + contrast[ch] * wave + task.noiseStd() * normal();
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
