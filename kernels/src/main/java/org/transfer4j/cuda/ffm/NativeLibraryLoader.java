package org.transfer4j.cuda.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds a CUDA library by its sonames, newest first: {@link #CUBLAS} ({@code libcublas.so.13}, then
 * {@code .12}), {@link #CUDNN} ({@code libcudnn.so.9}, then {@code .8}), {@link #CUDART}. For each
 * soname in order it tries {@code dlopen}'s own search ({@code LD_LIBRARY_PATH}, the {@code ld.so}
 * cache), then the folder named by the environment variable {@code TRANSFER4J_CUDA_LIB}, then
 * {@link #DEFAULT_DIRS}. The first soname that loads anywhere wins, so a machine with both cuBLAS 13
 * and 12 gets 13 wherever it lies.
 *
 * <p>The sonames: CUDA 13's cuBLAS is {@code libcublas.so.13}, CUDA 12's {@code libcublas.so.12};
 * cuDNN 9 is {@code libcudnn.so.9} (a shim that loads its sub-libraries {@code libcudnn_ops.so.9},
 * {@code libcudnn_cnn.so.9}, ... from its own folder), cuDNN 8 {@code libcudnn.so.8}.
 */
public final class NativeLibraryLoader {

    /** cuBLAS: name and sonames, newest first. */
    public static final Spec CUBLAS = new Spec("cuBLAS", List.of("libcublas.so.13", "libcublas.so.12"));
    /** cuDNN: name and sonames, newest first. */
    public static final Spec CUDNN = new Spec("cuDNN", List.of("libcudnn.so.9", "libcudnn.so.8"));
    /** The CUDA runtime: name and sonames, newest first (tests use it for device memory). */
    public static final Spec CUDART = new Spec("CUDA runtime", List.of("libcudart.so.13", "libcudart.so.12"));

    /** The environment variable naming an extra folder, searched before {@link #DEFAULT_DIRS}. */
    public static final String ENV_DIR = "TRANSFER4J_CUDA_LIB";
    /** Folders searched after {@code dlopen}'s own search and {@value #ENV_DIR}. */
    public static final List<Path> DEFAULT_DIRS = List.of(Path.of("/usr/local/cuda/lib64"), Path.of("/usr/lib/x86_64-linux-gnu"));

    /**
     * A library to look for.
     *
     * @param name    its name in messages
     * @param sonames its sonames, preferred first
     */
    public record Spec(String name, List<String> sonames) {
        public Spec {
            sonames = List.copyOf(sonames);
            if (sonames.isEmpty()) {
                throw new IllegalArgumentException("library " + name + " needs at least one soname");
            }
        }
    }

    private NativeLibraryLoader() {
    }

    /** The folders searched for this process: {@value #ENV_DIR} when set, then {@link #DEFAULT_DIRS}. */
    public static List<Path> searchDirs() {
        List<Path> dirs = new ArrayList<>();
        String configured = System.getenv(ENV_DIR);
        if (configured != null && !configured.isBlank()) {
            dirs.add(Path.of(configured));
        }
        dirs.addAll(DEFAULT_DIRS);
        return dirs;
    }

    /**
     * Loads {@code spec} from {@code dlopen}'s search and {@link #searchDirs()}.
     *
     * @throws CudaLibraryNotFoundException naming the library, its sonames and every folder searched
     */
    public static NativeLibrary load(Spec spec) {
        return load(spec, true, searchDirs());
    }

    /**
     * Loads {@code spec}, trying for each soname {@code dlopen}'s own search (when {@code systemSearch})
     * and then each of {@code dirs}.
     *
     * @throws CudaLibraryNotFoundException naming the library, its sonames and every folder searched
     */
    public static NativeLibrary load(Spec spec, boolean systemSearch, List<Path> dirs) {
        List<String> failures = new ArrayList<>();
        for (String soname : spec.sonames()) {
            if (systemSearch) {
                try {
                    return new NativeLibrary(spec.name(), soname, SymbolLookup.libraryLookup(soname, Arena.global()));
                } catch (IllegalArgumentException e) {
                    // dlopen did not find it by name: try the folders
                }
            }
            for (Path dir : dirs) {
                Path candidate = dir.resolve(soname);
                if (!Files.exists(candidate)) {
                    continue;
                }
                try {
                    return new NativeLibrary(spec.name(), candidate.toString(), SymbolLookup.libraryLookup(candidate, Arena.global()));
                } catch (IllegalArgumentException e) {
                    // present but not loadable (wrong architecture, a missing dependency): say so
                    failures.add(candidate + " (" + e.getMessage() + ")");
                }
            }
        }
        throw new CudaLibraryNotFoundException(spec.name(), spec.sonames(), systemSearch, dirs, failures);
    }
}
