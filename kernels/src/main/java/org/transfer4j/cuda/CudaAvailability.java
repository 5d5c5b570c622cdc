package org.transfer4j.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether the CUDA driver can be used in this process, and if not, why: the answer device selection
 * needs to fall back to the CPU with a message ({@code --device auto}) or to fail with one
 * ({@code --device cuda}). {@link #probe()} never throws.
 *
 * <p>The probe loads {@code libcuda.so.1} (the driver's library, installed with the NVIDIA driver, not
 * with the toolkit) through {@code java.lang.foreign}: first by name, as {@code dlopen} finds it
 * ({@code LD_LIBRARY_PATH}, the {@code ld.so} cache), then from the folder named by the environment
 * variable {@code TRANSFER4J_CUDA_LIB} and the usual folders ({@link #DEFAULT_DIRS}). The toolkit's
 * {@code lib64/stubs/libcuda.so} is deliberately not searched: it links but every call fails. With a
 * library loaded it calls {@code cuInit(0)} and {@code cuDeviceGetCount}, so a driver without a
 * usable GPU (none present, none visible in a container) is reported as such.
 *
 * @param available   whether the driver initialised and reported at least one device
 * @param library     where the driver library was found: a path, or the bare name when found by
 *                    {@code dlopen}'s own search; empty when not found
 * @param deviceCount the devices the driver reports; 0 when unavailable
 * @param reason      why CUDA is unavailable, naming what is missing; empty when available
 */
public record CudaAvailability(boolean available, Optional<String> library, int deviceCount, String reason) {

    /** The soname of the CUDA driver API library on Linux. */
    public static final String DRIVER_LIBRARY = "libcuda.so.1";
    /** Folders searched after {@code dlopen}'s own search and {@code TRANSFER4J_CUDA_LIB}. */
    public static final List<Path> DEFAULT_DIRS = List.of(
            Path.of("/usr/lib/x86_64-linux-gnu"), Path.of("/usr/lib/aarch64-linux-gnu"), Path.of("/usr/lib64"),
            Path.of("/usr/lib/wsl/lib"), Path.of("/usr/local/cuda/compat"), Path.of("/usr/local/cuda/lib64"));

    private static final int CUDA_SUCCESS = 0;

    /** The probe's result for this process, searching {@code dlopen}'s path, TRANSFER4J_CUDA_LIB and {@link #DEFAULT_DIRS}. */
    public static CudaAvailability probe() {
        List<Path> dirs = new ArrayList<>();
        String configured = System.getenv("TRANSFER4J_CUDA_LIB");
        if (configured != null && !configured.isBlank()) {
            dirs.add(Path.of(configured));
        }
        dirs.addAll(DEFAULT_DIRS);
        return probe(true, dirs);
    }

    /**
     * The probe over explicit folders (for tests and tools).
     *
     * @param systemSearch whether to try {@code dlopen("libcuda.so.1")} by name first
     * @param dirs         folders in which to look for {@code libcuda.so.1}, in order
     */
    public static CudaAvailability probe(boolean systemSearch, List<Path> dirs) {
        String os = System.getProperty("os.name", "");
        if (!os.toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return unavailable(null, "no CUDA driver: the CUDA backend supports Linux only (os.name=" + os + ")");
        }
        List<String> failures = new ArrayList<>();
        if (systemSearch) {
            try {
                return initialise(DRIVER_LIBRARY, SymbolLookup.libraryLookup(DRIVER_LIBRARY, Arena.global()));
            } catch (IllegalArgumentException | UnsupportedOperationException | IllegalCallerException e) {
                // not found by dlopen: try the folders
            }
        }
        for (Path dir : dirs) {
            Path candidate = dir.resolve(DRIVER_LIBRARY);
            if (!Files.exists(candidate)) {
                continue;
            }
            try {
                return initialise(candidate.toString(), SymbolLookup.libraryLookup(candidate, Arena.global()));
            } catch (RuntimeException e) {
                failures.add(candidate + " (" + e.getMessage() + ")");
            }
        }
        String searched = (systemSearch ? "the system library path (LD_LIBRARY_PATH, ld.so cache), " : "")
                + dirs.stream().map(Path::toString).toList();
        if (!failures.isEmpty()) {
            return unavailable(null, "no usable CUDA driver (" + DRIVER_LIBRARY + "): found but not loadable: "
                    + String.join("; ", failures) + "; searched " + searched);
        }
        return unavailable(null, "no CUDA driver (" + DRIVER_LIBRARY + ") found in " + searched
                + " (is the NVIDIA driver installed? set TRANSFER4J_CUDA_LIB to its folder)");
    }

    /** Calls cuInit(0) and cuDeviceGetCount through the loaded library. */
    private static CudaAvailability initialise(String library, SymbolLookup driver) {
        try {
            Linker linker = Linker.nativeLinker();
            // CUresult cuInit(unsigned int Flags); CUresult cuDeviceGetCount(int *count)  (cuda.h)
            MethodHandle cuInit = linker.downcallHandle(find(driver, "cuInit"),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            MethodHandle cuDeviceGetCount = linker.downcallHandle(find(driver, "cuDeviceGetCount"),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
            int status = (int) cuInit.invokeExact(0);
            if (status != CUDA_SUCCESS) {
                return unavailable(library, "CUDA driver " + library + " found, but cuInit failed with "
                        + errorName(driver, status) + " (" + status + ")");
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment count = arena.allocate(ValueLayout.JAVA_INT);
                status = (int) cuDeviceGetCount.invokeExact(count);
                if (status != CUDA_SUCCESS) {
                    return unavailable(library, "CUDA driver " + library + " found, but cuDeviceGetCount failed with "
                            + errorName(driver, status) + " (" + status + ")");
                }
                int devices = count.get(ValueLayout.JAVA_INT, 0);
                if (devices < 1) {
                    return unavailable(library, "CUDA driver " + library + " found, but it reports no CUDA device");
                }
                return new CudaAvailability(true, Optional.of(library), devices, "");
            }
        } catch (Throwable e) {   // invokeExact declares Throwable; the probe must not throw
            return unavailable(library, "CUDA driver " + library + " found, but probing it failed: " + e);
        }
    }

    /** cuGetErrorName's name for a CUresult, e.g. CUDA_ERROR_NO_DEVICE; "CUresult" when it has none. */
    private static String errorName(SymbolLookup driver, int status) {
        try (Arena arena = Arena.ofConfined()) {
            // CUresult cuGetErrorName(CUresult error, const char **pStr)
            MethodHandle cuGetErrorName = Linker.nativeLinker().downcallHandle(find(driver, "cuGetErrorName"),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
            MemorySegment name = arena.allocate(ValueLayout.ADDRESS);
            if ((int) cuGetErrorName.invokeExact(status, name) != CUDA_SUCCESS) {
                return "CUresult";
            }
            return name.get(ValueLayout.ADDRESS, 0).reinterpret(256).getString(0);
        } catch (Throwable e) {
            return "CUresult";
        }
    }

    private static MemorySegment find(SymbolLookup driver, String symbol) {
        return driver.find(symbol).orElseThrow(() -> new IllegalStateException("symbol " + symbol + " missing"));
    }

    private static CudaAvailability unavailable(String library, String reason) {
        return new CudaAvailability(false, Optional.ofNullable(library), 0, reason);
    }

    @Override
    public String toString() {
        return available ? "CUDA available: " + library.orElseThrow() + ", " + deviceCount + " device(s)" : reason;
    }
}
