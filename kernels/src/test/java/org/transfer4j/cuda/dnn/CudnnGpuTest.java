package org.transfer4j.cuda.dnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.transfer4j.backend.Conv2dSpec;
import org.transfer4j.backend.Padding;
import org.transfer4j.backend.Pool2dSpec;
import org.transfer4j.cuda.GpuTest;
import org.transfer4j.cuda.ffm.CudaRuntimeForTests;

/**
 * cuDNN on a real GPU against direct Java references on small NHWC shapes (run with
 * {@code mvn -Pgpu test}). Convolutions run with TF32 off ({@code CUDNN_FMA_MATH}) and are checked to
 * 1e-4 relative to {@code max(1, sum |x*k|)}; the TF32 case to 5e-3 of the same scale. The algorithms come from
 * cuDNN's heuristic, and in one test from benchmark search ({@link AlgoSearch#BENCHMARK}).
 */
@GpuTest
class CudnnGpuTest {

    private static final long STREAM = 0;

    @Test
    void standardConvSameStride1AllThreePasses() {
        checkConv(new int[] {2, 6, 5, 3}, new int[] {3, 3, 3, 4}, Padding.SAME, 1, 1, false, 1e-4);
    }

    @Test
    void depthwiseConvGroupsEqualChannelsAllThreePasses() {
        checkConv(new int[] {2, 7, 7, 4}, new int[] {3, 3, 1, 8}, Padding.SAME, 1, 4, false, 1e-4);   // multiplier 2
    }

    @Test
    void stride2SameOnAnEvenInputUsesThePrePadAllThreePasses() {
        checkConv(new int[] {1, 8, 6, 3}, new int[] {3, 3, 3, 5}, Padding.SAME, 2, 1, false, 1e-4);
        checkConv(new int[] {1, 8, 8, 6}, new int[] {3, 3, 1, 6}, Padding.SAME, 2, 6, false, 1e-4);   // depthwise, stride 2
    }

    @Test
    void tf32ConvolutionIsCloseWithinTheLooserTolerance() {
        checkConv(new int[] {2, 9, 9, 16}, new int[] {3, 3, 16, 32}, Padding.VALID, 1, 1, true, 5e-3);
    }

    /**
     * Benchmark search (cudnnFind*AlgorithmEx) with TF32 off, on a pointwise conv and a 3x3 stride-2 'same' conv
     * (pre-pad): each pass must use a measured FMA-math algorithm and agree with the references to 1e-4 of
     * max(1, the same convolution on |inputs|). Find may pick FFT or Winograd, whose fp32 error grows with the
     * magnitude of the whole transform rather than of each output's own terms; on these small shapes (at most 27
     * terms a sum, |values| <= 1, so scales of a few units) that error stays orders below 1e-4 of the floor of 1,
     * so the direct algorithms' bound serves for every algorithm Find can pick.
     */
    @Test
    void benchmarkSearchPicksMeasuredFp32AlgorithmsThatMatchTheReference() {
        checkConv(new int[] {2, 5, 5, 8}, new int[] {1, 1, 8, 16}, Padding.VALID, 1, 1, false, 1e-4, AlgoSearch.BENCHMARK);
        checkConv(new int[] {2, 8, 8, 3}, new int[] {3, 3, 3, 4}, Padding.SAME, 2, 1, false, 1e-4, AlgoSearch.BENCHMARK);
    }

    private static void checkConv(int[] xs, int[] ks, Padding padding, int stride, int groups, boolean tf32, double tol) {
        checkConv(xs, ks, padding, stride, groups, tf32, tol, AlgoSearch.HEURISTIC);
    }

