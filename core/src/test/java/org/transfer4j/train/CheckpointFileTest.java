package org.transfer4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Weight;
import org.transfer4j.optim.ParamGroups;
import org.transfer4j.optim.SGD;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

class CheckpointFileTest {
    @TempDir
    Path dir;

    /** A checkpoint of the CNN after one real SGD step, with a two-phase history holding a NaN. */
    private static Checkpoint sample(Model model, int epoch) {
        SGD sgd = new SGD(ParamGroups.all(model), 0.1).momentum(0.9);
        new Trainer(sgd).batchSize(8).fit(model, TrainFixtures.images(8, 3), null, 1);
        History h = new History();
        h.beginPhase("head");
        h.record(Map.of("loss", 1.5));
        h.beginPhase("fine-tune");
        h.record(new LinkedHashMap<>(Map.of("loss", 1.25, "val_loss", 2.0)));
        model.layer("conv").setTrainable(false);
        return Checkpoint.capture(model, sgd, h, TrainFixtures.THREE,
                new Checkpoint.Position(epoch, 2, 5, 77L, 8));
    }

    /** The test CNN, its weights drawn after seeding the default generator with 1. */
    private static Model seededCnn() {
        Generator.manualSeed(1);
        return TrainFixtures.cnn();
    }

    /** {@link #sample} of {@code model} at {@code epoch}, written to {@code file}. */
    private static Checkpoint writeSample(Model model, int epoch, Path file) throws IOException {
        Checkpoint c = sample(model, epoch);
        c.write(file);
        return c;
    }

    @Test
    void writeThenReadKeepsEverything() throws IOException {
        Path file = dir.resolve("a.ckpt");
        Checkpoint c = writeSample(seededCnn(), 2, file);
        Checkpoint r = Checkpoint.read(file);

        assertEquals(c.position(), r.position());
        assertEquals(TrainFixtures.THREE, r.classNames());
        assertEquals(c.baseLearningRate(), r.baseLearningRate());
        assertEquals(c.weights().keySet(), r.weights().keySet());
        for (String path : c.weights().keySet()) {
            assertArrayEquals(c.weights().get(path).toArray(), r.weights().get(path).toArray(), 0f, path);
            assertArrayEquals(c.weights().get(path).shape(), r.weights().get(path).shape(), path);
        }
        assertTrue(r.weights().containsKey("bn/moving_mean"), "batch-norm statistics are saved");
        assertEquals(c.optimizerState.keySet(), r.optimizerState.keySet());
        assertEquals(Map.of("drop_seeded", c.dropoutGenerators.get("drop_seeded")), r.dropoutGenerators);
        assertEquals(c.defaultGenerator, r.defaultGenerator);
        assertEquals(false, r.trainable.get("conv"));
        History h = r.history();
        assertEquals(List.of(new History.Phase("head", 1), new History.Phase("fine-tune", 2)), h.phases());
        assertEquals(Arrays.asList(1.5, 1.25), h.get("loss"));
        assertTrue(Double.isNaN(h.get("val_loss", 1)));
        assertEquals(2.0, h.get("val_loss", 2));
    }

    @Test
    void restoreRefusesAModelWithOtherWeights() throws IOException {
        Checkpoint c = sample(seededCnn(), 1);
        Model other = TrainFixtures.linear();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> c.restore(other, new SGD(ParamGroups.all(other), 0.1)));
        assertTrue(e.getMessage().contains("dense/kernel"), e.getMessage());
    }

    @Test
    void aTruncatedOrDamagedFileThrowsATypedExceptionNamingIt() throws IOException {
        Path file = dir.resolve("whole.ckpt");
        writeSample(seededCnn(), 1, file);
        byte[] bytes = Files.readAllBytes(file);
        for (int length : new int[] {0, 5, 12, 40, bytes.length / 2, bytes.length - 9, bytes.length - 1}) {
            Path cut = dir.resolve("cut" + length + ".ckpt");
            Files.write(cut, Arrays.copyOf(bytes, length));
            CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class, () -> Checkpoint.read(cut),
                    "truncated to " + length + " bytes");
            assertTrue(e.getMessage().contains(cut.toString()), e.getMessage());
            assertEquals(cut, e.file());
        }
        byte[] flipped = bytes.clone();
        flipped[bytes.length - 100] ^= 0x10; // inside the history's doubles: still parses, only the CRC can tell
        Path damaged = dir.resolve("damaged.ckpt");
        Files.write(damaged, flipped);
        CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class, () -> Checkpoint.read(damaged));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    /** An output stream that fails once {@code limit} bytes have gone through: a crash mid-write. */
    private static final class FailingAfter extends FilterOutputStream {
        private long left;

        FailingAfter(OutputStream out, long limit) {
            super(out);
            this.left = limit;
        }

        @Override
        public void write(int b) throws IOException {
            if (left-- <= 0) {
                throw new IOException("simulated crash");
            }
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int i = 0; i < len; i++) {
                write(b[off + i]);
            }
        }
    }

    @Test
    void aWriteThatDiesMidwayLeavesThePreviousCheckpointIntactAndNoTemporaryFile() throws IOException {
        Model model = seededCnn();
        Path file = dir.resolve("best.ckpt");
        writeSample(model, 1, file);
        byte[] before = Files.readAllBytes(file);

        Checkpoint newer = sample(model, 2);
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere")).resolve("n.ckpt");
        newer.write(elsewhere);
        long size = Files.size(elsewhere);
        Files.delete(elsewhere);
        Files.delete(elsewhere.getParent());
        for (long limit : new long[] {0, 100, size / 2, size - 1}) {
            IOException e = assertThrows(IOException.class,
                    () -> newer.write(file, out -> new FailingAfter(out, limit)));
            assertEquals("simulated crash", e.getMessage());
            assertArrayEquals(before, Files.readAllBytes(file), "the previous checkpoint changed (limit " + limit + ")");
            assertEquals(1, Checkpoint.read(file).epoch());
            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(List.of(file), files.toList(), "a temporary file was left behind");
            }
        }
        newer.write(file);
        assertEquals(2, Checkpoint.read(file).epoch());
    }

    @Test
    void restorePutsWeightsFlagsAndGeneratorsBack() throws IOException {
        Model model = seededCnn();
        Path file = dir.resolve("c.ckpt");
        Checkpoint c = writeSample(model, 1, file);
        Generator.manualSeed(2);
        Model fresh = TrainFixtures.cnn();
        SGD sgd = new SGD(ParamGroups.all(fresh), 0.1).momentum(0.9);
        Checkpoint.read(file).restore(fresh, sgd);
        for (Weight w : model.weights()) {
            assertArrayEquals(TrainFixtures.values(w), TrainFixtures.values(fresh.weight(w.path())), 0f, w.path());
        }
        assertEquals(false, fresh.layer("conv").isTrainable());
        assertEquals(1L, Generator.defaultGenerator().seed());
        assertEquals(c.defaultGenerator.counter(), Generator.defaultGenerator().counter());
        assertEquals(1L, sgd.iterations());
        Map<String, Tensor> state = sgd.stateDict();
        assertEquals(c.optimizerState.keySet(), state.keySet());
        assertTrue(state.containsKey("head/kernel/momentum"), state.keySet().toString());
        c.optimizerState.forEach((k, v) -> assertArrayEquals(v.toArray(), state.get(k).toArray(), 0f, k));
    }
}
