package org.transfer4j.cuda.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.transfer4j.cuda.backend.GpuParity.FP32;
import static org.transfer4j.cuda.backend.GpuParity.assertClose;
import static org.transfer4j.cuda.backend.GpuParity.assertCloseToScale;
import static org.transfer4j.cuda.backend.GpuParity.assertWithin;
import static org.transfer4j.cuda.backend.GpuParity.assertWithinBound;
import static org.transfer4j.cuda.backend.GpuParity.cpuBackend;
import static org.transfer4j.cuda.backend.GpuParity.cuda;
import static org.transfer4j.cuda.backend.GpuParity.pair;
import static org.transfer4j.cuda.backend.GpuParity.random;
import static org.transfer4j.cuda.backend.GpuParity.tf32Bound;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.transfer4j.backend.Backend;
import org.transfer4j.backend.Conv2dSpec;
import org.transfer4j.backend.Padding;
import org.transfer4j.backend.Pool2dSpec;
import org.transfer4j.cuda.GpuTest;
import org.transfer4j.cuda.dnn.AlgoSearch;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * The CUDA backend against the CPU backend for the layer primitives: convolution (forward, backward data,
 * backward filter; cuDNN in fp32 and TF32, our depthwise kernels; stride-2 'same' with its pre-pad),
 * pooling (cuDNN, and the pre-pad route of asymmetric padding), batch normalisation, softmax
 * cross-entropy, gather/scatter-add and the optimizer updates.
 */
@GpuTest
class CudaBackendLayersGpuTest {

    @AfterEach
    void restoreTf32AndSearch() {
        cuda().setTf32Convolutions(true);
        cuda().setConvolutionAlgorithmSearch(AlgoSearch.HEURISTIC);
    }

    /** x shape, kernel shape, padding, stride, dilation, groups. */
    private record ConvCase(int[] x, int[] k, Padding padding, int stride, int dilation, int groups) {
        Conv2dSpec spec() {
            return Conv2dSpec.of(padding, x[1], x[2], k[0], k[1], stride, stride, dilation, dilation, groups);
        }

        @Override
        public String toString() {
            return "x" + Arrays.toString(x) + " k" + Arrays.toString(k) + " " + padding + " stride " + stride + " dilation "
                    + dilation + " groups " + groups;
        }
    }

    private static final List<ConvCase> CONVS = List.of(
            new ConvCase(new int[] {2, 7, 7, 3}, new int[] {3, 3, 3, 5}, Padding.SAME, 1, 1, 1),
            new ConvCase(new int[] {2, 8, 8, 3}, new int[] {3, 3, 3, 4}, Padding.SAME, 2, 1, 1),     // asymmetric: pre-pad
            new ConvCase(new int[] {2, 9, 6, 4}, new int[] {3, 3, 4, 6}, Padding.SAME, 2, 1, 1),     // odd H, even W
            new ConvCase(new int[] {3, 5, 5, 8}, new int[] {1, 1, 8, 16}, Padding.VALID, 1, 1, 1),  // pointwise
            new ConvCase(new int[] {1, 11, 11, 2}, new int[] {5, 5, 2, 3}, Padding.VALID, 2, 1, 1),
            new ConvCase(new int[] {2, 9, 9, 2}, new int[] {3, 3, 2, 2}, Padding.SAME, 1, 2, 1),     // dilated
            new ConvCase(new int[] {2, 6, 6, 4}, new int[] {3, 3, 2, 6}, Padding.SAME, 1, 1, 2),     // groups 2
            new ConvCase(new int[] {2, 7, 7, 16}, new int[] {3, 3, 1, 16}, Padding.SAME, 1, 1, 16),  // depthwise kernel
            new ConvCase(new int[] {2, 8, 8, 40}, new int[] {3, 3, 1, 40}, Padding.SAME, 2, 1, 40),  // depthwise, stride 2
            new ConvCase(new int[] {2, 10, 11, 24}, new int[] {3, 3, 1, 24}, Padding.VALID, 3, 1, 24), // depthwise, stride 3
            new ConvCase(new int[] {2, 5, 5, 3}, new int[] {3, 3, 1, 3}, Padding.VALID, 1, 1, 3),
            new ConvCase(new int[] {2, 6, 6, 3}, new int[] {3, 3, 1, 6}, Padding.SAME, 1, 1, 3),     // multiplier 2: cuDNN
            new ConvCase(new int[] {2, 9, 9, 4}, new int[] {5, 5, 1, 4}, Padding.SAME, 2, 1, 4),     // depthwise 5x5: cuDNN
            new ConvCase(new int[] {16, 14, 14, 8}, new int[] {3, 3, 1, 8}, Padding.SAME, 1, 1, 8)); // > 1 filter chunk

