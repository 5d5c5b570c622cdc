package org.transfer4j.cuda.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.transfer4j.cuda.backend.GpuParity.cuda;
import static org.transfer4j.cuda.backend.GpuParity.gpu;
import static org.transfer4j.cuda.backend.ModelParity.assertCloseToScale;
import static org.transfer4j.cuda.backend.ModelParity.assertRelativelyClose;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transfer4j.cuda.GpuTest;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Sequential;
import org.transfer4j.nn.Weight;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.Conv2D;
import org.transfer4j.nn.layers.DepthwiseConv2D;
import org.transfer4j.nn.layers.ReLU;
import org.transfer4j.optim.Adam;
import org.transfer4j.optim.ParamGroups;
import org.transfer4j.optim.SGD;
import org.transfer4j.tensor.Device;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;
import org.transfer4j.train.Callback;
import org.transfer4j.train.Checkpoint;
import org.transfer4j.train.History;
import org.transfer4j.train.InMemoryDataset;
import org.transfer4j.train.MixUp;
import org.transfer4j.train.ModelCheckpoint;
import org.transfer4j.train.StopAfter;
import org.transfer4j.train.TrainFixtures;
import org.transfer4j.train.TransferModel;
import org.transfer4j.train.TransferTraining;

/**
 * A tiny transfer-learning run on the GPU against the same run on the CPU: a "pretrained" base (conv, BN, ReLU,
 * depthwise conv, BN, ReLU6) and a new head (dense 5, dropout 0.3, dense 3), 2 epochs of feature extraction on
 * cached features (Adam on the head), then 2 epochs of fine-tuning from {@code conv_dw_2} with mixup (SGD with
 * momentum), 16 training and 6 validation images of 8x8x3, batches of 4. The same run as core's
 * {@code DeviceTrainingTest} proves bit-identical on a fake device; on a real GPU the arithmetic differs (summation
 * order, cuDNN's algorithms), so it is compared within tolerances, fp32 (TF32 off):
 * every weight to 1e-3 of its scale ({@link ModelParity}), the losses of every epoch to 1e-3 relative, the
 * learning rates exactly, and the accuracies to one sample (a prediction whose top two logits are within rounding of
 * each other may go either way). Dropout masks and mixup draws are the same on both: core's counter-based
 * generator gives the same uniforms on the GPU ({@code random.cu}), and mixup draws on the host.
 *
 * <p>Then a checkpoint written on the GPU resumes on the CPU: the file holds the GPU's weights and optimizer state
 * bit for bit, they restore onto a CPU model bit for bit, and the resumed CPU run ends where the uninterrupted GPU
 * run ends, within the same tolerances.
 */
@GpuTest
class TransferWorkflowGpuTest {
    private static final InMemoryDataset TRAIN = TrainFixtures.rgbImages(16, 1);
    private static final InMemoryDataset VAL = TrainFixtures.rgbImages(6, 2);
    private static final double WEIGHTS = 1e-3;
    private static final double LOSSES = 1e-3;

    @TempDir
    Path dir;

    @BeforeEach
    void fp32Convolutions() {
        cuda().setTf32Convolutions(false);
    }

    @AfterEach
    void restoreTf32() {
        cuda().setTf32Convolutions(true);
    }

    /** The "pretrained" base (the same weights every time) and a head drawn from {@code headSeed}, on {@code device}. */
    private static TransferModel transferModel(Device device, long headSeed) {
        Generator.manualSeed(42);
        Model base = new Sequential("base", new int[] {8, 8, 3},
                new Conv2D(4, 3).named("conv1"), new BatchNormalization().named("conv1_bn"), new ReLU().named("conv1_relu"),
                new DepthwiseConv2D(3).padding("same").named("conv_dw_2"),
                new BatchNormalization().named("conv_dw_2_bn"), new ReLU().maxValue(6f).named("out_relu"));
        Generator.manualSeed(headSeed);
        TransferModel tm = TransferModel.on(base).classes(3).hiddenUnits(5).dropout(0.3).build();
        tm.model().to(device);
        return tm;
    }

    private static SGD fineTuningOptimizer(TransferModel tm) {
        return new SGD(ParamGroups.headAndBase(tm.model(), tm.features().name()), 0.05).momentum(0.9);
    }

    /** A run, its fine-tuning optimizer, and whether feature extraction trained on cached features. */
    private record Run(TransferModel model, TransferTraining training, SGD fineTuning, boolean cached) {
    }

    /** The two phases on {@code device}, from {@code checkpoint} when not null. */
    private static Run run(Device device, long headSeed, Checkpoint checkpoint, Callback... callbacks) {
        TransferModel tm = transferModel(device, headSeed);
        TransferTraining training = new TransferTraining(tm, TRAIN, VAL).batchSize(4).seed(3)
                .fineTuneMixup(new MixUp(0.4)).callbacks(callbacks);
        if (checkpoint != null) {
            training.resumeFrom(checkpoint);
        }
        training.featureExtraction(2, new Adam(ParamGroups.all(tm.head()), 0.01));
        boolean cached = training.lastPhase().cached();
        tm.unfreezeFrom("conv_dw_2");
        SGD sgd = fineTuningOptimizer(tm);
        training.fineTune(2, sgd);
        return new Run(tm, training, sgd, cached);
    }

