package org.transfer4j.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

class SoftmaxCrossEntropyTest {
    private static final OpCheck.Tolerance TOL = OpCheck.DEFAULT;

    @Test
    void lossMatchesADoublePrecisionReference() {
        int[][] shapes = {{1, 2}, {4, 3}, {5, 7}, {3, 1}};
        for (int[] s : shapes) {
            Tensor logits = OpCheck.randn(1, s).mul(4f);
            Tensor targets = softTargets(2, s[0], s[1]);
            float got = SoftmaxCrossEntropy.loss(logits, targets).item();
            assertEquals(naive(logits, targets, 0, null), got, 1e-5, java.util.Arrays.toString(s));
        }
    }

    @Test
    void labelSmoothingMixesInTheUniformDistribution() {
        Tensor logits = OpCheck.randn(3, 4, 5).mul(3f);
        Tensor targets = Gather.oneHot(new int[] {0, 4, 2, 2}, 5);
        float got = SoftmaxCrossEntropy.loss(logits, targets, 0.2f, null).item();
        assertEquals(naive(logits, targets, 0.2, null), got, 1e-5);
        // ls = 1: the target is uniform whatever the labels
        assertEquals(naive(logits, Tensor.full(0.2f, 4, 5), 0, null),
                SoftmaxCrossEntropy.loss(logits, targets, 1f, null).item(), 1e-5);
    }

    @Test
    void classWeightsScaleEachRowAndTheSumIsDividedByTheBatchSize() {
        Tensor logits = OpCheck.randn(4, 3, 4);
        Tensor targets = Gather.oneHot(new int[] {1, 3, 1}, 4);
        Tensor weights = Tensor.of(new float[] {1f, 2f, 0.5f, 4f}, 4);
        float got = SoftmaxCrossEntropy.loss(logits, targets, 0.1f, weights).item();
        assertEquals(naive(logits, targets, 0.1, new double[] {1, 2, 0.5, 4}), got, 1e-5);
        // Keras sum_over_batch_size: (2 l0 + 4 l1 + 2 l2) / 3, not divided by the weight sum 8.
        float[] perRow = new float[3];
        for (int i = 0; i < 3; i++) {
            Tensor row = logits.slice(0, i, i + 1);
            perRow[i] = SoftmaxCrossEntropy.loss(row, targets.slice(0, i, i + 1), 0.1f, null).item();
        }
        assertEquals((2 * perRow[0] + 4 * perRow[1] + 2 * perRow[2]) / 3, got, 1e-5);
    }

    @Test
    void zeroLogitsGiveLogOfTheClassCount() {
        for (int c : new int[] {2, 10, 1000}) {
            float got = SoftmaxCrossEntropy.sparse(Tensor.zeros(4, c), new int[] {0, 1, 0, 1}).item();
            assertEquals((float) Math.log(c), got, "C = " + c);
        }
        Tensor uniform = Tensor.full(1f / 7, 3, 7);
        assertEquals((float) Math.log(7), SoftmaxCrossEntropy.loss(Tensor.zeros(3, 7), uniform).item(), 1e-6f);
    }

    @Test
    void hugeLogitsGiveFiniteLossAndGradient() {
        Tensor logits = Tensor.of(new float[] {1e4f, 0f, -1e4f, -1e4f, 1e4f, 1e4f}, 2, 3).requiresGrad(true);
        Tensor loss = SoftmaxCrossEntropy.sparse(logits, new int[] {1, 0});
        // row 0: -log softmax_1 = 1e4; row 1: -log softmax_0 = 2e4 + log 2; mean over the 2 rows
        assertEquals((1e4 + 2e4 + Math.log(2)) / 2, loss.item(), 1e-2);
        loss.backward();
        float[] g = logits.grad().toArray();
        assertArrayEquals(new float[] {0.5f, -0.5f, 0, -0.5f, 0.25f, 0.25f}, g, 1e-7f);
    }

    @Test
    void sparseEqualsLossWithOneHotTargets() {
        Tensor logits = OpCheck.randn(5, 6, 3);
        int[] labels = {0, 2, 1, 1, 0, 2};
        Tensor weights = Tensor.of(new float[] {0.3f, 1f, 3f}, 3);
        assertEquals(SoftmaxCrossEntropy.loss(logits, Gather.oneHot(labels, 3), 0.1f, weights).item(),
                SoftmaxCrossEntropy.sparse(logits, labels, 0.1f, weights).item());
    }

