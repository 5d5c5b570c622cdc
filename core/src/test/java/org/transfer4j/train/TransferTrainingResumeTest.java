package org.transfer4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Sequential;
import org.transfer4j.nn.Weight;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.Conv2D;
import org.transfer4j.nn.layers.ReLU;
import org.transfer4j.optim.Adam;
import org.transfer4j.optim.ParamGroups;
import org.transfer4j.optim.SGD;
import org.transfer4j.optim.schedules.StepDecay;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/**
 * A two-phase transfer run (3 epochs of feature extraction on cached features, 2 of fine-tuning with mixup,
 * a momentum and a step schedule), stopped after some epoch and resumed from its checkpoint by a fresh
 * "process" (a fresh head drawn from another seed, fresh optimizers), ends bit for bit where the
 * uninterrupted run ends: every weight of the whole model and the history.
 */
class TransferTrainingResumeTest {
    private static final InMemoryDataset TRAIN = TrainFixtures.rgbImages(24, 1);
    private static final InMemoryDataset VAL = TrainFixtures.rgbImages(9, 2);

    @TempDir
    Path dir;

    /** The "pretrained" base: the same weights in every process, as a base loaded from a file has. */
    private static Model base() {
        Generator.manualSeed(42);
        return new Sequential("base", new int[] {8, 8, 3},
                new Conv2D(4, 3).named("conv1"), new BatchNormalization().named("conv1_bn"), new ReLU().named("conv1_relu"),
                new Conv2D(6, 1).named("conv_pw_2"), new BatchNormalization().named("conv_pw_2_bn"),
                new ReLU().named("out_relu"));
    }

    /** The model of one process: its head drawn from {@code headSeed} (a resumed process draws another one). */
    private static TransferModel transferModel(long headSeed) {
        Model base = base();
        Generator.manualSeed(headSeed);
        return TransferModel.on(base).classes(3).hiddenUnits(5).dropout(0.3).build();
    }

    /** A run and what its phase calls reported. */
    private record Run(TransferModel model, TransferTraining training, List<TransferTraining.PhaseReport> reports) {
    }

    /**
     * Feature extraction for 3 epochs (Adam on the head), then fine-tuning from {@code conv_pw_2} for 2 epochs
     * (SGD with momentum, the rate halved every 3 steps, i.e. every epoch; mixup), checkpointed to {@code file}.
     */
    private Run run(long headSeed, Checkpoint from, int stopAfter, Path file) {
        TransferModel tm = transferModel(headSeed);
        StopAfter stop = new StopAfter(stopAfter);
        TransferTraining training = new TransferTraining(tm, TRAIN, VAL).batchSize(8).seed(3)
                .fineTuneMixup(new MixUp(0.4)).callbacks(new ModelCheckpoint(file), stop);
        if (from != null) {
            training.resumeFrom(from);
        }
        List<TransferTraining.PhaseReport> reports = new ArrayList<>();
        training.featureExtraction(3, new Adam(ParamGroups.all(tm.head()), 0.01));
        reports.add(training.lastPhase());
        if (stop.stopped()) {
            return new Run(tm, training, reports);
        }
        tm.unfreezeFrom("conv_pw_2");
        SGD sgd = new SGD(ParamGroups.headAndBase(tm.model(), tm.features().name()), 0.05).momentum(0.9);
        sgd.setSchedule(new StepDecay(0.05, 3, 0.5));
        training.fineTune(2, sgd);
        reports.add(training.lastPhase());
        return new Run(tm, training, reports);
    }

    private Run straight() {
        return run(7, null, 0, dir.resolve("straight.ckpt"));
    }

    /** Stops the run after {@code epoch} and resumes it in a fresh process from the checkpoint file. */
    private Run interruptedAfter(int epoch) throws Exception {
        Path file = dir.resolve("run.ckpt");
        run(7, null, epoch, file);
        Checkpoint checkpoint = Checkpoint.read(file);
        assertEquals(epoch, checkpoint.epoch());
        return run(999, checkpoint, 0, file);
    }

