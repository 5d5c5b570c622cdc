package org.transfer4j.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.transfer4j.tensor.Tensor;

/**
 * Reads files written by NumPy 2.4 (src/test/resources/npy, made by
 * src/test/resources/scripts/make_npy_fixtures.py, whose values are restated here) and writes files
 * byte-identical to what {@code numpy.save} writes.
 */
class NpyTest {
    @TempDir
    Path dir;

    static Path fixture(String name) {
        URL url = NpyTest.class.getResource("/npy/" + name);
        if (url == null) {
            throw new IllegalStateException("missing test resource npy/" + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The script's grid: v[i, j, k] = 100*i + 10*j + k - 7.75, computed in double, row-major. */
    static double[] grid(int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        double[] v = new double[n];
        int[] weights = shape.length == 3 ? new int[] {100, 10, 1} : new int[] {10, 1};
        for (int flat = 0; flat < n; flat++) {
            int rest = flat;
            double value = -7.75;
            for (int a = shape.length - 1; a >= 0; a--) {
                value += weights[a] * (rest % shape[a]);
                rest /= shape[a];
            }
            v[flat] = value;
        }
        return v;
    }

    static float[] toFloat(double[] d, double add) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) (d[i] + add); // the double sum rounds once to float64, then once to float32
        }
        return f;
    }

    @ParameterizedTest
    @ValueSource(strings = {"f4_le_2x3x4.npy", "f4_be_2x3x4.npy", "f4_fortran_2x3x4.npy"})
    void readsFloat32InBothByteOrdersAndFortranOrder(String name) {
        Npy.Array a = Npy.readArray(fixture(name));
        assertArrayEquals(new int[] {2, 3, 4}, a.shape());
        assertArrayEquals(toFloat(grid(2, 3, 4), 0), a.data());
    }

    @ParameterizedTest
    @ValueSource(strings = {"f8_le_2x3x4.npy", "f8_be_2x3x4.npy"})
    void readsFloat64RoundedToFloat32(String name) {
        Npy.Array a = Npy.readArray(fixture(name));
        assertArrayEquals(new int[] {2, 3, 4}, a.shape());
        float[] expected = toFloat(grid(2, 3, 4), 0.1);
        assertArrayEquals(expected, a.data());
        assertEquals(-7.65f, a.data()[0]); // v[0,0,0] = -7.75 + 0.1
    }

    @Test
    void readsBigEndianFortranFloat64AsRowMajor() {
        Npy.Array a = Npy.readArray(fixture("f8_be_fortran_3x5.npy"));
        assertArrayEquals(new int[] {3, 5}, a.shape());
        // v[i, j] = 10*i + j - 7.75 + 0.1; row-major, so v[0, 1] (= -6.65) comes second, not v[1, 0]
        assertArrayEquals(toFloat(grid(3, 5), 0.1), a.data());
        assertEquals((float) (1 - 7.75 + 0.1), a.data()[1]);
    }

    @Test
    void readsFloat16() {
        // exact half-precision values: 1 + 2^-10 is the next half after 1, 65504 the largest half,
        // 2^-24 the smallest subnormal
        assertArrayEquals(new float[] {-2f, 0f, 0.5f, 1.0009765625f, 65504f, 0x1p-24f},
                Npy.readArray(fixture("f2_le_2x3.npy")).data());
    }

    @Test
    void readsBooleansAndSmallIntegers() {
        assertArrayEquals(new float[] {1, 0, 1, 0, 0, 1}, Npy.readArray(fixture("b1_2x3.npy")).data());
        assertArrayEquals(new float[] {-128, -1, 0, 1, 64, 127}, Npy.readArray(fixture("i1_2x3.npy")).data());
        assertArrayEquals(new float[] {0, 1, 127, 128, 200, 255}, Npy.readArray(fixture("u1_2x3.npy")).data());
        assertArrayEquals(new float[] {-32768, -1, 0, 1, 1000, 32767},
                Npy.readArray(fixture("i2_le_2x3.npy")).data());
        assertArrayEquals(new float[] {0, 1, 255, 256, 40000, 65535}, Npy.readArray(fixture("u2_le_2x3.npy")).data());
    }

    @ParameterizedTest
    @ValueSource(strings = {"i4_le_2x3.npy", "i4_be_2x3.npy"})
    void readsInt32RoundingLargeValuesToNearestFloat(String name) {
        Npy.Array a = Npy.readArray(fixture(name));
        assertArrayEquals(new int[] {2, 3}, a.shape());
        // 2^24 + 1 is the first integer float32 cannot hold: round-half-even gives 2^24;
        // 2^31 - 1 rounds up to 2^31
        assertArrayEquals(new float[] {-0x1p31f, -1, 0, 1, 0x1p24f, 0x1p31f}, a.data());
    }

