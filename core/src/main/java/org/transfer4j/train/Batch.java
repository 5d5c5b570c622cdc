package org.transfer4j.train;

import java.util.Objects;
import org.transfer4j.tensor.Tensor;

/**
 * A mini-batch: inputs {@code x (N, ...)} (images {@code (N,H,W,3)} or cached features) and one class
 * index per sample, {@code labels (N)} in {@code [0, classes)}; {@code indices (N)} are the samples'
 * positions in their dataset, so a callback can name the file behind a sample.
 */
public record Batch(Tensor x, int[] labels, int[] indices) {

    public Batch {
        Objects.requireNonNull(x, "x");
        if (x.rank() < 1 || x.shape(0) != labels.length || indices.length != labels.length) {
            throw new IllegalArgumentException("batch: x " + java.util.Arrays.toString(x.shape()) + " does not match "
                    + labels.length + " labels and " + indices.length + " indices");
        }
    }

    public int size() {
        return labels.length;
    }
}
