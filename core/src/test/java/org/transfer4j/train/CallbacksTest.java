package org.transfer4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transfer4j.nn.Model;
import org.transfer4j.optim.ParamGroups;
import org.transfer4j.optim.SGD;
import org.transfer4j.optim.schedules.ReduceOnPlateau;
import org.transfer4j.tensor.Generator;

class CallbacksTest {
    @TempDir
    Path dir;

    /** A run driven by hand: the tests feed the callbacks scripted metrics, recording each epoch in the history. */
    private static final class Script {
        final Model model = TrainFixtures.linear();
        final SGD sgd = new SGD(ParamGroups.all(model), 0.1);
        final History history;
        final TrainingContext ctx;

        Script(History history, int firstEpoch, int lastEpoch, boolean resumed) {
            this.history = history;
            this.ctx = new TrainingContext(model, sgd, history, TrainFixtures.THREE,
                    new Checkpoint.Position(history.epochs(), firstEpoch, lastEpoch, 0L, 8), resumed);
        }

        Script() {
            this(new History(), 1, 10, false);
        }

        /** Records {@code metric = value} as the next epoch and calls {@code onEpochEnd}; returns that epoch. */
        int epoch(Callback c, String metric, double value) {
            history.record(Map.of(metric, value));
            c.onEpochEnd(history.epochs(), history.last());
            return history.epochs();
        }
    }

    @Test
    void earlyStoppingStopsAfterPatienceEpochsWithoutImprovement() {
        Script s = new Script();
        EarlyStopping stop = new EarlyStopping("val_loss").patience(2);
        stop.onTrainBegin(s.ctx);
        // Keras' rule: wait += 1 each epoch, reset on improvement; stop when wait >= patience.
        s.epoch(stop, "val_loss", 1.0);   // best 1.0
        s.epoch(stop, "val_loss", 0.8);   // best 0.8
        s.epoch(stop, "val_loss", 0.9);   // wait 1
        assertFalse(s.ctx.stopRequested());
        s.epoch(stop, "val_loss", 0.85);  // wait 2: stop
        assertTrue(s.ctx.stopRequested());
        assertEquals(4, stop.stoppedEpoch());
        assertEquals(2, stop.bestEpoch());
        assertEquals(0.8, stop.best());
    }

    @Test
    void earlyStoppingMinDeltaAndMaxMode() {
        Script s = new Script();
        EarlyStopping stop = new EarlyStopping("val_accuracy").minDelta(0.1).patience(1); // auto: max for "acc"
        stop.onTrainBegin(s.ctx);
        s.epoch(stop, "val_accuracy", 0.5);
        s.epoch(stop, "val_accuracy", 0.55); // +0.05 < minDelta: no improvement, wait 1 >= 1
        assertTrue(s.ctx.stopRequested());
        assertEquals(0.5, stop.best());
    }

    @Test
    void earlyStoppingRestoresTheBestWeightsAtTheEnd() {
        Script s = new Script();
        EarlyStopping stop = new EarlyStopping("val_loss").patience(5).restoreBestWeights(true);
        stop.onTrainBegin(s.ctx);
        s.model.weight("dense/bias").assign(new float[] {1, 2, 3});
        s.epoch(stop, "val_loss", 0.5); // best: bias (1,2,3)
        s.model.weight("dense/bias").assign(new float[] {7, 7, 7});
        s.epoch(stop, "val_loss", 0.6);
        stop.onTrainEnd(Map.of());
        assertArrayEquals(new float[] {1, 2, 3}, TrainFixtures.values(s.model.weight("dense/bias")), 0f);
    }

    @Test
    void earlyStoppingResumedRebuildsBestAndWaitFromTheHistory() {
        History h = new History();
        h.record(Map.of("val_loss", 1.0));
        h.record(Map.of("val_loss", 0.8));
        h.record(Map.of("val_loss", 0.9)); // wait 1 when the checkpoint was written
        Script s = new Script(h, 1, 10, true);
        EarlyStopping stop = new EarlyStopping("val_loss").patience(2);
        stop.onTrainBegin(s.ctx);
        assertEquals(0.8, stop.best());
        assertFalse(s.ctx.stopRequested());
        s.epoch(stop, "val_loss", 0.85); // wait 2, as in the uninterrupted run
        assertTrue(s.ctx.stopRequested());
    }

