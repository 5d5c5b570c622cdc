package org.transfer4j.cuda.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.transfer4j.cuda.backend.GpuParity.assertSameBits;
import static org.transfer4j.cuda.backend.GpuParity.cpuBackend;
import static org.transfer4j.cuda.backend.GpuParity.cuda;
import static org.transfer4j.cuda.backend.GpuParity.gpu;
import static org.transfer4j.cuda.backend.GpuParity.pair;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.transfer4j.backend.Backend;
import org.transfer4j.backend.BinaryOp;
import org.transfer4j.cuda.GpuTest;
import org.transfer4j.ops.BatchNorm;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * The CUDA backend's {@code batchNormMovingAverages} (one launch of {@code batchnorm_moving_averages_f32}) against the
 * CPU backend's one loop on the same inputs and against the CUDA backend's own composite ({@code binary(ADD)} of the
 * batch mean and the bias, then {@code movingAverage} twice), both bit for bit: each is the same few correctly
 * rounded float operations in the same order. With and without a bias, Keras' momentum 0.99 and 0.9, C odd (37), 1
 * and over a block (1001), a NaN and infinities among the inputs; and the update a training batch norm with a skipped
 * bias makes through {@link BatchNorm#trainAfterBias}; and training that updates the moving statistics in its own pass
 * ({@code batchNormTrainingWithMovingAverages}).
 */
@GpuTest
class CudaBatchNormMovingAveragesGpuTest {

    @ParameterizedTest(name = "C {0} bias {1} momentum {2}")
    @CsvSource({"37, true, 0.99", "37, false, 0.99", "37, true, 0.9", "1, true, 0.9", "1001, true, 0.99",
        "1001, false, 0.9"})
    void fusedIsTheCpuAndTheCudaCompositeBitForBit(int c, boolean biased, float momentum) {
        String what = "batchNormMovingAverages C " + c + " bias " + biased + " momentum " + momentum;
        float[] movingMean = GpuParity.values(c * 5L + 1, -3, 3, c);
        float[] batchMean = GpuParity.values(c * 5L + 2, -3, 3, c);
        float[] bias = GpuParity.values(c * 5L + 3, -1, 1, c);
        float[] movingVariance = GpuParity.values(c * 5L + 4, 0, 4, c);
        float[] batchVariance = GpuParity.values(c * 5L + 5, 0, 4, c);
        if (c > 4) {
            batchMean[1] = Float.NaN;
            bias[2] = Float.POSITIVE_INFINITY;
            movingVariance[3] = Float.NaN;
            movingMean[4] = Float.NEGATIVE_INFINITY;
        }
        GpuParity.Pair bm = pair(batchMean, c);
        GpuParity.Pair b = biased ? pair(bias, c) : null;
        GpuParity.Pair bv = pair(batchVariance, c);

        GpuParity.Pair mm = pair(movingMean, c);
        GpuParity.Pair mv = pair(movingVariance, c);
        cpuBackend().batchNormMovingAverages(mm.cpu(), bm.cpu(), b == null ? null : b.cpu(), mv.cpu(), bv.cpu(),
                momentum);
        cuda().batchNormMovingAverages(mm.gpu(), bm.gpu(), b == null ? null : b.gpu(), mv.gpu(), bv.gpu(), momentum);
        float[] fusedMean = mm.gpu().toArray();
        float[] fusedVariance = mv.gpu().toArray();
        assertSameBits(what + ": moving mean against the CPU", mm.cpu().toArray(), fusedMean);
        assertSameBits(what + ": moving variance against the CPU", mv.cpu().toArray(), fusedVariance);

        Tensor compositeMean = Tensor.of(gpu(), movingMean, c);
        Tensor compositeVariance = Tensor.of(gpu(), movingVariance, c);
        cuda().movingAverage(compositeMean, b == null ? bm.gpu() : cuda().binary(BinaryOp.ADD, bm.gpu(), b.gpu()),
                momentum);
        cuda().movingAverage(compositeVariance, bv.gpu(), momentum);
        assertSameBits(what + ": moving mean against the CUDA composite", compositeMean.toArray(), fusedMean);
        assertSameBits(what + ": moving variance against the CUDA composite", compositeVariance.toArray(),
                fusedVariance);
        if (c > 4) {
            assertTrue(Float.isNaN(fusedMean[1]) && Float.isNaN(fusedVariance[3]) && !Float.isNaN(fusedMean[3]),
                    what + ": a NaN stays in its channel");
        }
        // read only: the batch statistics and the bias
        assertArrayEquals(batchMean, bm.gpu().toArray());
        assertArrayEquals(batchVariance, bv.gpu().toArray());
    }

    /**
     * {@code batchNormTrainingWithMovingAverages}, which updates the moving statistics in the finalize (M = 300 rows:
     * chunked) or in the single-block kernel (M = 50), against {@code batchNormTraining} then
     * {@code batchNormMovingAverages} on the CUDA backend, bit for bit: output, batch statistics and both moving
     * statistics, plain and clamped, with and without a bias.
     */
    @ParameterizedTest(name = "M {0} bias {1} clamp [{2}, {3}]")
    @CsvSource({"300, true, -Infinity, Infinity", "300, false, 0, 6", "50, true, 0, Infinity",
        "50, false, -Infinity, Infinity"})
    void trainingThatUpdatesTheMovingStatisticsIsTrainingThenTheUpdateBitForBit(int m, boolean biased, float low,
                                                                             float high) {
        int c = 37;
        String what = "batchNormTrainingWithMovingAverages (" + m + ", " + c + ") bias " + biased + " [" + low + ", "
                + high + "]";
        boolean clamped = low != Float.NEGATIVE_INFINITY || high != Float.POSITIVE_INFINITY;
        Tensor x = Tensor.of(gpu(), GpuParity.values(81 + m, -2, 4, m, c), m, c);
        Tensor gamma = Tensor.of(gpu(), GpuParity.values(82, 0.5f, 1.5f, c), c);
        Tensor beta = Tensor.of(gpu(), GpuParity.values(83, -1, 1, c), c);
        Tensor bias = biased ? Tensor.of(gpu(), GpuParity.values(84, -1, 1, c), c) : null;
        float[] movingMean = GpuParity.values(85, -1, 1, c);
        float[] movingVariance = GpuParity.values(86, 0.5f, 2, c);

        Tensor apartMean = Tensor.of(gpu(), movingMean, c);
        Tensor apartVariance = Tensor.of(gpu(), movingVariance, c);
        Backend.BatchNormForward apart = clamped ? cuda().batchNormTraining(x, gamma, beta, 1e-3f, low, high)
                : cuda().batchNormTraining(x, gamma, beta, 1e-3f);
        cuda().batchNormMovingAverages(apartMean, apart.mean(), bias, apartVariance, apart.variance(), 0.99f);

        Tensor fusedMean = Tensor.of(gpu(), movingMean, c);
        Tensor fusedVariance = Tensor.of(gpu(), movingVariance, c);
        Backend.BatchNormForward fused = cuda().batchNormTrainingWithMovingAverages(x, gamma, beta, 1e-3f, low, high,
                new Backend.MovingStatistics(fusedMean, fusedVariance, bias, 0.99f));
        assertSameBits(what + ": output", apart.output().toArray(), fused.output().toArray());
        assertSameBits(what + ": batch mean", apart.mean().toArray(), fused.mean().toArray());
        assertSameBits(what + ": batch variance", apart.variance().toArray(), fused.variance().toArray());
        assertSameBits(what + ": moving mean", apartMean.toArray(), fusedMean.toArray());
        assertSameBits(what + ": moving variance", apartVariance.toArray(), fusedVariance.toArray());
    }

    @Test
    void aTrainingBatchNormAfterABiasUpdatesAsTheCompositeOfItsOwnStatistics() {
        // x (2,5,5,37): the batch statistics come from the same CUDA batchNormTraining in both (a fixed order of sums)
        int c = 37;
        int[] shape = {2, 5, 5, c};
        float momentum = 0.99f;
        float eps = 1e-3f;
        Tensor x = Tensor.of(gpu(), GpuParity.values(61, -2, 4, shape), shape);
        Tensor bias = Tensor.of(gpu(), GpuParity.values(62, -1, 1, c), c);
        Tensor gamma = Tensor.of(gpu(), GpuParity.values(63, 0.5f, 1.5f, c), c);
        Tensor beta = Tensor.of(gpu(), GpuParity.values(64, -1, 1, c), c);
        float[] movingMean = GpuParity.values(65, -1, 1, c);
        float[] movingVariance = GpuParity.values(66, 0.5f, 2, c);
        Tensor mm = Tensor.of(gpu(), movingMean, c);
        Tensor mv = Tensor.of(gpu(), movingVariance, c);
        BatchNorm.trainAfterBias(x, bias, gamma, beta, mm, mv, momentum, eps);

        Backend.BatchNormForward f = cuda().batchNormTraining(x, gamma, beta, eps);
        Tensor compositeMean = Tensor.of(gpu(), movingMean, c);
        Tensor compositeVariance = Tensor.of(gpu(), movingVariance, c);
        cuda().movingAverage(compositeMean, cuda().binary(BinaryOp.ADD, f.mean(), bias), momentum);
        cuda().movingAverage(compositeVariance, f.variance(), momentum);
        assertSameBits("trainAfterBias moving mean", compositeMean.toArray(), mm.toArray());
        assertSameBits("trainAfterBias moving variance", compositeVariance.toArray(), mv.toArray());
    }

    @Test
    void misshapenArgumentsAreNamed() {
        Tensor c5 = Tensor.of(gpu(), new float[5], 5);
        ShapeMismatchException bias = assertThrows(ShapeMismatchException.class,
                () -> cuda().batchNormMovingAverages(c5, c5, Tensor.of(gpu(), new float[4], 4), c5, c5, 0.99f));
        assertTrue(bias.getMessage().contains("batchNormMovingAverages") && bias.getMessage().contains("bias")
                && bias.getMessage().contains("[4]"), bias.getMessage());
        ShapeMismatchException variance = assertThrows(ShapeMismatchException.class,
                () -> cuda().batchNormMovingAverages(c5, c5, null, c5, Tensor.of(gpu(), new float[6], 6), 0.99f));
        assertTrue(variance.getMessage().contains("batch variance") && variance.getMessage().contains("[6]"),
                variance.getMessage());
    }
}
