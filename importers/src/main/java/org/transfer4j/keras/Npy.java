package org.transfer4j.keras;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.transfer4j.tensor.Shape;
import org.transfer4j.tensor.Tensor;

/**
 * NumPy {@code .npy} arrays (numpy.lib.format versions 1.0, 2.0 and 3.0), read as float32 and written
 * as float32.
 *
 * <p>Reading accepts the float types {@code f2 f4 f8}, booleans {@code b1} and the integers
 * {@code i1 u1 i2 u2 i4 u4 i8 u8}, little- or big-endian, each converted to the nearest float32
 * (float64 values and integers beyond 2^24 lose precision); Fortran-order (column-major) arrays are
 * transposed to row-major, so the values come out as NumPy shows them. The header is checked against
 * the file before any array is allocated: a known type, non-negative sizes whose product fits one tensor
 * ({@code < 2^31} elements), and exactly as many data bytes in the file as the shape needs. Every
 * failure is a {@link KerasImportException} naming the file and the problem.
 *
 * <p>Writing produces little-endian float32 C-order data with the header {@code numpy.save} writes
 * (version 1.0, or 2.0 for a header over 64 KiB), into a temporary file in the target's folder that is
 * then renamed over the target, so a reader never sees a half-written file.
 */
public final class Npy {
    private static final int CHUNK_BYTES = 1 << 20; // a multiple of every item size

    private Npy() {
    }

    /**
     * An array read from a file: its values row-major and its shape ({@code []} for a 0-d array).
     * The arrays are the caller's own.
     */
    public record Array(float[] data, int[] shape) {
        @Override
        public String toString() {
            return "Npy.Array" + Arrays.toString(shape);
        }
    }

    /** The array in {@code file} as a CPU tensor of its shape. */
    public static Tensor read(Path file) {
        Array a = readArray(file);
        return Tensor.of(a.data(), a.shape());
    }

    /** The values of the array in {@code file}, row-major, with its shape. */
    public static Array readArray(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            NpyHeader header = NpyHeader.read(file, channel, size);
            float[] data = readData(file, channel, header);
            int[] shape = header.shape().clone();
            return new Array(header.fortranOrder() ? fortranToRowMajor(data, shape) : data, shape);
        } catch (NoSuchFileException e) {
            throw KerasImportException.of(file, "no such file");
        } catch (IOException e) {
            throw new KerasImportException(file + ": cannot read: " + e, e);
        }
    }

    /** Writes {@code tensor}'s values (any layout; it is read row-major) and shape to {@code file}. */
    public static void write(Path file, Tensor tensor) {
        write(file, tensor.toArray(), tensor.shape());
    }

    /**
     * Writes {@code data} (row-major) as a float32 array of {@code shape} to {@code file}, replacing it.
     *
     * @throws IllegalArgumentException when {@code data} does not hold exactly the shape's elements
     * @throws UncheckedIOException naming the file when it cannot be written
     */
    public static void write(Path file, float[] data, int... shape) {
        int[] s = Shape.check("Npy.write", shape);
        if (Shape.numel(s) != data.length) {
            throw new IllegalArgumentException("Npy.write " + file + ": shape " + Arrays.toString(s) + " has "
                    + Shape.numel(s) + " elements but " + data.length + " values were given");
        }
        Path target = file.toAbsolutePath();
        Path tmp = null;
        try {
            tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                writeFully(out, ByteBuffer.wrap(NpyHeader.format(s)));
                ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
                for (int from = 0; from < data.length; from += CHUNK_BYTES / Float.BYTES) {
                    int count = Math.min(CHUNK_BYTES / Float.BYTES, data.length - from);
                    chunk.clear();
                    chunk.asFloatBuffer().put(data, from, count);
                    chunk.limit(count * Float.BYTES);
                    writeFully(out, chunk);
                }
                out.force(true);
            }
            moveIntoPlace(tmp, target);
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("Npy.write " + file + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the write already failed; that error is the one to report
                }
            }
        }
    }

    /** Renames {@code tmp} over {@code target} atomically where the file system can. */
    static void moveIntoPlace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static float[] readData(Path file, FileChannel channel, NpyHeader header) throws IOException {
        int n = (int) header.numel(); // validated: fits a tensor, and the file holds exactly its bytes
        int itemSize = header.type().dtype().size();
        float[] data = new float[n];
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, Math.max(8, header.dataBytes())))
                .order(header.type().order());
        long position = header.dataOffset();
        int done = 0;
        while (done < n) {
            int count = Math.min(chunk.capacity() / itemSize, n - done);
            chunk.clear().limit(count * itemSize);
            while (chunk.hasRemaining()) {
                int read = channel.read(chunk, position);
                if (read < 0) {
                    // the file shrank after its size was checked
                    throw KerasImportException.of(file, "data truncated: the file ended at byte " + position);
                }
                position += read;
            }
            chunk.flip();
            header.type().dtype().decode(chunk, data, done, count);
            done += count;
        }
        return data;
    }

    /**
     * Column-major values of {@code shape} reordered row-major. Walks the output in row-major order
     * with an odometer over the index, moving the column-major offset by its strides (axis 0 has
     * stride 1 there).
     */
    static float[] fortranToRowMajor(float[] f, int[] shape) {
        int rank = shape.length;
        if (rank <= 1 || f.length == 0) {
            return f;
        }
        long[] stride = new long[rank];
        stride[0] = 1;
        for (int a = 1; a < rank; a++) {
            stride[a] = stride[a - 1] * shape[a - 1];
        }
        float[] c = new float[f.length];
        int[] index = new int[rank];
        long offset = 0;
        for (int i = 0; i < c.length; i++) {
            c[i] = f[(int) offset];
            for (int a = rank - 1; a >= 0; a--) {
                index[a]++;
                offset += stride[a];
                if (index[a] < shape[a]) {
                    break;
                }
                offset -= stride[a] * shape[a];
                index[a] = 0;
            }
        }
        return c;
    }

    private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }
}
