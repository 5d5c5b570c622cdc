package org.transfer4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Weight;
import org.transfer4j.optim.Adam;
import org.transfer4j.optim.Optimizer;
import org.transfer4j.optim.ParamGroups;
import org.transfer4j.optim.SGD;
import org.transfer4j.optim.schedules.StepDecay;
import org.transfer4j.tensor.Generator;

/**
 * A run of 4 epochs, and a run stopped after 2 epochs whose checkpoint a fresh process (fresh model,
 * fresh optimizer, scrambled default generator) resumes for the other 2, end bit for bit alike: every
 * weight (batch-norm statistics included), every optimizer slot, and the history.
 */
class CheckpointResumeTest {
    @TempDir
    Path dir;

    @Test
    void twoEpochsResumedForTwoMoreEqualFourEpochsWithSgdMomentumAndStepSchedule() throws Exception {
        checkResumeIsExact(m -> {
            SGD sgd = new SGD(ParamGroups.all(m), 0.05).momentum(0.9);
            sgd.setSchedule(new StepDecay(0.05, 4, 0.5)); // 3 steps per epoch: the rate halves mid-epoch 2
            return sgd;
        });
    }

    @Test
    void twoEpochsResumedForTwoMoreEqualFourEpochsWithAdam() throws Exception {
        checkResumeIsExact(m -> new Adam(ParamGroups.all(m), 0.01));
    }

    @Test
    void twoEpochsResumedForTwoMoreEqualFourEpochsWithMixup() throws Exception {
        // mixup's draws are keyed on (seed, epoch, step): the resumed run mixes epochs 3 and 4 as the straight one did
        checkResumeIsExact(m -> new Adam(ParamGroups.all(m), 0.01), t -> t.mixup(new MixUp(0.4)));
    }

    private void checkResumeIsExact(Function<Model, Optimizer> optimizer) throws Exception {
        checkResumeIsExact(optimizer, t -> t);
    }

    private void checkResumeIsExact(Function<Model, Optimizer> optimizer, UnaryOperator<Trainer> config)
            throws Exception {
        InMemoryDataset train = TrainFixtures.images(24, 1);
        InMemoryDataset val = TrainFixtures.images(9, 2);

        Generator.manualSeed(42);
        Model straight = TrainFixtures.cnn();
        Trainer t1 = config.apply(new Trainer(optimizer.apply(straight)).batchSize(8).seed(5));
        History full = t1.fit(straight, train, val, 4);

        Generator.manualSeed(42);
        Model first = TrainFixtures.cnn();
        Path file = dir.resolve("run.ckpt");
        Trainer t2 = config.apply(new Trainer(optimizer.apply(first)).batchSize(8).seed(5));
        Callback crashAfterTwo = new Callback() {
            private TrainingContext ctx;

            @Override
            public void onTrainBegin(TrainingContext context) {
                ctx = context;
            }

            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs) {
                if (epoch == 2) {
                    ctx.stopTraining();
                }
            }
        };
        t2.fit(first, train, val, 4, new ModelCheckpoint(file), crashAfterTwo);

        Generator.manualSeed(999); // another process: other initial weights, other default stream
        Model resumed = TrainFixtures.cnn();
        Trainer t3 = config.apply(new Trainer(optimizer.apply(resumed)).batchSize(8).seed(123)); // seed and batch come from the checkpoint
        Checkpoint checkpoint = Checkpoint.read(file);
        assertEquals(2, checkpoint.epoch());
        History h = t3.resume(resumed, train, val, checkpoint);

        for (Weight w : straight.weights()) {
            assertArrayEquals(TrainFixtures.values(w), TrainFixtures.values(resumed.weight(w.path())), 0f,
                    w.path() + " differs after resuming");
        }
        Map<String, org.transfer4j.tensor.Tensor> a = t1.optimizer().stateDict();
        Map<String, org.transfer4j.tensor.Tensor> b = t3.optimizer().stateDict();
        assertEquals(a.keySet(), b.keySet());
        a.forEach((k, v) -> assertArrayEquals(v.toArray(), b.get(k).toArray(), 0f, "optimizer state " + k));
        assertEquals(4, h.epochs());
        for (String name : List.of("loss", "accuracy", "val_loss", "val_accuracy", "lr")) {
            assertEquals(full.get(name), h.get(name), name);
        }
        assertFalse(full.get("loss").get(0).equals(full.get("loss").get(3)), "the run should move");
    }
}