    private static void checkConv(int[] xs, int[] ks, Padding padding, int stride, int groups, boolean tf32, double tol,
                                  AlgoSearch search) {
        SplittableRandom random = new SplittableRandom(xs[1] * 31L + ks[3]);
        Conv2dSpec spec = Conv2dSpec.of(padding, xs[1], xs[2], ks[0], ks[1], stride, stride, 1, 1, groups);
        ConvPlan plan = ConvPlan.of(xs, ks, spec);
        float[] x = randoms(random, prod(xs)), k = randoms(random, prod(ks)), dy = randoms(random, prod(plan.outputShape()));
        float[] xPadded = prePad(x, plan);
        try (CudaRuntimeForTests rt = new CudaRuntimeForTests(); Cudnn cudnn = Cudnn.load()) {
            CudnnConvolution conv = new CudnnConvolution(cudnn, new AlgoCache(CudnnConvolution.DEFAULT_WORKSPACE_LIMIT), tf32,
                    search);
            assertArrayEquals(plan.yDescriptor(), conv.outputDim(plan), "cuDNN's output dims vs core's shape rule for " + plan);
            DeviceWorkspace ws = rt::malloc;
            long dx = rt.upload(xPadded), dk = rt.upload(FilterLayout.hwioToKrsc(k, ks[0], ks[1], ks[2], ks[3]));
            long dyDev = rt.upload(dy);

            long y = rt.zeros(prod(plan.outputShape()));
            checkChoice(conv.forward(STREAM, plan, dx, dk, y, ws), search, tf32, "forward " + plan);
            assertClose(ConvReference.forward(x, xs, k, ks, spec), ConvReference.forwardScale(x, xs, k, ks, spec),
                    rt.download(y, prod(plan.outputShape())), tol, "forward " + plan);

            long gradX = rt.zeros(prod(plan.paddedInputShape()));
            checkChoice(conv.backwardData(STREAM, plan, dk, dyDev, gradX, ws), search, tf32, "backward data " + plan);
            float[] gotDx = crop(rt.download(gradX, prod(plan.paddedInputShape())), plan);
            float[] dxScale = ConvReference.backwardData(ConvReference.abs(dy), xs, ConvReference.abs(k), ks, spec);
            assertClose(ConvReference.backwardData(dy, xs, k, ks, spec), dxScale, gotDx, tol, "backward data " + plan);

            long gradW = rt.zeros(prod(ks));
            checkChoice(conv.backwardFilter(STREAM, plan, dx, dyDev, gradW, ws), search, tf32, "backward filter " + plan);
            float[] gotDw = FilterLayout.krscToHwio(rt.download(gradW, prod(ks)), ks[0], ks[1], ks[2], ks[3]);
            float[] dwScale = ConvReference.backwardFilter(ConvReference.abs(x), xs, ConvReference.abs(dy), ks, spec);
            assertClose(ConvReference.backwardFilter(x, xs, dy, ks, spec), dwScale, gotDw, tol, "backward filter " + plan);
        }
    }

    /** Find's results carry measured times; with TF32 off every chosen algorithm must run FMA math. */
    private static void checkChoice(AlgoPerf perf, AlgoSearch search, boolean tf32, String what) {
        if (!tf32) {
            assertEquals(CudnnConstants.FMA_MATH, perf.mathType(), what + ": " + perf);
        }
        if (search == AlgoSearch.BENCHMARK) {
            assertTrue(perf.timeMs() >= 0, what + ": a benchmarked choice has a measured time, got " + perf);
        }
    }

