package org.transfer4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transfer4j.autograd.NoGrad;
import org.transfer4j.nn.Input;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.SymbolicTensor;
import org.transfer4j.nn.Weight;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.Conv2D;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.nn.layers.Dropout;
import org.transfer4j.nn.layers.GlobalAveragePooling2D;
import org.transfer4j.nn.layers.ReLU;
import org.transfer4j.ops.Gather;
import org.transfer4j.optim.Adam;
import org.transfer4j.optim.ParamGroups;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

class FeatureCacheTest {
    @TempDir
    Path dir;

    /**
     * {@code (N,6,6,2) -> (N,3)}: a frozen base conv -> BN (non-trivial moving statistics) -> ReLU -> GAP
     * giving 4 features, then a trainable head dropout(0.3, default generator) -> dense. Named layers, so
     * weight paths match between builds.
     */
    private static Model fullModel() {
        SymbolicTensor in = Input.of(6, 6, 2);
        SymbolicTensor x = new Conv2D(4, 3).padding("same").named("conv").apply(in);
        x = new BatchNormalization().named("bn").apply(x);
        x = new ReLU().named("relu").apply(x);
        x = new GlobalAveragePooling2D().named("pool").apply(x);
        x = new Dropout(0.3f).named("drop").apply(x);
        Model m = Model.of(in, new Dense(3).named("head").apply(x));
        // Moving statistics far from a batch's own, so a BN that wrongly used batch statistics shows.
        m.weight("bn/moving_mean").assign(new float[] {0.3f, -0.2f, 0.5f, 0.1f});
        m.weight("bn/moving_variance").assign(new float[] {2f, 0.5f, 1.5f, 3f});
        m.weight("bn/gamma").assign(new float[] {1.5f, 0.7f, 1f, 2f});
        m.weight("bn/beta").assign(new float[] {0.1f, -0.3f, 0.2f, 0f});
        m.layer("conv").setTrainable(false);
        m.layer("bn").setTrainable(false);
        return m;
    }

    /** The head alone on the 4 cached features: the same layers' structure and names. */
    private static Model headModel() {
        SymbolicTensor in = Input.of(4);
        return Model.of(in, new Dense(3).named("head").apply(new Dropout(0.3f).named("drop").apply(in)));
    }

    private static void copyWeights(Model from, Model to) {
        for (Weight w : to.weights()) {
            w.assign(from.weight(w.path()).value());
        }
    }

    @Test
    void headTrainedOnCachedFeaturesEqualsTheHeadTrainedThroughTheFrozenBase() {
        InMemoryDataset train = TrainFixtures.images(13, 1); // 13 samples, batches of 5: a short last batch
        InMemoryDataset val = TrainFixtures.images(7, 2);
        Model reference = fullModel();
        Model twin = fullModel();
        copyWeights(reference, twin);
        Model head = headModel();
        copyWeights(reference, head);

        // Uncached: the whole model, base frozen. The head's dropout draws from the default generator, reset
        // before each run: the base draws nothing, so both runs draw the same masks, batch for batch.
        Generator.manualSeed(11);
        History uncached = new Trainer(new Adam(ParamGroups.all(reference), 0.05)).batchSize(5).seed(3)
                .fit(reference, train, val, 3);

        Model base = twin.cutAt("pool");
        try (FeatureCache.Result trainCache = FeatureCache.compute(base, train, 4);
             FeatureCache.Result valCache = FeatureCache.compute(base, val, 4)) {
            assertEquals(13, trainCache.dataset().size());
            assertArrayEquals(new int[] {4}, trainCache.featureShape());
            assertEquals(13L * 4 * Float.BYTES, trainCache.bytes());
            Generator.manualSeed(11);
            History cached = new Trainer(new Adam(ParamGroups.all(head), 0.05)).batchSize(5).seed(3)
                    .fit(head, trainCache.dataset(), valCache.dataset(), 3);

            // Tolerance 1e-5: the cached features are computed in batches of 4 in dataset order, the uncached
            // ones in shuffled batches of 5; a kernel may sum in another order for another batch size, so the
            // features, and everything after them, may differ in the last float bits (on the CPU backend they
            // are bit-identical today; a GPU kernel or a retuned GEMM may not be).
            for (String metric : List.of("loss", "accuracy", "val_loss", "val_accuracy")) {
                List<Double> expected = uncached.get(metric);
                List<Double> actual = cached.get(metric);
                for (int e = 0; e < 3; e++) {
                    assertEquals(expected.get(e), actual.get(e), 1e-5, metric + " of epoch " + (e + 1));
                }
            }
            for (String path : List.of("head/kernel", "head/bias")) {
                assertArrayEquals(reference.weight(path).value().toArray(), head.weight(path).value().toArray(), 1e-5f, path);
            }
            // The head did train: it left its initial weights.
            assertFalse(Arrays.equals(twin.weight("head/kernel").value().toArray(),
                    head.weight("head/kernel").value().toArray()));
        }
    }