    @Test
    void aMissingMonitoredMetricIsAClearError() {
        Script s = new Script();
        EarlyStopping stop = new EarlyStopping("val_loss");
        stop.onTrainBegin(s.ctx);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.epoch(stop, "loss", 1.0));
        assertTrue(e.getMessage().contains("val_loss"), e.getMessage());
    }

    @Test
    void bestOnlyCheckpointWritesOnlyOnImprovement() throws Exception {
        Script s = new Script();
        Path file = dir.resolve("best.ckpt");
        ModelCheckpoint best = new ModelCheckpoint(file).saveBestOnly(true);
        best.onTrainBegin(s.ctx);
        List<Integer> writes = new ArrayList<>();
        for (double v : new double[] {1.0, 1.2, 0.9, 0.95, 0.9}) {
            int e = s.epoch(best, "val_loss", v);
            if (best.lastWrittenEpoch() == e) {
                writes.add(e);
            }
        }
        assertEquals(List.of(1, 3), writes);
        assertEquals(3, Checkpoint.read(file).epoch());
    }

    @Test
    void everyEpochCheckpointWithAnEpochTemplate() throws Exception {
        Script s = new Script();
        ModelCheckpoint each = new ModelCheckpoint(dir.resolve("ep{epoch}.ckpt"));
        each.onTrainBegin(s.ctx);
        s.epoch(each, "val_loss", 1.0);
        s.epoch(each, "val_loss", 2.0);
        assertEquals(1, Checkpoint.read(dir.resolve("ep1.ckpt")).epoch());
        assertEquals(2, Checkpoint.read(dir.resolve("ep2.ckpt")).epoch());
    }

    @Test
    void plateauSchedulerReducesTheRateAndReplaysOnResume() {
        Script s = new Script();
        LearningRateScheduler lr = LearningRateScheduler.onPlateau(
                new ReduceOnPlateau(0.1).factor(0.5).patience(1), "val_loss");
        lr.onTrainBegin(s.ctx);
        s.epoch(lr, "val_loss", 1.0); // improves
        assertEquals(0.1, s.sgd.baseLearningRate());
        s.epoch(lr, "val_loss", 1.0); // wait 1 >= patience 1: rate 0.1 * 0.5
        assertEquals(0.05, s.sgd.baseLearningRate(), 1e-15);

        Script resumed = new Script(s.history, 1, 10, true);
        LearningRateScheduler again = LearningRateScheduler.onPlateau(
                new ReduceOnPlateau(0.1).factor(0.5).patience(1), "val_loss");
        again.onTrainBegin(resumed.ctx);
        assertEquals(0.05, resumed.sgd.baseLearningRate(), 1e-15);
    }

    @Test
    void perEpochSchedulerSetsTheRateBeforeEachEpoch() {
        Generator.manualSeed(3);
        Model model = TrainFixtures.linear();
        Trainer t = new Trainer(new SGD(ParamGroups.all(model), 0.1)).batchSize(10);
        History h = t.fit(model, TrainFixtures.blobs(20, 1), null, 3,
                LearningRateScheduler.perEpoch(epoch -> 0.1 / epoch));
        assertEquals(List.of(0.1, 0.05, 0.1 / 3), h.get("lr"));
    }

    @Test
    void csvLoggerWritesKerasFormatAndAppends() throws Exception {
        Generator.manualSeed(3);
        Model model = TrainFixtures.linear();
        Trainer t = new Trainer(new SGD(ParamGroups.all(model), 0.1)).batchSize(10);
        Path csv = dir.resolve("log.csv");
        History h = t.fit(model, TrainFixtures.blobs(20, 1), TrainFixtures.blobs(9, 2), 2, new CsvLogger(csv));
        List<String> lines = Files.readAllLines(csv);
        assertEquals("epoch,accuracy,images_per_second,loss,lr,seconds,skipped,val_accuracy,val_loss,val_skipped",
                lines.get(0));
        assertEquals(3, lines.size());
        String[] row = lines.get(2).split(",");
        assertEquals("1", row[0], "Keras' 0-based epoch index");
        assertEquals(h.get("loss", 2), Double.parseDouble(row[3]));
        assertEquals(h.get("val_accuracy", 2), Double.parseDouble(row[7]));

        t.fit(model, TrainFixtures.blobs(20, 1), TrainFixtures.blobs(9, 2), 1, h, new CsvLogger(csv, true));
        lines = Files.readAllLines(csv);
        assertEquals(4, lines.size(), "appended one row, no second header");
        assertTrue(lines.get(3).startsWith("2,"), lines.get(3));
    }

    @Test
    void csvOfAHistoryIsTheFileTheLoggerWroteForIt() throws Exception {
        Generator.manualSeed(3);
        Model model = TrainFixtures.linear();
        Trainer t = new Trainer(new SGD(ParamGroups.all(model), 0.1)).batchSize(10);
        Path logged = dir.resolve("logged.csv");
        History h = t.fit(model, TrainFixtures.blobs(20, 1), TrainFixtures.blobs(9, 2), 3, new CsvLogger(logged));
        Path written = dir.resolve("written.csv");
        Files.writeString(written, "epoch,loss\n0,1.0\n1,0.9\n2,0.8\n3,0.7\n"); // a longer file is replaced
        CsvLogger.write(written, h);
        assertEquals(Files.readAllLines(logged), Files.readAllLines(written));
    }

    @Test
    void progressBarShowsStepsAndEndsWithValidationMetrics() {
        Generator.manualSeed(3);
        Model model = TrainFixtures.linear();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        new Trainer(new SGD(ParamGroups.all(model), 0.1)).batchSize(8)
                .fit(model, TrainFixtures.blobs(24, 1), TrainFixtures.blobs(9, 2), 2, new ProgressBar(out).minInterval(0));
        String text = bytes.toString(StandardCharsets.UTF_8);
        for (String step : new String[] {"Epoch 1/2  1/3 [", "Epoch 1/2  2/3 [", "Epoch 2/2  3/3 ["}) {
            assertTrue(text.contains(step), "missing '" + step + "' in:\n" + text);
        }
        assertTrue(text.contains("img/s") && text.contains("ETA ") && text.contains("loss ") && text.contains("accuracy "),
                text);
        String[] lines = text.split(System.lineSeparator());
        assertEquals(2, lines.length, "one line per epoch, rewritten with \\r: " + text);
        String last = lines[1].substring(lines[1].lastIndexOf('\r') + 1).stripTrailing();
        assertTrue(last.matches("Epoch 2/2  3/3 \\[=+\\].* val_loss \\d+\\.\\d{4}  val_accuracy \\d\\.\\d{4}"), last);
    }

    @Test
    void progressBarCountsTheEpochsUnreadableFiles() {
        Generator.manualSeed(3);
        Model model = TrainFixtures.linear();
        // as an image folder whose file for sample 3 did not decode: left out of its batch and counted
        Dataset skipping = new DelegatingDataset(TrainFixtures.blobs(24, 1), 3, false);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        new Trainer(new SGD(ParamGroups.all(model), 0.1)).batchSize(8)
                .fit(model, skipping, TrainFixtures.blobs(9, 2), 1, new ProgressBar(out).minInterval(0));
        String text = bytes.toString(StandardCharsets.UTF_8).stripTrailing();
        assertTrue(text.endsWith("skipped 1 unreadable (1 train, 0 val)"), text);
    }

    @Test
    void lambdaCallbacksSeeEveryEpochAndBatch() {
        Generator.manualSeed(3);
        Model model = TrainFixtures.linear();
        List<String> events = new ArrayList<>();
        new Trainer(new SGD(ParamGroups.all(model), 0.1)).batchSize(10).fit(model, TrainFixtures.blobs(20, 1), null, 2,
                Callback.onEpochEnd((e, logs) -> events.add("epoch " + e + " " + logs.containsKey("loss"))),
                Callback.onBatchEnd((b, logs) -> events.add("batch " + b + " " + logs.get("size").intValue())));
        assertEquals(List.of("batch 1 10", "batch 2 10", "epoch 1 true", "batch 1 10", "batch 2 10", "epoch 2 true"),
                events);
    }
}
