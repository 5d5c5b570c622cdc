package org.transfer4j.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.transfer4j.keras.BytePatches.longs;
import static org.junit.jupiter.api.Assertions.fail;

import io.jhdf.HdfFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Sequential;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.Conv2D;
import org.transfer4j.testdata.TestData;

/**
 * Broken and hostile files: each is a {@link KerasImportException} that says what is wrong, never
 * another exception type, and an absurd declared size is refused before anything of that size exists.
 */
class KerasWeightsHostileFilesTest {
    private static final String NO_TOP = "keras/mobilenet_2_5_224_tf_no_top.h5";

    @TempDir
    Path dir;

    private static Model firstLayers() {
        return new Sequential(new int[] {224, 224, 3},
                new Conv2D(8, 3).strides(2).padding("same").useBias(false).named("conv1"),
                new BatchNormalization().named("conv1_bn"));
    }

    /** Runs {@code action}; it must either succeed or throw a KerasImportException (returned), nothing else. */
    private static KerasImportException onlyKerasImportException(Executable action) {
        try {
            action.execute();
            return null;
        } catch (KerasImportException e) {
            return e;
        } catch (Throwable other) {
            fail("expected a KerasImportException or success, got " + other, other);
            return null;
        }
    }

    @Test
    void randomBytesAreNotHdf5() throws IOException {
        byte[] noise = new byte[4096];
        new Random(5).nextBytes(noise);
        Path file = Files.write(dir.resolve("noise.h5"), noise);

        KerasImportException e = assertThrows(KerasImportException.class,
                () -> KerasWeights.load(file, firstLayers(), false));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("not a readable HDF5 file"),
                e.getMessage());
    }

    @Test
    void anEmptyFileAndAMissingFileAreRefused() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.h5"));
        assertTrue(assertThrows(KerasImportException.class, () -> KerasWeights.load(empty, firstLayers(), false))
                .getMessage().contains("not a readable HDF5 file"));
        Path missing = dir.resolve("missing.h5");
        assertTrue(assertThrows(KerasImportException.class, () -> KerasWeights.load(missing, firstLayers(), false))
                .getMessage().contains("no such file"));
    }

    @Test
    void theFirstHalfOfARealFileIsRefused() throws IOException {
        byte[] whole = Files.readAllBytes(TestData.require(NO_TOP));
        Path half = Files.write(dir.resolve("half.h5"), Arrays.copyOf(whole, whole.length / 2));

        KerasImportException e = assertThrows(KerasImportException.class,
                () -> KerasWeights.load(half, firstLayers(), false));
        assertTrue(e.getMessage().startsWith(half.toString()) && e.getMessage().contains("truncated")
                && e.getMessage().contains(whole.length / 2 + " bytes"), e.getMessage());
        // Reading every array (not just those of two layers) fails the same way.
        assertNotNull(onlyKerasImportException(() -> {
            try (HdfFile hdf = H5Arrays.open(half)) {
                KerasWeights.read(KerasWeightGroup.of(hdf, half), half);
            }
        }), "the second half of the arrays is missing");
    }

    @Test
    void aRealFileCutAnywhereIsReportedAsTruncated() throws IOException {
        byte[] whole = Files.readAllBytes(TestData.require(NO_TOP));
        Path cut = dir.resolve("cut.h5");
        for (double fraction : new double[] {0.001, 0.01, 0.05, 0.1, 0.3, 0.6, 0.9, 0.999}) {
            Files.write(cut, Arrays.copyOf(whole, (int) (whole.length * fraction)));
            KerasImportException e = onlyKerasImportException(() -> KerasWeights.load(cut, firstLayers(), false));
            assertNotNull(e, "a file cut at " + fraction + " loaded");
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        }
    }

    @Test
    void aDatasetDeclaringTwoToTheFortyElementsIsRefusedBeforeReading() throws IOException {
        // Patch the real file's dataspace for conv1/kernel:0: its dims (3,3,3,8) and max dims, stored as
        // little-endian 64-bit integers, become (1024,1024,1024,1024), i.e. 2^40 float32 values (4 TiB).
        byte[] bytes = Files.readAllBytes(TestData.require(NO_TOP));
        int patched = BytePatches.replaceAll(bytes, longs(3, 3, 3, 8), longs(1024, 1024, 1024, 1024)).length;
        assertEquals(2, patched, "dims and max dims of the one (3,3,3,8) dataset");
        Path file = Files.write(dir.resolve("absurd.h5"), bytes);

        KerasImportException load = assertThrows(KerasImportException.class,
                () -> KerasWeights.load(file, firstLayers(), false));
        assertTrue(load.getMessage().contains("layer 'conv1'") && load.getMessage().contains("conv1/kernel:0")
                && load.getMessage().contains("1099511627776"), load.getMessage());

        try (HdfFile hdf = new HdfFile(file)) {
            KerasImportException read = assertThrows(KerasImportException.class, () -> KerasWeights.read(hdf, file));
            assertTrue(read.getMessage().contains("(1024, 1024, 1024, 1024)"), read.getMessage());
        }
    }

    @Test
    void declaredSizesAreValidatedWithoutOverflow() {
        Path file = Path.of("model.h5");
        assertEquals(216, H5Arrays.checkedSize(new long[] {3, 3, 3, 8}, file, "conv1", "kernel:0"));
        assertEquals(1, H5Arrays.checkedSize(new long[0], file, "n", "count:0"), "a scalar holds one value");
        assertEquals(H5Arrays.MAX_ELEMENTS, H5Arrays.checkedSize(new long[] {H5Arrays.MAX_ELEMENTS}, file, "l", "w"));

        assertRefused(new long[] {(long) H5Arrays.MAX_ELEMENTS + 1}, "2147483640 elements");
        assertRefused(new long[] {1L << 20, 1L << 20, 1L << 20, 1L << 20}, "1208925819614629174706176 elements");
        // The product of these wraps around to 0 in 64-bit arithmetic; the check must not be fooled.
        assertRefused(new long[] {1L << 32, 1L << 32}, "18446744073709551616 elements");
        assertRefused(new long[] {Long.MAX_VALUE, Long.MAX_VALUE}, "more than");
        assertRefused(new long[] {3, 0, 8}, "dimension 1 is 0");
        assertRefused(new long[] {-1, 8}, "dimension 0 is -1");
    }

    private static void assertRefused(long[] dims, String expected) {
        KerasImportException e = assertThrows(KerasImportException.class,
                () -> H5Arrays.checkedSize(dims, Path.of("model.h5"), "conv1", "conv1/kernel:0"));
        assertTrue(e.getMessage().contains(expected) && e.getMessage().contains("model.h5: layer 'conv1'")
                && e.getMessage().contains("conv1/kernel:0"), e.getMessage());
    }
}
