package org.transfer4j.bench.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Comparison} on two hand-written reports (src/test/resources/.../transfer4j.json and pytorch.json), every
 * expected ratio worked out here from the fixtures' numbers.
 */
class ComparisonTest {

    static Path fixture(String name) {
        try {
            return Path.of(ComparisonTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Comparison comparison() {
        return Comparison.of(SideBySideReport.read(fixture("transfer4j.json")), SideBySideReport.read(fixture("pytorch.json")));
    }

    @Test
    void rowsFollowPyTorchsCasesEachWithItsMemoryRow() {
        List<Comparison.Row> rows = comparison().rows();
        assertEquals(10, rows.size()); // 5 PyTorch cases (transfer4j has none of its own) x (speed, memory)
        assertEquals(List.of("train", "train", "inference", "inference", "frozen", "frozen", "train", "train", "inference",
                "inference"), rows.stream().map(Comparison.Row::kind).toList());
    }

    @Test
    void trainingPassesAtOnePointTwoFiveTimesPyTorch() {
        Comparison.Row r = comparison().rows().get(0);
        assertEquals("images/s", r.metric());
        assertEquals(1.25, r.ratio(), 1e-12); // 2500 / 2000
        assertEquals(1.1, r.target());
        assertTrue(r.pass());
        Comparison.Row mem = comparison().rows().get(1);
        assertEquals(0.8, mem.ratio(), 1e-12); // 4000 MiB / 5000 MiB
        assertTrue(mem.pass());
    }

    @Test
    void inferenceBelowPyTorchFailsAndSoDoesTwiceItsMemory() {
        Comparison.Row r = comparison().rows().get(2);
        assertEquals(0.88, r.ratio(), 1e-12); // 11000 / 12500
        assertFalse(r.pass());
        Comparison.Row mem = comparison().rows().get(3);
        assertEquals(2.0, mem.ratio(), 1e-12); // 1000 MiB / 500 MiB
        assertFalse(mem.pass());
    }

    @Test
    void frozenBaseComparesEpochsPerSecondAgainstTenTimesAndShowsTheCachePass() {
        Comparison.Row r = comparison().rows().get(4);
        assertEquals("epochs/s", r.metric());
        assertEquals(40.0, r.ratio(), 1e-12); // 400 / 10
        assertEquals(10.0, r.target());
        assertTrue(r.pass());
        assertEquals("with the feature pass: 20.00 epochs/s, 2.00x", r.note()); // 20 / 10
        Comparison.Row mem = comparison().rows().get(5);
        assertEquals(1.0, mem.ratio(), 1e-12); // equal peaks meet "at most PyTorch's"
        assertTrue(mem.pass());
    }

    @Test
    void aFailedOrMissingCaseIsAFailThatSaysWhy() {
        List<Comparison.Row> rows = comparison().rows();
        Comparison.Row failed = rows.get(6);
        assertFalse(failed.pass());
        assertNull(failed.ratio());
        assertEquals(1700.0, failed.pytorch());
        assertTrue(failed.note().startsWith("transfer4j failed: CudaOutOfMemoryException"), failed.note());
        Comparison.Row missing = rows.get(8);
        assertFalse(missing.pass());
        assertEquals("transfer4j has no such case", missing.note());
        assertFalse(comparison().allPass());
    }

    @Test
    void tableShowsValuesRatiosTargetsAndVerdicts() {
        String table = comparison().table();
        assertTrue(table.contains("MobileNetV2  train      images/s               2500.0       2000.0    1.25x    >=1.1 PASS"), table);
        assertTrue(table.contains("MobileNetV2  inference  images/s              11000.0      12500.0    0.88x    >=1.0 FAIL"), table);
        assertTrue(table.contains("peak memory MiB        1000.0        500.0    2.00x    <=1.0 FAIL"), table);
        assertTrue(table.endsWith("4 of 10 pass\n"), table);
    }
}
