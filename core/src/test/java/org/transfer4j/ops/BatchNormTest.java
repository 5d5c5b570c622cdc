package org.transfer4j.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.transfer4j.backend.FakeDevice;
import org.transfer4j.tensor.Shape;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

class BatchNormTest {
    private static final float EPS = 1e-3f;
    /** NHWC with odd sizes, (N,C), rank 3, and one large enough to be split over many row blocks. */
    private static final int[][] SHAPES = {{3, 5, 7, 6}, {10, 4}, {2, 9, 3}, {4, 33, 31, 20}};

    @Test
    void trainingForwardMatchesNaiveBatchStatistics() {
        for (int[] shape : SHAPES) {
            int c = shape[shape.length - 1];
            Tensor x = OpCheck.randn(7, shape).mul(3f).add(2f);
            Tensor gamma = OpCheck.randn(8, c);
            Tensor beta = OpCheck.randn(9, c);
            double[][] stats = naiveStats(x.toArray(), c);
            Tensor y = BatchNorm.train(x, gamma, beta, Tensor.zeros(c), Tensor.ones(c), 0.9f, EPS);
            assertArrayEquals(naiveNormalise(x.toArray(), gamma.toArray(), beta.toArray(), stats[0], stats[1]),
                    y.toArray(), 2e-5f, Arrays.toString(shape));
        }
    }

    @Test
    void inferenceUsesMovingStatistics() {
        for (int[] shape : SHAPES) {
            int c = shape[shape.length - 1];
            Tensor x = OpCheck.randn(10, shape);
            Tensor gamma = OpCheck.randn(11, c);
            Tensor beta = OpCheck.randn(12, c);
            Tensor mean = OpCheck.randn(13, c);
            Tensor variance = OpCheck.randn(14, c).abs().add(0.1f);
            double[] mu = toDouble(mean.toArray());
            double[] var = toDouble(variance.toArray());
            Tensor y = BatchNorm.infer(x, gamma, beta, mean, variance, EPS);
            assertArrayEquals(naiveNormalise(x.toArray(), gamma.toArray(), beta.toArray(), mu, var), y.toArray(), 2e-5f,
                    Arrays.toString(shape));
        }
    }

    @Test
    void trainingVarianceStaysAccurateWhenTheMeanIsLarge() {
        // Values 1e4 +- 1: E[x^2] - E[x]^2 summed in float would lose every digit of the variance.
        int[] shape = {8, 16, 16, 4};
        Tensor x = OpCheck.randn(15, shape).add(1e4f);
        Tensor movingVariance = Tensor.zeros(4);
        BatchNorm.train(x, Tensor.ones(4), Tensor.zeros(4), Tensor.zeros(4), movingVariance, 0f, EPS);
        double[] expected = naiveStats(x.toArray(), 4)[1];
        assertArrayEquals(toFloat(expected), movingVariance.toArray(), 1e-4f);
    }

    @Test
    void movingStatisticsFollowKerasMomentumUpdateOverTwoSteps() {
        int c = 3;
        float momentum = 0.8f;
        Tensor movingMean = Tensor.zeros(c);
        Tensor movingVariance = Tensor.ones(c);
        double[] m = {0, 0, 0};
        double[] v = {1, 1, 1};
        for (int step = 0; step < 2; step++) {
            Tensor x = OpCheck.randn(20 + step, 4, 5, 5, c).mul(step + 1f).add(step - 0.5f);
            BatchNorm.train(x, Tensor.ones(c), Tensor.zeros(c), movingMean, movingVariance, momentum, EPS);
            double[][] batch = naiveStats(x.toArray(), c); // biased variance, as Keras
            for (int k = 0; k < c; k++) {
                m[k] = m[k] * momentum + batch[0][k] * (1 - momentum);
                v[k] = v[k] * momentum + batch[1][k] * (1 - momentum);
            }
        }
        assertArrayEquals(toFloat(m), movingMean.toArray(), 1e-5f);
        assertArrayEquals(toFloat(v), movingVariance.toArray(), 1e-5f);
    }

    @Test
    void trainingGradientsMatchFiniteDifferences() {
        for (int[] shape : new int[][] {{2, 3, 3, 4}, {6, 3}}) {
            int c = shape[shape.length - 1];
            OpCheck.gradcheck("batchNorm.train " + Arrays.toString(shape),
                    t -> BatchNorm.train(t[0], t[1], t[2], Tensor.zeros(c), Tensor.ones(c), 0.99f, EPS),
                    OpCheck.randn(30, shape), OpCheck.randn(31, c), OpCheck.randn(32, c));
        }
    }

    @Test
    void inferenceGradientsMatchFiniteDifferences() {
        int[] shape = {2, 3, 3, 4};
        Tensor mean = OpCheck.randn(33, 4);
        Tensor variance = OpCheck.randn(34, 4).abs().add(0.2f);
        OpCheck.gradcheck("batchNorm.infer", OpCheck.DEFAULT, new boolean[] {true, true, true, false, false},
                t -> BatchNorm.infer(t[0], t[1], t[2], t[3], t[4], EPS),
                OpCheck.randn(35, shape), OpCheck.randn(36, 4), OpCheck.randn(37, 4), mean, variance);
    }

