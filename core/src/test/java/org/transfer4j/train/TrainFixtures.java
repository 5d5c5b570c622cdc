package org.transfer4j.train;

import java.util.List;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Sequential;
import org.transfer4j.nn.Weight;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.Conv2D;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.nn.layers.Dropout;
import org.transfer4j.nn.layers.GlobalAveragePooling2D;
import org.transfer4j.nn.layers.ReLU;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/** Tiny models and datasets for the training tests (kernels' GPU tests use {@link #rgbImages}). */
public final class TrainFixtures {
    static final List<String> THREE = List.of("a", "b", "c");

    private TrainFixtures() {
    }

    /**
     * Three well separated Gaussian blobs in 2-D, centred at (4,0), (-4,0), (0,4), sd 1: an easy problem
     * (a linear model separates it almost perfectly). Sample i has label i % 3.
     */
    static InMemoryDataset blobs(int n, long seed) {
        float[][] centres = {{4, 0}, {-4, 0}, {0, 4}};
        Generator g = new Generator(seed);
        float[] noise = Tensor.randn(g, n, 2).toArray();
        float[] x = new float[2 * n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            x[2 * i] = centres[labels[i]][0] + noise[2 * i];
            x[2 * i + 1] = centres[labels[i]][1] + noise[2 * i + 1];
        }
        return new InMemoryDataset(Tensor.of(x, n, 2), labels, THREE);
    }

    /** Random inputs with 3 features and labels i % 3, for the identity-kernel model. */
    static InMemoryDataset blobsIn3(int n) {
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
        }
        return new InMemoryDataset(Tensor.randn(new Generator(n), n, 3), labels, THREE);
    }

    /** {@code x (N,2) -> logits (N,3)}: one Dense layer named {@code dense}. */
    static Model linear() {
        return new Sequential("linear", new int[] {2}, new Dense(3).named("dense"));
    }

    /** Random 6x6x2 images with labels i % 3 (nothing to learn: for exactness tests). */
    static InMemoryDataset images(int n, long seed) {
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
        }
        return new InMemoryDataset(Tensor.randn(new Generator(seed), n, 6, 6, 2), labels, THREE);
    }

    /** Random 8x8 RGB images with labels i % 3 (the values are what matters, not learning anything). */
    public static InMemoryDataset rgbImages(int n, long seed) {
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
        }
        return new InMemoryDataset(Tensor.randn(new Generator(seed), n, 8, 8, 3), labels, THREE);
    }

    /**
     * A small CNN with batch norm and two dropouts, one drawing from its own seeded generator and one
     * from the default generator: {@code (N,6,6,2) -> (N,3)}. Layers are named, so weight paths match
     * between two builds.
     */
    static Model cnn() {
        return new Sequential("cnn", new int[] {6, 6, 2},
                new Conv2D(4, 3).padding("same").named("conv"),
                new BatchNormalization().named("bn"),
                new ReLU().named("relu"),
                new Dropout(0.3f).seed(7).named("drop_seeded"),
                new GlobalAveragePooling2D().named("pool"),
                new Dropout(0.2f).named("drop_default"),
                new Dense(3).named("head"));
    }

    static float[] values(Weight w) {
        return w.value().detach().toArray();
    }
}
