package org.transfer4j.examples;

import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/**
 * Images held in memory with one integer label each: {@code pixels} is {@code (count, size, size, 3)}
 * row-major (NHWC), values in {@code [0, 1]}; {@code labels[i]} is in {@code [0, classes)}.
 */
public record LabelledImages(float[] pixels, int[] labels, int size, int classes) {

    public LabelledImages {
        if (size < 1 || classes < 1) {
            throw new IllegalArgumentException("labelled images: size and classes must be at least 1, got size " + size
                    + ", classes " + classes);
        }
        if (pixels.length != (long) labels.length * size * size * 3) {
            throw new IllegalArgumentException("labelled images: " + pixels.length + " pixel values do not make "
                    + labels.length + " RGB images of " + size + "x" + size);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("labelled images: label " + labels[i] + " at index " + i
                        + " is out of range [0, " + classes + ")");
            }
        }
    }

    public int count() {
        return labels.length;
    }

    /** How many images carry each label. */
    public int[] classCounts() {
        int[] counts = new int[classes];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    /**
     * The images {@code order[from..to)} as a tensor {@code (to-from, size, size, 3)}, scaled from
     * {@code [0, 1]} to {@code [-1, 1]} (inputs centred on zero train faster), and their labels.
     */
    public Batch batch(int[] order, int from, int to) {
        int n = to - from;
        int imageSize = size * size * 3;
        float[] x = new float[n * imageSize];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int src = order[from + i];
            for (int k = 0; k < imageSize; k++) {
                x[i * imageSize + k] = 2f * pixels[src * imageSize + k] - 1f;
            }
            y[i] = labels[src];
        }
        return new Batch(Tensor.of(x, n, size, size, 3), y);
    }

    /** {@code 0, 1, ..., count-1}. */
    public int[] inOrder() {
        int[] order = new int[count()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        return order;
    }

    /** A random permutation of the indices (Fisher–Yates), reproducible from the generator. */
    public int[] shuffled(Generator gen) {
        int[] order = inOrder();
        for (int i = order.length - 1; i > 0; i--) {
            int j = (int) Long.remainderUnsigned(Generator.bits(gen.seed(), gen.reserve(1)), i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** A mini-batch: images {@code x (N,H,W,3)} and their labels. */
    public record Batch(Tensor x, int[] labels) {
    }
}
