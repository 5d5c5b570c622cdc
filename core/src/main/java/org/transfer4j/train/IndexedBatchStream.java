package org.transfer4j.train;

import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.function.Function;
import org.transfer4j.tensor.Tensor;

/**
 * One epoch of a dataset whose samples are read by index and never skipped ({@link InMemoryDataset},
 * {@link FeatureCacheDataset}): the epoch's order ({@link Dataset}'s contract) cut into slices of at most
 * {@code batchSize} indices, each turned into a {@link Batch} whose {@code x (B, ...)} a dataset-specific
 * function builds from the slice's indices.
 */
final class IndexedBatchStream implements BatchStream {
    private final String owner;
    private final int[] order;
    private final int batchSize;
    private final int[] labels;
    private final Function<int[], Tensor> inputs;
    private int next;
    private boolean closed;

    private IndexedBatchStream(String owner, int[] order, int batchSize, int[] labels, Function<int[], Tensor> inputs) {
        this.owner = owner;
        this.order = order;
        this.batchSize = batchSize;
        this.labels = labels;
        this.inputs = inputs;
    }

    /**
     * The epoch of the samples whose labels are {@code labels} (read, not copied), in the order the
     * {@link Dataset} contract gives for {@code shuffle} and {@code seed}.
     *
     * @param owner  the dataset's name, for error messages
     * @param inputs builds a batch's {@code x (B, ...)} from its {@code B} sample indices
     */
    static IndexedBatchStream epoch(String owner, int[] labels, int batchSize, boolean shuffle, long seed,
            Function<int[], Tensor> inputs) {
        if (batchSize < 1) {
            throw new IllegalArgumentException(owner + ": batch size must be at least 1, got " + batchSize);
        }
        int[] order = shuffle ? EpochOrder.permutation(labels.length, seed) : EpochOrder.identity(labels.length);
        return new IndexedBatchStream(owner, order, batchSize, labels, inputs);
    }

    @Override
    public int batchCount() {
        return (order.length + batchSize - 1) / batchSize;
    }

    @Override
    public int skipped() {
        return 0;
    }

    @Override
    public boolean hasNext() {
        return !closed && next < order.length;
    }

    @Override
    public Batch next() {
        if (!hasNext()) {
            throw new NoSuchElementException(owner + ": the epoch has no more batches");
        }
        int[] indices = Arrays.copyOfRange(order, next, Math.min(next + batchSize, order.length));
        next += indices.length;
        int[] batchLabels = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            batchLabels[i] = labels[indices[i]];
        }
        return new Batch(inputs.apply(indices), batchLabels, indices);
    }

    @Override
    public void close() {
        closed = true;
    }
}
