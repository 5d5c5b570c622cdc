package org.transfer4j.cuda.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.transfer4j.cuda.backend.GpuParity.assertClose;
import static org.transfer4j.cuda.backend.GpuParity.assertSameBits;
import static org.transfer4j.cuda.backend.GpuParity.assertWithin;
import static org.transfer4j.cuda.backend.GpuParity.cpuBackend;
import static org.transfer4j.cuda.backend.GpuParity.cuda;
import static org.transfer4j.cuda.backend.GpuParity.pair;
import static org.transfer4j.cuda.backend.GpuParity.random;

import java.util.Arrays;
import java.util.function.DoublePredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.transfer4j.backend.Backend;
import org.transfer4j.backend.UnaryOp;
import org.transfer4j.cuda.GpuTest;
import org.transfer4j.tensor.Tensor;

/**
 * The CUDA backend's batch norm with a clamp in training (its ReLU {@code 0, +inf} or ReLU6 {@code 0, 6}: the clamp in
 * {@code scale_shift_f32}'s pass, dy masked by the clamped output where the backward kernels read it) against the CPU
 * backend's fused ops, within the tolerances of the plain batch norm's parity tests
 * ({@link CudaBackendLayersGpuTest#normalisationTolerance}, {@link CudaBackendLayersGpuTest#assertGradientsClose}), and
 * against the CUDA backend's own composite ({@code batchNormTraining} then {@code unary(CLAMP)};
 * {@code unaryBackward(CLAMP)} then {@code batchNormBackward}) bit for bit, as the SPI promises; and
 * {@code batchNormParameterGradients} (no dx launch) against the full backward's dgamma and dbeta. NHWC activations
 * x (2,5,5,37): M = 50 rows, C = 37 odd and over one tile of 32 channels.
 */
@GpuTest
class CudaBatchNormClampGpuTest {
    private static final float EPS = 1e-3f;
    private static final int[] SHAPE = {2, 5, 5, 37};
    private static final int C = 37;

