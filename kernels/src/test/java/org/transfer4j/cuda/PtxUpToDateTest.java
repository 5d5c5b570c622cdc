package org.transfer4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The checked-in PTX (src/main/resources/org/transfer4j/cuda/ptx) matches the kernel sources
 * (src/main/cuda): for every .cu and every {@link PtxTarget} the PTX exists, records the SHA-256 of
 * the current .cu, declares its target and defines every {@code extern "C"} kernel of the .cu as an
 * {@code .entry}. Runs without nvcc or a GPU (CI).
 */
class PtxUpToDateTest {

    private static final Path MODULE = Path.of(System.getProperty("basedir", "."));
    private static final Path CUDA_SOURCES = MODULE.resolve("src/main/cuda");
    private static final Path PTX_DIR = MODULE.resolve("src/main/resources" + PtxModules.RESOURCE_DIR);
    private static final String REGENERATE = "regenerate with kernels/scripts/build-ptx.sh (needs nvcc) and commit the PTX";
    /** {@code extern "C" __global__ void [__launch_bounds__(...)] name(}. */
    private static final Pattern KERNEL = Pattern.compile(
            "extern\\s+\"C\"\\s+__global__\\s+void\\s+(?:__launch_bounds__\\s*\\([^)]*\\)\\s+)?(\\w+)\\s*\\(");
    private static final Pattern ENTRY = Pattern.compile("^\\.visible \\.entry (\\w+)\\(", Pattern.MULTILINE);

    @Test
    void everyKernelSourceHasUpToDatePtxForEveryTarget() throws IOException {
        List<Path> sources = cudaSources();
        assertFalse(sources.isEmpty(), "no .cu file in " + CUDA_SOURCES.toAbsolutePath());
        for (Path cu : sources) {
            String family = cu.getFileName().toString().replaceFirst("\\.cu$", "");
            String hash = sha256(Files.readAllBytes(cu));
            for (PtxTarget target : PtxTarget.values()) {
                Path ptx = PTX_DIR.resolve(family + "." + target.suffix() + ".ptx");
                if (!Files.isRegularFile(ptx)) {
                    fail("missing PTX " + MODULE.relativize(ptx) + " for " + MODULE.relativize(cu) + ": " + REGENERATE);
                }
                String text = Files.readString(ptx, StandardCharsets.US_ASCII);
                assertEquals(hash, PtxModules.sourceHash(text), () -> "stale PTX " + MODULE.relativize(ptx)
                        + ": it was generated from another version of " + MODULE.relativize(cu) + "; " + REGENERATE);
                assertTrue(text.lines().anyMatch(line -> line.strip().equals(target.targetDirective())),
                        () -> MODULE.relativize(ptx) + " does not declare " + target.targetDirective() + "; " + REGENERATE);
            }
        }
    }

    @Test
    void everyExternCKernelOfASourceIsAnEntryOfItsPtx() throws IOException {
        for (Path cu : cudaSources()) {
            String family = cu.getFileName().toString().replaceFirst("\\.cu$", "");
            Set<String> kernels = names(KERNEL, Files.readString(cu));
            assertFalse(kernels.isEmpty(), "no extern \"C\" __global__ kernel in " + cu);
            for (PtxTarget target : PtxTarget.values()) {
                Set<String> entries = names(ENTRY, PtxModules.load(family, target));
                assertEquals(kernels, entries, () -> "the .entry functions of " + family + "." + target.suffix()
                        + ".ptx differ from the extern \"C\" kernels of " + cu.getFileName() + "; " + REGENERATE);
            }
        }
    }

    @Test
    void kernelSourcesIncludeNoLocalHeaders() throws IOException {
        // The PTX header hashes the .cu alone: a local #include "x.cuh" could change without the hash.
        for (Path cu : cudaSources()) {
            assertFalse(Files.readString(cu).lines().anyMatch(line -> line.strip().matches("#\\s*include\\s*\".*")),
                    () -> cu + " includes a local header; keep each kernel family self-contained");
        }
    }

    @Test
    void elementwiseDefinesTheUnaryBinaryFillAndCopyKernels() throws IOException {
        Set<String> kernels = names(KERNEL, Files.readString(CUDA_SOURCES.resolve("elementwise.cu")));
        Set<String> expected = new TreeSet<>(List.of("relu_f32", "relu6_f32", "sigmoid_f32", "tanh_f32", "exp_f32",
                "log_f32", "neg_f32", "abs_f32", "sqrt_f32", "affine_f32", "clamp_f32", "leaky_relu_f32", "erf_f32",
                "pow_scalar_f32", "fill_f32", "copy_f32", "moving_average_f32", "add_clamp_f32"));
        for (String op : List.of("add", "sub", "mul", "div", "max", "min", "pow", "eq", "gt", "ge")) {
            expected.add(op + "_f32");
            expected.add(op + "_bcast_f32");
        }
        assertEquals(expected, kernels);
    }

    private static List<Path> cudaSources() throws IOException {
        try (Stream<Path> files = Files.list(CUDA_SOURCES)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".cu")).sorted().toList();
        }
    }

    private static Set<String> names(Pattern pattern, String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}
