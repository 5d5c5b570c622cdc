package org.transfer4j.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opentest4j.AssertionFailedError;
import org.transfer4j.tensor.Device;

/** How GPU tests behave where they are asked for: on this CPU machine they must fail with the probe's reason. */
class GpuRequiredTest {

    @Test
    void aGpuTestFailsWithTheProbesReasonWithoutAGpuAndPassesWithOne() {
        Optional<String> why = Device.whyNoGpu();
        if (why.isPresent()) {
            AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> GpuRequired.check("SomeGpuTest"));
            assertTrue(e.getMessage().startsWith("SomeGpuTest is a GPU test (tag 'gpu') and this machine has no usable"
                    + " CUDA GPU: " + why.get()), e.getMessage());
            assertTrue(e.getMessage().contains("mvn -Pgpu"), e.getMessage());
        } else {
            assertDoesNotThrow(() -> GpuRequired.check("SomeGpuTest"));
        }
    }

    @Test
    void gpuTestCarriesTheGpuTagAndTheExtension() {
        Tag tag = GpuTest.class.getAnnotation(Tag.class);
        assertNotNull(tag, "@GpuTest must carry @Tag, which the build's groups/excludedGroups filter on");
        assertEquals("gpu", tag.value());
        ExtendWith extendWith = GpuTest.class.getAnnotation(ExtendWith.class);
        assertNotNull(extendWith);
        assertArrayEquals(new Class<?>[] {GpuRequired.class}, extendWith.value());
    }
}
