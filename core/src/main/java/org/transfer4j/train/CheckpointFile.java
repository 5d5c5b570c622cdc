package org.transfer4j.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UTFDataFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import org.transfer4j.tensor.Tensor;

/**
 * The checkpoint file format, version 1: big-endian {@link DataOutputStream} fields.
 * <pre>
 *   magic "T4JCKPT\n" (8 bytes), int version
 *   position:   int epoch, int fitFirstEpoch, int fitLastEpoch, long seed, int batchSize
 *   classes:    int n, n x UTF name
 *   weights:    int n, n x (UTF path, tensor)
 *   trainable:  int n, n x (UTF layer, boolean)
 *   optimizer:  UTF class name, double base rate, int n, n x (UTF key, tensor)
 *   generators: long seed, long counter (the default one); int n, n x (UTF dropout layer, long seed, long counter)
 *   history:    int epochs, int phases, phases x (UTF name, int firstEpoch), int names, names x (UTF name, epochs x double)
 *   long CRC-32 of every byte above
 *   tensor = int rank, rank x int dim, numel x float
 * </pre>
 * The CRC catches a torn or corrupted file that still parses.
 */
final class CheckpointFile {
    private static final byte[] MAGIC = {'T', '4', 'J', 'C', 'K', 'P', 'T', '\n'};
    private static final int VERSION = 1;
    private static final int MAX_RANK = 16;

    private CheckpointFile() {
    }

