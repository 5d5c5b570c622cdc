package org.transfer4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transfer4j.backend.FakeDevice;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Sequential;
import org.transfer4j.nn.Weight;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.Conv2D;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.nn.layers.DepthwiseConv2D;
import org.transfer4j.nn.layers.Dropout;
import org.transfer4j.nn.layers.GlobalAveragePooling2D;
import org.transfer4j.nn.layers.MaxPooling2D;
import org.transfer4j.nn.layers.ReLU;
import org.transfer4j.optim.Adam;
import org.transfer4j.optim.Optimizer;
import org.transfer4j.optim.ParamGroups;
import org.transfer4j.optim.SGD;
import org.transfer4j.tensor.Device;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/**
 * Training, evaluation and prediction on another device than the CPU, with {@link FakeDevice} standing in for a
 * GPU: it computes with the CPU backend, so a run there must end bit for bit where the same run on the CPU ends,
 * and it refuses any CPU tensor, so the run proves that nothing mixed devices on the way. The datasets stay on
 * the host, as image folders do; the trainer moves each batch.
 */
class DeviceTrainingTest {
    private static final InMemoryDataset TRAIN = TrainFixtures.rgbImages(16, 1);
    private static final InMemoryDataset VAL = TrainFixtures.rgbImages(6, 2);

    @TempDir
    Path dir;

    private final FakeDevice fake = FakeDevice.create(7);

    /**
     * {@code (N,8,8,3) -> (N,3)}: convolution, batch norm, ReLU6, depthwise convolution, max pooling, global
     * pooling, dropout (its own seed and the default generator's), dense. The same weights on every build.
     */
    private static Model cnn() {
        Generator.manualSeed(11);
        return new Sequential("cnn", new int[] {8, 8, 3},
                new Conv2D(4, 3).padding("same").named("conv"),
                new BatchNormalization().named("conv_bn"),
                new ReLU().maxValue(6f).named("conv_relu"),
                new DepthwiseConv2D(3).padding("same").named("dw"),
                new BatchNormalization().named("dw_bn"),
                new ReLU().named("dw_relu"),
                new MaxPooling2D(2).named("pool"),
                new Dropout(0.25f).seed(3).named("drop_seeded"),
                new GlobalAveragePooling2D().named("gap"),
                new Dropout(0.2f).named("drop_default"),
                new Dense(3).named("head"));
    }

    /** A model trained for 2 epochs with {@code optimizer}, on {@code device}. */
    private record Run(Model model, Trainer trainer, History history) {
    }

    private static Run train(Device device, Function<Model, Optimizer> optimizer, MixUp mixup) {
        Model model = cnn().to(device);
        Trainer trainer = new Trainer(optimizer.apply(model)).batchSize(4).seed(5).mixup(mixup);
        return new Run(model, trainer, trainer.fit(model, TRAIN, VAL, 2));
    }

    private static void assertSameWeights(Model expected, Model actual) {
        for (Weight w : expected.weights()) {
            assertArrayEquals(TrainFixtures.values(w), TrainFixtures.values(actual.weight(w.path())), 0f,
                    w.path() + " differs between the devices");
        }
    }

    private static void assertSameHistory(History expected, History actual) {
        for (String name : List.of("loss", "accuracy", "val_loss", "val_accuracy", "lr")) {
            assertEquals(expected.get(name), actual.get(name), name);
        }
    }

    @Test
    void trainingStepsAndPredictionsLeaveNoIntermediateOnTheDevice() {
        Model model = cnn().to(fake.device());
        Trainer trainer = new Trainer(new Adam(ParamGroups.all(model), 0.01)).batchSize(4).seed(5);
        trainer.fit(model, TRAIN, null, 1); // 4 steps: the optimizer's slots and the weights' gradients now exist
        long afterOneEpoch = fake.liveStorages();
        trainer.fit(model, TRAIN, null, 2); // 8 more steps
        assertEquals(afterOneEpoch, fake.liveStorages(),
                "each step must free what it made (activations, the tape, the batch's copy): nothing may pile up");
        // weights + moving statistics, 2 Adam slots and a gradient per trainable weight, the layers' constants
        long trainable = model.weights().stream().filter(Weight::isTrainable).count();
        long bound = model.weights().size() + 3 * trainable + 8;
        assertTrue(afterOneEpoch <= bound, afterOneEpoch + " storages live after training, expected at most " + bound);

        Tensor x = TRAIN.x().slice(0, 0, 4).to(fake.device());
        long beforePredict = fake.liveStorages();
        Tensor y = model.predict(x);
        assertEquals(beforePredict + 1, fake.liveStorages(), "predict keeps its output only");
        assertEquals(4, y.shape(0));
    }

