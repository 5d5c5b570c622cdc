package org.transfer4j.cuda.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.transfer4j.cuda.backend.GpuParity.assertClose;
import static org.transfer4j.cuda.backend.GpuParity.cpuBackend;
import static org.transfer4j.cuda.backend.GpuParity.cuda;
import static org.transfer4j.cuda.backend.GpuParity.gpu;
import static org.transfer4j.cuda.backend.GpuParity.pair;
import static org.transfer4j.cuda.backend.GpuParity.random;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.transfer4j.backend.BinaryOp;
import org.transfer4j.backend.Conv2dSpec;
import org.transfer4j.backend.Padding;
import org.transfer4j.backend.ReduceOp;
import org.transfer4j.backend.UnaryOp;
import org.transfer4j.cuda.GpuTest;
import org.transfer4j.cuda.memory.CudaOutOfMemoryException;
import org.transfer4j.tensor.Device;
import org.transfer4j.tensor.Tensor;

/**
 * The CUDA backend against the CPU backend: memory (allocate, upload, download, copy, fill over views),
 * random, unary forward and backward, binary with broadcasting, reduce, gemm and the count of non-finite
 * elements, each on shapes like core's op tests (odd sizes, strided views, broadcasting). Tolerances in
 * {@link GpuParity}.
 */
@GpuTest
class CudaBackendElementwiseGpuTest {

    @Test
    void providerServesDeviceZeroOnce() {
        assertEquals(Device.Type.CUDA, gpu().type());
        assertEquals(gpu(), Device.best());
        assertTrue(Device.whyNoGpu().isEmpty());
        assertTrue(Device.cuda(0) == gpu());
    }

    @Test
    void allocateIsZeroAndUploadDownloadRoundTripsWithOffsets() {
        Tensor z = Tensor.wrap(cuda().allocate(1000), 10, 100);
        assertArrayEquals(new float[1000], z.toArray());
        float[] v = GpuParity.values(1, -3, 3, 257);
        Tensor t = Tensor.wrap(cuda().upload(v, 7, 200), 200);
        float[] out = new float[210];
        cuda().download(t, out, 10);
        for (int i = 0; i < 200; i++) {
            assertEquals(v[7 + i], out[10 + i]);
        }
    }

    @Test
    void kernelsLaunchThroughFfm() {
        // the driver library binds through FFM where JCuda works (-Dtransfer4j.cuda.launch=jcuda turns it off);
        // every other GPU test then runs its kernels this way
        assertTrue(org.transfer4j.cuda.driver.KernelLauncher.launchesThroughFfm()
                || "jcuda".equals(System.getProperty("transfer4j.cuda.launch")), "cuLaunchKernel bound through FFM");
    }

    @Test
    void smallUploadsReturnAtOnceAndStillArriveIntact() {
        // more uploads than the ring has slots, from one array changed right after each: every copy must read
        // its own staged slot, and a slot must not be refilled before its copy ran
        float[] data = new float[1000];
        List<Tensor> uploaded = new ArrayList<>();
        for (int u = 0; u < 40; u++) {
            java.util.Arrays.fill(data, u);
            uploaded.add(Tensor.of(gpu(), data, data.length));
            java.util.Arrays.fill(data, -1f);
        }
        for (int u = 0; u < uploaded.size(); u++) {
            float[] expected = new float[1000];
            java.util.Arrays.fill(expected, u);
            assertArrayEquals(expected, uploaded.get(u).toArray(), "upload " + u);
        }
    }

