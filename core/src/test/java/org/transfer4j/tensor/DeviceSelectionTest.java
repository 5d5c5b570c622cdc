package org.transfer4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.transfer4j.Transfer4jException;

/** Core alone has no CUDA provider on its test class path: selection falls back to the CPU and says why. */
class DeviceSelectionTest {

    @Test
    void withoutACudaProviderBestIsTheCpuAndCudaNamesTheMissingJar() {
        assertEquals(Device.cpu(), Device.best());
        assertTrue(Device.whyNoGpu().orElseThrow().contains("transfer4j-kernels"), Device.whyNoGpu().toString());
        Transfer4jException e = assertThrows(Transfer4jException.class, () -> Device.cuda(0));
        assertTrue(e.getMessage().contains("no CUDA backend on the class path"), e.getMessage());
    }
}
