package org.transfer4j.cuda.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.transfer4j.cuda.CudaAvailability;

class CudaDriverTest {

    @Test
    void withoutCudaCreatingAContextThrowsTheProbesReasonNotALinkageError() {
        CudaAvailability cuda = CudaAvailability.probe();
        assumeFalse(cuda.available(), "this machine has CUDA; the gpu-tagged tests cover it");
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class, () -> CudaContext.primary(0));
        assertEquals("CUDA is unavailable (initialising the CUDA driver): " + cuda.reason(), e.getMessage());
        assertEquals(CudaException.NO_CODE, e.errorCode());
        // the failure is remembered: the same exception, no second load attempt
        assertSame(e, assertThrows(CudaUnavailableException.class, CudaDevice::count));
    }

    @Test
    void aLinkageErrorFromLoadingJCudaIsTranslated() {
        CudaAvailability found = new CudaAvailability(true, Optional.of("/opt/fake/libcuda.so.1"), 1, "");
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class, () -> CudaDriver.initialise(
                () -> found, () -> { throw new UnsatisfiedLinkError("libcuda.so.1: cannot open shared object file"); }));
        assertTrue(e.getMessage().startsWith("CUDA is unavailable (loading JCuda's native library): the driver"
                + " /opt/fake/libcuda.so.1 was found, but JCuda's native library"), e.getMessage());
        assertTrue(e.getMessage().contains("cannot open shared object file"), e.getMessage());
        assertInstanceOf(UnsatisfiedLinkError.class, e.getCause());
    }

    @Test
    void theRealJCudaLoadWithoutLibcudaIsTranslatedToo() {
        // Bypass the probe so that JCuda really tries to load libJCudaDriver, which links libcuda.so.1:
        // where the driver is missing that load throws UnsatisfiedLinkError (and a second touch of
        // JCudaDriver NoClassDefFoundError); neither may escape.
        assumeFalse(CudaAvailability.probe().available(), "this machine has CUDA: JCuda loads");
        CudaAvailability pretend = new CudaAvailability(true, Optional.of("libcuda.so.1"), 1, "");
        for (int attempt = 0; attempt < 2; attempt++) {
            CudaUnavailableException e = assertThrows(CudaUnavailableException.class,
                    () -> CudaDriver.initialise(() -> pretend, CudaDriver::loadJCuda));
            assertInstanceOf(LinkageError.class, e.getCause());
            assertTrue(e.getMessage().contains("JCuda's native library"), e.getMessage());
        }
    }

    @Test
    void anOrdinalBeyondTheDeviceCountNamesTheCount() {
        IllegalArgumentException two = assertThrows(IllegalArgumentException.class, () -> CudaDevice.checkOrdinal(2, 2));
        assertEquals("CUDA device 2 requested, but the driver reports 2 devices (valid ordinals 0..1)", two.getMessage());
        IllegalArgumentException one = assertThrows(IllegalArgumentException.class, () -> CudaDevice.checkOrdinal(-1, 1));
        assertEquals("CUDA device -1 requested, but the driver reports 1 device (valid ordinals 0..0)", one.getMessage());
        CudaDevice.checkOrdinal(0, 1);
    }
}
