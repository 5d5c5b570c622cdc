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
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.transfer4j.backend.cpu.CpuBackend;
import org.transfer4j.tensor.Device;
import org.transfer4j.tensor.Tensor;

/**
 * The kernels' logic checked on the CPU: {@code src/test/cuda/emulate_kernels.cpp} compiles every
 * {@code src/main/cuda/*.cu} as host C++ with g++ through {@code src/test/cuda/emulate.h} (threads,
 * blocks, shared memory, barriers and warp shuffles emulated) and compares each family's kernels with
 * plain reference loops on small odd shapes, NaN and infinities included. The random kernels and the
 * batch-norm kernels are compared here with the CPU backend itself (core's counter-based Generator,
 * {@code batchNormInference}, {@code batchNormTraining}, {@code batchNormBackward} and
 * {@code batchNormMovingAverages}). The binary is
 * built once into {@code target/emulation} and rebuilt when a source is newer.
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

    @Test
    void dropoutIsBitIdenticalToTheCpuBackend() throws IOException, InterruptedException {
        // n past one block of 256, special values (signed zeros, infinities, NaN, a subnormal) among normal ones;
        // rates whose scale 1 / (1 - rate) is not exact in float
        int n = 700;
        SplittableRandom rnd = new SplittableRandom(3);
        float[] x = uniform(rnd, n, -5, 5);
        float[] special = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.MIN_VALUE};
        for (int i = 0; i < special.length; i++) {
            x[i * 101] = special[i];
        }
        StringBuilder in = new StringBuilder();
        for (float v : x) {
            in.append(Integer.toHexString(Float.floatToRawIntBits(v))).append('\n');
        }
        long[][] streams = {{42, 7}, {-3, 1L << 40}};
        for (long[] s : streams) {
            for (float rate : new float[] {0.2f, 0.5f, 0.9f}) {
                float scale = 1f / (1f - rate);
                Result r = run(List.of(BINARY.toAbsolutePath().toString(), "dropout", Long.toString(s[0]),
                        Long.toString(s[1]), Integer.toString(n), Integer.toHexString(Float.floatToRawIntBits(rate)),
                        Integer.toHexString(Float.floatToRawIntBits(scale))), MODULE, 60, in.toString());
                assertEquals(0, r.exit(), r.output());
                List<String> lines = r.output().lines().toList();
                assertEquals(2 * n, lines.size(), r.output());
                var f = CpuBackend.instance().dropout(Tensor.of(x, n), s[0], s[1], rate, scale);
                float[] cpu = f.output().toArray();
                float[] cpuMask = f.mask().toArray();
                for (int i = 0; i < 2 * n; i++) {
                    float gpu = Float.intBitsToFloat(Integer.parseUnsignedInt(lines.get(i), 16));
                    float expected = i < n ? cpu[i] : cpuMask[i - n];
                    String what = (i < n ? "y" : "mask") + " element " + i % n;
                    // floatToIntBits: every NaN is one NaN (a GPU's NaN results carry no payload); -0 is not 0
                    assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(gpu), () -> "dropout_f32 seed "
                            + s[0] + " rate " + rate + " " + what + ": " + gpu + " vs CPU " + expected);
                }
            }
        }
    }

    @Test
    void batchNormInferenceKernelsMatchTheCpuBackend() throws IOException, InterruptedException {
        // M not a multiple of the block (256) and C odd: x (3,5,7,13) is M = 105, n = 1365; x (2,129,3) is M = 258
        for (int[] shape : new int[][] {{3, 5, 7, 13}, {2, 129, 3}}) {
            int c = shape[shape.length - 1];
            int n = 1;
            for (int d : shape) {
                n *= d;
            }
            float eps = 1e-3f;
            SplittableRandom rnd = new SplittableRandom(n);
            float[] x = uniform(rnd, n, -4, 6);
            float[] gamma = uniform(rnd, c, 0.5f, 1.5f);
            float[] beta = uniform(rnd, c, -1, 1);
            float[] mean = uniform(rnd, c, -2, 2);
            float[] var = uniform(rnd, c, 0, 2);
            var[0] = 0f; // epsilon alone under the root
            StringBuilder in = new StringBuilder();
            for (float[] a : List.of(x, gamma, beta, mean, var)) {
                for (float v : a) {
                    in.append(Integer.toHexString(Float.floatToRawIntBits(v))).append('\n');
                }
            }
            int m = n / c;
            Result r = run(List.of(BINARY.toAbsolutePath().toString(), "batchnorm-inference", Integer.toString(m),
                    Integer.toString(c), Integer.toHexString(Float.floatToRawIntBits(eps))), MODULE, 60, in.toString());
            assertEquals(0, r.exit(), r.output());
            List<String> lines = r.output().lines().toList();
            assertEquals(2 * c + n, lines.size(), r.output());
            float[] scale = new float[c];
            float[] shift = new float[c];
            for (int k = 0; k < c; k++) {
                scale[k] = Float.intBitsToFloat(Integer.parseUnsignedInt(lines.get(k), 16));
                shift[k] = Float.intBitsToFloat(Integer.parseUnsignedInt(lines.get(c + k), 16));
                // in double, one rounding to float each: s = gamma / sqrt(var + eps), shift = beta - mean * s
                double s = gamma[k] / Math.sqrt((double) var[k] + eps);
                assertEquals((float) s, scale[k], 0f, "scale of channel " + k);
                assertEquals((float) (beta[k] - mean[k] * s), shift[k], 0f, "shift of channel " + k);
            }
            float[] cpu = CpuBackend.instance().batchNormInference(Tensor.of(x, shape), Tensor.of(gamma, c),
                    Tensor.of(beta, c), Tensor.of(mean, c), Tensor.of(var, c), eps).toArray();
            for (int i = 0; i < n; i++) {
                float gpu = Float.intBitsToFloat(Integer.parseUnsignedInt(lines.get(2 * c + i), 16));
                // The kernel is one fmaf; the CPU's vector loop is an FMA too but its scalar tail (the last
                // C mod vector-length channels) rounds the product x*scale first: half an ulp of the product
                // and the final roundings apart at most.
                int k = i % c;
                float tol = Math.ulp(x[i] * scale[k]) + 2 * Math.ulp(cpu[i]);
                int at = i;
                assertTrue(Math.abs(gpu - cpu[i]) <= tol, () -> "y of " + Arrays.toString(shape) + " element "
                        + at + ": " + gpu + " vs CPU " + cpu[at] + " (tolerance " + tol + ")");
            }
        }
    }

    /** Unit roundoff of float. */
    private static final double U = 0x1p-24;

    /**
     * Plain (no clamp: the plain SPI methods on the CPU, no mask in the kernels), and with a ReLU or ReLU6 clamp: the
     * clamped {@code batchNormTraining} and the {@code batchNormBackward} masked by the clamped output, the CPU given
     * the kernels' own output so that both mask the same elements. The clamp moves no value further from another,
     * and the masked dy is no larger than dy, so the tolerances of the plain ops hold.
     */
    @ParameterizedTest(name = "clamp [{0}, {1}]")
    @CsvSource({"-Infinity, Infinity", "0, Infinity", "0, 6"})
    void batchNormTrainingAndBackwardKernelsMatchTheCpuBackend(float low, float high)
            throws IOException, InterruptedException {
        boolean clamped = low != Float.NEGATIVE_INFINITY || high != Float.POSITIVE_INFINITY;
        int onHigh = 0;
        // shape, chunk (rows per block of the per-channel sums): M = 105, C = 37 odd and > 32 (two channel tiles) in
        // 4 chunks, the last of 9 rows; M = 258, C = 3 in 37 chunks of 7 (more chunks than the finalize's 32 row
        // threads); M = 1 (variance 0) and M = 2; M = 50, C = 45 in one chunk (the four-rows-at-a-time loop)
        Object[][] cases = {{new int[] {3, 5, 7, 37}, 32}, {new int[] {2, 129, 3}, 7}, {new int[] {1, 1, 1, 70}, 32},
            {new int[] {2, 1, 1, 16}, 32}, {new int[] {50, 45}, 50}};
        for (Object[] cs : cases) {
            int[] shape = (int[]) cs[0];
            int chunk = (Integer) cs[1];
            int c = shape[shape.length - 1];
            int n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            int m = n / c;
            float eps = 1e-3f;
            SplittableRandom rnd = new SplittableRandom(n + c);
            float[] x = uniform(rnd, n, 2, 5); // mean far from 0: the shift by the first row matters
            // clamped: gamma and beta up to 3, outputs above 6 as well as below 0
            float[] gamma = uniform(rnd, c, 0.5f, clamped ? 3 : 1.5f);
            float[] beta = uniform(rnd, c, -1, clamped ? 3 : 1);
            float[] dy = uniform(rnd, n, -1, 1);
            StringBuilder in = new StringBuilder();
            for (float[] a : List.of(x, gamma, beta, dy)) {
                for (float v : a) {
                    in.append(Integer.toHexString(Float.floatToRawIntBits(v))).append('\n');
                }
            }
            List<String> command = new ArrayList<>(List.of(BINARY.toAbsolutePath().toString(), "batchnorm-training",
                    Integer.toString(m), Integer.toString(c), Integer.toString(chunk),
                    Integer.toHexString(Float.floatToRawIntBits(eps))));
            if (clamped) {
                command.add(Integer.toHexString(Float.floatToRawIntBits(low)));
                command.add(Integer.toHexString(Float.floatToRawIntBits(high)));
            }
            Result r = run(command, MODULE, 60, in.toString());
            assertEquals(0, r.exit(), r.output());
            List<String> lines = r.output().lines().toList();
            assertEquals(5 * c + 2 * n, lines.size(), r.output());
            float[] mean = floats(lines, 0, c);
            float[] var = floats(lines, c, c);
            float[] invStd = floats(lines, 2 * c, c);
            float[] y = floats(lines, 3 * c, n);
            float[] dGamma = floats(lines, 3 * c + n, c);
            float[] dBeta = floats(lines, 4 * c + n, c);
            float[] dx = floats(lines, 5 * c + n, n);
            String what = "batch norm " + Arrays.toString(shape) + " chunk " + chunk + " clamp [" + low + ", " + high + "]";

            var cpu = clamped
                    ? CpuBackend.instance().batchNormTraining(Tensor.of(x, shape), Tensor.of(gamma, c), Tensor.of(beta, c), eps,
                            low, high)
                    : CpuBackend.instance().batchNormTraining(Tensor.of(x, shape), Tensor.of(gamma, c), Tensor.of(beta, c), eps);
            float[] cm = cpu.mean().toArray();
            float[] cv = cpu.variance().toArray();
            float[] ci = cpu.invStd().toArray();
            float[] cy = cpu.output().toArray();
            // The kernels add every term of sum (x - x0), sum (x - x0)^2 in double; the CPU adds runs of 64 rows in
            // float first (each run within 63 u of its sum of |terms|). x - x0 is rounded in float on both sides.
            double[] spread = new double[c];
            double[] largest = new double[c];
            for (int i = 0; i < n; i++) {
                spread[i % c] = Math.max(spread[i % c], Math.abs(x[i] - x[i % c]));
                largest[i % c] = Math.max(largest[i % c], Math.abs(x[i]));
            }
            double[] meanTol = new double[c];
            for (int k = 0; k < c; k++) {
                meanTol[k] = 4 * U * largest[k] + 64 * U * spread[k];
                assertWithin(what + " mean of channel " + k, cm[k], mean[k], meanTol[k]);
                assertWithin(what + " variance of channel " + k, cv[k], var[k], 128 * U * spread[k] * spread[k] + 1e-12);
                assertWithin(what + " invStd of channel " + k, ci[k], invStd[k], 1e-5 * ci[k]);
            }
            if (m == 1) {
                for (int k = 0; k < c; k++) {
                    assertEquals(0f, var[k], 0f, what + ": the variance of one value");
                    assertEquals(x[k], mean[k], 0f, what + ": the mean of one value");
                }
            }
            for (int i = 0; i < n; i++) {
                int k = i % c;
                // y = (x - mean) invStd gamma + beta: 16 u of the magnitudes that cancel, plus what the statistics'
                // tolerances move it by
                double g = Math.abs(gamma[k]) * ci[k];
                double tol = 16 * U * ((Math.abs(x[i]) + Math.abs(cm[k])) * g + Math.abs(beta[k]))
                        + 1e-5 * Math.abs(x[i] - cm[k]) * g + meanTol[k] * g;
                assertWithin(what + " y element " + i, cy[i], y[i], tol);
            }

            if (clamped && m > 2) {
                // not vacuous: outputs on the low bound and inside in every case with more than two rows, and (after the
                // loop) on 6 for ReLU6 in some case
                int onLow = 0;
                for (float v : y) {
                    onLow += v == low ? 1 : 0;
                    onHigh += v == high ? 1 : 0;
                }
                assertTrue(onLow > 0 && onLow < n, what + ": " + onLow + " of " + n + " outputs on the low bound");
            }

            // the backward with the kernels' own statistics (and clamped output) on both sides
            var grads = clamped
                    ? CpuBackend.instance().batchNormBackward(Tensor.of(x, shape), Tensor.of(dy, shape), Tensor.of(gamma, c),
                            Tensor.of(mean, c), Tensor.of(invStd, c), Tensor.of(y, shape), low, high)
                    : CpuBackend.instance().batchNormBackward(Tensor.of(x, shape), Tensor.of(dy, shape), Tensor.of(gamma, c),
                            Tensor.of(mean, c), Tensor.of(invStd, c));
            float[] cdg = grads.gradGamma().toArray();
            float[] cdb = grads.gradBeta().toArray();
            float[] cdx = grads.gradX().toArray();
            double[] dbTol = new double[c];
            double[] dgTol = new double[c];
            for (int i = 0; i < n; i++) {
                int k = i % c;
                dbTol[k] += 64 * U * Math.abs(dy[i]);
                dgTol[k] += 64 * U * Math.abs(dy[i] * (x[i] - mean[k]) * invStd[k]);
            }
            for (int k = 0; k < c; k++) {
                dbTol[k] += U * Math.abs(cdb[k]);
                dgTol[k] += U * Math.abs(cdg[k]);
                assertWithin(what + " dbeta of channel " + k, cdb[k], dBeta[k], dbTol[k]);
                assertWithin(what + " dgamma of channel " + k, cdg[k], dGamma[k], dgTol[k]);
            }
            for (int i = 0; i < n; i++) {
                int k = i % c;
                // dx = gamma invStd / M (M dy - dbeta - xhat dgamma), computed by both as a dy + b x + d: 16 u of
                // |gamma invStd / M| (M |dy| + |dbeta| + (|x| + |mean|) invStd |dgamma|) (b x + d folds x - mean, so
                // the roundings of b and d go with |x| and |mean|), plus what the sums' tolerances move it by
                double f = Math.abs(gamma[k] * invStd[k] / m);
                double xhat = Math.abs(x[i] - mean[k]) * invStd[k];
                double tol = 16 * U * f * (m * Math.abs(dy[i]) + Math.abs(cdb[k])
                        + (Math.abs(x[i]) + Math.abs(mean[k])) * invStd[k] * Math.abs(cdg[k]))
                        + f * (dbTol[k] + xhat * dgTol[k]);
                assertWithin(what + " dx element " + i, cdx[i], dx[i], tol);
            }
        }
        if (clamped && high != Float.POSITIVE_INFINITY) {
            assertTrue(onHigh > 0, "no output on the high bound " + high + " in any case");
        }
    }

    /**
     * The fused moving-statistics kernel against the CPU backend's {@code batchNormMovingAverages}, bit for bit (every
     * NaN one NaN): the same correctly rounded float operations in the same order on both. C odd, 1, and over the
     * emulated grid of 3 x 256 threads; with and without a bias; a NaN and infinities in the inputs.
     */
    @ParameterizedTest(name = "C {0} bias {1} momentum {2}")
    @CsvSource({"37, true, 0.99", "37, false, 0.9", "1, true, 0.9", "1001, true, 0.99", "1001, false, 0.99"})
    void batchNormMovingAveragesKernelIsTheCpuBackendBitForBit(int c, boolean biased, float momentum)
            throws IOException, InterruptedException {
        SplittableRandom rnd = new SplittableRandom(c * 2L + (biased ? 1 : 0));
        float[] movingMean = uniform(rnd, c, -3, 3);
        float[] batchMean = uniform(rnd, c, -3, 3);
        float[] bias = uniform(rnd, c, -1, 1);
        float[] movingVariance = uniform(rnd, c, 0, 4);
        float[] batchVariance = uniform(rnd, c, 0, 4);
        if (c > 4) {
            batchMean[1] = Float.NaN;
            bias[2] = Float.POSITIVE_INFINITY;
            movingVariance[3] = Float.NaN;
            movingMean[4] = Float.NEGATIVE_INFINITY;
        }
        List<float[]> inputs = biased ? List.of(movingMean, batchMean, bias, movingVariance, batchVariance)
                : List.of(movingMean, batchMean, movingVariance, batchVariance);
        StringBuilder in = new StringBuilder();
        for (float[] a : inputs) {
            for (float v : a) {
                in.append(Integer.toHexString(Float.floatToRawIntBits(v))).append('\n');
            }
        }
        Result r = run(List.of(BINARY.toAbsolutePath().toString(), "batchnorm-moving-averages", Integer.toString(c),
                Integer.toHexString(Float.floatToRawIntBits(momentum)), biased ? "bias" : "none"), MODULE, 60,
                in.toString());
        assertEquals(0, r.exit(), r.output());
        List<String> lines = r.output().lines().toList();
        assertEquals(2 * c, lines.size(), r.output());
        Tensor mm = Tensor.of(movingMean.clone(), c);
        Tensor mv = Tensor.of(movingVariance.clone(), c);
        CpuBackend.instance().batchNormMovingAverages(mm, Tensor.of(batchMean, c), biased ? Tensor.of(bias, c) : null,
                mv, Tensor.of(batchVariance, c), momentum);
        float[] cpuMean = mm.toArray();
        float[] cpuVariance = mv.toArray();
        float[] kernelMean = floats(lines, 0, c);
        float[] kernelVariance = floats(lines, c, c);
        for (int k = 0; k < c; k++) {
            int at = k;
            assertEquals(Float.floatToIntBits(cpuMean[k]), Float.floatToIntBits(kernelMean[k]),
                    () -> "moving mean of channel " + at + ": " + kernelMean[at] + " vs CPU " + cpuMean[at]);
            assertEquals(Float.floatToIntBits(cpuVariance[k]), Float.floatToIntBits(kernelVariance[k]),
                    () -> "moving variance of channel " + at + ": " + kernelVariance[at] + " vs CPU " + cpuVariance[at]);
        }
        if (c > 4) {
            assertTrue(Float.isNaN(kernelMean[1]) && Float.isNaN(kernelVariance[3]), "a NaN stays a NaN");
        }
    }

    private static float[] floats(List<String> hexLines, int from, int count) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = Float.intBitsToFloat(Integer.parseUnsignedInt(hexLines.get(from + i), 16));
        }
        return v;
    }

    private static void assertWithin(String what, float expected, float actual, double tol) {
        assertTrue(Math.abs((double) actual - expected) <= tol,
                () -> what + ": " + actual + " vs CPU " + expected + " (tolerance " + tol + ")");
    }

    private static float[] uniform(SplittableRandom rnd, int n, float lo, float hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
        }
        return v;
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
        return run(command, dir, timeoutSeconds, "");
    }

    /** Runs {@code command} with {@code input} on its standard input. */
    private static Result run(List<String> command, Path dir, int timeoutSeconds, String input)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile()).redirectErrorStream(true).start();
        try (var stdin = p.getOutputStream()) {
            stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
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
