package org.transfer4j.train;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.transfer4j.autograd.NoGrad;
import org.transfer4j.nn.Layer;
import org.transfer4j.nn.InferenceModel;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Weight;
import org.transfer4j.nn.layers.BaseDropout;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.tensor.Device;
import org.transfer4j.tensor.Shape;
import org.transfer4j.tensor.Tensor;
import org.transfer4j.tensor.TensorScope;

/**
 * Feature caching for feature extraction: runs a frozen base (the extractor) once over every sample of a
 * dataset and returns a {@link Dataset} of its outputs, on which the head trains; later epochs cost only the
 * head. The cached dataset has the source's labels and class names, one row per readable sample, and the
 * {@link Dataset} order contract ({@link EpochOrder#permutation EpochOrder.permutation(size, seed)} when
 * shuffled), so with no skipped sample it visits the features in the order the images would be visited, and
 * a head trained on it ends with the weights the whole model's head would have (up to float rounding).
 *
 * <pre>
 * Model base = model.cutAt("global_average_pooling2d");     // frozen: base.setTrainable(false)
 * try (FeatureCache.Result t = FeatureCache.compute(base, train, 32, FeatureCache.Storage.auto(dir));
 *      FeatureCache.Result v = FeatureCache.compute(base, val, 32, FeatureCache.Storage.auto(dir))) {
 *     trainer.fit(head, t.dataset(), v.dataset(), 10);   // head: Input.of(t.featureShape()) -> the head's layers
 * }
 * </pre>
 *
 * <p>Caching is exact only when the extractor computes, inside a training-mode call of the whole model,
 * what it computes in inference, and when a sample's input is the same every epoch; {@link #reasonNotCacheable}
 * checks both. A custom layer whose training-mode output differs from its inference output (random noise
 * layers) is not known to that check: do not cache through one.
 */
public final class FeatureCache {
    private FeatureCache() {
    }

    /** Where the features are kept: {@link #memory()}, {@link #disk(Path)} or {@link #auto(long, Path)}. */
    public static final class Storage {
        private final long maxMemoryBytes;
        private final Path dir;

        private Storage(long maxMemoryBytes, Path dir) {
            this.maxMemoryBytes = maxMemoryBytes;
            this.dir = dir;
        }

        /**
         * One tensor {@code (N, ...features)} on the device the extractor computed on: on a GPU the features stay
         * in its memory, so each batch of the head's epochs is a gather there, with nothing uploaded. Features are
         * small next to images (MobileNet's pooled 1024 floats per sample against 150528 for a 224x224 image).
         */
        public static Storage memory() {
            return new Storage(Long.MAX_VALUE, null);
        }

        /**
         * A memory-mapped float32 file in {@code dir} on the host, deleted when the {@link Result} is closed; each
         * batch's rows are read from it and uploaded to the extractor's device.
         */
        public static Storage disk(Path dir) {
            return new Storage(-1, Objects.requireNonNull(dir, "dir"));
        }

        /** In memory up to {@code maxMemoryBytes} of features ({@code N * featureSize * 4}), else on disk in {@code dir}. */
        public static Storage auto(long maxMemoryBytes, Path dir) {
            if (maxMemoryBytes < 0) {
                throw new IllegalArgumentException("FeatureCache.Storage: maxMemoryBytes must be >= 0, got " + maxMemoryBytes);
            }
            return new Storage(maxMemoryBytes, Objects.requireNonNull(dir, "dir"));
        }

        /**
         * {@link #auto(long, Path)} with a quarter of the maximum heap as the limit. The limit counts bytes wherever
         * the features live: for an extractor on a GPU, pass one that fits the GPU's free memory instead.
         */
        public static Storage auto(Path dir) {
            return auto(Runtime.getRuntime().maxMemory() / 4, dir);
        }

        /** Whether {@code bytes} of features go to disk; one tensor holds at most 2^31 - 1 floats. */
        boolean onDisk(long bytes) {
            return bytes > maxMemoryBytes || (dir != null && bytes / Float.BYTES > Integer.MAX_VALUE);
        }

        @Override
        public String toString() {
            return maxMemoryBytes == Long.MAX_VALUE ? "memory" : maxMemoryBytes < 0 ? "disk(" + dir + ")"
                    : "auto(" + maxMemoryBytes + " bytes, " + dir + ")";
        }
    }