    private static void assertCloseRuns(String what, Run expected, Run actual) {
        for (Weight w : expected.model().model().weights()) {
            assertCloseToScale(what + ": " + w.path(), w.value(), actual.model().model().weight(w.path()).value(), WEIGHTS);
        }
        History a = expected.training().history();
        History b = actual.training().history();
        assertEquals(4, a.epochs());
        assertEquals(a.epochs(), b.epochs(), what + ": epochs");
        assertEquals(a.phases(), b.phases(), what + ": phases");
        assertEquals(a.get("lr"), b.get("lr"), what + ": learning rates");
        for (String loss : List.of("loss", "val_loss")) {
            for (int e = 0; e < a.epochs(); e++) {
                assertRelativelyClose(what + ": " + loss + " of epoch " + (e + 1), a.get(loss).get(e), b.get(loss).get(e), LOSSES);
            }
        }
        // one sample of the epoch's training (16) or validation (6) images
        for (String accuracy : List.of("accuracy", "val_accuracy")) {
            double oneSample = accuracy.startsWith("val") ? 1.0 / 6 : 1.0 / 16;
            for (int e = 0; e < a.epochs(); e++) {
                double d = Math.abs(a.get(accuracy).get(e) - b.get(accuracy).get(e));
                if (d > oneSample + 1e-9) {
                    fail(what + ": " + accuracy + " of epoch " + (e + 1) + " differs by " + d + ", more than one sample");
                }
            }
        }
    }

    @Test
    void cachedFeatureExtractionThenFineTuningWithMixupOnTheGpuEqualsTheCpuRun() {
        Run cpu = run(Device.cpu(), 7, null);
        Run onGpu = run(gpu(), 7, null);
        assertTrue(cpu.cached() && onGpu.cached(), "feature extraction trained the head on cached features");
        for (Weight w : onGpu.model().model().weights()) {
            assertEquals(gpu(), w.value().device(), w.path() + " (moving statistics included) stays on the GPU");
        }
        assertCloseRuns("GPU run vs CPU run", cpu, onGpu);
        assertNotEquals(cpu.training().history().get("loss").get(0), cpu.training().history().get("loss").get(3),
                "the run should move");
    }

    @Test
    void checkpointWrittenOnTheGpuResumesOnTheCpu() throws Exception {
        Run straight = run(gpu(), 7, null);
        Path file = dir.resolve("gpu.ckpt");
        Run stopped = run(gpu(), 7, null, new ModelCheckpoint(file), new StopAfter(3));   // in fine-tuning
        Checkpoint checkpoint = Checkpoint.read(file);
        assertEquals(3, checkpoint.epoch());
        assertEquals(3, stopped.training().history().epochs());

        // the file holds what the GPU had, bit for bit
        Model gpuModel = stopped.model().model();
        for (Weight w : gpuModel.weights()) {
            assertArrayEquals(w.value().toArray(), checkpoint.weights().get(w.path()).toArray(), 0f, w.path() + " in the file");
        }

        // ... and it restores onto a fresh CPU model (another head seed) and optimizer, bit for bit
        TransferModel fresh = transferModel(Device.cpu(), 999);
        fresh.unfreezeFrom("conv_dw_2");
        SGD sgd = fineTuningOptimizer(fresh);
        checkpoint.restore(fresh.model(), sgd);
        for (Weight w : gpuModel.weights()) {
            Weight restored = fresh.model().weight(w.path());
            assertEquals(Device.cpu(), restored.value().device());
            assertArrayEquals(w.value().toArray(), restored.value().toArray(), 0f, w.path() + " restored on the CPU");
        }
        Map<String, Tensor> gpuState = stopped.fineTuning().stateDict();
        Map<String, Tensor> cpuState = sgd.stateDict();
        assertEquals(gpuState.keySet(), cpuState.keySet());
        assertFalse(gpuState.isEmpty(), "SGD with momentum has a velocity per weight");
        gpuState.forEach((k, v) -> assertArrayEquals(v.toArray(), cpuState.get(k).toArray(), 0f, "optimizer state " + k));

        // ... and the run resumed on the CPU keeps the GPU's first 3 epochs and ends where the straight GPU run ends
        Run resumed = run(Device.cpu(), 999, Checkpoint.read(file));
        for (Weight w : resumed.model().model().weights()) {
            assertEquals(Device.cpu(), w.value().device(), w.path() + " is on the CPU");
        }
        History gpuHistory = stopped.training().history();
        for (String name : List.of("loss", "accuracy", "val_loss", "val_accuracy", "lr")) {
            assertEquals(gpuHistory.get(name), resumed.training().history().get(name).subList(0, 3), name + " of epochs 1-3");
        }
        assertCloseRuns("resumed on the CPU vs straight on the GPU", straight, resumed);
    }
}
