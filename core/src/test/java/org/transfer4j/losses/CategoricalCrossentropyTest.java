package org.transfer4j.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.transfer4j.ops.OpCheck;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * Reference values not taken from the Keras docs come from this numpy snippet (float64; the clip bounds are
 * the float32 values Keras uses, 1e-7 and 1 - 1e-7 rounded to float32):
 * <pre>
 * import numpy as np
 * eps = float(np.float32(1e-7)); hi = float(np.float32(1) - np.float32(1e-7))
 * def cce_probs(t, p, ls=0.0):
 *     t = np.asarray(t, np.float64); p = np.asarray(p, np.float64); c = t.shape[1]
 *     t = t * (1 - ls) + ls / c
 *     p = np.clip(p / p.sum(axis=1, keepdims=True), eps, hi)
 *     return (-(t * np.log(p)).sum(axis=1)).mean()
 * def log_softmax(z):
 *     z = np.asarray(z, np.float64); m = z.max(axis=1, keepdims=True)
 *     return z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))
 * def cce_logits(t, z, ls=0.0):
 *     t = np.asarray(t, np.float64); c = t.shape[1]
 *     t = t * (1 - ls) + ls / c
 *     return (-(t * log_softmax(z)).sum(axis=1)).mean()
 * cce_probs([[0,1,0],[0.25,0.25,0.5]], [[1.0,3.0,0.0],[0.2,0.2,1.6]], 0.2)  # 1.3742314181805697
 * cce_logits([[0,0,1,0],[0,1,0,0],[1,0,0,0]],
 *            [[2.0,-1.0,0.5,0.0],[-3.0,4.0,1.0,1.0],[0.0,0.0,0.0,0.0]], 0.1)  # 1.2206319536388663
 * cce_probs([[0,1,0],[0,0,1]], [[0.05,0.95,0],[0.1,0.8,0.1]])  # 1.176939193690798
 * </pre>
 */
class CategoricalCrossentropyTest {
    static final float[] DOC_TRUE = {0, 1, 0, 0, 0, 1};
    static final float[] DOC_PRED = {0.05f, 0.95f, 0f, 0.1f, 0.8f, 0.1f};

    @Test
    void matchesTheKerasDocExample() {
        // keras.losses.CategoricalCrossentropy docs: y_true = [[0, 1, 0], [0, 0, 1]],
        // y_pred = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]] -> 1.177; reduction=None gives [0.0513, 2.303].
        Tensor yTrue = Tensor.of(DOC_TRUE, 2, 3);
        Tensor yPred = Tensor.of(DOC_PRED, 2, 3);
        Loss cce = new CategoricalCrossentropy();
        assertEquals(1.177, cce.compute(yPred, yTrue).item(), 5e-4);
        assertEquals(1.176939193690798, cce.compute(yPred, yTrue).item(), 1e-6); // numpy, class comment
        assertEquals(0.0513, cce.compute(yPred.slice(0, 0, 1), yTrue.slice(0, 0, 1)).item(), 5e-5);
        assertEquals(2.303, cce.compute(yPred.slice(0, 1, 2), yTrue.slice(0, 1, 2)).item(), 5e-4);
    }

    @Test
    void matchesTheKerasOpsDocExample() {
        // keras.ops.categorical_crossentropy docs: target = eye(3),
        // output = [[0.9, 0.05, 0.05], [0.1, 0.8, 0.1], [0.2, 0.3, 0.5]] -> [0.10536054, 0.22314355, 0.6931472];
        // the loss is their mean (sum_over_batch_size).
        Tensor target = Tensor.of(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, 3, 3);
        Tensor output = Tensor.of(new float[] {0.9f, 0.05f, 0.05f, 0.1f, 0.8f, 0.1f, 0.2f, 0.3f, 0.5f}, 3, 3);
        double expected = (0.10536054 + 0.22314355 + 0.6931472) / 3;
        assertEquals(expected, new CategoricalCrossentropy().compute(output, target).item(), 1e-6);
    }