    /**
     * The cached features as a {@link Dataset}, and what it cost. Close it to free the tensor or delete the
     * file; the dataset cannot be used afterwards.
     */
    public static final class Result implements AutoCloseable {
        private final Dataset dataset;
        private final Tensor features; // memory storage, else null
        private final FeatureCacheFile file; // disk storage, else null
        private final int[] sourceIndices;
        private final int[] featureShape;
        private final int skipped;
        private final double seconds;

        Result(Dataset dataset, Tensor features, FeatureCacheFile file, int[] sourceIndices, int[] featureShape,
               int skipped, double seconds) {
            this.dataset = dataset;
            this.features = features;
            this.file = file;
            this.sourceIndices = sourceIndices;
            this.featureShape = featureShape;
            this.skipped = skipped;
            this.seconds = seconds;
        }

        /** The features {@code x (N', ...featureShape)} with their labels: N' = source size - {@link #skipped()}. */
        public Dataset dataset() {
            return dataset;
        }

        /** The wall-clock seconds the extraction took (decoding the source included). */
        public double seconds() {
            return seconds;
        }

        /** The bytes the cached features take: {@code N' * featureSize * 4}. */
        public long bytes() {
            return (long) sourceIndices.length * Shape.numel(featureShape) * Float.BYTES;
        }

        /** Source samples that could not be read, so have no row in the cache. */
        public int skipped() {
            return skipped;
        }

        /** The shape of one sample's features, batch axis excluded. */
        public int[] featureShape() {
            return featureShape.clone();
        }

        /**
         * The source dataset's index of each cached sample: row {@code i} of the cache (a {@code Batch.indices}
         * entry of its batches) is sample {@code sourceIndices()[i]} of the source.
         */
        public int[] sourceIndices() {
            return sourceIndices.clone();
        }

        /** The file holding the features with disk storage, else empty. */
        public Optional<Path> file() {
            return file == null ? Optional.empty() : Optional.of(file.path());
        }

        /** Frees the in-memory tensor, or unmaps and deletes the file. Idempotent. */
        @Override
        public void close() {
            if (features != null && !features.isClosed()) {
                features.close();
            }
            if (file != null) {
                file.close();
            }
        }
    }

    // ---- eligibility ----------------------------------------------------------------------------------

    /** Whether {@link #compute} accepts this extractor and dataset (see {@link #reasonNotCacheable}). */
    public static boolean canCache(Model extractor, Dataset data) {
        return reasonNotCacheable(extractor, data).isEmpty();
    }

    /**
     * Why the extractor's outputs on {@code data} cannot stand in for the base's outputs during training, or
     * empty when they can: a trainable weight (the features would change as it trains), an augmented dataset
     * (a sample's input changes each epoch), a frozen batch normalisation told to keep batch statistics
     * ({@code Model.trainBatchNormWhenFrozen}), or a dropout layer with a non-zero rate (freezing does not turn
     * dropout off in Keras, so the base drops in training and not in inference).
     */
    public static Optional<String> reasonNotCacheable(Model extractor, Dataset data) {
        List<Weight> trainable = extractor.weights().stream().filter(Weight::isTrainable).toList();
        if (!trainable.isEmpty()) {
            return Optional.of("the extractor '" + extractor.name() + "' has " + trainable.size()
                    + " trainable weights (first: " + trainable.getFirst().path() + "); freeze it first with setTrainable(false)");
        }
        if (data.augmented()) {
            return Optional.of("the dataset is augmented, so a sample's input changes every epoch; cache a dataset "
                    + "without augmentation or train without the cache");
        }
        for (Layer l : extractor.flattenedLayers()) {
            if (l instanceof BatchNormalization bn && bn.usesBatchStatistics(true)) {
                return Optional.of("layer " + bn.describe() + " normalises with batch statistics in training even "
                        + "though it is frozen (trainBatchNormWhenFrozen), so its training output is not its inference output");
            }
            if (l instanceof BaseDropout<?> drop && drop.rate() > 0f) {
                return Optional.of("layer " + drop.describe() + " drops with rate " + drop.rate() + " in training; "
                        + "freezing does not turn dropout off, so cached inference features would differ from the "
                        + "training-mode base outputs");
            }
        }
        return Optional.empty();
    }

    // ---- computing ------------------------------------------------------------------------------------

    /** {@link #compute(Model, Dataset, int, Storage)} in memory. */
    public static Result compute(Model extractor, Dataset data, int batchSize) {
        return compute(extractor, data, batchSize, Storage.memory());
    }