    @Test
    void downloadAndCopyWorkOnAnyView() {
        GpuParity.Pair x = random(2, -1, 1, 4, 5, 6);
        List<GpuParity.Pair> views = new ArrayList<>();
        views.add(x.map(t -> t.detach().permute(2, 0, 1)));
        views.add(x.map(t -> t.detach().slice(1, 1, 5, 2)));
        views.add(x.map(t -> t.detach().slice(2, 0, 6, 3).transpose(0, 2)));
        views.add(x.map(t -> t.detach().slice(0, 1, 2).broadcastTo(3, 1, 5, 6)));
        for (GpuParity.Pair v : views) {
            assertArrayEquals(v.cpu().toArray(), v.gpu().toArray(), "download of a view " + v.cpu());
            Tensor dstCpu = Tensor.zeros(v.cpu().shape());
            Tensor dstGpu = Tensor.zeros(gpu(), v.cpu().shape());
            cpuBackend().copy(v.cpu(), dstCpu);
            cuda().copy(v.gpu(), dstGpu);
            assertArrayEquals(dstCpu.toArray(), dstGpu.toArray());
        }
        // into a strided destination: the transposed interior of a bigger tensor
        Tensor bigCpu = Tensor.zeros(6, 8);
        Tensor bigGpu = Tensor.zeros(gpu(), 6, 8);
        GpuParity.Pair src = random(3, -1, 1, 5, 4);
        cpuBackend().copy(src.cpu(), bigCpu.detach().slice(0, 1, 5).slice(1, 2, 7).transpose(0, 1));
        cuda().copy(src.gpu(), bigGpu.detach().slice(0, 1, 5).slice(1, 2, 7).transpose(0, 1));
        assertArrayEquals(bigCpu.toArray(), bigGpu.toArray());
        // from the CPU
        Tensor fromCpu = Tensor.zeros(gpu(), 5, 4);
        cuda().copy(src.cpu(), fromCpu);
        assertArrayEquals(src.cpu().toArray(), fromCpu.toArray());
    }

    @Test
    void copyOfRankSevenViewsRunsInPieces() {
        int[] shape = {2, 3, 2, 3, 2, 3, 2};
        GpuParity.Pair x = random(4, -1, 1, shape);
        GpuParity.Pair reversed = x.map(t -> t.detach().permute(6, 5, 4, 3, 2, 1, 0));
        assertArrayEquals(reversed.cpu().toArray(), reversed.gpu().toArray());
        // alternating broadcast axes: no two neighbours merge, so seven axes remain
        GpuParity.Pair a = random(5, -1, 1, 2, 1, 2, 1, 2, 1, 2);
        GpuParity.Pair b = random(6, -1, 1, 1, 3, 1, 3, 1, 3, 1);
        assertClose("rank-7 broadcast add", cpuBackend().binary(BinaryOp.ADD, a.cpu(), b.cpu()),
                cuda().binary(BinaryOp.ADD, a.gpu(), b.gpu()));
    }

    @Test
    void fillSetsEveryElementOfAView() {
        Tensor c = Tensor.zeros(5, 6);
        Tensor g = Tensor.zeros(gpu(), 5, 6);
        cpuBackend().fill(c.detach().slice(1, 1, 6, 2), 2.5f);
        cuda().fill(g.detach().slice(1, 1, 6, 2), 2.5f);
        assertArrayEquals(c.toArray(), g.toArray());
        cuda().fill(g, -1f);
        cpuBackend().fill(c, -1f);
        assertArrayEquals(c.toArray(), g.toArray());
    }

    @Test
    void movingAverageIsTheCpusBitForBit() {
        GpuParity.Pair avg = random(11, -2, 2, 1001);
        GpuParity.Pair val = random(12, -2, 2, 1001);
        cpuBackend().movingAverage(avg.cpu(), val.cpu(), 0.99f);
        cuda().movingAverage(avg.gpu(), val.gpu(), 0.99f);
        assertArrayEquals(avg.cpu().toArray(), avg.gpu().toArray(), 0f, "two rounded products and a rounded sum on both");
    }