    @Test
    void convolutionMatchesTheCpuInFp32AndWithinTf32Tolerance() {
        boolean pointwiseBefore = cuda().pointwiseConvolutionsAsGemm();
        try {
            // both routes of the 1x1 cases: cuDNN and cuBLAS (ConvRoute.POINTWISE_GEMM)
            for (boolean gemm : new boolean[] {false, true}) {
                cuda().setPointwiseConvolutionsAsGemm(gemm);
                convolutionsMatchTheCpu(gemm ? " (1x1 as GEMM)" : "");
            }
        } finally {
            cuda().setPointwiseConvolutionsAsGemm(pointwiseBefore);
        }
    }

    private void convolutionsMatchTheCpu(String route) {
        for (boolean tf32 : new boolean[] {false, true}) {
            cuda().setTf32Convolutions(tf32);
            for (ConvCase c : CONVS) {
                Conv2dSpec spec = c.spec();
                boolean ours = ConvRoute.of(c.x(), c.k(), spec) == ConvRoute.DEPTHWISE_3X3;
                String what = c + (tf32 ? " tf32" : " fp32") + route;
                GpuParity.Pair x = random(c.x()[3] * 3 + c.stride(), -1, 1, c.x());
                GpuParity.Pair k = random(c.k()[3] * 5 + c.groups(), -1, 1, c.k());
                Tensor yCpu = cpuBackend().conv2d(x.cpu(), k.cpu(), spec);
                Tensor yGpu = cuda().conv2d(x.gpu(), k.gpu(), spec);
                GpuParity.Pair dy = random(7, -1, 1, yCpu.shape());
                Tensor dxCpu = cpuBackend().conv2dBackwardData(dy.cpu(), k.cpu(), spec, c.x());
                Tensor dxGpu = cuda().conv2dBackwardData(dy.gpu(), k.gpu(), spec, c.x());
                Tensor dkCpu = cpuBackend().conv2dBackwardFilter(x.cpu(), dy.cpu(), spec, c.k());
                Tensor dkGpu = cuda().conv2dBackwardFilter(x.gpu(), dy.gpu(), spec, c.k());
                if (!tf32 || ours) {
                    // fp32 (our depthwise kernels never use TF32): 1e-4 relative, the bar. This pass is the
                    // one that proves the formulas to 1e-4 (a 1% scaling error, a wrong sign, a missing term fail).
                    assertClose(what + " forward", yCpu, yGpu, FP32);
                    assertClose(what + " backward data", dxCpu, dxGpu, FP32);
                    assertClose(what + " backward filter", dkCpu, dkGpu, FP32);
                    continue;
                }
                // TF32: an element that is a sum with cancellation (|sum| << sum of |terms|) can have a large
                // relative error (0.020714 against 0.020353, 1.7%, on the first GPU run: a 16-term sum whose terms
                // add up to ~4 in magnitude), so each element is held to the textbook bound of its rounding error,
                // (2^-9 + n 2^-24) times the same convolution on |inputs| (GpuParity.tf32Bound). Wrong operands, a
                // wrong axis or a missing term still fail (errors of the order of the bound's magnitude itself);
                // a whole-tensor 1% scaling is left to the fp32 pass above where cancellation hides it here.
                int perGroupIn = c.x()[3] / c.groups();
                int perGroupOut = c.k()[3] / c.groups();
                int window = c.k()[0] * c.k()[1];
                Tensor xa = GpuParity.abs(x.cpu()), ka = GpuParity.abs(k.cpu()), dya = GpuParity.abs(dy.cpu());
                assertWithinBound(what + " forward", yCpu, yGpu, cpuBackend().conv2d(xa, ka, spec),
                        tf32Bound(window * perGroupIn));
                assertWithinBound(what + " backward data", dxCpu, dxGpu,
                        cpuBackend().conv2dBackwardData(dya, ka, spec, c.x()), tf32Bound(window * perGroupOut));
                assertWithinBound(what + " backward filter", dkCpu, dkGpu,
                        cpuBackend().conv2dBackwardFilter(xa, dya, spec, c.k()), tf32Bound(yCpu.numel() / c.k()[3]));
            }
        }
    }