    @Test
    void diskStorageGivesTheBatchesOfMemoryStorageAndDeletesItsFileOnClose() throws IOException {
        InMemoryDataset data = TrainFixtures.images(11, 5);
        Model base = fullModel().cutAt("pool");
        Path cacheDir = dir.resolve("cache");
        FeatureCache.Result disk = FeatureCache.compute(base, data, 3, FeatureCache.Storage.disk(cacheDir));
        try (FeatureCache.Result memory = FeatureCache.compute(base, data, 3, FeatureCache.Storage.memory())) {
            Path file = disk.file().orElseThrow();
            assertTrue(Files.exists(file));
            assertEquals(11L * 4 * Float.BYTES, Files.size(file));
            assertTrue(memory.file().isEmpty());
            for (boolean shuffle : new boolean[] {false, true}) {
                List<Batch> fromDisk = drain(disk.dataset().batches(4, shuffle, 9));
                List<Batch> fromMemory = drain(memory.dataset().batches(4, shuffle, 9));
                assertEquals(3, fromDisk.size());
                for (int i = 0; i < fromDisk.size(); i++) {
                    Batch d = fromDisk.get(i);
                    Batch m = fromMemory.get(i);
                    assertArrayEquals(m.x().shape(), d.x().shape());
                    assertArrayEquals(m.x().toArray(), d.x().toArray(), 0f);
                    assertArrayEquals(m.labels(), d.labels());
                    assertArrayEquals(m.indices(), d.indices());
                }
            }
            disk.close();
            assertFalse(Files.exists(file));
            try (Stream<Path> left = Files.list(cacheDir)) {
                assertEquals(0, left.count());
            }
            assertThrows(IllegalStateException.class, () -> disk.dataset().batches(4, false, 0).next());
            disk.close(); // idempotent
        }
    }

    @Test
    void autoStorageGoesToDiskOnlyAboveItsLimit() {
        InMemoryDataset data = TrainFixtures.images(5, 5);
        Model base = fullModel().cutAt("pool");
        long bytes = 5L * 4 * Float.BYTES;
        try (FeatureCache.Result small = FeatureCache.compute(base, data, 2, FeatureCache.Storage.auto(bytes, dir));
             FeatureCache.Result large = FeatureCache.compute(base, data, 2, FeatureCache.Storage.auto(bytes - 1, dir))) {
            assertTrue(small.file().isEmpty(), "exactly at the limit stays in memory");
            assertTrue(large.file().isPresent(), "one byte over the limit goes to disk");
        }
    }

    @Test
    void shuffledCachedEpochsFollowTheSharedEpochOrder() {
        InMemoryDataset data = TrainFixtures.images(9, 5);
        try (FeatureCache.Result r = FeatureCache.compute(fullModel().cutAt("pool"), data, 4,
                FeatureCache.Storage.disk(dir))) {
            int[] expected = EpochOrder.permutation(9, 77);
            int[] seen = drain(r.dataset().batches(9, true, 77)).getFirst().indices();
            assertArrayEquals(expected, seen);
        }
    }