    /**
     * An input that needs no gradient (a frozen base's features under a new head): gamma's and beta's gradients are
     * those computed with dx, bit for bit, plain and clamped, and on a device no dx is made (the backend's
     * {@code batchNormParameterGradients}: the backward pass allocates nothing of x's size).
     */
    @Test
    void anInputWithoutGradientGetsNoDxAndTheSameParameterGradients() {
        int[] shape = {6, 5, 4, 11};
        int c = 11;
        long xBytes = (long) Shape.numel(shape) * Float.BYTES;
        for (boolean clamped : new boolean[] {false, true}) {
            float[][] withDx = null;
            for (boolean xNeedsGrad : new boolean[] {true, false}) {
                FakeDevice fake = FakeDevice.create(3);
                Tensor x = OpCheck.randn(50, shape).to(fake.device()).requiresGrad(xNeedsGrad);
                Tensor gamma = OpCheck.randn(51, c).to(fake.device()).requiresGrad(true);
                Tensor beta = OpCheck.randn(52, c).to(fake.device()).requiresGrad(true);
                Tensor dy = OpCheck.randn(53, shape).to(fake.device());
                Tensor mean = Tensor.zeros(fake.device(), c);
                Tensor variance = Tensor.ones(fake.device(), c);
                Tensor y = clamped ? BatchNorm.trainClamped(x, null, gamma, beta, mean, variance, 0.9f, EPS, 0f, 6f)
                        : BatchNorm.train(x, gamma, beta, mean, variance, 0.9f, EPS);
                fake.recordAllocations();
                y.backward(dy);
                boolean dxMade = fake.allocations().stream().anyMatch(e -> e[0] > 0 && e[1] == xBytes);
                assertEquals(xNeedsGrad, dxMade, "clamped " + clamped + ", x needs a gradient: " + xNeedsGrad);
                float[][] grads = {gamma.grad().toArray(), beta.grad().toArray()};
                if (withDx == null) {
                    withDx = grads;
                } else {
                    assertArrayEquals(withDx[0], grads[0], 0f, "dgamma, clamped " + clamped);
                    assertArrayEquals(withDx[1], grads[1], 0f, "dbeta, clamped " + clamped);
                }
            }
        }
    }

    @Test
    void trainingBackwardMatchesTheFormulaOnALargeInput() {
        // The gradient check uses tiny inputs; this one spans many row blocks and parallel tasks.
        int[] shape = {4, 33, 31, 20};
        int c = 20;
        Tensor x = OpCheck.randn(40, shape).requiresGrad(true);
        Tensor gamma = OpCheck.randn(41, c).requiresGrad(true);
        Tensor beta = OpCheck.randn(42, c).requiresGrad(true);
        Tensor dy = OpCheck.randn(43, shape);
        BatchNorm.train(x, gamma, beta, Tensor.zeros(c), Tensor.ones(c), 0.9f, EPS).backward(dy);
        double[][] expected = naiveBackward(x.toArray(), dy.toArray(), gamma.toArray(), c);
        assertArrayEquals(toFloat(expected[0]), x.grad().toArray(), 1e-4f);
        assertArrayEquals(toFloat(expected[1]), gamma.grad().toArray(), 2e-2f);
        assertArrayEquals(toFloat(expected[2]), beta.grad().toArray(), 2e-2f);
    }

    @Test
    void batchNormRejectsPerChannelTensorsOfTheWrongShape() {
        Tensor x = Tensor.zeros(2, 4, 4, 3);
        var e = assertThrows(ShapeMismatchException.class,
                () -> BatchNorm.train(x, Tensor.ones(4), Tensor.zeros(3), Tensor.zeros(3), Tensor.ones(3), 0.99f, EPS));
        assertTrue(e.getMessage().contains("batchNorm.train") && e.getMessage().contains("gamma")
                && e.getMessage().contains("[2, 4, 4, 3]") && e.getMessage().contains("[4]"), e.getMessage());
        assertThrows(ShapeMismatchException.class,
                () -> BatchNorm.infer(x, Tensor.ones(3), Tensor.zeros(3), Tensor.zeros(1, 3), Tensor.ones(3), EPS));
        assertThrows(ShapeMismatchException.class,
                () -> BatchNorm.infer(Tensor.zeros(3), Tensor.ones(3), Tensor.zeros(3), Tensor.zeros(3), Tensor.ones(3), EPS));
    }

    // ---- references in double -----------------------------------------------------------------------

    /** {mean, biased variance} per channel, two passes. */
    private static double[][] naiveStats(float[] x, int c) {
        int m = x.length / c;
        double[] mean = new double[c];
        double[] var = new double[c];
        for (int i = 0; i < x.length; i++) {
            mean[i % c] += x[i];
        }
        for (int k = 0; k < c; k++) {
            mean[k] /= m;
        }
        for (int i = 0; i < x.length; i++) {
            double d = x[i] - mean[i % c];
            var[i % c] += d * d;
        }
        for (int k = 0; k < c; k++) {
            var[k] /= m;
        }
        return new double[][] {mean, var};
    }

    private static float[] naiveNormalise(float[] x, float[] gamma, float[] beta, double[] mean, double[] var) {
        int c = gamma.length;
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            int k = i % c;
            y[i] = (float) (gamma[k] * (x[i] - mean[k]) / Math.sqrt(var[k] + EPS) + beta[k]);
        }
        return y;
    }

    /** {dx, dgamma, dbeta} of training-mode batch norm, from the textbook formula. */
    private static double[][] naiveBackward(float[] x, float[] dy, float[] gamma, int c) {
        int m = x.length / c;
        double[][] stats = naiveStats(x, c);
        double[] dGamma = new double[c];
        double[] dBeta = new double[c];
        double[] xhat = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            int k = i % c;
            xhat[i] = (x[i] - stats[0][k]) / Math.sqrt(stats[1][k] + EPS);
            dGamma[k] += dy[i] * xhat[i];
            dBeta[k] += dy[i];
        }
        double[] dx = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            int k = i % c;
            double invStd = 1 / Math.sqrt(stats[1][k] + EPS);
            dx[i] = gamma[k] * invStd / m * (m * dy[i] - dBeta[k] - xhat[i] * dGamma[k]);
        }
        return new double[][] {dx, dGamma, dBeta};
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
