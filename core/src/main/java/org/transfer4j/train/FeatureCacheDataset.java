package org.transfer4j.train;

import java.util.List;
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
        return IndexedBatchStream.epoch("FeatureCache", labels, batchSize, shuffle, seed, this::rows);
    }

    /** Rows {@code indices} of the file, read into {@code (B, ...featureShape)} on the features' device. */
    private Tensor rows(int[] indices) {
        float[] x = new float[indices.length * file.rowFloats()];
        file.readRows(indices, x);
        int[] shape = new int[featureShape.length + 1];
        shape[0] = indices.length;
        System.arraycopy(featureShape, 0, shape, 1, featureShape.length);
        return Tensor.of(device, x, shape);
    }
}