    @Test
    void epochsOnCachedFeaturesFreeTheirBatchesAndEvaluationsTheirs() {
        // the frozen-base workload: a head trained on features in device memory, one gather per batch (on the GPU
        // these batches were left to the garbage collector: 6.5 MB an epoch for 1280 MobileNetV2 features)
        Generator.manualSeed(2);
        Model head = new Sequential("head", new int[] {6}, new BatchNormalization(), new Dropout(0.2f), new Dense(3))
                .to(fake.device());
        Tensor features = Tensor.randn(new Generator(4), 40, 6).to(fake.device());
        int[] labels = IntStream.range(0, 40).map(i -> i % 3).toArray();
        InMemoryDataset cached = new InMemoryDataset(features, labels, List.of("a", "b", "c"));
        Trainer trainer = new Trainer(new Adam(ParamGroups.all(head), 0.01)).batchSize(8).seed(1);
        trainer.fit(head, cached, cached, 1);
        long afterOne = fake.liveStorages();
        trainer.fit(head, cached, cached, 4);
        trainer.evaluate(head, cached);
        trainer.predict(head, cached);
        assertEquals(afterOne, fake.liveStorages(), "batches, validation batches and their outputs are all freed");
    }

    @Test
    void cnnTrainedOnAnotherDeviceEndsBitIdenticalToTheCpu() {
        Function<Model, Optimizer> adam = m -> new Adam(ParamGroups.all(m), 0.01);
        Run cpu = train(Device.cpu(), adam, null);
        Run other = train(fake.device(), adam, null);

        for (Weight w : other.model().weights()) {
            assertEquals(fake.device(), w.value().device(), w.path() + " (moving statistics included) stays on the device");
        }
        assertSameWeights(cpu.model(), other.model());
        assertSameHistory(cpu.history(), other.history());
        Map<String, Tensor> a = cpu.trainer().optimizer().stateDict();
        Map<String, Tensor> b = other.trainer().optimizer().stateDict();
        assertEquals(a.keySet(), b.keySet());
        a.forEach((k, v) -> assertArrayEquals(v.toArray(), b.get(k).toArray(), 0f, "optimizer state " + k));
        assertNotEquals(cnn().weight("conv_bn/moving_mean").value().toArray()[0],
                cpu.model().weight("conv_bn/moving_mean").value().toArray()[0], "the statistics should move");
    }

    @Test
    void evaluationAndPredictionOnAnotherDeviceEqualTheCpus() {
        Model cpu = cnn();
        Model other = cnn().to(fake.device());
        Evaluation e = Trainer.evaluate(cpu, VAL, 4, null);
        Evaluation f = Trainer.evaluate(other, VAL, 4, null);
        assertEquals(e.loss(), f.loss());
        assertEquals(e.accuracy(), f.accuracy());
        assertArrayEquals(e.confusion().matrix(), f.confusion().matrix());

        Trainer trainer = new Trainer(new SGD(ParamGroups.all(cpu), 0.1)).batchSize(4);
        Tensor p = trainer.predict(cpu, VAL);
        Tensor q = trainer.predict(other, VAL);
        assertEquals(Device.cpu(), q.device(), "predict returns its rows on the host");
        assertArrayEquals(p.shape(), q.shape());
        assertArrayEquals(p.toArray(), q.toArray(), 0f);
    }

    @Test
    void mixupWithMomentumTrainsOnAnotherDeviceAsOnTheCpu() {
        Function<Model, Optimizer> sgd = m -> new SGD(ParamGroups.all(m), 0.05).momentum(0.9).nesterov(true);
        Run cpu = train(Device.cpu(), sgd, new MixUp(0.4));
        Run other = train(fake.device(), sgd, new MixUp(0.4));
        assertSameWeights(cpu.model(), other.model());
        assertSameHistory(cpu.history(), other.history());
    }

    @Test
    void aTrainingStepCrossesToTheHostAFixedFewTimesNotOncePerLayer() {
        Model model = cnn().to(fake.device());
        Trainer trainer = new Trainer(new Adam(ParamGroups.all(model), 0.01)).batchSize(4).seed(5);
        long up = fake.uploads();
        long down = fake.downloads();
        trainer.fit(model, TRAIN, null, 1); // 4 steps, no validation
        // Per step: up, the batch's x and the one-hot targets; down, one read of the loss, the count of non-finite
        // gradient elements (one for all 12 weights) and the scores for the accuracy together. The model has 11
        // layers.
        assertEquals(4 * 2, fake.uploads() - up, "uploads in 4 steps");
        assertEquals(4, fake.downloads() - down, "downloads in 4 steps");
    }

