package org.transfer4j.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PtxModulesTest {

    @Test
    void hopperAndNewerGetTheSm90Ptx() {
        assertEquals(PtxTarget.SM90, PtxTarget.forComputeCapability(new ComputeCapability(9, 0)));    // H100
        assertEquals(PtxTarget.SM90, PtxTarget.forComputeCapability(new ComputeCapability(10, 0)));   // B200
        assertEquals(PtxTarget.SM90, PtxTarget.forComputeCapability(new ComputeCapability(12, 0)));   // RTX 50xx
        String ptx = PtxModules.load("elementwise", new ComputeCapability(9, 0));
        assertTrue(ptx.lines().anyMatch(".target sm_90"::equals), "sm90 PTX declares .target sm_90");
    }

    @Test
    void turingToAdaGetTheSm75Ptx() {
        assertEquals(PtxTarget.SM75, PtxTarget.forComputeCapability(new ComputeCapability(7, 5)));   // T4
        assertEquals(PtxTarget.SM75, PtxTarget.forComputeCapability(new ComputeCapability(8, 0)));   // A100
        assertEquals(PtxTarget.SM75, PtxTarget.forComputeCapability(new ComputeCapability(8, 9)));   // L4
        String ptx = PtxModules.load("elementwise", new ComputeCapability(8, 6));
        assertTrue(ptx.lines().anyMatch(".target sm_75"::equals), "sm75 PTX declares .target sm_75");
    }

    @Test
    void devicesBelowComputeCapability75AreRejectedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PtxModules.load("elementwise", new ComputeCapability(7, 0)));   // V100
        assertTrue(e.getMessage().contains("7.0") && e.getMessage().contains("7.5"), e.getMessage());
    }

    @Test
    void unknownFamiliesAndBadNamesAreRejected() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> PtxModules.load("nosuchfamily", PtxTarget.SM90));
        assertTrue(missing.getMessage().contains("/org/transfer4j/cuda/ptx/nosuchfamily.sm90.ptx"), missing.getMessage());
        IllegalArgumentException path = assertThrows(IllegalArgumentException.class,
                () -> PtxModules.load("../elementwise", PtxTarget.SM90));
        assertTrue(path.getMessage().contains("\"../elementwise\""), path.getMessage());
    }

    @Test
    void loadedTextIsCachedAndStartsWithTheSourceHash() {
        String first = PtxModules.load("elementwise", PtxTarget.SM75);
        assertSame(first, PtxModules.load("elementwise", PtxTarget.SM75));
        assertTrue(PtxModules.sourceHash(first).matches("[0-9a-f]{64}"), PtxModules.sourceHash(first));
    }

    @Test
    void sourceHashRequiresTheHeaderLine() {
        assertEquals("ab12", PtxModules.sourceHash("// transfer4j-source-sha256: ab12\n.version 9.0\n"));
        assertThrows(IllegalArgumentException.class, () -> PtxModules.sourceHash("//\n.version 9.0\n"));
    }

    @Test
    void resourceNamesAndNulTermination() {
        assertEquals("/org/transfer4j/cuda/ptx/elementwise.sm75.ptx", PtxModules.resourceName("elementwise", PtxTarget.SM75));
        assertArrayEquals(new byte[] {'.', 'v', 0}, PtxModules.nulTerminated(".v"));
    }

    @Test
    void computeCapabilitiesOrderByMajorThenMinor() {
        assertTrue(new ComputeCapability(8, 9).compareTo(new ComputeCapability(9, 0)) < 0);
        assertTrue(new ComputeCapability(10, 0).atLeast(9, 0));
        assertTrue(!new ComputeCapability(7, 0).atLeast(7, 5));
        assertEquals("8.6", new ComputeCapability(8, 6).toString());
        assertThrows(IllegalArgumentException.class, () -> new ComputeCapability(0, 0));
    }
}