    /**
     * Our depthwise kernels on MobileNetV2-sized layers at batch 8: (8,112,112,32) at stride 1, where the pixel
     * grid strides (4 pixels per thread) and the filter gradient has about a thousand chunks, and (8,56,56,144)
     * at stride 2, whose fifth channel tile is half empty. Forward and backward data are 9-term sums: each side's
     * float result is within 9 * 2^-24 of the sum of |terms| (the textbook bound), so they differ by at most twice
     * that. The filter gradient sums 100352 (25088) products per element in different orders on each side, whose
     * worst-case bound exceeds the values themselves; its float running sums are off by about 2^-24 sqrt(n) times
     * the partial sums (~1e-3 here), so it is held to 1e-4 of the largest |dk| (~300): a wrong tap, a lost
     * chunk or a 1% scaling still fail.
     */
    @Test
    void depthwiseOnMobileNetSizedLayersMatchesTheCpu() {
        int[][][] layers = {{{8, 112, 112, 32}, {3, 3, 1, 32}}, {{8, 56, 56, 144}, {3, 3, 1, 144}}};
        int[] strides = {1, 2};
        for (int i = 0; i < layers.length; i++) {
            int[] xs = layers[i][0];
            int[] ks = layers[i][1];
            Conv2dSpec spec = Conv2dSpec.of(Padding.SAME, xs[1], xs[2], 3, 3, strides[i], strides[i], 1, 1, xs[3]);
            String what = "depthwise x" + Arrays.toString(xs) + " stride " + strides[i];
            assertEquals(ConvRoute.DEPTHWISE_3X3, ConvRoute.of(xs, ks, spec), what);
            GpuParity.Pair x = random(41 + i, -1, 1, xs);
            GpuParity.Pair k = random(43 + i, -1, 1, ks);
            Tensor yCpu = cpuBackend().conv2d(x.cpu(), k.cpu(), spec);
            GpuParity.Pair dy = random(47 + i, -1, 1, yCpu.shape());
            Tensor xa = GpuParity.abs(x.cpu()), ka = GpuParity.abs(k.cpu()), dya = GpuParity.abs(dy.cpu());
            double nineTerms = 2 * 9 * 0x1p-24;
            assertWithinBound(what + " forward", yCpu, cuda().conv2d(x.gpu(), k.gpu(), spec),
                    cpuBackend().conv2d(xa, ka, spec), nineTerms);
            assertWithinBound(what + " backward data", cpuBackend().conv2dBackwardData(dy.cpu(), k.cpu(), spec, xs),
                    cuda().conv2dBackwardData(dy.gpu(), k.gpu(), spec, xs),
                    cpuBackend().conv2dBackwardData(dya, ka, spec, xs), nineTerms);
            GpuParity.assertCloseToScale(what + " backward filter", cpuBackend().conv2dBackwardFilter(x.cpu(), dy.cpu(), spec, ks),
                    cuda().conv2dBackwardFilter(x.gpu(), dy.gpu(), spec, ks), 1e-4, 0);
        }
    }

