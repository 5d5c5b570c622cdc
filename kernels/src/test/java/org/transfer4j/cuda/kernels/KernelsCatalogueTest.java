package org.transfer4j.cuda.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.transfer4j.backend.BinaryOp;
import org.transfer4j.backend.ReduceOp;
import org.transfer4j.backend.UnaryOp;
import org.transfer4j.cuda.ComputeCapability;
import org.transfer4j.cuda.PtxModules;
import org.transfer4j.cuda.PtxTarget;
import org.transfer4j.cuda.driver.KernelSignature;

/**
 * The catalogue ({@link Kernels}) against the checked-in PTX, per family and target: every kernel the
 * backend will call exists with the parameter kinds and order its {@code .cu} header documents, and
 * the PTX has no kernel the catalogue does not know. Runs without a GPU or nvcc.
 */
class KernelsCatalogueTest {

    private static final Path CUDA_SOURCES = Path.of(System.getProperty("basedir", "."), "src/main/cuda");

    static List<String> families() {
        return Kernels.FAMILIES;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void everyCataloguedKernelOfTheFamilyHasItsDocumentedSignatureInBothPtxTargets(String family) {
        List<KernelSpec> specs = Kernels.family(family);
        assertFalse(specs.isEmpty(), "no kernel catalogued for family " + family);
        for (PtxTarget target : PtxTarget.values()) {
            Map<String, KernelSignature> entries = KernelSignature.parseAll(PtxModules.load(family, target));
            for (KernelSpec spec : specs) {
                KernelSignature declared = entries.get(spec.name());
                assertNotNull(declared, () -> spec.qualifiedName() + " is catalogued but not in " + family + "."
                        + target.suffix() + ".ptx, which has " + entries.keySet());
                spec.check(declared);
            }
            Set<String> catalogued = specs.stream().map(KernelSpec::name).collect(Collectors.toCollection(TreeSet::new));
            assertEquals(catalogued, new TreeSet<>(entries.keySet()),
                    () -> family + "." + target.suffix() + ".ptx defines kernels the catalogue does not list (or the reverse)");
        }
    }

    @Test
    void familiesAreExactlyTheCudaSourcesAndLoadForTuringAndHopper() throws IOException {
        try (Stream<Path> files = Files.list(CUDA_SOURCES)) {
            Set<String> sources = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cu"))
                    .map(n -> n.substring(0, n.length() - 3)).collect(Collectors.toCollection(TreeSet::new));
            assertEquals(sources, new TreeSet<>(Kernels.FAMILIES));
        }
        for (String family : Kernels.FAMILIES) {
            assertTrue(PtxModules.load(family, new ComputeCapability(7, 5)).contains(".target sm_75"), family);
            assertTrue(PtxModules.load(family, new ComputeCapability(9, 0)).contains(".target sm_90"), family);
        }
    }

    @Test
    void everySpiOpHasItsKernel() {
        for (UnaryOp op : UnaryOp.values()) {
            assertEquals(Kernels.UNARY_BACKWARD, Kernels.unaryBackward(op).family(), op.name());
        }
        for (BinaryOp op : BinaryOp.values()) {
            assertEquals(5, Kernels.binary(op, true).params().size(), op.name());
            assertEquals(4, Kernels.binary(op, false).params().size(), op.name());
        }
        for (ReduceOp op : ReduceOp.values()) {
            assertEquals(Kernels.REDUCE, Kernels.reduceRows(op).family());
            assertEquals(Kernels.REDUCE, Kernels.reduceCols(op).family());
        }
        // forward kernels of the UnaryOps with scalars, by the names the backend will use
        assertEquals("clamp_f32(i64, f32, f32, ptr, ptr)", Kernels.CLAMP.toString());
        assertEquals("erf_f32", Kernels.named("erf_f32").name());
    }

    @Test
    void aChangedSignatureIsReportedWithBothParameterLists() {
        // sgd_update_f32 with nesterov declared as a float instead of an int: the PTX of a .cu edited
        // without updating the catalogue (or the reverse) must not pass.
        KernelSignature edited = KernelSignature.parseAll("""
                .visible .entry sgd_update_f32(
                    .param .u64 a, .param .f32 b, .param .f32 c, .param .f32 d, .param .f32 e,
                    .param .f32 f, .param .f32 g, .param .u64 h, .param .u64 i, .param .u64 j
                )
                """).get("sgd_update_f32");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kernels.SGD_UPDATE.check(edited));
        assertTrue(e.getMessage().contains("optim/sgd_update_f32") && e.getMessage().contains("i32")
                && e.getMessage().contains(".f32"), e.getMessage());
        KernelSignature shorter = KernelSignature.parseAll(".visible .entry uniform_f32(.param .u64 a, .param .u64 b)")
                .get("uniform_f32");
        assertThrows(IllegalArgumentException.class, () -> Kernels.UNIFORM.check(shorter));
    }

    @Test
    void unknownKernelNamesAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kernels.named("relu_f64"));
        assertTrue(e.getMessage().contains("relu_f64"), e.getMessage());
    }
}
