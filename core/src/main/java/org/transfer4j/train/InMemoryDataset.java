package org.transfer4j.train;

import java.util.Arrays;
import java.util.List;
import org.transfer4j.autograd.NoGrad;
import org.transfer4j.ops.Gather;
import org.transfer4j.tensor.Tensor;

/**
 * A {@link Dataset} held in one tensor: inputs {@code x (N, ...)} (small images, or cached base features
 * {@code (N, F)}) and one label per sample. A batch is {@code gather(x, 0, indices)} on x's device, so
 * nothing is decoded and nothing is ever skipped. Never augmented.
 */
public final class InMemoryDataset implements Dataset {
    private final Tensor x;
    private final int[] labels;
    private final List<String> classNames;

    /**
     * @param x          inputs {@code (N, ...)}; the dataset keeps the tensor (it does not copy it)
     * @param labels     N class indices in {@code [0, classNames.size())}
     * @param classNames the class names in label order
     */
    public InMemoryDataset(Tensor x, int[] labels, List<String> classNames) {
        x.ensureOpen("InMemoryDataset");
        if (x.rank() < 1 || x.shape(0) != labels.length) {
            throw new IllegalArgumentException("InMemoryDataset: x " + Arrays.toString(x.shape()) + " must have one row per label; got "
                    + labels.length + " labels");
        }
        if (classNames.isEmpty()) {
            throw new IllegalArgumentException("InMemoryDataset: needs at least one class name");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new IllegalArgumentException("InMemoryDataset: label " + labels[i] + " of sample " + i
                        + " is out of range [0, " + classNames.size() + ") for classes " + classNames);
            }
        }
        this.x = x;
        this.labels = labels.clone();
        this.classNames = List.copyOf(classNames);
    }

    /** The inputs {@code (N, ...)}. */
    public Tensor x() {
        return x;
    }

    /** A copy of the N labels. */
    public int[] labels() {
        return labels.clone();
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    @Override
    public boolean augmented() {
        return false;
    }

    @Override
    public BatchStream batches(int batchSize, boolean shuffle, long seed) {
        return IndexedBatchStream.epoch("InMemoryDataset", labels, batchSize, shuffle, seed, this::gather);
    }

    /** {@code gather(x, 0, indices)}: the batch's rows {@code (B, ...)} on x's device, outside autograd. */
    private Tensor gather(int[] indices) {
        try (NoGrad ignored = NoGrad.enter()) {
            return Gather.gather(x, 0, indices);
        }
    }
}
