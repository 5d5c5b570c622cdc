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
 * Keras' float32 values):
 * <pre>
 * import numpy as np
 * eps = float(np.float32(1e-7)); hi = float(np.float32(1) - np.float32(1e-7))
 * def bce_logits(t, x, ls=0.0):
 *     t = np.asarray(t, np.float64) * (1 - ls) + 0.5 * ls; x = np.asarray(x, np.float64)
 *     return (np.maximum(x, 0) - x * t + np.log1p(np.exp(-np.abs(x)))).mean()
 * def bce_probs(t, p, ls=0.0):
 *     t = np.asarray(t, np.float64) * (1 - ls) + 0.5 * ls; p = np.clip(np.asarray(p, np.float64), eps, hi)
 *     return (-(t * np.log(p) + (1 - t) * np.log(1 - p))).mean()
 * bce_logits([0,1,0,0], [-18.6,0.51,2.94,-12.8])                                  # 0.8654579497810972
 * bce_logits([[1,0,1],[0,1,1]], [[1.5,-0.5,0.0],[3.0,-2.0,40.0]], 0.2)            # 1.7073588008899199
 * bce_probs([[0,1],[0,0]], [[0.6,0.4],[0.4,0.6]])                                 # 0.814924454847114
 * bce_probs([[1,0,1],[0,1,0]], [[0.9,0.0,1.0],[0.3,0.75,0.5]], 0.1)               # 0.5421742827973745
 * </pre>
 */
class BinaryCrossentropyTest {

    @Test
    void fromLogitsMatchesTheKerasDocExamples() {
        // keras.losses.BinaryCrossentropy docs, "Recommended Usage (set from_logits=True)":
        // example 1: y_true = [0, 1, 0, 0], y_pred = [-18.6, 0.51, 2.94, -12.8] -> 0.865;
        // example 2: the same values as (2, 2) -> 0.865.
        float[] yPred = {-18.6f, 0.51f, 2.94f, -12.8f};
        float[] yTrue = {0, 1, 0, 0};
        Loss bce = new BinaryCrossentropy(true);
        assertEquals(0.865, bce.compute(Tensor.of(yPred, 4), Tensor.of(yTrue, 4)).item(), 5e-4);
        assertEquals(0.865, bce.compute(Tensor.of(yPred, 2, 2), Tensor.of(yTrue, 2, 2)).item(), 5e-4);
        assertEquals(0.8654579497810972, bce.compute(Tensor.of(yPred, 4), Tensor.of(yTrue, 4)).item(), 1e-6);
    }

    @Test
    void fromProbabilitiesMatchesTheKerasDocExamples() {
        // keras.losses.BinaryCrossentropy docs (standalone usage): y_true = [[0., 1.], [0., 0.]],
        // y_pred = [[0.6, 0.4], [0.4, 0.6]] -> 0.815; reduction=NONE -> [0.916, 0.714] (mean over the last axis).
        Tensor yTrue = Tensor.of(new float[] {0, 1, 0, 0}, 2, 2);
        Tensor yPred = Tensor.of(new float[] {0.6f, 0.4f, 0.4f, 0.6f}, 2, 2);
        Loss bce = new BinaryCrossentropy();
        assertEquals(0.815, bce.compute(yPred, yTrue).item(), 5e-4);
        assertEquals(0.814924454847114, bce.compute(yPred, yTrue).item(), 1e-6); // numpy, class comment
        assertEquals(0.916, bce.compute(yPred.slice(0, 0, 1), yTrue.slice(0, 0, 1)).item(), 5e-4);
        assertEquals(0.714, bce.compute(yPred.slice(0, 1, 2), yTrue.slice(0, 1, 2)).item(), 5e-4);
        // keras.ops.binary_crossentropy docs: target [0, 1, 1, 0], output [0.1, 0.9, 0.8, 0.2]
        // -> [0.10536054, 0.10536054, 0.22314355, 0.22314355] elementwise; the loss is their mean.
        assertEquals((0.10536054 + 0.10536054 + 0.22314355 + 0.22314355) / 4,
                bce.compute(Tensor.of(new float[] {0.1f, 0.9f, 0.8f, 0.2f}, 4), Tensor.of(new float[] {0, 1, 1, 0}, 4))
                        .item(), 1e-6);
    }

    @Test
    void labelSmoothingSqueezesTargetsTowardsOneHalf() {
        Tensor logits = Tensor.of(new float[] {1.5f, -0.5f, 0f, 3f, -2f, 40f}, 2, 3);
        Tensor targets = Tensor.of(new float[] {1, 0, 1, 0, 1, 1}, 2, 3);
        assertEquals(1.7073588008899199, new BinaryCrossentropy(true, 0.2f).compute(logits, targets).item(), 1e-5);
        // Probabilities 0 and 1 are clipped to [1e-7, 1 - 1e-7] before the log: the loss stays finite.
        Tensor probs = Tensor.of(new float[] {0.9f, 0f, 1f, 0.3f, 0.75f, 0.5f}, 2, 3);
        Tensor t = Tensor.of(new float[] {1, 0, 1, 0, 1, 0}, 2, 3);
        assertEquals(0.5421742827973745, new BinaryCrossentropy(false, 0.1f).compute(probs, t).item(), 1e-5);
    }

