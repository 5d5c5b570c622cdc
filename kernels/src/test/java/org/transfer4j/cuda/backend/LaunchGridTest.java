package org.transfer4j.cuda.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.transfer4j.cuda.LaunchGeometry;
import org.transfer4j.cuda.LaunchGrid;
import org.transfer4j.cuda.driver.LaunchLimits;

class LaunchGridTest {

    @Test
    void oneDimensionalGeometryIsTheSpecialCase() {
        assertEquals(new LaunchGrid(7, 1, 1, 256, 1, 1), LaunchGrid.of(new LaunchGeometry(7, 256)));
    }

    @Test
    void cudaLimitsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new LaunchGrid(1, 65_536, 1, 32, 8, 1));
        assertThrows(IllegalArgumentException.class, () -> new LaunchGrid(1, 1, 65_536, 32, 8, 1));
        assertThrows(IllegalArgumentException.class, () -> new LaunchGrid(1, 1, 1, 32, 8, 8));   // 2048 threads
        assertThrows(IllegalArgumentException.class, () -> new LaunchGrid(1, 1, 1, 1, 1, 65));   // blockDim.z
        assertThrows(IllegalArgumentException.class, () -> new LaunchGrid(0, 1, 1, 32, 8, 1));
        assertEquals(256, new LaunchGrid(Integer.MAX_VALUE, 65_535, 65_535, 32, 8, 1).threadsPerBlock());
    }

    @Test
    void kernelLimitCountsEveryThreadOfTheBlock() {
        LaunchLimits limits = new LaunchLimits(128, Integer.MAX_VALUE, 48 * 1024);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> limits.check("reduce/reduce_cols_sum_f32", new LaunchGrid(1, 1, 1, 32, 8, 1), 0));
        assertTrue(e.getMessage().contains("256 threads per block"), e.getMessage());
        limits.check("reduce/reduce_cols_sum_f32", new LaunchGrid(1, 1, 1, 32, 4, 1), 0);
    }
}