    @Test
    void fusedLossEqualsTheCompositeFromLogSoftmax() {
        Tensor logits = OpCheck.randn(6, 5, 4);
        Tensor targets = softTargets(7, 5, 4);
        Tensor a = logits.detach().copy().requiresGrad(true);
        Tensor b = logits.detach().copy().requiresGrad(true);
        Tensor fused = SoftmaxCrossEntropy.loss(a, targets);
        Tensor composite = targets.mul(b.logSoftmax(-1)).sum().mul(-1f / 5);
        assertEquals(composite.item(), fused.item(), 1e-5);
        fused.backward();
        composite.backward();
        assertArrayEquals(b.grad().toArray(), a.grad().toArray(), 1e-6f);
    }

    @Test
    void gradientWithRespectToLogitsMatchesFiniteDifferences() {
        boolean[] logitsOnly = {true, false};
        int[][] shapes = {{1, 3}, {4, 5}, {3, 1}, {7, 2}};
        for (int[] s : shapes) {
            Tensor logits = OpCheck.randn(8, s).mul(2f);
            Tensor targets = softTargets(9, s[0], s[1]);
            Tensor weights = Tensor.uniform(new Generator(10), 0.5f, 2f, s[1]);
            String name = java.util.Arrays.toString(s);
            OpCheck.gradcheck("plain " + name, TOL, logitsOnly, t -> SoftmaxCrossEntropy.loss(t[0], t[1]),
                    logits, targets);
            OpCheck.gradcheck("smoothed, weighted " + name, TOL, logitsOnly,
                    t -> SoftmaxCrossEntropy.loss(t[0], t[1], 0.15f, weights), logits, targets);
            OpCheck.gradcheck("of a non-contiguous view " + name, TOL, logitsOnly,
                    t -> SoftmaxCrossEntropy.loss(t[0].transpose(0, 1), t[1], 0f, null),
                    logits.transpose(0, 1).contiguous(), targets);
        }
    }

    @Test
    void targetsReceiveNoGradient() {
        Tensor logits = OpCheck.randn(11, 2, 3).requiresGrad(true);
        Tensor targets = softTargets(12, 2, 3).requiresGrad(true);
        SoftmaxCrossEntropy.loss(logits, targets, 0.1f, null).backward();
        assertNull(targets.grad());
        assertTrue(logits.grad() != null);
    }

    @Test
    void badShapesAndArgumentsAreRejected() {
        Tensor logits = Tensor.zeros(2, 3);
        var e = assertThrows(ShapeMismatchException.class, () -> SoftmaxCrossEntropy.loss(logits, Tensor.zeros(2, 4)));
        assertTrue(e.getMessage().contains("softmaxCrossEntropy") && e.getMessage().contains("[2, 3]")
                && e.getMessage().contains("[2, 4]"), e.getMessage());
        assertThrows(ShapeMismatchException.class, () -> SoftmaxCrossEntropy.loss(Tensor.zeros(6), Tensor.zeros(6)));
        assertThrows(ShapeMismatchException.class,
                () -> SoftmaxCrossEntropy.loss(logits, Tensor.zeros(2, 3), 0f, Tensor.ones(2)));
        assertThrows(ShapeMismatchException.class, () -> SoftmaxCrossEntropy.sparse(logits, new int[] {0}));
        assertThrows(IllegalArgumentException.class, () -> SoftmaxCrossEntropy.sparse(logits, new int[] {0, 3}));
        assertThrows(IllegalArgumentException.class,
                () -> SoftmaxCrossEntropy.loss(logits, Tensor.zeros(2, 3), -0.1f, null));
        assertThrows(ShapeMismatchException.class,
                () -> SoftmaxCrossEntropy.loss(Tensor.zeros(0, 3), Tensor.zeros(0, 3)));
    }

    /** Rows of random positive numbers normalised to sum to 1. */
    private static Tensor softTargets(long seed, int n, int c) {
        Tensor u = Tensor.uniform(new Generator(seed), 0.05f, 1f, n, c);
        return u.div(u.sum(1).reshape(n, 1));
    }

    /** {@code sum_i w_i * (-sum_c t'_ic log softmax(z_i)_c) / N} in double. */
    private static double naive(Tensor logits, Tensor targets, double ls, double[] classWeights) {
        int n = logits.shape(0);
        int c = logits.shape(1);
        float[] z = logits.toArray();
        float[] t = targets.toArray();
        double total = 0;
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < c; k++) {
                max = Math.max(max, z[i * c + k]);
            }
            double sum = 0;
            for (int k = 0; k < c; k++) {
                sum += Math.exp(z[i * c + k] - max);
            }
            double lse = max + Math.log(sum);
            double loss = 0;
            double w = classWeights == null ? 1 : 0;
            for (int k = 0; k < c; k++) {
                double tk = t[i * c + k];
                loss -= (tk * (1 - ls) + ls / c) * (z[i * c + k] - lse);
                if (classWeights != null) {
                    w += tk * classWeights[k];
                }
            }
            total += w * loss;
        }
        return total / n;
    }
}