    /**
     * Benchmark search (cuDNN's Find, as PyTorch's cudnn.benchmark), TF32 off: a pointwise conv and a 3x3
     * stride-2 'same' conv (pre-pad) against the CPU in all three passes, to 1e-4 of the tensor's largest
     * magnitude. Not the per-element FP32 bar of the heuristic test: Find may pick FFT or Winograd, whose
     * rounding error is spread over the whole transform (of the order of 1e-6 of the tensor's scale), so an
     * element that is small by cancellation can miss a tolerance relative to itself although the algorithm is
     * right. A wrong formula (a 1% scaling, a sign, a missing term) is still far outside 1e-4 of the scale.
     */
    @Test
    void benchmarkSearchConvolutionMatchesTheCpuInFp32() {
        cuda().setTf32Convolutions(false);
        cuda().setConvolutionAlgorithmSearch(AlgoSearch.BENCHMARK);
        assertEquals(AlgoSearch.BENCHMARK, cuda().convolutionAlgorithmSearch());
        for (ConvCase c : List.of(new ConvCase(new int[] {4, 6, 6, 24}, new int[] {1, 1, 24, 40}, Padding.VALID, 1, 1, 1),
                new ConvCase(new int[] {2, 8, 8, 3}, new int[] {3, 3, 3, 8}, Padding.SAME, 2, 1, 1))) {
            Conv2dSpec spec = c.spec();
            String what = c + " fp32, benchmark search";
            GpuParity.Pair x = random(c.x()[3] * 3 + 1, -1, 1, c.x());
            GpuParity.Pair k = random(c.k()[3] * 5 + 2, -1, 1, c.k());
            Tensor yCpu = cpuBackend().conv2d(x.cpu(), k.cpu(), spec);
            assertCloseToScale(what + " forward", yCpu, cuda().conv2d(x.gpu(), k.gpu(), spec), FP32, 0);
            GpuParity.Pair dy = random(11, -1, 1, yCpu.shape());
            assertCloseToScale(what + " backward data", cpuBackend().conv2dBackwardData(dy.cpu(), k.cpu(), spec, c.x()),
                    cuda().conv2dBackwardData(dy.gpu(), k.gpu(), spec, c.x()), FP32, 0);
            assertCloseToScale(what + " backward filter", cpuBackend().conv2dBackwardFilter(x.cpu(), dy.cpu(), spec, c.k()),
                    cuda().conv2dBackwardFilter(x.gpu(), dy.gpu(), spec, c.k()), FP32, 0);
        }
    }

    @Test
    void convolutionShapeErrorsAreTyped() {
        GpuParity.Pair x = random(1, -1, 1, 1, 5, 5, 3);
        GpuParity.Pair k = random(2, -1, 1, 3, 3, 4, 2);
        Conv2dSpec spec = Conv2dSpec.of(Padding.SAME, 5, 5, 3, 3, 1, 1, 1, 1, 1);
        assertThrows(ShapeMismatchException.class, () -> cuda().conv2d(x.gpu(), k.gpu(), spec));
    }

    @Test
    void poolingMatchesTheCpuWithSymmetricAndAsymmetricPadding() {
        int[][] shapes = {{2, 6, 6, 3}, {2, 7, 7, 5}, {1, 8, 5, 2}};
        for (Pool2dSpec.Kind kind : Pool2dSpec.Kind.values()) {
            for (int[] s : shapes) {
                Pool2dSpec[] specs = {Pool2dSpec.of(kind, Padding.VALID, s[1], s[2], 2, 2, 2, 2),
                    Pool2dSpec.of(kind, Padding.SAME, s[1], s[2], 3, 3, 2, 2),
                    Pool2dSpec.of(kind, Padding.SAME, s[1], s[2], 3, 3, 1, 1),
                    Pool2dSpec.of(kind, Padding.SAME, s[1], s[2], 2, 2, 2, 2),
                    new Pool2dSpec(kind, 3, 3, 1, 1, 1, 1, 1, 1)};
                for (Pool2dSpec spec : specs) {
                    // distinct random values: no ties, so "first maximum" is the only maximum
                    GpuParity.Pair x = random(s[1] * 10 + s[3], -3, 1, s);
                    Tensor yCpu = cpuBackend().pool2d(x.cpu(), spec);
                    Tensor yGpu = cuda().pool2d(x.gpu(), spec);
                    String what = kind + " " + spec + " on " + Arrays.toString(s);
                    assertClose(what, yCpu, yGpu);
                    GpuParity.Pair dy = random(3, -1, 1, yCpu.shape());
                    assertClose(what + " backward", cpuBackend().pool2dBackward(x.cpu(), yCpu, dy.cpu(), spec),
                            cuda().pool2dBackward(x.gpu(), yGpu, dy.gpu(), spec));
                }
            }
        }
    }