    private static void assertSameRun(Run expected, Run actual) {
        for (Weight w : expected.model().model().weights()) {
            assertArrayEquals(TrainFixtures.values(w), TrainFixtures.values(actual.model().model().weight(w.path())), 0f,
                    w.path() + " differs after resuming");
        }
        History a = expected.training().history();
        History b = actual.training().history();
        assertEquals(5, b.epochs());
        assertEquals(a.phases(), b.phases());
        for (String name : List.of("loss", "accuracy", "val_loss", "val_accuracy", "lr")) {
            assertEquals(a.get(name), b.get(name), name);
        }
        assertFalse(a.get("loss").get(0).equals(a.get("loss").get(4)), "the run should move");
    }

    @Test
    void runStoppedInFeatureExtractionResumesOnRecomputedFeaturesToTheSameWeights() throws Exception {
        Run straight = straight();
        Run resumed = interruptedAfter(2);
        assertSameRun(straight, resumed);
        TransferTraining.PhaseReport fe = resumed.reports().get(0);
        assertTrue(fe.cached(), "the head continues on cached features");
        assertEquals(2, fe.doneBefore());
        assertEquals(0, resumed.reports().get(1).doneBefore(), "fine-tuning runs as usual");
    }

    @Test
    void runStoppedAtTheEndOfFeatureExtractionRestoresTheHeadAndFineTunes() throws Exception {
        Run straight = straight();
        Run resumed = interruptedAfter(3);
        assertSameRun(straight, resumed);
        TransferTraining.PhaseReport fe = resumed.reports().get(0);
        assertEquals(3, fe.doneBefore());
        assertEquals(0, fe.cacheBytes(), "no epoch was left, so no features were computed");
    }

    @Test
    void runStoppedInFineTuningSkipsFeatureExtractionAndRestoresTheWholeModel() throws Exception {
        Run straight = straight();
        Run resumed = interruptedAfter(4);
        assertSameRun(straight, resumed);
        assertEquals(3, resumed.reports().get(0).doneBefore(), "feature extraction had ended: skipped");
        assertEquals(1, resumed.reports().get(1).doneBefore());
    }

    @Test
    void aCheckpointThatDoesNotFitTheRunIsRefusedBeforeTraining() throws Exception {
        Path file = dir.resolve("mismatch.ckpt");
        run(7, null, 2, file);
        Checkpoint checkpoint = Checkpoint.read(file);

        TransferModel tm = transferModel(999);
        TransferTraining other = new TransferTraining(tm, TRAIN, VAL).batchSize(8).seed(3).resumeFrom(checkpoint);
        CheckpointMismatchException epochs = assertThrows(CheckpointMismatchException.class,
                () -> other.featureExtraction(4, new Adam(ParamGroups.all(tm.head()), 0.01)));
        assertTrue(epochs.getMessage().contains("feature-extraction phase has 3 epochs, this run asks for 4"),
                epochs.getMessage());

        TransferTraining batch = new TransferTraining(tm, TRAIN, VAL).batchSize(4).seed(3).resumeFrom(checkpoint);
        CheckpointMismatchException size = assertThrows(CheckpointMismatchException.class,
                () -> batch.featureExtraction(3, new Adam(ParamGroups.all(tm.head()), 0.01)));
        assertTrue(size.getMessage().contains("batch size 8 and seed 3, this one 4 and 3"), size.getMessage());

        TransferTraining scratch = new TransferTraining(tm, TRAIN, VAL).batchSize(8).seed(3).resumeFrom(checkpoint);
        CheckpointMismatchException phase = assertThrows(CheckpointMismatchException.class,
                () -> scratch.fineTune(3, new Adam(ParamGroups.all(tm.model()), 0.01)));
        assertTrue(phase.getMessage().contains("phase 1 is feature-extraction, not fine-tune"), phase.getMessage());

        InMemoryDataset twoClasses = new InMemoryDataset(Tensor.randn(new Generator(1), 4, 8, 8, 3),
                new int[] {0, 1, 0, 1}, List.of("a", "b"));
        CheckpointMismatchException classes = assertThrows(CheckpointMismatchException.class,
                () -> new TransferTraining(tm, twoClasses, null).resumeFrom(checkpoint));
        assertTrue(classes.getMessage().contains("[a, b, c], the training data has [a, b]"), classes.getMessage());
    }
}