    @Test
    void checkpointWrittenOnTheDeviceResumesOnTheCpuExactlyAndTheOtherWayRound() throws Exception {
        Function<Model, Optimizer> adam = m -> new Adam(ParamGroups.all(m), 0.01);
        Generator.manualSeed(0);
        Model straight = cnn();
        Trainer t = new Trainer(adam.apply(straight)).batchSize(4).seed(5);
        History full = t.fit(straight, TRAIN, VAL, 3);

        for (Device[] pair : new Device[][] {{fake.device(), Device.cpu()}, {Device.cpu(), fake.device()}}) {
            Path file = dir.resolve("run-" + pair[0] + ".ckpt");
            Model first = cnn().to(pair[0]);
            new Trainer(adam.apply(first)).batchSize(4).seed(5)
                    .fit(first, TRAIN, VAL, 3, new ModelCheckpoint(file), new StopAfter(2));

            Model resumed = cnn().to(pair[1]);
            Trainer t3 = new Trainer(adam.apply(resumed)).batchSize(4).seed(5);
            Checkpoint checkpoint = Checkpoint.read(file);
            assertEquals(2, checkpoint.epoch());
            History h = t3.resume(resumed, TRAIN, VAL, checkpoint);

            String run = "written on " + pair[0] + ", resumed on " + pair[1];
            for (Weight w : resumed.weights()) {
                assertEquals(pair[1], w.value().device(), run + ": " + w.path() + " restored onto the model's device");
            }
            assertSameWeights(straight, resumed);
            assertSameHistory(full, h);
            Map<String, Tensor> a = t.optimizer().stateDict();
            Map<String, Tensor> b = t3.optimizer().stateDict();
            a.forEach((k, v) -> assertArrayEquals(v.toArray(), b.get(k).toArray(), 0f, run + ": optimizer state " + k));
        }
    }

    @Test
    void cachedFeatureExtractionThenFineTuningOnTheDeviceEqualsTheCpuRun() {
        TransferRun cpu = transferRun(Device.cpu());
        TransferRun other = transferRun(fake.device());
        assertTrue(other.cached(), "feature extraction trained on cached features");
        assertSameWeights(cpu.model(), other.model());
        assertSameHistory(cpu.history(), other.history());
    }

    @Test
    void featuresCachedOnDiskFromTheDeviceComeBackToItAsTheCpuComputedThem() {
        Model cpu = cnn().cutAt("pool");
        Model other = cnn().to(fake.device()).cutAt("pool");
        cpu.setTrainable(false);
        other.setTrainable(false);
        FeatureCache.Storage disk = FeatureCache.Storage.disk(dir);
        try (FeatureCache.Result a = FeatureCache.compute(cpu, TRAIN, 4, disk);
             FeatureCache.Result b = FeatureCache.compute(other, TRAIN, 4, disk);
             FeatureCache.Result c = FeatureCache.compute(other, TRAIN, 4, FeatureCache.Storage.memory());
             BatchStream sa = a.dataset().batches(5, true, 9);
             BatchStream sb = b.dataset().batches(5, true, 9);
             BatchStream sc = c.dataset().batches(5, true, 9)) {
            while (sa.hasNext()) {
                Batch x = sa.next();
                Batch y = sb.next();
                Batch z = sc.next();
                assertEquals(fake.device(), y.x().device(), "disk rows are uploaded to the extractor's device");
                assertEquals(fake.device(), z.x().device(), "in memory, the features stay on the extractor's device");
                assertArrayEquals(x.x().toArray(), y.x().toArray(), 0f);
                assertArrayEquals(x.x().toArray(), z.x().toArray(), 0f);
            }
        }
    }

    @Test
    void learningRateRangeTestOfTheHeadRunsOnTheDeviceAsOnTheCpu() {
        double[] cpu = headLrFind(Device.cpu());
        double[] other = headLrFind(fake.device());
        assertArrayEquals(cpu, other, 0.0);
    }

    private double[] headLrFind(Device device) {
        TransferModel tm = transferModel(device);
        TransferTraining training = new TransferTraining(tm, TRAIN, VAL).batchSize(4).seed(3);
        return training.findHeadLearningRate(new Adam(ParamGroups.all(tm.head()), 1e-3), 1e-4, 1, 6).losses();
    }

    private record TransferRun(Model model, History history, boolean cached) {
    }

    /** A frozen "pretrained" base and a new head: 2 epochs on cached features, then 2 of fine-tuning with mixup. */
    private TransferRun transferRun(Device device) {
        TransferModel tm = transferModel(device);
        TransferTraining training = new TransferTraining(tm, TRAIN, VAL).batchSize(4).seed(3)
                .fineTuneMixup(new MixUp(0.4));
        training.featureExtraction(2, new Adam(ParamGroups.all(tm.head()), 0.01));
        boolean cached = training.lastPhase().cached();
        tm.unfreezeFrom("conv_dw_2");
        training.fineTune(2, new SGD(ParamGroups.headAndBase(tm.model(), tm.features().name()), 0.05).momentum(0.9));
        return new TransferRun(tm.model(), training.history(), cached);
    }

    /** A "pretrained" base (conv, BN, ReLU, depthwise conv, BN, ReLU6) and a new head, moved to {@code device}. */
    private static TransferModel transferModel(Device device) {
        Generator.manualSeed(42);
        Model base = new Sequential("base", new int[] {8, 8, 3},
                new Conv2D(4, 3).named("conv1"), new BatchNormalization().named("conv1_bn"), new ReLU().named("conv1_relu"),
                new DepthwiseConv2D(3).padding("same").named("conv_dw_2"),
                new BatchNormalization().named("conv_dw_2_bn"), new ReLU().maxValue(6f).named("out_relu"));
        Generator.manualSeed(7);
        TransferModel tm = TransferModel.on(base).classes(3).hiddenUnits(5).dropout(0.3).build();
        tm.model().to(device);
        return tm;
    }
}