    @Test
    void batchNormMatchesTheCpuIncludingItsReturnedStatistics() {
        int[][] shapes = {{8, 5, 5, 16}, {4, 3}, {2, 3, 3, 7}, {1, 2, 2, 3}};
        for (int[] s : shapes) {
            int c = s[s.length - 1];
            GpuParity.Pair x = random(s.length * 17 + c, 2, 5, s);          // mean far from 0: the shift matters
            GpuParity.Pair gamma = random(11, 0.5f, 1.5f, c);
            GpuParity.Pair beta = random(12, -1, 1, c);
            String what = "batch norm " + Arrays.toString(s);
            Backend.BatchNormForward fc = assertTrainingForwardMatches(what, x, gamma, beta);
            GpuParity.Pair dy = random(13, -1, 1, s);
            // the CPU's saved statistics uploaded: the GPU backward must use them, not its own epsilon
            GpuParity.Pair mean = pair(fc.mean().toArray(), c);
            GpuParity.Pair invStd = pair(fc.invStd().toArray(), c);
            Backend.BatchNormGradients gc = cpuBackend().batchNormBackward(x.cpu(), dy.cpu(), gamma.cpu(), mean.cpu(), invStd.cpu());
            Backend.BatchNormGradients gg = cuda().batchNormBackward(x.gpu(), dy.gpu(), gamma.gpu(), mean.gpu(), invStd.gpu());
            assertGradientsClose(what, x.cpu(), dy.cpu(), gamma.cpu(), mean.cpu(), invStd.cpu(), gc, gg);
            GpuParity.Pair movingMean = random(14, 2, 5, c);
            GpuParity.Pair movingVar = random(15, 0.5f, 2, c);
            assertClose(what + " inference", cpuBackend().batchNormInference(x.cpu(), gamma.cpu(), beta.cpu(), movingMean.cpu(),
                    movingVar.cpu(), 1e-3f), cuda().batchNormInference(x.gpu(), gamma.gpu(), beta.gpu(), movingMean.gpu(),
                    movingVar.gpu(), 1e-3f));
        }
    }

    /** {@code FP32 |y| + 32 u m} with {@code m = (|x| + |mean|) invStd |gamma| + |beta|}, per element (channels last). */
    static double[] normalisationTolerance(Tensor x, Tensor mean, Tensor invStd, Tensor gamma, Tensor beta) {
        float[] xv = x.toArray(), mv = mean.toArray(), iv = invStd.toArray(), gv = gamma.toArray(), bv = beta.toArray();
        int c = mv.length;
        double[] tol = new double[xv.length];
        for (int i = 0; i < xv.length; i++) {
            int ch = i % c;
            double y = (xv[i] - (double) mv[ch]) * iv[ch] * gv[ch] + bv[ch];
            double m = (Math.abs(xv[i]) + Math.abs(mv[ch])) * iv[ch] * Math.abs(gv[ch]) + Math.abs(bv[ch]);
            tol[i] = FP32 * Math.abs(y) + 32 * 0x1p-24 * m;
        }
        return tol;
    }