    @Test
    void refusesATrainableExtractorNamingTheWeight() {
        Model model = fullModel();
        model.layer("conv").setTrainable(true);
        Model base = model.cutAt("pool");
        InMemoryDataset data = TrainFixtures.images(4, 1);
        assertFalse(FeatureCache.canCache(base, data));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FeatureCache.compute(base, data, 2));
        assertTrue(e.getMessage().contains("trainable") && e.getMessage().contains("conv/kernel"), e.getMessage());
        model.layer("conv").setTrainable(false);
        assertTrue(FeatureCache.canCache(base, data));
    }

    @Test
    void refusesAnAugmentedDataset() {
        Dataset augmented = new DelegatingDataset(TrainFixtures.images(4, 1), -1, true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FeatureCache.compute(fullModel().cutAt("pool"), augmented, 2));
        assertTrue(e.getMessage().contains("augmented"), e.getMessage());
    }

    @Test
    void refusesABaseWithDropoutOrBatchNormKeepingBatchStatistics() {
        InMemoryDataset data = TrainFixtures.images(4, 1);
        Model withDropout = fullModel().cutAt("drop"); // the head's dropout, inside the extractor
        String reason = FeatureCache.reasonNotCacheable(withDropout, data).orElseThrow();
        assertTrue(reason.contains("drop (Dropout)") && reason.contains("0.3"), reason);

        Model model = fullModel();
        model.trainBatchNormWhenFrozen(true);
        reason = FeatureCache.reasonNotCacheable(model.cutAt("pool"), data).orElseThrow();
        assertTrue(reason.contains("bn (BatchNormalization)"), reason);

        SymbolicTensor in = Input.of(4);
        Model noOpDropout = Model.of(in, new Dropout(0f).named("off").apply(in));
        assertTrue(FeatureCache.canCache(noOpDropout, data),
                "a dropout of rate 0 is the identity in both modes");
    }

    @Test
    void skippedSamplesAreLeftOutAndCounted() {
        InMemoryDataset source = TrainFixtures.images(7, 4);
        Dataset skipping = new DelegatingDataset(source, 3, false);
        Model base = fullModel().cutAt("pool");
        for (FeatureCache.Storage storage : List.of(FeatureCache.Storage.memory(), FeatureCache.Storage.disk(dir))) {
            try (FeatureCache.Result r = FeatureCache.compute(base, skipping, 2, storage)) {
                assertEquals(1, r.skipped(), storage.toString());
                assertEquals(6, r.dataset().size());
                int[] kept = {0, 1, 2, 4, 5, 6};
                assertArrayEquals(kept, r.sourceIndices());
                Batch all = drain(r.dataset().batches(6, false, 0)).getFirst();
                assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, all.indices(), "indices are cache positions");
                int[] labels = new int[6];
                for (int i = 0; i < 6; i++) {
                    labels[i] = source.label(kept[i]);
                    assertEquals(labels[i], r.dataset().label(i));
                }
                assertArrayEquals(labels, all.labels());
                Tensor expected;
                try (NoGrad ignored = NoGrad.enter()) {
                    expected = base.predict(Gather.gather(source.x(), 0, kept));
                }
                assertArrayEquals(expected.toArray(), all.x().toArray(), 1e-6f);
                assertEquals(source.classNames(), r.dataset().classNames());
            }
        }
    }

    @Test
    void aDatasetWithNoReadableSampleIsAnError() {
        InMemoryDataset one = TrainFixtures.images(1, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FeatureCache.compute(fullModel().cutAt("pool"), new DelegatingDataset(one, 0, false), 2,
                        FeatureCache.Storage.disk(dir)));
        assertTrue(e.getMessage().contains("no readable sample"), e.getMessage());
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(0, left.count(), "the feature file of a failed extraction is deleted");
        } catch (IOException io) {
            throw new AssertionError(io);
        }
    }

    private static List<Batch> drain(BatchStream stream) {
        List<Batch> out = new ArrayList<>();
        try (stream) {
            stream.forEachRemaining(out::add);
        }
        return out;
    }
}