    /**
     * Runs {@code extractor} on every sample of {@code data}, in dataset order, batches of {@code batchSize}:
     * {@code x (B, ...) -> features (B, ...featureShape)}, kept as {@code storage} says.
     *
     * @throws IllegalArgumentException when the pair is not cacheable (the message says why, see
     *                                  {@link #reasonNotCacheable}), or the dataset gives no readable sample
     */
    public static Result compute(Model extractor, Dataset data, int batchSize, Storage storage) {
        Optional<String> reason = reasonNotCacheable(extractor, data);
        if (reason.isPresent()) {
            throw new IllegalArgumentException("FeatureCache: cannot cache '" + extractor.name() + "': " + reason.get());
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("FeatureCache: batch size must be at least 1, got " + batchSize);
        }
        int[] featureShape = extractor.output().shape();
        long rowFloats = Shape.numel(featureShape);
        int n = data.size();
        if (n == 0) {
            throw new IllegalArgumentException("FeatureCache: the dataset is empty");
        }
        boolean disk = storage.onDisk(n * rowFloats * Float.BYTES);
        if (!disk && n * rowFloats > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("FeatureCache: " + n + " samples of " + rowFloats + " features exceed "
                    + "one tensor (2^31 - 1 floats); use Storage.disk or Storage.auto");
        }
        long start = System.nanoTime();
        FeatureCacheFile file = disk ? FeatureCacheFile.create(storage.dir, n, (int) rowFloats) : null;
        Tensor features = null;
        Device device = null;
        int[] labels = new int[n];
        int[] sourceIndices = new int[n];
        int kept = 0;
        int skipped;
        // The weights do not change during the pass, so the fused inference graph (batch norms folded into their
        // convolutions' epilogues) computes it: the same values up to float rounding, fewer passes over memory.
        InferenceModel fused = InferenceModel.of(extractor);
        try (NoGrad ignored = NoGrad.enter(); BatchStream stream = data.batches(batchSize, false, 0L)) {
            while (stream.hasNext()) {
                try (TensorScope batchScope = TensorScope.open()) { // the batch and its features, freed batch by batch
                    Batch b = TensorScope.keepingOnly(stream::next, Batch::x); // not a batch made ahead
                    // predict is the inference call (fused). It equals what the frozen base computes inside a training-mode
                    // call of the whole model: with every weight frozen, BatchNormalization normalises with its
                    // moving statistics in training too (Keras semantics; reasonNotCacheable refuses one told to
                    // keep batch statistics), dropout with a non-zero rate is refused above, and every other layer
                    // computes the same function in both modes.
                    Tensor y = fused.predict(b.x().to(extractor.device()));
                    int[] expect = new int[featureShape.length + 1];
                    expect[0] = b.size();
                    System.arraycopy(featureShape, 0, expect, 1, featureShape.length);
                    if (!Arrays.equals(y.shape(), expect)) {
                        throw new IllegalStateException("FeatureCache: extractor '" + extractor.name() + "' gave "
                                + Arrays.toString(y.shape()) + " for a batch of " + b.size() + ", expected "
                                + Arrays.toString(expect));
                    }
                    if (disk) {
                        file.writeRows(kept, y.toArray());
                    } else {
                        if (features == null) {
                            expect[0] = n;
                            int[] shape = expect.clone();
                            Device on = y.device();
                            features = TensorScope.outside(() -> Tensor.zeros(on, shape)); // the cache's, kept
                        }
                        y.backend().copy(y, features.slice(0, kept, kept + b.size()));
                    }
                    System.arraycopy(b.labels(), 0, labels, kept, b.size());
                    System.arraycopy(b.indices(), 0, sourceIndices, kept, b.size());
                    kept += b.size();
                    device = y.device();
                }
            }
            skipped = stream.skipped();
            if (kept == 0) {
                throw new IllegalArgumentException("FeatureCache: the dataset gave no readable sample (size " + n
                        + ", skipped " + skipped + ")");
            }
        } catch (RuntimeException e) {
            if (file != null) {
                file.close();
            }
            if (features != null) {
                features.close();
            }
            throw e;
        }
        labels = Arrays.copyOf(labels, kept);
        sourceIndices = Arrays.copyOf(sourceIndices, kept);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (disk) {
            Dataset cached = new FeatureCacheDataset(file, featureShape, labels, data.classNames(), device);
            return new Result(cached, null, file, sourceIndices, featureShape, skipped, seconds);
        }
        // Rows of skipped samples were never written: keep only the first `kept` (a view of the same storage).
        Tensor x = kept == n ? features : features.slice(0, 0, kept);
        return new Result(new InMemoryDataset(x, labels, data.classNames()), features, null, sourceIndices,
                featureShape, skipped, seconds);
    }
}