    /**
     * The backward pass against the CPU's, each result within a bound of its rounding error:
     * <ul>
     *   <li>dbeta = sum dy and dgamma = sum dy xhat: the 1e-4 relative bar plus 64 u of the sum of |terms| (the CPU
     *       adds runs of 64 rows in float, each within 63 u of its sum of |terms|; the GPU adds in double), a sum that
     *       cancels to near 0 being held to the size of its terms, not of itself;</li>
     *   <li>dx = gamma invStd / M (M dy - dbeta - xhat dgamma): an element near 0 comes out of a cancellation and its
     *       rounding error is set by the magnitude of what cancelled (first GPU run, cuDNN: -9.628098E-4 against
     *       -9.62615E-4 for [2,3,3,7], 2e-7 off, beyond 1e-4 relative). Tolerance: the 1e-4 relative bar plus 32 u of
     *       |gamma invStd / M| (M |dy| + |dbeta| + (|x| + |mean|) invStd |dgamma|), plus what the sums' own bounds
     *       above move dx by. (|x| + |mean|) invStd rather than |xhat|: both backends compute dx = a dy + b x + d
     *       with d = -a dbeta / M - b mean, so b x and d carry roundings of the size of |x| and |mean|, which is
     *       much more than |x - mean| when the mean is far from 0 (x in [2, 5] here).</li>
     * </ul>
     * A wrong epsilon or invStd, a missing term, a sign flip or a 1% scaling still fail by orders of magnitude.
     */
    static void assertGradientsClose(String what, Tensor x, Tensor dy, Tensor gamma, Tensor mean, Tensor invStd,
                                     Backend.BatchNormGradients cpu, Backend.BatchNormGradients gpu) {
        float[] xv = x.toArray(), dyv = dy.toArray(), gv = gamma.toArray(), mv = mean.toArray(), iv = invStd.toArray();
        float[] db = cpu.gradBeta().toArray(), dg = cpu.gradGamma().toArray(), dx = cpu.gradX().toArray();
        int c = mv.length;
        long m = xv.length / c;
        double u = 0x1p-24;
        double[] sumBoundDb = new double[c];
        double[] sumBoundDg = new double[c];
        for (int i = 0; i < xv.length; i++) {
            int k = i % c;
            sumBoundDb[k] += 64 * u * Math.abs(dyv[i]);
            sumBoundDg[k] += 64 * u * Math.abs(dyv[i] * (xv[i] - (double) mv[k]) * iv[k]);
        }
        double[] tolDb = new double[c];
        double[] tolDg = new double[c];
        for (int k = 0; k < c; k++) {
            tolDb[k] = FP32 * Math.abs(db[k]) + sumBoundDb[k];
            tolDg[k] = FP32 * Math.abs(dg[k]) + sumBoundDg[k];
        }
        assertWithin(what + " dbeta", db, gpu.gradBeta().toArray(), tolDb);
        assertWithin(what + " dgamma", dg, gpu.gradGamma().toArray(), tolDg);
        double[] tolDx = new double[xv.length];
        for (int i = 0; i < xv.length; i++) {
            int k = i % c;
            double f = Math.abs((double) gv[k] * iv[k] / m);
            double xhat = Math.abs(xv[i] - (double) mv[k]) * iv[k];
            double terms = m * Math.abs(dyv[i]) + Math.abs(db[k]) + (Math.abs(xv[i]) + Math.abs(mv[k])) * iv[k] * Math.abs(dg[k]);
            tolDx[i] = FP32 * Math.abs(dx[i]) + 32 * u * f * terms + f * (sumBoundDb[k] + xhat * sumBoundDg[k]);
        }
        assertWithin(what + " dx", dx, gpu.gradX().toArray(), tolDx);
    }

    @Test
    void batchNormTrainingAndBackwardMatchTheCpuOnActivationSizedShapes() {
        // MobileNetV2 at batch 64: x (64,112,112,32) is M = 802816 rows in one channel tile (about a thousand chunks of
        // rows), (64,112,112,16) half a tile, (64,7,7,1280) M = 3136 rows over 40 tiles; (3,37,37,37) C odd
        int[][] shapes = {{64, 112, 112, 32}, {64, 112, 112, 16}, {64, 7, 7, 1280}, {3, 37, 37, 37}};
        for (int[] s : shapes) {
            int c = s[s.length - 1];
            String what = "batch norm " + Arrays.toString(s);
            GpuParity.Pair x = random(31 + c, 2, 5, s);                      // mean far from 0
            GpuParity.Pair gamma = random(32, 0.5f, 1.5f, c);
            GpuParity.Pair beta = random(33, -1, 1, c);
            GpuParity.Pair dy = random(34 + c, -1, 1, s);
            Backend.BatchNormForward fc = assertTrainingForwardMatches(what, x, gamma, beta);
            GpuParity.Pair mean = pair(fc.mean().toArray(), c);
            GpuParity.Pair invStd = pair(fc.invStd().toArray(), c);
            Backend.BatchNormGradients gc = cpuBackend().batchNormBackward(x.cpu(), dy.cpu(), gamma.cpu(), mean.cpu(), invStd.cpu());
            Backend.BatchNormGradients gg = cuda().batchNormBackward(x.gpu(), dy.gpu(), gamma.gpu(), mean.gpu(), invStd.gpu());
            assertGradientsClose(what, x.cpu(), dy.cpu(), gamma.cpu(), mean.cpu(), invStd.cpu(), gc, gg);
            for (Tensor t : List.of(x.cpu(), x.gpu(), dy.cpu(), dy.gpu(), fc.output(), gc.gradX(), gg.gradX())) {
                t.close(); // the large shapes: give the memory back before the next one
            }
        }
    }

