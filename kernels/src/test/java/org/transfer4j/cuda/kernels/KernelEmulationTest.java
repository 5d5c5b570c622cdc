package org.transfer4j.cuda.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.transfer4j.tensor.Device;
import org.transfer4j.tensor.Tensor;

/**
 * The kernels' logic checked on the CPU: {@code src/test/cuda/emulate_kernels.cpp} compiles every
 * {@code src/main/cuda/*.cu} as host C++ with g++ through {@code src/test/cuda/emulate.h} (threads,
 * blocks, shared memory, barriers and warp shuffles emulated) and compares each family's kernels with
 * plain reference loops on small odd shapes, NaN and infinities included. The random kernels are
 * compared here with the CPU backend itself (core's counter-based Generator). The binary is built once
 * into {@code target/emulation} and rebuilt when a source is newer.
 *
 * <p>Without g++ on the PATH the test is skipped with a message, except under {@code CI=true}, where
 * it fails: CI machines have nvcc and so a host compiler.
 */
class KernelEmulationTest {

    private static final Path MODULE = Path.of(System.getProperty("basedir", "."));
    private static final Path CUDA = MODULE.resolve("src/main/cuda");
    private static final Path DRIVER_DIR = MODULE.resolve("src/test/cuda");
    private static final Path BINARY = MODULE.resolve("target/emulation/emulate_kernels");

    private static String gxx;

    @BeforeAll
    static void buildEmulator() throws IOException, InterruptedException {
        gxx = findOnPath("g++");
        if (gxx == null) {
            String message = "g++ is not on the PATH: the CPU emulation of the CUDA kernels cannot be compiled";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(message + "; under CI=true this is a failure (CI machines have nvcc, hence a host compiler)");
            }
            Assumptions.abort(message + " (skipped; install g++ to run it)");
        }
        if (Files.isRegularFile(BINARY) && !stale()) {
            return;
        }
        Files.createDirectories(BINARY.getParent());
        Result r = run(List.of(gxx, "-std=c++20", "-O1", "-ffp-contract=off", "-pthread", "-include", "emulate.h",
                "-o", BINARY.toAbsolutePath().toString(), "emulate_kernels.cpp"), DRIVER_DIR, 300);
        assertEquals(0, r.exit(), () -> "g++ could not compile the kernels as host C++:\n" + r.output());
    }

    static List<String> emulatedFamilies() {
        return Kernels.FAMILIES.stream().filter(f -> !f.equals(Kernels.RANDOM)).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("emulatedFamilies")
    void kernelsOfTheFamilyMatchTheReferenceLoops(String family) throws IOException, InterruptedException {
        Result r = run(List.of(BINARY.toAbsolutePath().toString(), family), MODULE, 120);
        assertEquals(0, r.exit(), () -> "emulated " + family + " kernels differ from the reference:\n" + r.output());
        assertTrue(r.output().contains(family + ": ") && r.output().contains(", 0 failed"), r.output());
    }

    @Test
    void uniformIsBitIdenticalAndNormalWithinOneUlpOfTheCpuBackend() throws IOException, InterruptedException {
        // seeds and counters as Java longs, including a negative seed and a counter past 2^32
        long[][] streams = {{42, 7}, {-3, 1L << 40}, {Long.MAX_VALUE, 0}};
        int n = 300;
        for (long[] s : streams) {
            Result r = run(List.of(BINARY.toAbsolutePath().toString(), "random-values", Long.toString(s[0]),
                    Long.toString(s[1]), Integer.toString(n)), MODULE, 60);
            assertEquals(0, r.exit(), r.output());
            List<String> lines = r.output().lines().toList();
            assertEquals(2 * n, lines.size(), r.output());
            Tensor u = Tensor.zeros(Device.cpu(), n);
            u.backend().randomUniform(u, s[0], s[1], -2f, 3f);
            Tensor z = Tensor.zeros(Device.cpu(), n);
            z.backend().randomNormal(z, s[0], s[1], 0.5f, 2f);
            float[] cpuU = u.toArray();
            float[] cpuZ = z.toArray();
            for (int i = 0; i < n; i++) {
                float gpuU = Float.intBitsToFloat(Integer.parseUnsignedInt(lines.get(i), 16));
                float gpuZ = Float.intBitsToFloat(Integer.parseUnsignedInt(lines.get(n + i), 16));
                int at = i;
                assertEquals(Float.floatToIntBits(cpuU[i]), Float.floatToIntBits(gpuU),
                        () -> "uniform_f32 seed " + s[0] + " counter " + s[1] + " element " + at);
                assertTrue(Math.abs(cpuZ[i] - gpuZ) <= Math.ulp(cpuZ[i]),
                        () -> "normal_f32 seed " + s[0] + " element " + at + ": " + gpuZ + " vs CPU " + cpuZ[at]);
            }
        }
    }

    private static boolean stale() throws IOException {
        FileTime built = Files.getLastModifiedTime(BINARY);
        try (Stream<Path> a = Files.list(CUDA); Stream<Path> b = Files.list(DRIVER_DIR)) {
            return Stream.concat(a, b).anyMatch(p -> {
                try {
                    return Files.getLastModifiedTime(p).compareTo(built) > 0;
                } catch (IOException e) {
                    return true;
                }
            });
        }
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> command, Path dir, int timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out after " + timeoutSeconds + " s: " + command);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static String findOnPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