    @Test
    void scaleShiftActivationIsTheCpusBitForBit() {
        // (M, C) = (37*3, 19): odd sizes; relu6 with a scale and a residual, a shift only, relu with both
        float[][] bounds = {{0f, 6f}, {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY}, {0f, Float.POSITIVE_INFINITY}};
        for (int v = 0; v < bounds.length; v++) {
            boolean full = v != 1;
            GpuParity.Pair y = random(20 + v, -8, 8, 37, 3, 19);
            GpuParity.Pair shift = random(30 + v, -2, 2, 19);
            GpuParity.Pair scale = full ? random(50 + v, -3, 3, 19) : null;
            GpuParity.Pair residual = full ? random(40 + v, -4, 4, 37, 3, 19) : null;
            cpuBackend().scaleShiftActivation(y.cpu(), full ? scale.cpu() : null, shift.cpu(),
                    full ? residual.cpu() : null, bounds[v][0], bounds[v][1]);
            cuda().scaleShiftActivation(y.gpu(), full ? scale.gpu() : null, shift.gpu(), full ? residual.gpu() : null,
                    bounds[v][0], bounds[v][1]);
            assertArrayEquals(y.cpu().toArray(), y.gpu().toArray(), 0f, "a rounded product, two rounded sums and a "
                    + "clamp, case " + v);
        }
    }

    @Test
    void randomStreamsMatchTheCpu() {
        Tensor c = Tensor.zeros(1001);
        Tensor g = Tensor.zeros(gpu(), 1001);
        cpuBackend().randomUniform(c, 42, 17, -2f, 3f);
        cuda().randomUniform(g, 42, 17, -2f, 3f);
        assertArrayEquals(c.toArray(), g.toArray(), "uniform is bit-identical (random.cu)");
        cpuBackend().randomNormal(c, 7, 5, 1f, 0.5f);
        cuda().randomNormal(g, 7, 5, 1f, 0.5f);
        assertClose("normal", c, g, 1e-6);
    }