    @Test
    void batchNormInferenceMatchesTheCpuOnActivationSizedAndOddShapes() {
        // x (64,112,112,32) and (64,112,112,64): MobileNet's first batch norms at batch 64 (25.7M and 51.4M
        // floats), which cuDNN 9.14's cudnnBatchNormalizationForwardInference rejected as NOT_SUPPORTED on
        // an H200; (3,5,7,13): M = 105 rows, not a multiple of the block, C odd; (1,1): one value
        int[][] shapes = {{64, 112, 112, 32}, {64, 112, 112, 64}, {3, 5, 7, 13}, {1, 1}};
        for (int[] s : shapes) {
            int c = s[s.length - 1];
            GpuParity.Pair x = random(21 + c, -4, 6, s);
            GpuParity.Pair gamma = random(22, 0.5f, 1.5f, c);
            GpuParity.Pair beta = random(23, -1, 1, c);
            GpuParity.Pair mean = random(24, -2, 2, c);
            float[] v = GpuParity.values(25, 0, 2, c);
            v[0] = 0f; // epsilon alone under the root
            GpuParity.Pair variance = pair(v, c);
            Tensor cpu = cpuBackend().batchNormInference(x.cpu(), gamma.cpu(), beta.cpu(), mean.cpu(), variance.cpu(), 1e-3f);
            Tensor gpu = cuda().batchNormInference(x.gpu(), gamma.gpu(), beta.gpu(), mean.gpu(), variance.gpu(), 1e-3f);
            // relative to the tensor's scale, not per element: outputs near 0 come from x*scale + shift cancelling
            GpuParity.assertCloseToScale("batch norm inference " + Arrays.toString(s), cpu, gpu, 1e-5, 1e-6);
            for (Tensor t : List.of(x.cpu(), x.gpu(), cpu, gpu)) {
                t.close(); // the large shapes: give the memory back before the next one
            }
        }
    }

    @Test
    void softmaxCrossEntropyMatchesTheCpu() {
        int[][] shapes = {{5, 10}, {3, 1000}, {33, 2}, {1, 1}};
        for (int[] s : shapes) {
            GpuParity.Pair logits = random(s[1], -80, 80, s);
            float[] t = new float[s[0] * s[1]];
            for (int r = 0; r < s[0]; r++) {
                for (int c = 0; c < s[1]; c++) {
                    t[r * s[1] + c] = 0.1f / s[1];              // label smoothing 0.1 ...
                }
                t[r * s[1] + (r * 7) % s[1]] += 0.9f;          // ... around class (7r mod C)
            }
            GpuParity.Pair targets = pair(t, s);
            Backend.SoftmaxCrossEntropy c = cpuBackend().softmaxCrossEntropy(logits.cpu(), targets.cpu());
            Backend.SoftmaxCrossEntropy g = cuda().softmaxCrossEntropy(logits.gpu(), targets.gpu());
            assertClose("xent loss " + Arrays.toString(s), c.loss(), g.loss());
            assertClose("xent probabilities " + Arrays.toString(s), c.probabilities(), g.probabilities());
        }
    }

    @Test
    void gatherAndScatterAddMatchTheCpuOnEveryAxisWithRepeatedIndices() {
        GpuParity.Pair x = random(21, -1, 1, 4, 5, 6);
        for (int axis = 0; axis < 3; axis++) {
            int size = x.cpu().shape(axis);
            int[] indices = {size - 1, 0, 1, 1, size - 1, 2};
            Tensor yc = cpuBackend().gather(x.cpu(), axis, indices);
            assertClose("gather axis " + axis, yc, cuda().gather(x.gpu(), axis, indices));
            GpuParity.Pair dy = random(22 + axis, -1, 1, yc.shape());
            assertClose("scatterAdd axis " + axis, cpuBackend().scatterAdd(dy.cpu(), axis, indices, size),
                    cuda().scatterAdd(dy.gpu(), axis, indices, size));
        }
        assertThrows(IndexOutOfBoundsException.class, () -> cuda().gather(x.gpu(), 1, new int[] {5}));
    }