    static void write(Checkpoint c, Path file, UnaryOperator<OutputStream> wrap) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                CheckedOutputStream checked = new CheckedOutputStream(
                        new BufferedOutputStream(wrap.apply(Channels.newOutputStream(channel)), 1 << 16), new CRC32());
                DataOutputStream out = new DataOutputStream(checked);
                writeBody(c, out);
                out.writeLong(checked.getChecksum().getValue());
                out.flush();
                channel.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException | Error e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        syncDirectory(dir);
    }

    /** Makes the rename durable where the platform allows opening a directory (Linux); elsewhere a no-op. */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not supported here (e.g. Windows); the file itself was forced before the move.
        }
    }

    private static void writeBody(Checkpoint c, DataOutputStream out) throws IOException {
        out.write(MAGIC);
        out.writeInt(VERSION);
        Checkpoint.Position p = c.position;
        out.writeInt(p.epoch());
        out.writeInt(p.fitFirstEpoch());
        out.writeInt(p.fitLastEpoch());
        out.writeLong(p.seed());
        out.writeInt(p.batchSize());
        out.writeInt(c.classNames.size());
        for (String name : c.classNames) {
            out.writeUTF(name);
        }
        writeTensors(c.weights, out);
        out.writeInt(c.trainable.size());
        for (Map.Entry<String, Boolean> e : c.trainable.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeBoolean(e.getValue());
        }
        out.writeUTF(c.optimizerType);
        out.writeDouble(c.baseLearningRate);
        writeTensors(c.optimizerState, out);
        out.writeLong(c.defaultGenerator.seed());
        out.writeLong(c.defaultGenerator.counter());
        out.writeInt(c.dropoutGenerators.size());
        for (Map.Entry<String, Checkpoint.GeneratorState> e : c.dropoutGenerators.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeLong(e.getValue().seed());
            out.writeLong(e.getValue().counter());
        }
        History h = c.history;
        out.writeInt(h.epochs());
        out.writeInt(h.phases().size());
        for (History.Phase phase : h.phases()) {
            out.writeUTF(phase.name());
            out.writeInt(phase.firstEpoch());
        }
        out.writeInt(h.names().size());
        for (String name : h.names()) {
            out.writeUTF(name);
            for (double v : h.get(name)) {
                out.writeDouble(v);
            }
        }
    }

    private static void writeTensors(Map<String, Tensor> tensors, DataOutputStream out) throws IOException {
        out.writeInt(tensors.size());
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            out.writeUTF(e.getKey());
            int[] shape = e.getValue().shape();
            out.writeInt(shape.length);
            for (int d : shape) {
                out.writeInt(d);
            }
            float[] data = e.getValue().toArray();
            ByteBuffer buf = ByteBuffer.allocate(Math.min(data.length, 1 << 14) * Float.BYTES).order(ByteOrder.BIG_ENDIAN);
            for (int from = 0; from < data.length; from += buf.capacity() / Float.BYTES) {
                int n = Math.min(buf.capacity() / Float.BYTES, data.length - from);
                buf.clear();
                buf.asFloatBuffer().put(data, from, n);
                out.write(buf.array(), 0, n * Float.BYTES);
            }
        }
    }

    static Checkpoint read(Path file) throws IOException {
        long size = Files.size(file);
        try (InputStream raw = Files.newInputStream(file)) {
            CheckedInputStream checked = new CheckedInputStream(new BufferedInputStream(raw, 1 << 16), new CRC32());
            Reader r = new Reader(file, new DataInputStream(checked), size);
            Checkpoint c = r.body();
            long expected = checked.getChecksum().getValue();
            long stored = r.in.readLong();
            if (stored != expected) {
                throw new CorruptCheckpointException(file, "its checksum does not match its contents (a torn or damaged write)", null);
            }
            if (r.in.read() != -1) {
                throw new CorruptCheckpointException(file, "it has bytes after its checksum", null);
            }
            return c;
        } catch (EOFException e) {
            throw new CorruptCheckpointException(file, "it is truncated (" + size + " bytes)", e);
        } catch (UTFDataFormatException e) {
            throw new CorruptCheckpointException(file, "a name in it is not valid text", e);
        }
    }

    /** Parses the body, checking every count against the file's size so a corrupt count cannot allocate gigabytes. */
    private record Reader(Path file, DataInputStream in, long size) {

        Checkpoint body() throws IOException {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new CorruptCheckpointException(file, "it is not a transfer4j checkpoint (bad magic header)", null);
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new CorruptCheckpointException(file, "it has format version " + version + "; this build reads version "
                        + VERSION, null);
            }
            Checkpoint.Position position = new Checkpoint.Position(in.readInt(), in.readInt(), in.readInt(), in.readLong(),
                    in.readInt());
            int classes = count("class names");
            List<String> classNames = new ArrayList<>();
            for (int i = 0; i < classes; i++) {
                classNames.add(in.readUTF());
            }
            Map<String, Tensor> weights = tensors("weights");
            int flags = count("trainable flags");
            Map<String, Boolean> trainable = new LinkedHashMap<>();
            for (int i = 0; i < flags; i++) {
                trainable.put(in.readUTF(), in.readBoolean());
            }
            String optimizer = in.readUTF();
            double rate = in.readDouble();
            Map<String, Tensor> state = tensors("optimizer state entries");
            Checkpoint.GeneratorState generator = new Checkpoint.GeneratorState(in.readLong(), in.readLong());
            int dropoutCount = count("dropout generators");
            Map<String, Checkpoint.GeneratorState> dropout = new LinkedHashMap<>();
            for (int i = 0; i < dropoutCount; i++) {
                dropout.put(in.readUTF(), new Checkpoint.GeneratorState(in.readLong(), in.readLong()));
            }
            return new Checkpoint(position, classNames, weights, trainable, optimizer, rate, state, generator, dropout,
                    history());
        }

        private History history() throws IOException {
            int epochs = count("history epochs");
            int phaseCount = count("phases");
            List<History.Phase> phases = new ArrayList<>();
            for (int i = 0; i < phaseCount; i++) {
                phases.add(new History.Phase(in.readUTF(), in.readInt()));
            }
            int names = count("history series");
            Map<String, double[]> series = new LinkedHashMap<>();
            for (int i = 0; i < names; i++) {
                String name = in.readUTF();
                check((long) epochs * Double.BYTES, "history series '" + name + "'");
                double[] values = new double[epochs];
                for (int e = 0; e < epochs; e++) {
                    values[e] = in.readDouble();
                }
                series.put(name, values);
            }
            History h = new History();
            int next = 0;
            for (int e = 1; e <= epochs; e++) {
                while (next < phases.size() && phases.get(next).firstEpoch() == e) {
                    h.beginPhase(phases.get(next++).name());
                }
                Map<String, Double> metrics = new LinkedHashMap<>();
                for (Map.Entry<String, double[]> s : series.entrySet()) {
                    metrics.put(s.getKey(), s.getValue()[e - 1]);
                }
                h.record(metrics);
            }
            while (next < phases.size()) {
                h.beginPhase(phases.get(next++).name());
            }
            return h;
        }

        private Map<String, Tensor> tensors(String what) throws IOException {
            int n = count(what);
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                int rank = in.readInt();
                if (rank < 0 || rank > MAX_RANK) {
                    throw new CorruptCheckpointException(file, "tensor '" + name + "' has rank " + rank, null);
                }
                int[] shape = new int[rank];
                long numel = 1;
                for (int d = 0; d < rank; d++) {
                    shape[d] = in.readInt();
                    if (shape[d] < 0) {
                        throw new CorruptCheckpointException(file, "tensor '" + name + "' has shape " + Arrays.toString(shape), null);
                    }
                    numel *= shape[d];
                    check(numel * Float.BYTES, "tensor '" + name + "'");
                }
                byte[] bytes = new byte[(int) numel * Float.BYTES];
                in.readFully(bytes);
                float[] data = new float[(int) numel];
                ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN).asFloatBuffer().get(data);
                out.put(name, Tensor.of(data, shape));
            }
            return out;
        }

        private int count(String what) throws IOException {
            int n = in.readInt();
            if (n < 0 || n > size) {
                throw new CorruptCheckpointException(file, "it claims " + n + " " + what, null);
            }
            return n;
        }

        private void check(long bytes, String what) throws CorruptCheckpointException {
            if (bytes > size) {
                throw new CorruptCheckpointException(file, what + " would need " + bytes + " bytes, more than the file's "
                        + size, null);
            }
        }
    }
}
