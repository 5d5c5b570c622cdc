package org.transfer4j.cuda.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.transfer4j.cuda.backend.GpuParity.assertClose;
import static org.transfer4j.cuda.backend.GpuParity.assertWithin;
import static org.transfer4j.cuda.backend.GpuParity.cpuBackend;
import static org.transfer4j.cuda.backend.GpuParity.cuda;
import static org.transfer4j.cuda.backend.GpuParity.random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.transfer4j.backend.Backend;
import org.transfer4j.backend.UnaryOp;
import org.transfer4j.cuda.GpuTest;
import org.transfer4j.tensor.Tensor;

/**
 * A batch norm over few rows ({@link CudaBatchNorm#SINGLE_BLOCK_ROWS}: a dense head's batch of features) runs on the
 * single-block kernels, one launch each way; forced through the chunked kernels instead it must give the same
 * results. Both paths against the CPU backend within the plain batch norm's parity tolerances
 * ({@link CudaBackendLayersGpuTest#normalisationTolerance}, {@link CudaBackendLayersGpuTest#assertGradientsClose}),
 * plain and clamped (ReLU6), with and without dx; the two paths' statistics within float rounding of each other
 * (their double sums group the rows differently: one chunk against chunks of 32). M from 1 to the threshold, C = 37
 * (two tiles, the second partly idle) and 1280 (MobileNetV2's features).
 */
@GpuTest
class CudaBatchNormSingleBlockGpuTest {
    private static final float EPS = 1e-3f;

    @AfterEach
    void restoreTheThreshold() {
        cuda().batchNormSingleBlockRows(CudaBatchNorm.SINGLE_BLOCK_ROWS);
    }

    @ParameterizedTest(name = "M {0}, C {1}, clamp [{2}, {3}]")
    @CsvSource({"1, 37, -Infinity, Infinity", "7, 37, 0, 6", "64, 1280, -Infinity, Infinity", "64, 1280, 0, 6",
        "256, 37, 0, Infinity"})
    void fewRowsGiveTheChunkedPathsResultsAndTheCpus(int m, int c, float low, float high) {
        String what = "batch norm (" + m + ", " + c + ") clamped to [" + low + ", " + high + "]";
        boolean clamped = low != Float.NEGATIVE_INFINITY || high != Float.POSITIVE_INFINITY;
        GpuParity.Pair x = random(61, -2, 5, m, c);
        GpuParity.Pair gamma = random(62, 0.5f, 3f, c);
        GpuParity.Pair beta = random(63, -1, 3, c);
        GpuParity.Pair dy = random(64, -1, 1, m, c);
        Backend.BatchNormForward fc = cpuBackend().batchNormTraining(x.cpu(), gamma.cpu(), beta.cpu(), EPS, low, high);
        Backend.BatchNormGradients gc = clamped
                ? cpuBackend().batchNormBackward(x.cpu(), dy.cpu(), gamma.cpu(), fc.mean(), fc.invStd(), fc.output(), low, high)
                : cpuBackend().batchNormBackward(x.cpu(), dy.cpu(), gamma.cpu(), fc.mean(), fc.invStd());
        Tensor maskedDy = clamped ? cpuBackend().unaryBackward(UnaryOp.CLAMP, fc.output(), dy.cpu(),
                low, high) : dy.cpu();
        Backend.BatchNormForward[] forward = new Backend.BatchNormForward[2];
        for (int path = 0; path < 2; path++) {
            String p = what + (path == 0 ? ", single block" : ", chunked");
            cuda().batchNormSingleBlockRows(path == 0 ? CudaBatchNorm.SINGLE_BLOCK_ROWS : 0);
            Backend.BatchNormForward fg = cuda().batchNormTraining(x.gpu(), gamma.gpu(), beta.gpu(), EPS, low, high);
            forward[path] = fg;
            assertWithin(p + " output", fc.output().toArray(), fg.output().toArray(),
                    CudaBackendLayersGpuTest.normalisationTolerance(x.cpu(), fc.mean(), fc.invStd(), gamma.cpu(), beta.cpu()));
            assertClose(p + " mean", fc.mean(), fg.mean());
            assertClose(p + " invStd", fc.invStd(), fg.invStd());

            // the backward from the CPU's statistics and clamped output, so that both backends mask the same elements
            Tensor mean = Tensor.of(GpuParity.gpu(), fc.mean().toArray(), c);
            Tensor invStd = Tensor.of(GpuParity.gpu(), fc.invStd().toArray(), c);
            Tensor y = clamped ? Tensor.of(GpuParity.gpu(), fc.output().toArray(), m, c) : null;
            Backend.BatchNormGradients gg = clamped
                    ? cuda().batchNormBackward(x.gpu(), dy.gpu(), gamma.gpu(), mean, invStd, y, low, high)
                    : cuda().batchNormBackward(x.gpu(), dy.gpu(), gamma.gpu(), mean, invStd);
            CudaBackendLayersGpuTest.assertGradientsClose(p, x.cpu(), maskedDy, gamma.cpu(), fc.mean(), fc.invStd(), gc, gg);
            Backend.BatchNormGradients params = cuda().batchNormParameterGradients(x.gpu(), dy.gpu(), gamma.gpu(), mean,
                    invStd, y, low, high);
            assertEquals(null, params.gradX(), p + ": no dx");
            GpuParity.assertSameBits(p + " dgamma without dx", gg.gradGamma().toArray(), params.gradGamma().toArray());
            GpuParity.assertSameBits(p + " dbeta without dx", gg.gradBeta().toArray(), params.gradBeta().toArray());
        }
        assertClose(what + ": the mean of both paths", forward[1].mean(), forward[0].mean());
        assertClose(what + ": the variance of both paths", forward[1].variance(), forward[0].variance());
    }
}