    @Test
    void unnormalisedProbabilitiesAreNormalisedThenClippedAndLabelsSmoothed() {
        // Row 0 sums to 4 (and holds a 0, clipped to 1e-7); row 1 sums to 2; soft targets in row 1.
        Tensor pred = Tensor.of(new float[] {1f, 3f, 0f, 0.2f, 0.2f, 1.6f}, 2, 3);
        Tensor target = Tensor.of(new float[] {0f, 1f, 0f, 0.25f, 0.25f, 0.5f}, 2, 3);
        float got = new CategoricalCrossentropy(false, 0.2f).compute(pred, target).item();
        assertEquals(1.3742314181805697, got, 1e-5); // numpy, class comment
    }

    @Test
    void fromLogitsWithLabelSmoothingMatchesNumpy() {
        Tensor logits = Tensor.of(new float[] {2f, -1f, 0.5f, 0f, -3f, 4f, 1f, 1f, 0f, 0f, 0f, 0f}, 3, 4);
        Tensor target = Tensor.of(new float[] {0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0}, 3, 4);
        float got = new CategoricalCrossentropy(true, 0.1f).compute(logits, target).item();
        assertEquals(1.2206319536388663, got, 1e-5); // numpy, class comment
    }

    @Test
    void fromLogitsEqualsFromProbabilitiesOfTheSoftmaxInValueAndGradient() {
        Tensor x = OpCheck.randn(21, 6, 5).mul(2f);
        Tensor target = softTargets(22, 6, 5);
        Tensor a = x.detach().copy().requiresGrad(true);
        Tensor b = x.detach().copy().requiresGrad(true);
        Tensor fromLogits = new CategoricalCrossentropy(true, 0.1f).compute(a, target);
        Tensor fromProbs = new CategoricalCrossentropy(false, 0.1f).compute(b.softmax(1), target);
        assertEquals(fromLogits.item(), fromProbs.item(), 1e-5);
        fromLogits.backward();
        fromProbs.backward();
        assertArrayEquals(a.grad().toArray(), b.grad().toArray(), 1e-5f);
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        boolean[] predictionsOnly = {true, false};
        Tensor probs = Tensor.uniform(new Generator(31), 0.2f, 1f, 4, 3); // unnormalised, far from the clip bounds
        Tensor target = softTargets(32, 4, 3);
        OpCheck.gradcheck("from probabilities", OpCheck.DEFAULT, predictionsOnly,
                t -> new CategoricalCrossentropy(false, 0.1f).compute(t[0], t[1]), probs, target);
        OpCheck.gradcheck("from logits", OpCheck.DEFAULT, predictionsOnly,
                t -> new CategoricalCrossentropy(true, 0.1f).compute(t[0], t[1]), OpCheck.randn(33, 4, 3), target);
    }

    @Test
    void targetsReceiveNoGradient() {
        for (boolean fromLogits : new boolean[] {false, true}) {
            Tensor pred = Tensor.uniform(new Generator(41), 0.2f, 1f, 2, 3).requiresGrad(true);
            Tensor target = softTargets(42, 2, 3).requiresGrad(true);
            new CategoricalCrossentropy(fromLogits).compute(pred, target).backward();
            assertNull(target.grad());
            assertTrue(pred.grad() != null);
        }
    }

    @Test
    void badShapesAndArgumentsAreRejected() {
        Loss cce = new CategoricalCrossentropy();
        var e = assertThrows(ShapeMismatchException.class, () -> cce.compute(Tensor.zeros(2, 3), Tensor.zeros(2, 4)));
        assertTrue(e.getMessage().contains("CategoricalCrossentropy") && e.getMessage().contains("[2, 3]")
                && e.getMessage().contains("[2, 4]"), e.getMessage());
        assertThrows(ShapeMismatchException.class, () -> cce.compute(Tensor.zeros(3), Tensor.zeros(3)));
        assertThrows(ShapeMismatchException.class, () -> cce.compute(Tensor.zeros(0, 3), Tensor.zeros(0, 3)));
        var s = assertThrows(IllegalArgumentException.class, () -> new CategoricalCrossentropy(true, 1.5f));
        assertTrue(s.getMessage().contains("1.5"), s.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CategoricalCrossentropy(false, Float.NaN));
    }

    /** Rows of random positive numbers normalised to sum to 1. */
    static Tensor softTargets(long seed, int n, int c) {
        Tensor u = Tensor.uniform(new Generator(seed), 0.05f, 1f, n, c);
        return u.div(u.sum(1).reshape(n, 1));
    }
}