    @Test
    void dropoutIsTheCpusBitForBit() {
        // odd n past several blocks, special values among normal ones, a view made contiguous first by the caller
        float[] v = GpuParity.values(21, -4, 4, 1001);
        float[] special = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.MIN_VALUE};
        for (int i = 0; i < special.length; i++) {
            v[i * 97] = special[i];
        }
        GpuParity.Pair x = pair(v, 7, 11, 13);
        for (float rate : new float[] {0.2f, 0.5f, 0.9f}) {
            float scale = 1f / (1f - rate);
            var c = cpuBackend().dropout(x.cpu(), -5, 1L << 33, rate, scale);
            var g = cuda().dropout(x.gpu(), -5, 1L << 33, rate, scale);
            assertArrayEquals(c.mask().toArray(), g.mask().toArray(), 0f, "the mask, rate " + rate);
            float[] cv = c.output().toArray();
            float[] gv = g.output().toArray();
            for (int i = 0; i < cv.length; i++) {
                // floatToIntBits: every NaN is one NaN (the GPU's carry no payload); -0 is not 0
                assertEquals(Float.floatToIntBits(cv[i]), Float.floatToIntBits(gv[i]), "rate " + rate + " element " + i);
            }
        }
        assertEquals(0, cuda().dropout(Tensor.zeros(gpu(), 0, 3), 1, 0, 0.5f, 2f).output().numel());
    }

    @Test
    void downloadAndCountNonFiniteReadsEveryTensorAndCountsLikeTheCpu() {
        // a scalar, a (64,10) block and a transposed view read; 40 tensors checked (two count launches), a NaN and an
        // infinity planted in two of them
        GpuParity.Pair scalar = random(31, -1, 1, 1);
        GpuParity.Pair scores = random(32, -5, 5, 64, 10);
        GpuParity.Pair view = random(33, -1, 1, 6, 9).map(t -> t.detach().transpose(0, 1));
        List<GpuParity.Pair> checked = new ArrayList<>();
        for (int t = 0; t < 40; t++) {
            float[] v = GpuParity.values(600 + t, -3, 3, 17 + 31 * t);
            if (t == 5) {
                v[3] = Float.NaN;
            }
            if (t == 38) {
                v[v.length - 1] = Float.NEGATIVE_INFINITY;
            }
            checked.add(pair(v, v.length));
        }
        float[] onCpu = new float[1 + 640 + 54 + 2];
        float[] onGpu = new float[onCpu.length];
        java.util.Arrays.fill(onCpu, -7f);
        java.util.Arrays.fill(onGpu, -7f);
        long c = cpuBackend().downloadAndCountNonFinite(List.of(scalar.cpu(), scores.cpu(), view.cpu()), onCpu,
                checked.stream().map(GpuParity.Pair::cpu).toList());
        long g = cuda().downloadAndCountNonFinite(List.of(scalar.gpu(), scores.gpu(), view.gpu()), onGpu,
                checked.stream().map(GpuParity.Pair::gpu).toList());
        assertEquals(2, c, "the CPU counts what was planted");
        assertEquals(2, g, "the GPU counts what was planted");
        assertArrayEquals(onCpu, onGpu, 0f, "the same floats in the same places, the tail untouched");
        assertEquals(-7f, onGpu[onGpu.length - 1]);
        assertArrayEquals(view.cpu().toArray(), java.util.Arrays.copyOfRange(onGpu, 641, 695), 0f, "the view row-major");

        // nothing checked counts 0; nothing read leaves dst alone; reads that do not fit are refused
        assertEquals(0, cuda().downloadAndCountNonFinite(List.of(scalar.gpu()), onGpu, List.of()));
        assertEquals(scalar.cpu().item(), onGpu[0]);
        assertThrows(IllegalArgumentException.class,
                () -> cuda().downloadAndCountNonFinite(List.of(scores.gpu()), new float[639], List.of()));
    }

    /** Each op with its scalars and an input in its domain. */
    private record UnaryCase(UnaryOp op, float alpha, float beta, float lo, float hi) {
    }

    private static final List<UnaryCase> UNARY = List.of(new UnaryCase(UnaryOp.NEG, 0, 0, -3, 3),
            new UnaryCase(UnaryOp.EXP, 0, 0, -5, 5), new UnaryCase(UnaryOp.LOG, 0, 0, 0.01f, 10),
            new UnaryCase(UnaryOp.SQRT, 0, 0, 0.01f, 10), new UnaryCase(UnaryOp.ABS, 0, 0, -3, 3),
            new UnaryCase(UnaryOp.ERF, 0, 0, -3, 3), new UnaryCase(UnaryOp.TANH, 0, 0, -4, 4),
            new UnaryCase(UnaryOp.SIGMOID, 0, 0, -20, 20), new UnaryCase(UnaryOp.CLAMP, 0f, 6f, -3, 9),
            new UnaryCase(UnaryOp.CLAMP, 0f, Float.POSITIVE_INFINITY, -3, 3),
            new UnaryCase(UnaryOp.LEAKY_RELU, 0.2f, 0, -3, 3), new UnaryCase(UnaryOp.POW_SCALAR, 2f, 0, -3, 3),
            new UnaryCase(UnaryOp.POW_SCALAR, -0.5f, 0, 0.1f, 4), new UnaryCase(UnaryOp.AFFINE, 1.5f, -0.25f, -3, 3));

    @Test
    void everyUnaryOpAndItsGradientMatchTheCpuOnContiguousAndStridedInput() {
        for (UnaryCase u : UNARY) {
            GpuParity.Pair x = random(u.op().ordinal() + 10, u.lo(), u.hi(), 3, 7, 5);
            GpuParity.Pair dy = random(u.op().ordinal() + 50, -1, 1, 3, 7, 5);
            for (GpuParity.Pair in : List.of(x, x.map(t -> t.detach().permute(2, 0, 1)))) {
                GpuParity.Pair g = in == x ? dy : dy.map(t -> t.detach().permute(2, 0, 1));
                String what = u.op() + "(" + u.alpha() + ", " + u.beta() + ") " + (in == x ? "contiguous" : "permuted");
                assertClose(what, cpuBackend().unary(u.op(), in.cpu(), u.alpha(), u.beta()),
                        cuda().unary(u.op(), in.gpu(), u.alpha(), u.beta()));
                assertClose(what + " backward", cpuBackend().unaryBackward(u.op(), in.cpu(), g.cpu(), u.alpha(), u.beta()),
                        cuda().unaryBackward(u.op(), in.gpu(), g.gpu(), u.alpha(), u.beta()));
            }
        }
    }

    @Test
    void everyBinaryOpMatchesTheCpuWithAndWithoutBroadcasting() {
        int[][][] shapes = {{{3, 7, 5}, {3, 7, 5}}, {{2, 3, 4}, {4}}, {{3, 1}, {1, 4}}, {{2, 3, 4}, {}},
            {{8, 5, 5, 16}, {16}}, {{1, 5, 1, 3}, {4, 1, 6, 1}}};
        for (BinaryOp op : BinaryOp.values()) {
            for (int[][] s : shapes) {
                boolean pow = op == BinaryOp.POW;
                GpuParity.Pair a = random(op.ordinal() * 7 + s[0].length, pow ? 0.1f : -2, 2, s[0]);
                GpuParity.Pair b = random(op.ordinal() * 11 + s[1].length, pow ? -2 : -2, 2, s[1]);
                if (op == BinaryOp.EQ) {
                    b = a.map(t -> t); // equal elements where shapes agree
                }
                String what = op + " " + java.util.Arrays.toString(s[0]) + " " + java.util.Arrays.toString(s[1]);
                assertClose(what, cpuBackend().binary(op, a.cpu(), b.cpu()), cuda().binary(op, a.gpu(), b.gpu()));
            }
            // strided operands: a transposed, b a sliced row
            GpuParity.Pair a = random(op.ordinal() + 100, 0.5f, 2, 6, 4).map(t -> t.detach().transpose(0, 1));
            GpuParity.Pair b = random(op.ordinal() + 200, 0.5f, 2, 3, 6).map(t -> t.detach().slice(0, 1, 2));
            assertClose(op + " strided", cpuBackend().binary(op, a.cpu(), b.cpu()), cuda().binary(op, a.gpu(), b.gpu()));
        }
    }

    @Test
    void reduceMatchesTheCpuOverEveryAxisPattern() {
        int[][] shapes = {{2, 3, 4}, {8, 5, 5, 16}, {3, 20_000}, {50_000, 3}, {7}, {1, 9, 1}};
        for (ReduceOp op : ReduceOp.values()) {
            for (int[] shape : shapes) {
                GpuParity.Pair x = random(shape.length * 13 + op.ordinal(), -2, 2, shape);
                for (int m = 1; m < (1 << shape.length); m++) {
                    int mask = m;
                    int[] axes = java.util.stream.IntStream.range(0, shape.length).filter(i -> (mask & (1 << i)) != 0).toArray();
                    assertClose(op + " " + java.util.Arrays.toString(shape) + " over " + java.util.Arrays.toString(axes),
                            cpuBackend().reduce(op, x.cpu(), axes), cuda().reduce(op, x.gpu(), axes));
                }
            }
            GpuParity.Pair empty = pair(new float[0], 0, 3);
            assertClose(op + " of an empty axis", cpuBackend().reduce(op, empty.cpu(), new int[] {0}),
                    cuda().reduce(op, empty.gpu(), new int[] {0}));
        }
        GpuParity.Pair nan = pair(new float[] {1, Float.NaN, 3, 4}, 2, 2);
        assertClose("max propagates NaN", cpuBackend().reduce(ReduceOp.MAX, nan.cpu(), new int[] {1}),
                cuda().reduce(ReduceOp.MAX, nan.gpu(), new int[] {1}));
    }

    /**
     * {@code reduceSumScaled} (the scale in the sum's last pass: a mean in one launch) against the CUDA backend's own
     * sum then {@code unary(AFFINE)}, bit for bit, over every axis pattern of shapes that take one pass and two (rows
     * of 20,000, columns of 50,000), a permutation, axes of size 1 and an empty axis.
     */
    @Test
    void reduceSumScaledIsTheSumThenItsScalingBitForBit() {
        int[][] shapes = {{2, 3, 4}, {8, 5, 5, 16}, {3, 20_000}, {50_000, 3}, {7}, {1, 9, 1}, {0, 3}};
        for (int[] shape : shapes) {
            GpuParity.Pair x = random(shape.length * 17 + 3, -2, 2, shape);
            for (int m = 1; m < (1 << shape.length); m++) {
                int mask = m;
                int[] axes = java.util.stream.IntStream.range(0, shape.length).filter(i -> (mask & (1 << i)) != 0).toArray();
                float scale = 1f / 3f;
                String what = "reduceSumScaled " + java.util.Arrays.toString(shape) + " over " + java.util.Arrays.toString(axes);
                float[] fused = cuda().reduceSumScaled(x.gpu(), axes, scale).toArray();
                try (Tensor sum = cuda().reduce(ReduceOp.SUM, x.gpu(), axes)) {
                    GpuParity.assertSameBits(what, cuda().unary(UnaryOp.AFFINE, sum, scale, 0f).toArray(), fused);
                }
            }
        }
    }

    @Test
    void gemmMatchesTheCpuForEveryTransposeAndBatchBroadcast() {
        int[][] mkn = {{3, 5, 4}, {17, 33, 9}, {1, 1, 1}, {64, 128, 10}};
        for (int[] d : mkn) {
            for (int batchA : new int[] {1, 3}) {
                for (int batchB : new int[] {1, 3}) {
                    for (int t = 0; t < 4; t++) {
                        boolean ta = (t & 1) != 0;
                        boolean tb = (t & 2) != 0;
                        GpuParity.Pair a = random(d[0] * 31 + t, -1, 1, batchA, ta ? d[1] : d[0], ta ? d[0] : d[1]);
                        GpuParity.Pair b = random(d[2] * 37 + t, -1, 1, batchB, tb ? d[2] : d[1], tb ? d[1] : d[2]);
                        assertClose("gemm " + java.util.Arrays.toString(d) + " batches " + batchA + "," + batchB + " trans "
                                + ta + "," + tb, cpuBackend().gemm(a.cpu(), b.cpu(), ta, tb), cuda().gemm(a.gpu(), b.gpu(), ta, tb));
                    }
                }
            }
        }
        GpuParity.Pair a = pair(new float[0], 1, 3, 0);
        GpuParity.Pair b = pair(new float[0], 1, 0, 4);
        assertClose("gemm with K = 0 is zero", cpuBackend().gemm(a.cpu(), b.cpu(), false, false),
                cuda().gemm(a.gpu(), b.gpu(), false, false));
    }

    /**
     * cuBLAS's math mode follows the op, not the call before it: a pointwise convolution through cuBLAS in TF32 (1 +
     * 2^-20 has bits below TF32's 10-bit mantissa: rounded to 1, a sum of 256 products is exactly 256), then a matrix
     * product of the same sizes, which must be fp32 (every sum above 256). Big enough for cuBLAS to pick tensor cores
     * in TF32 mode; if it did not for the convolution, the premise fails and the test is skipped.
     */
    @Test
    void aMatrixProductAfterATf32PointwiseConvolutionRunsInFp32() {
        boolean gemmRoute = cuda().pointwiseConvolutionsAsGemm();
        try {
            cuda().setTf32Convolutions(true);
            cuda().setPointwiseConvolutionsAsGemm(true);
            float fine = 1f + 0x1p-20f;
            Tensor x = Tensor.of(gpu(), filled(128 * 256, fine), 1, 8, 16, 256);
            Tensor k = Tensor.of(gpu(), filled(256 * 128, fine), 1, 1, 256, 128);
            Conv2dSpec spec = Conv2dSpec.of(Padding.VALID, 8, 16, 1, 1, 1, 1, 1, 1, 1);
            float[] conv = cuda().conv2d(x, k, spec).toArray();
            org.junit.jupiter.api.Assumptions.assumeTrue(conv[0] == 256f && conv[conv.length - 1] == 256f,
                    "cuBLAS did not run the pointwise convolution in TF32 (got " + conv[0] + "): no premise");
            Tensor a = Tensor.of(gpu(), filled(128 * 256, fine), 1, 128, 256);
            Tensor b = Tensor.of(gpu(), filled(256 * 128, fine), 1, 256, 128);
            float[] c = cuda().gemm(a, b, false, false).toArray();
            float min = Float.POSITIVE_INFINITY;
            for (float v : c) {
                min = Math.min(min, v);
            }
            assertTrue(min > 256f, "the matrix product after a TF32 convolution rounded its inputs: min " + min);
        } finally {
            cuda().setPointwiseConvolutionsAsGemm(gemmRoute);
        }
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    @Test
    void nonFiniteCountMatchesTheCpuOverManyTensorsAndViews() {
        // 70 tensors: three launches (32 + 32 + 6), odd sizes, empty ones, some of many 4096-element chunks
        List<GpuParity.Pair> tensors = new ArrayList<>();
        long planted = 0;
        for (int t = 0; t < 70; t++) {
            int n = t == 40 ? 1_000_003 : t == 7 ? 300_001 : t % 11 == 4 ? 0 : t % 9 == 2 ? 1 : 5 + 97 * t;
            float[] v = GpuParity.values(500 + t, -3, 3, n);
            if (n > 0 && t % 3 == 0) {
                v[0] = Float.NaN;                    // the first element
                planted++;
            }
            if (n > 1 && t % 4 == 1) {
                v[n - 1] = t % 8 == 1 ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY; // the last element
                planted++;
            }
            if (n > 4097 && t % 2 == 0) {
                v[4096] = Float.NaN;                 // the first element of the second chunk
                v[n / 2] = Float.POSITIVE_INFINITY;
                planted += 2;
            }
            tensors.add(pair(v, n));
        }
        List<Tensor> onCpu = tensors.stream().map(GpuParity.Pair::cpu).toList();
        List<Tensor> onGpu = tensors.stream().map(GpuParity.Pair::gpu).toList();
        assertEquals(planted, cpuBackend().nonFiniteCount(onCpu), "the CPU counts what was planted");
        assertEquals(planted, cuda().nonFiniteCount(onGpu), "the GPU counts what was planted");
        for (int t = 0; t < 70; t += 13) {
            assertEquals(cpuBackend().nonFiniteCount(List.of(onCpu.get(t))), cuda().nonFiniteCount(List.of(onGpu.get(t))),
                    "tensor " + t + " alone");
        }

        // views: made contiguous on the GPU, walked in place on the CPU
        float[] v = GpuParity.values(9, -1, 1, 6, 7);
        v[3] = Float.NaN;
        v[7 * 5 + 6] = Float.NEGATIVE_INFINITY;
        GpuParity.Pair x = pair(v, 6, 7);
        List<GpuParity.Pair> views = List.of(x.map(t -> t.detach().transpose(0, 1)), x.map(t -> t.detach().slice(1, 3, 7)),
                x.map(t -> t.detach().slice(0, 0, 1).broadcastTo(4, 7)), x.map(t -> t.detach().slice(1, 0, 7, 2)));
        for (GpuParity.Pair view : views) {
            assertEquals(cpuBackend().nonFiniteCount(List.of(view.cpu())), cuda().nonFiniteCount(List.of(view.gpu())),
                    "a view " + java.util.Arrays.toString(view.cpu().shape()));
        }

        // finite values whose sum overflows count nothing; nothing to count is 0
        float[] big = new float[100_000];
        java.util.Arrays.fill(big, 3e38f);
        assertEquals(0, cuda().nonFiniteCount(List.of(Tensor.of(gpu(), big, big.length), Tensor.full(gpu(), -3e38f, 9))));
        assertEquals(0, cuda().nonFiniteCount(List.of()));
        assertEquals(0, cuda().nonFiniteCount(List.of(Tensor.zeros(gpu(), 0), Tensor.zeros(gpu(), 3, 0))));
    }

    @Test
    void closingAStorageReturnsItToTheAllocatorAndOutOfMemoryIsTyped() {
        long before = cuda().memoryStats().allocatedBytes();
        Tensor t = Tensor.zeros(gpu(), 1 << 20);
        assertTrue(cuda().memoryStats().allocatedBytes() >= before + (4L << 20));
        t.close();
        assertEquals(before, cuda().memoryStats().allocatedBytes());
        CudaOutOfMemoryException e = assertThrows(CudaOutOfMemoryException.class, () -> cuda().allocate(1L << 40));
        assertTrue(e.getMessage().contains("out of memory"), e.getMessage());
    }
}