    @Test
    void readsUnsignedAndSigned64BitIntegers() {
        // 2^32 - 2 and 2^32 - 1 round to 2^32 (float32 has 24 significant bits)
        assertArrayEquals(new float[] {0, 1, 0x1p24f, 0x1p31f, 0x1p32f, 0x1p32f},
                Npy.readArray(fixture("u4_le_2x3.npy")).data());
        assertArrayEquals(new float[] {-0x1p63f, -1, 0, 1, 0x1p40f, 0x1p63f},
                Npy.readArray(fixture("i8_le_2x3.npy")).data());
        // 2^63 + 2^39 + 1 lies just above the halfway point between 2^63 and 2^63 + 2^40, so it rounds up;
        // rounding through double first would give 2^63 + 2^39, a tie, and then 2^63 (double rounding)
        assertArrayEquals(new float[] {0, 1, 0x1p40f, 0x1p63f, 0x1p63f + 0x1p40f, 0x1p64f},
                Npy.readArray(fixture("u8_le_2x3.npy")).data());
    }

    @Test
    void readsZeroAndOneDimensionalAndEmptyArrays() {
        Tensor scalar = Npy.read(fixture("f4_scalar.npy"));
        assertEquals(0, scalar.rank());
        assertEquals(3.5f, scalar.item());
        Tensor vector = Npy.read(fixture("f4_1d_5.npy"));
        assertArrayEquals(new int[] {5}, vector.shape());
        assertArrayEquals(new float[] {0, 0.5f, 1, 1.5f, 2}, vector.toArray());
        Npy.Array empty = Npy.readArray(fixture("f4_empty_0x3.npy"));
        assertArrayEquals(new int[] {0, 3}, empty.shape());
        assertEquals(0, empty.data().length);
    }

    @ParameterizedTest
    @ValueSource(strings = {"f4_v2_2x3.npy", "f4_v3_2x3.npy"})
    void readsFormatVersions2And3(String name) {
        Npy.Array a = Npy.readArray(fixture(name));
        assertArrayEquals(new int[] {2, 3}, a.shape());
        assertArrayEquals(toFloat(grid(2, 3), 0), a.data());
    }

    @ParameterizedTest
    @ValueSource(strings = {"f4_le_2x3x4.npy", "f4_scalar.npy", "f4_1d_5.npy", "f4_empty_0x3.npy"})
    void writesTheBytesNumpySaveWrites(String name) throws IOException {
        Path golden = fixture(name);
        Path ours = dir.resolve(name);
        Npy.write(ours, Npy.read(golden));
        assertArrayEquals(Files.readAllBytes(golden), Files.readAllBytes(ours));
    }

    @Test
    void writeThenReadRoundTripsAViewAndReplacesTheTarget() throws IOException {
        Path file = dir.resolve("x.npy");
        Files.writeString(file, "old contents");
        Tensor t = Tensor.arange(24).reshape(2, 3, 4).permute(2, 0, 1); // non-contiguous (4, 2, 3) view
        Npy.write(file, t);
        Tensor back = Npy.read(file);
        assertArrayEquals(new int[] {4, 2, 3}, back.shape());
        assertArrayEquals(t.toArray(), back.toArray());
        // t[1, 0, 0] = x[0, 0, 1] = 1: the permuted view was written in its own row-major order
        assertEquals(1f, back.toArray()[6]);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file is left beside the target");
        }
    }

    @Test
    void roundTripsAnArraySpanningSeveralIoChunks() {
        // 600,000 floats are 2.4 MB, read and written in 1 MiB chunks
        Path file = dir.resolve("big.npy");
        Tensor t = Tensor.arange(600_000).reshape(600, 1000);
        Npy.write(file, t);
        assertArrayEquals(t.toArray(), Npy.read(file).toArray());
    }

    @Test
    void writesAVersion2HeaderWhenVersion1CannotHoldIt() throws IOException {
        int[] shape = new int[30_000]; // "1, " * 30000 is a header of about 90 KB, over the 64 KiB of version 1.0
        java.util.Arrays.fill(shape, 1);
        shape[0] = 2;
        Path file = dir.resolve("many_axes.npy");
        Npy.write(file, new float[] {1.5f, -2f}, shape);
        byte[] bytes = Files.readAllBytes(file);
        assertEquals(2, bytes[6], "major version");
        assertEquals(0, (bytes.length - 8) % 64, "data aligned to 64 bytes");
        Npy.Array a = Npy.readArray(file);
        assertArrayEquals(shape, a.shape());
        assertArrayEquals(new float[] {1.5f, -2f}, a.data());
    }

    @Test
    void writeRejectsDataThatDoesNotFillTheShapeAndLeavesNoFile() throws IOException {
        Path file = dir.resolve("bad.npy");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Npy.write(file, new float[5], 2, 3));
        assertTrue(e.getMessage().contains("6 elements but 5 values"), e.getMessage());
        assertFalse(Files.exists(file));
        UncheckedIOException io = org.junit.jupiter.api.Assertions.assertThrows(UncheckedIOException.class,
                () -> Npy.write(dir.resolve("no/such/folder/x.npy"), new float[1], 1));
        assertTrue(io.getMessage().contains("no/such/folder/x.npy"), io.getMessage());
    }

    @Test
    void fortranToRowMajorMatchesAHandTransposedMatrix() {
        // the 2x3 matrix [[1, 2, 3], [4, 5, 6]] stored column-major is 1 4 2 5 3 6
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6},
                Npy.fortranToRowMajor(new float[] {1, 4, 2, 5, 3, 6}, new int[] {2, 3}));
    }
}
