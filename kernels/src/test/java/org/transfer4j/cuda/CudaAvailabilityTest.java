package org.transfer4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CudaAvailabilityTest {

    /** Whether this machine has a driver library where the probe looks (CPU machines here do not). */
    private static boolean driverInstalled() {
        return CudaAvailability.DEFAULT_DIRS.stream().anyMatch(d -> Files.exists(d.resolve(CudaAvailability.DRIVER_LIBRARY)));
    }

    @Test
    void withoutADriverTheProbeReportsUnavailableAndWhy() {
        assumeFalse(driverInstalled(), "this machine has libcuda.so.1; the gpu-tagged test covers it");
        CudaAvailability cuda = CudaAvailability.probe();
        assertFalse(cuda.available());
        assertTrue(cuda.reason().startsWith("no CUDA driver (libcuda.so.1) found in "), cuda.reason());
        assertTrue(cuda.reason().contains("/usr/lib/x86_64-linux-gnu"), cuda.reason());
        assertTrue(cuda.library().isEmpty());
        assertEquals(0, cuda.deviceCount());
        assertEquals(cuda.reason(), cuda.toString());
    }

    @Test
    void emptyFoldersGiveTheNotFoundReasonNamingThem(@TempDir Path dir) {
        CudaAvailability cuda = CudaAvailability.probe(false, List.of(dir));
        assertFalse(cuda.available());
        assertEquals("no CUDA driver (libcuda.so.1) found in [" + dir + "] (is the NVIDIA driver installed?"
                + " set TRANSFER4J_CUDA_LIB to its folder)", cuda.reason());
    }

    @Test
    void aFileThatIsNotALibraryIsReportedAsNotLoadableWithoutThrowing(@TempDir Path dir) throws IOException {
        // an empty file: dlopen fails ("file too short"); HotSpot prints a harmless "might have disabled
        // stack guard" warning on the way, as it does for any library dlopen rejects
        Path fake = Files.createFile(dir.resolve("libcuda.so.1"));
        CudaAvailability cuda = CudaAvailability.probe(false, List.of(dir));
        assertFalse(cuda.available());
        assertTrue(cuda.reason().startsWith("no usable CUDA driver (libcuda.so.1): found but not loadable: " + fake),
                cuda.reason());
    }

    @GpuTest
    @Test
    void onTheGpuMachineTheDriverReportsADevice() {
        CudaAvailability cuda = CudaAvailability.probe();
        assertTrue(cuda.available(), cuda.reason());
        assertTrue(cuda.deviceCount() >= 1);
        assertTrue(cuda.library().isPresent());
    }
}