    @Test
    void fromLogitsEqualsFromProbabilitiesOfTheSigmoidInValueAndGradient() {
        Tensor x = Tensor.uniform(new Generator(61), -4f, 4f, 5, 3);
        Tensor z = Tensor.rand(new Generator(62), 5, 3);
        Tensor a = x.detach().copy().requiresGrad(true);
        Tensor b = x.detach().copy().requiresGrad(true);
        Tensor fromLogits = new BinaryCrossentropy(true, 0.1f).compute(a, z);
        Tensor fromProbs = new BinaryCrossentropy(false, 0.1f).compute(b.sigmoid(), z);
        assertEquals(fromLogits.item(), fromProbs.item(), 1e-5);
        fromLogits.backward();
        fromProbs.backward();
        assertArrayEquals(a.grad().toArray(), b.grad().toArray(), 1e-5f);
    }

    @Test
    void gradientAtZeroLogitsIsSigmoidOfZeroMinusTarget() {
        // dL/dx = (sigmoid(x) - z) / count, and sigmoid(0) = 0.5: the kinks of max(x, 0) and |x| at 0 must not leak.
        Tensor x = Tensor.zeros(2, 2).requiresGrad(true);
        Tensor z = Tensor.of(new float[] {1f, 0f, 0.3f, 1f}, 2, 2);
        Tensor loss = new BinaryCrossentropy(true).compute(x, z);
        assertEquals(Math.log(2), loss.item(), 1e-6); // log(1 + e^0) - 0 z = ln 2 for every element
        loss.backward();
        assertArrayEquals(new float[] {-0.125f, 0.125f, 0.05f, -0.125f}, x.grad().toArray(), 1e-7f);
    }

    @Test
    void hugeLogitsGiveFiniteLossAndGradient() {
        Tensor x = Tensor.of(new float[] {1e4f, -1e4f, 100f, -100f}, 4).requiresGrad(true);
        Tensor z = Tensor.of(new float[] {0f, 1f, 1f, 0f}, 4);
        Tensor loss = new BinaryCrossentropy(true).compute(x, z);
        // elements: 1e4 (x z = 0), 1e4 (max 0, -x z = 1e4), ~0, ~0 (exp(-100) underflows in float32)
        assertEquals(2e4 / 4, loss.item(), 1e-2);
        loss.backward();
        assertArrayEquals(new float[] {0.25f, -0.25f, 0f, 0f}, x.grad().toArray(), 1e-7f);
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        boolean[] predictionsOnly = {true, false};
        Tensor z = Tensor.rand(new Generator(63), 3, 4);
        OpCheck.gradcheck("from logits", OpCheck.DEFAULT, predictionsOnly,
                t -> new BinaryCrossentropy(true, 0.1f).compute(t[0], t[1]), OpCheck.randn(64, 3, 4).mul(2f), z);
        OpCheck.gradcheck("from probabilities", OpCheck.DEFAULT, predictionsOnly,
                t -> new BinaryCrossentropy(false, 0.1f).compute(t[0], t[1]),
                Tensor.uniform(new Generator(65), 0.1f, 0.9f, 3, 4), z);
    }

    @Test
    void targetsReceiveNoGradient() {
        Tensor x = OpCheck.randn(66, 3).requiresGrad(true);
        Tensor z = Tensor.rand(new Generator(67), 3).requiresGrad(true);
        new BinaryCrossentropy(true).compute(x, z).backward();
        assertNull(z.grad());
    }

    @Test
    void badShapesAndArgumentsAreRejected() {
        Loss bce = new BinaryCrossentropy(true);
        var e = assertThrows(ShapeMismatchException.class, () -> bce.compute(Tensor.zeros(4, 1), Tensor.zeros(4)));
        assertTrue(e.getMessage().contains("BinaryCrossentropy") && e.getMessage().contains("[4, 1]")
                && e.getMessage().contains("[4]"), e.getMessage());
        assertThrows(ShapeMismatchException.class, () -> bce.compute(Tensor.scalar(1f), Tensor.scalar(1f)));
        assertThrows(ShapeMismatchException.class, () -> bce.compute(Tensor.zeros(0), Tensor.zeros(0)));
        assertThrows(IllegalArgumentException.class, () -> new BinaryCrossentropy(true, -0.5f));
    }
}