    @ParameterizedTest(name = "clamp [{0}, {1}]")
    @CsvSource({"0, Infinity", "0, 6"})
    void clampedTrainingMatchesTheCpuAndIsTheCudaCompositeBitForBit(float low, float high) {
        String what = "batch norm " + Arrays.toString(SHAPE) + " clamped to [" + low + ", " + high + "]";
        GpuParity.Pair x = random(51, 2, 5, SHAPE);            // mean far from 0: the shift by the first row matters
        GpuParity.Pair gamma = random(52, 0.5f, 3f, C);        // gamma and beta up to 3: outputs above 6 and below 0
        GpuParity.Pair beta = random(53, -1, 3, C);
        Backend.BatchNormForward fc = cpuBackend().batchNormTraining(x.cpu(), gamma.cpu(), beta.cpu(), EPS, low, high);
        Backend.BatchNormForward fg = cuda().batchNormTraining(x.gpu(), gamma.gpu(), beta.gpu(), EPS, low, high);
        float[] yc = fc.output().toArray();
        assertTrue(count(yc, v -> v == low) > 0 && count(yc, v -> v > low && v < high) > 0
                && (high == Float.POSITIVE_INFINITY || count(yc, v -> v == high) > 0),
                what + ": the data must put outputs on the bounds and between them");
        // the clamp moves no value further from another (|clamp a - clamp b| <= |a - b|): the plain output's bound holds
        assertWithin(what + " output", yc, fg.output().toArray(), CudaBackendLayersGpuTest.normalisationTolerance(x.cpu(),
                fc.mean(), fc.invStd(), gamma.cpu(), beta.cpu()));
        assertClose(what + " mean", fc.mean(), fg.mean());
        assertClose(what + " biased variance", fc.variance(), fg.variance());
        assertClose(what + " invStd", fc.invStd(), fg.invStd());

        Backend.BatchNormForward plain = cuda().batchNormTraining(x.gpu(), gamma.gpu(), beta.gpu(), EPS);
        assertSameBits(what + " output against the CUDA composite",
                cuda().unary(UnaryOp.CLAMP, plain.output(), low, high).toArray(), fg.output().toArray());
        assertSameBits(what + " mean against the plain op", plain.mean().toArray(), fg.mean().toArray());
        assertSameBits(what + " invStd against the plain op", plain.invStd().toArray(), fg.invStd().toArray());

        // The backward on both backends with the same y (the CPU's clamped output, so that the masks agree) but for a
        // NaN and values just inside the bounds, and the CPU's statistics.
        float[] yv = yc.clone();
        yv[0] = Float.NaN;
        yv[1] = Math.nextUp(low);
        if (high != Float.POSITIVE_INFINITY) {
            yv[2] = Math.nextDown(high);
        }
        GpuParity.Pair y = pair(yv, SHAPE);
        GpuParity.Pair dy = random(54, -1, 1, SHAPE);
        GpuParity.Pair mean = pair(fc.mean().toArray(), C);
        GpuParity.Pair invStd = pair(fc.invStd().toArray(), C);
        Backend.BatchNormGradients gc = cpuBackend().batchNormBackward(x.cpu(), dy.cpu(), gamma.cpu(), mean.cpu(),
                invStd.cpu(), y.cpu(), low, high);
        Backend.BatchNormGradients gg = cuda().batchNormBackward(x.gpu(), dy.gpu(), gamma.gpu(), mean.gpu(), invStd.gpu(),
                y.gpu(), low, high);
        // the tolerances are those of the plain backward of the masked dy
        Tensor maskedCpu = cpuBackend().unaryBackward(UnaryOp.CLAMP, y.cpu(), dy.cpu(), low, high);
        CudaBackendLayersGpuTest.assertGradientsClose(what, x.cpu(), maskedCpu, gamma.cpu(), mean.cpu(), invStd.cpu(), gc,
                gg);

        Tensor maskedGpu = cuda().unaryBackward(UnaryOp.CLAMP, y.gpu(), dy.gpu(), low, high);
        Backend.BatchNormGradients apart = cuda().batchNormBackward(x.gpu(), maskedGpu, gamma.gpu(), mean.gpu(),
                invStd.gpu());
        assertSameBits(what + " dx against the CUDA composite", apart.gradX().toArray(), gg.gradX().toArray());
        assertSameBits(what + " dgamma against the CUDA composite", apart.gradGamma().toArray(), gg.gradGamma().toArray());
        assertSameBits(what + " dbeta against the CUDA composite", apart.gradBeta().toArray(), gg.gradBeta().toArray());

        // without dx (an input that needs no gradient): the same dgamma and dbeta, clamped and plain
        Backend.BatchNormGradients params = cuda().batchNormParameterGradients(x.gpu(), dy.gpu(), gamma.gpu(), mean.gpu(),
                invStd.gpu(), y.gpu(), low, high);
        assertEquals(null, params.gradX(), what + ": no dx");
        assertSameBits(what + " dgamma alone", gg.gradGamma().toArray(), params.gradGamma().toArray());
        assertSameBits(what + " dbeta alone", gg.gradBeta().toArray(), params.gradBeta().toArray());
        Backend.BatchNormGradients plainParams = cuda().batchNormParameterGradients(x.gpu(), maskedGpu, gamma.gpu(),
                mean.gpu(), invStd.gpu(), null, 0f, 0f);
        assertEquals(null, plainParams.gradX(), what + ": no dx (plain)");
        assertSameBits(what + " dgamma alone (plain)", apart.gradGamma().toArray(), plainParams.gradGamma().toArray());
        assertSameBits(what + " dbeta alone (plain)", apart.gradBeta().toArray(), plainParams.gradBeta().toArray());
    }

    @Test
    void badBoundsAndAMisshapenOutputAreNamed() {
        Tensor x = Tensor.of(GpuParity.gpu(), new float[12], 4, 3);
        Tensor p = Tensor.of(GpuParity.gpu(), new float[3], 3);
        IllegalArgumentException bounds = assertThrows(IllegalArgumentException.class,
                () -> cuda().batchNormTraining(x, p, p, EPS, 6f, 0f));
        assertTrue(bounds.getMessage().contains("batchNormTraining") && bounds.getMessage().contains("6.0"),
                bounds.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> cuda().batchNormBackward(x, x, p, p, p, Tensor.of(GpuParity.gpu(), new float[12], 3, 4), 0f, 6f));
        assertTrue(shape.getMessage().contains("[3, 4]") && shape.getMessage().contains("[4, 3]"), shape.getMessage());
        assertEquals(NullPointerException.class, assertThrows(NullPointerException.class,
                () -> cuda().batchNormBackward(x, x, p, p, p, null, 0f, 6f)).getClass());
    }

    private static int count(float[] v, DoublePredicate p) {
        int k = 0;
        for (float f : v) {
            k += p.test(f) ? 1 : 0;
        }
        return k;
    }
}
