package org.transfer4j.cuda.ffm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeLibraryLoaderTest {

    @Test
    void missingLibraryNamesItsSonamesAndEveryFolderSearched(@TempDir Path empty, @TempDir Path other) {
        CudaLibraryNotFoundException e = assertThrows(CudaLibraryNotFoundException.class,
                () -> NativeLibraryLoader.load(NativeLibraryLoader.CUBLAS, false, List.of(empty, other)));
        String m = e.getMessage();
        assertTrue(m.contains("cuBLAS") && m.contains("libcublas.so.13") && m.contains("libcublas.so.12"), m);
        assertTrue(m.contains(empty.toString()) && m.contains(other.toString()), m);
        assertTrue(m.contains("TRANSFER4J_CUDA_LIB"), m);
        assertEquals(List.of(empty, other), e.searched());
        assertEquals(List.of("libcublas.so.13", "libcublas.so.12"), e.sonames());
    }

    @Test
    void aFileThatIsNotALibraryIsReportedAsFoundButNotLoadable(@TempDir Path dir) throws IOException {
        Path fake = Files.writeString(dir.resolve("libcudnn.so.9"), "not an ELF file");
        CudaLibraryNotFoundException e = assertThrows(CudaLibraryNotFoundException.class,
                () -> NativeLibraryLoader.load(NativeLibraryLoader.CUDNN, false, List.of(dir)));
        assertTrue(e.getMessage().contains("found but not loadable") && e.getMessage().contains(fake.toString()), e.getMessage());
    }

    @Test
    void defaultFoldersAreTheDocumentedOnes() {
        assertEquals(List.of(Path.of("/usr/local/cuda/lib64"), Path.of("/usr/lib/x86_64-linux-gnu")), NativeLibraryLoader.DEFAULT_DIRS);
        assertTrue(NativeLibraryLoader.searchDirs().containsAll(NativeLibraryLoader.DEFAULT_DIRS));
    }

    /**
     * The whole FFM path on a real library that needs no GPU: the CUDA runtime of the toolkit
     * (cudaRuntimeGetVersion answers without a driver). Skipped where no toolkit is installed.
     */
    @Test
    void downcallsResolveLazilyAndNameAMissingSymbol() throws Throwable {
        NativeLibrary cudart;
        try {
            cudart = NativeLibraryLoader.load(NativeLibraryLoader.CUDART);
        } catch (CudaLibraryNotFoundException e) {
            assumeTrue(false, "no CUDA runtime here: " + e.getMessage());
            return;
        }
        Downcall missing = cudart.downcall(Prototype.parse("cudaError_t cudaNoSuchFunction_t4j(int x)"));   // made without lookup
        NativeSymbolNotFoundException e = assertThrows(NativeSymbolNotFoundException.class, missing::handle);
        assertTrue(e.getMessage().contains("cudaNoSuchFunction_t4j") && e.getMessage().contains("CUDA runtime"), e.getMessage());

        Downcall version = cudart.downcall(Prototype.parse("cudaError_t cudaRuntimeGetVersion(int *runtimeVersion)"));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_INT);
            int status = (int) version.handle().invokeExact(out);
            assertEquals(0, status, "cudaRuntimeGetVersion status");
            int v = out.get(ValueLayout.JAVA_INT, 0);   // 1000 * major + 10 * minor, e.g. 13000
            int major = Integer.parseInt(cudart.location().replaceAll(".*\\.so\\.(\\d+)$", "$1"));
            assertEquals(major, v / 1000, "runtime version " + v + " of " + cudart.location());
        }
    }
}
