package org.transfer4j.train;

import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import org.transfer4j.tensor.Device;
import org.transfer4j.tensor.Tensor;

/**
 * Cached features kept in a {@link FeatureCacheFile}, as a {@link Dataset}: a batch gathers its rows from the
 * mapped file into a tensor {@code (B, ...featureShape)} on the device the features were computed on. Same
 * order contract as {@link InMemoryDataset}; never augmented, never skips.
 */
final class FeatureCacheDataset implements Dataset {
    private final FeatureCacheFile file;
    private final int[] featureShape;
    private final int[] labels;
    private final List<String> classNames;
    private final Device device;

    /** Rows {@code 0 .. labels.length - 1} of {@code file} are the samples. */
    FeatureCacheDataset(FeatureCacheFile file, int[] featureShape, int[] labels, List<String> classNames, Device device) {
        this.file = file;
        this.featureShape = featureShape.clone();
        this.labels = labels.clone();
        this.classNames = List.copyOf(classNames);
        this.device = device;
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
        if (batchSize < 1) {
            throw new IllegalArgumentException("FeatureCache: batch size must be at least 1, got " + batchSize);
        }
        int[] order = shuffle ? EpochOrder.permutation(size(), seed) : EpochOrder.identity(size());
        return new Stream(order, batchSize);
    }

    /** Slices of the epoch's order, read from the file one batch at a time. */
    private final class Stream implements BatchStream {
        private final int[] order;
        private final int batchSize;
        private int next;
        private boolean closed;

        Stream(int[] order, int batchSize) {
            this.order = order;
            this.batchSize = batchSize;
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
                throw new NoSuchElementException("FeatureCache: the epoch has no more batches");
            }
            int[] indices = Arrays.copyOfRange(order, next, Math.min(next + batchSize, order.length));
            next += indices.length;
            int[] batchLabels = new int[indices.length];
            for (int i = 0; i < indices.length; i++) {
                batchLabels[i] = labels[indices[i]];
            }
            float[] x = new float[indices.length * file.rowFloats()];
            file.readRows(indices, x);
            int[] shape = new int[featureShape.length + 1];
            shape[0] = indices.length;
            System.arraycopy(featureShape, 0, shape, 1, featureShape.length);
            return new Batch(Tensor.of(device, x, shape), batchLabels, indices);
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