    @Test
    void maxAndAveragePoolingForwardAndBackward() {
        int[] xs = {2, 7, 7, 3};
        SplittableRandom random = new SplittableRandom(5);
        float[] x = randoms(random, prod(xs));
        for (Pool2dSpec.Kind kind : Pool2dSpec.Kind.values()) {
            Pool2dSpec spec = Pool2dSpec.of(kind, Padding.SAME, 7, 7, 3, 3, 2, 2);   // symmetric: 1/1
            PoolPlan plan = PoolPlan.of(xs, spec);
            int outCount = xs[0] * plan.outH() * plan.outW() * xs[3];
            float[] dy = randoms(random, outCount);
            // reference: window cells inside the input only (max ignores padding, average divides by real cells)
            float[] y = new float[outCount], dx = new float[prod(xs)];
            for (int b = 0; b < xs[0]; b++) {
                for (int i = 0; i < plan.outH(); i++) {
                    for (int j = 0; j < plan.outW(); j++) {
                        for (int c = 0; c < xs[3]; c++) {
                            int yi = ((b * plan.outH() + i) * plan.outW() + j) * xs[3] + c;
                            double best = Double.NEGATIVE_INFINITY, sum = 0;
                            int arg = -1, count = 0;
                            for (int r = 0; r < 3; r++) {
                                for (int s = 0; s < 3; s++) {
                                    int ih = i * 2 - spec.padTop() + r, iw = j * 2 - spec.padLeft() + s;
                                    if (ih < 0 || ih >= xs[1] || iw < 0 || iw >= xs[2]) {
                                        continue;
                                    }
                                    int xi = ((b * xs[1] + ih) * xs[2] + iw) * xs[3] + c;
                                    sum += x[xi];
                                    count++;
                                    if (x[xi] > best) {
                                        best = x[xi];
                                        arg = xi;
                                    }
                                }
                            }
                            y[yi] = (float) (kind == Pool2dSpec.Kind.MAX ? best : sum / count);
                            if (kind == Pool2dSpec.Kind.MAX) {
                                dx[arg] += dy[yi];
                            } else {
                                for (int r = 0; r < 3; r++) {
                                    for (int s = 0; s < 3; s++) {
                                        int ih = i * 2 - spec.padTop() + r, iw = j * 2 - spec.padLeft() + s;
                                        if (ih >= 0 && ih < xs[1] && iw >= 0 && iw < xs[2]) {
                                            dx[((b * xs[1] + ih) * xs[2] + iw) * xs[3] + c] += dy[yi] / count;
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            try (CudaRuntimeForTests rt = new CudaRuntimeForTests(); Cudnn cudnn = Cudnn.load()) {
                CudnnLayers layers = new CudnnLayers(cudnn);
                long dX = rt.upload(x), dY = rt.zeros(outCount), dDy = rt.upload(dy), dDx = rt.zeros(prod(xs));
                layers.poolingForward(STREAM, plan, dX, dY);
                assertClose(y, ones(outCount), rt.download(dY, outCount), 1e-6, kind + " pooling forward");
                layers.poolingBackward(STREAM, plan, dY, dDy, dX, dDx);
                assertClose(dx, ones(dx.length), rt.download(dDx, dx.length), 1e-5, kind + " pooling backward");
            }
        }
    }

    @Test
    void clippedReluIsRelu6ForwardAndBackward() {
        float[] x = {-2f, -0.5f, 0.25f, 3f, 5.5f, 6.5f, 10f};
        float[] y = {0f, 0f, 0.25f, 3f, 5.5f, 6f, 6f};
        float[] dy = {1f, 2f, 3f, 4f, 5f, 6f, 7f};
        float[] dx = {0f, 0f, 3f, 4f, 5f, 0f, 0f};   // gradient passes where 0 < x < 6
        try (CudaRuntimeForTests rt = new CudaRuntimeForTests(); Cudnn cudnn = Cudnn.load()) {
            CudnnLayers layers = new CudnnLayers(cudnn);
            long dX = rt.upload(x), dY = rt.zeros(x.length), dDy = rt.upload(dy), dDx = rt.zeros(x.length);
            layers.activationForward(STREAM, CudnnConstants.ACTIVATION_CLIPPED_RELU, 6.0, x.length, dX, dY);
            assertArrayEquals(y, rt.download(dY, x.length));
            layers.activationBackward(STREAM, CudnnConstants.ACTIVATION_CLIPPED_RELU, 6.0, x.length, dY, dDy, dX, dDx);
            assertArrayEquals(dx, rt.download(dDx, x.length));
        }
    }

    /** x (N,H,W,C) zero-padded by the plan's extra rows/columns to (N, inH, inW, C). */
    static float[] prePad(float[] x, ConvPlan p) {
        float[] out = new float[prod(p.paddedInputShape())];
        for (int b = 0; b < p.n(); b++) {
            for (int i = 0; i < p.h(); i++) {
                for (int j = 0; j < p.w(); j++) {
                    System.arraycopy(x, ((b * p.h() + i) * p.w() + j) * p.c(), out,
                            ((b * p.inHeight() + i + p.extraTop()) * p.inWidth() + j + p.extraLeft()) * p.c(), p.c());
                }
            }
        }
        return out;
    }

    /** The inverse of {@link #prePad}: the original H x W window of a padded-input gradient. */
    static float[] crop(float[] padded, ConvPlan p) {
        float[] out = new float[p.n() * p.h() * p.w() * p.c()];
        for (int b = 0; b < p.n(); b++) {
            for (int i = 0; i < p.h(); i++) {
                for (int j = 0; j < p.w(); j++) {
                    System.arraycopy(padded, ((b * p.inHeight() + i + p.extraTop()) * p.inWidth() + j + p.extraLeft()) * p.c(),
                            out, ((b * p.h() + i) * p.w() + j) * p.c(), p.c());
                }
            }
        }
        return out;
    }

    static void assertClose(float[] expected, float[] scale, float[] actual, double relative, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], relative * Math.max(1.0, scale[i]), what + " at " + i);
        }
    }

    private static float[] ones(int n) {
        float[] o = new float[n];
        java.util.Arrays.fill(o, 1f);
        return o;
    }

    static int prod(int[] shape) {
        int p = 1;
        for (int d : shape) {
            p *= d;
        }
        return p;
    }

    private static float[] randoms(SplittableRandom random, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextDouble(-1, 1);
        }
        return x;
    }
}