    @Test
    void optimizerUpdatesMatchTheCpuOverSeveralSteps() {
        int n = 1037;
        for (int variant = 0; variant < 6; variant++) {
            GpuParity.Pair p = random(30, -1, 1, n);
            GpuParity.Pair s1 = pair(new float[n], n);
            GpuParity.Pair s2 = pair(new float[n], n);
            GpuParity.Pair s3 = pair(new float[n], n);
            for (int step = 1; step <= 3; step++) {
                GpuParity.Pair g = random(40 + step, -1, 1, n);
                for (boolean gpuSide : new boolean[] {false, true}) {
                    Backend b = gpuSide ? cuda() : cpuBackend();
                    Tensor pt = gpuSide ? p.gpu() : p.cpu();
                    Tensor gt = gpuSide ? g.gpu() : g.cpu();
                    Tensor a = gpuSide ? s1.gpu() : s1.cpu();
                    Tensor m = gpuSide ? s2.gpu() : s2.cpu();
                    Tensor u = gpuSide ? s3.gpu() : s3.cpu();
                    double bc1 = 1 - Math.pow(0.9, step);
                    double bc2 = 1 - Math.pow(0.999, step);
                    switch (variant) {
                        case 0 -> b.sgdUpdate(pt, gt, null, 0, -0.1, 1, false, 0, 0);
                        case 1 -> b.sgdUpdate(pt, gt, a, 0.9, 1, -0.1, true, 1e-4, 0);
                        case 2 -> b.adamUpdate(pt, gt, a, m, 0.9, 0.999, 1e-3 * Math.sqrt(bc2) / bc1, 1e-7, 0, 1e-4);
                        case 3 -> b.adamUpdate(pt, gt, a, m, 0.9, 0.999, 1e-3 * Math.sqrt(bc2) / bc1, 1e-8 * Math.sqrt(bc2),
                                1e-2, 0);
                        case 4 -> b.rmspropUpdate(pt, gt, a, null, null, 0.9, 0, 1e-7, 0, 1e-3, -1, 0, 0);
                        default -> b.rmspropUpdate(pt, gt, a, m, u, 0.99, 0.9, 0, 1e-8, 1, -1e-2, 1e-4, 1e-5);
                    }
                }
                assertClose("optimizer variant " + variant + " step " + step + " weight", p.cpu(), p.gpu(), 1e-6);
                assertClose("optimizer variant " + variant + " step " + step + " slot 1", s1.cpu(), s1.gpu(), 1e-6);
                assertClose("optimizer variant " + variant + " step " + step + " slot 2", s2.cpu(), s2.gpu(), 1e-6);
                assertClose("optimizer variant " + variant + " step " + step + " slot 3", s3.cpu(), s3.gpu(), 1e-6);
            }
        }
    }

    /**
     * Training-mode batch norm (epsilon 1e-3) on both backends: the output and the returned statistics match;
     * returns the CPU's forward.
     */
    private static Backend.BatchNormForward assertTrainingForwardMatches(String what, GpuParity.Pair x, GpuParity.Pair gamma,
                                                                         GpuParity.Pair beta) {
        Backend.BatchNormForward fc = cpuBackend().batchNormTraining(x.cpu(), gamma.cpu(), beta.cpu(), 1e-3f);
        Backend.BatchNormForward fg = cuda().batchNormTraining(x.gpu(), gamma.gpu(), beta.gpu(), 1e-3f);
        // y = (x - mean) invStd gamma + beta: where x is near its mean (or the normalised value near -beta) y
        // comes out of a cancellation, and its absolute rounding error is set by the magnitude of what
        // cancelled, not by y: mean and x (in [2, 5]) carry ~2^-24 of their size, x - mean then loses that
        // much absolutely. Tolerance: the 1e-4 relative bar plus 32 unit roundoffs of
        // m = (|x| + |mean|) invStd |gamma| + |beta| (mean summed over M = 200 values in float: a few u at
        // most in a blocked or pairwise sum). First GPU run: -0.003754452 against -0.0037539771, an error of
        // 4.8e-7 = 0.9 u m. A wrong epsilon (1e-5 for 1e-3: invStd off by 7e-4), a swapped gamma/beta or a
        // biased/unbiased variance mix-up still fail by orders of magnitude.
        assertWithin(what + " output", fc.output().toArray(), fg.output().toArray(),
                normalisationTolerance(x.cpu(), fc.mean(), fc.invStd(), gamma.cpu(), beta.cpu()));
        assertClose(what + " mean", fc.mean(), fg.mean());
        assertClose(what + " biased variance", fc.variance(), fg.variance());
        assertClose(what + " invStd", fc.invStd(), fg.invStd());
        return fc;
    }

}
