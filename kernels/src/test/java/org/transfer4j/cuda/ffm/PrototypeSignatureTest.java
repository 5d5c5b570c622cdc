package org.transfer4j.cuda.ffm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.transfer4j.cuda.blas.Cublas;
import org.transfer4j.cuda.dnn.Cudnn;
import org.transfer4j.cuda.driver.KernelLauncher;

/**
 * Every C function the FFM bindings call is declared in the test resource {@code cuda-prototypes.h},
 * copied from the vendor headers (cublas_api.h; cuDNN 9's cudnn_graph.h, cudnn_ops.h, cudnn_cnn.h;
 * cuda_runtime_api.h; sources named per group in the file). Each binding's prototype must have the
 * header's parameter types and so the same {@code FunctionDescriptor}: a binding typed wrong (an
 * {@code int} for a {@code long long} stride, a swapped format/data-type pair) fails here, without a GPU.
 */
class PrototypeSignatureTest {

    @Test
    void everyCublasBindingMatchesCublasApiH() throws IOException {
        checkAgainstHeaders(Cublas.prototypes());
    }

    @Test
    void everyCudnnBindingMatchesTheCudnn9Headers() throws IOException {
        checkAgainstHeaders(Cudnn.prototypes());
    }

    @Test
    void everyRuntimeBindingOfTheGpuTestsMatchesCudaRuntimeApiH() throws IOException {
        checkAgainstHeaders(CudaRuntimeForTests.PROTOTYPES);
    }

    @Test
    void theKernelLaunchMatchesCudaH() throws IOException {
        checkAgainstHeaders(KernelLauncher.prototypes());
    }

    @Test
    void theHeaderFileDeclaresOnlyFunctionsThatAreBound() throws IOException {
        TreeSet<String> bound = new TreeSet<>();
        for (List<Prototype> group : List.of(Cublas.prototypes(), Cudnn.prototypes(), CudaRuntimeForTests.PROTOTYPES,
                KernelLauncher.prototypes())) {
            group.forEach(p -> bound.add(p.name()));
        }
        assertEquals(bound, new TreeSet<>(headerPrototypes().keySet()), "cuda-prototypes.h lists a function nothing binds, or misses one");
    }

    @Test
    void aWrongWidthOrOrderChangesTheComparison() throws IOException {
        Prototype header = headerPrototypes().get("cublasSgemmStridedBatched");
        Prototype intStride = Prototype.parse(header.toString().replaceFirst("long long int", "int"));
        assertNotEquals(header.descriptor(), intStride.descriptor());
        Prototype filter = headerPrototypes().get("cudnnSetFilter4dDescriptor");
        // cudnnSetTensor4dDescriptor takes (format, dataType); cudnnSetFilter4dDescriptor (dataType, format)
        Prototype swapped = Prototype.parse(filter.toString().replace("cudnnDataType_t, cudnnTensorFormat_t", "cudnnTensorFormat_t, cudnnDataType_t"));
        assertNotEquals(filter.parameters(), swapped.parameters());
    }

    private static void checkAgainstHeaders(List<Prototype> bound) throws IOException {
        Map<String, Prototype> headers = headerPrototypes();
        assertFalse(bound.isEmpty());
        for (Prototype p : bound) {
            Prototype header = headers.get(p.name());
            assertNotNull(header, p.name() + " is bound but not in cuda-prototypes.h");
            assertEquals(header.returnType(), p.returnType(), "return type of " + p.name());
            assertEquals(header.parameters(), p.parameters(), "parameter types of " + p.name());
            assertEquals(header.descriptor(), p.descriptor(), "FunctionDescriptor of " + p.name());
        }
    }

    /** The declarations of the resource, by name: comments dropped, split at ';'. */
    static Map<String, Prototype> headerPrototypes() throws IOException {
        String text;
        try (InputStream in = PrototypeSignatureTest.class.getResourceAsStream("cuda-prototypes.h")) {
            assertNotNull(in, "test resource org/transfer4j/cuda/ffm/cuda-prototypes.h");
            text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        text = text.replaceAll("(?s)/\\*.*?\\*/", " ");
        Map<String, Prototype> byName = new LinkedHashMap<>();
        List<String> duplicates = new ArrayList<>();
        for (String declaration : text.split(";")) {
            if (declaration.isBlank()) {
                continue;
            }
            Prototype p = Prototype.parse(declaration);
            if (byName.put(p.name(), p) != null) {
                duplicates.add(p.name());
            }
        }
        assertEquals(List.of(), duplicates, "declared twice in cuda-prototypes.h");
        return byName;
    }
}
