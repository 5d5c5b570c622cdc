package org.transfer4j.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.transfer4j.ops.Gather;
import org.transfer4j.ops.OpCheck;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

class SparseCategoricalCrossentropyTest {

    @Test
    void matchesTheKerasDocExampleForEveryLabelSpelling() {
        // keras.losses.SparseCategoricalCrossentropy docs: y_true = [1, 2],
        // y_pred = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]] -> 1.177.
        Tensor yPred = Tensor.of(CategoricalCrossentropyTest.DOC_PRED, 2, 3);
        SparseCategoricalCrossentropy scce = new SparseCategoricalCrossentropy();
        assertEquals(1.177, scce.compute(yPred, new int[] {1, 2}).item(), 5e-4);
        assertEquals(1.177, scce.compute(yPred, Tensor.of(new float[] {1, 2}, 2)).item(), 5e-4);
        assertEquals(1.177, scce.compute(yPred, Tensor.of(new float[] {1, 2}, 2, 1)).item(), 5e-4);
    }

    @Test
    void fromLogitsMatchesNumpy() {
        // numpy: cce_logits(one-hot of [2, 1, 0], z) with the snippet of CategoricalCrossentropyTest -> 1.108131953638866
        Tensor logits = Tensor.of(new float[] {2f, -1f, 0.5f, 0f, -3f, 4f, 1f, 1f, 0f, 0f, 0f, 0f}, 3, 4);
        float got = new SparseCategoricalCrossentropy(true).compute(logits, new int[] {2, 1, 0}).item();
        assertEquals(1.108131953638866, got, 1e-5);
    }

    @Test
    void equalsCategoricalCrossentropyOfOneHotTargets() {
        int[] labels = {3, 0, 2, 2, 1};
        Tensor oneHot = Gather.oneHot(labels, 4);
        Tensor logits = OpCheck.randn(51, 5, 4).mul(2f);
        Tensor probs = Tensor.uniform(new Generator(52), 0.1f, 1f, 5, 4);
        assertEquals(new CategoricalCrossentropy(true).compute(logits, oneHot).item(),
                new SparseCategoricalCrossentropy(true).compute(logits, labels).item(), 1e-6);
        assertEquals(new CategoricalCrossentropy(false).compute(probs, oneHot).item(),
                new SparseCategoricalCrossentropy(false).compute(probs, labels).item(), 1e-6);
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        int[] labels = {1, 0, 2, 1};
        Tensor probs = Tensor.uniform(new Generator(53), 0.2f, 1f, 4, 3);
        OpCheck.gradcheck("from probabilities", t -> new SparseCategoricalCrossentropy(false).compute(t[0], labels), probs);
        OpCheck.gradcheck("from logits", t -> new SparseCategoricalCrossentropy(true).compute(t[0], labels),
                OpCheck.randn(54, 4, 3));
    }

    @Test
    void fromLogitsGradientIsSoftmaxMinusOneHotOverN() {
        // d/dx_ic of -(1/N) sum_i log softmax(x_i)_{y_i} = (softmax(x_i)_c - [c == y_i]) / N
        Tensor x = Tensor.of(new float[] {0f, 0f, 0f, 1f, 2f, 3f}, 2, 3).requiresGrad(true);
        new SparseCategoricalCrossentropy(true).compute(x, new int[] {0, 2}).backward();
        double e = Math.exp(1) + Math.exp(2) + Math.exp(3);
        float[] expected = {(float) ((1 / 3.0 - 1) / 2), (float) (1 / 3.0 / 2), (float) (1 / 3.0 / 2),
            (float) (Math.exp(1) / e / 2), (float) (Math.exp(2) / e / 2), (float) ((Math.exp(3) / e - 1) / 2)};
        assertArrayEquals(expected, x.grad().toArray(), 1e-6f);
    }

    @Test
    void badLabelsAreRejectedWithTheirIndexAndValue() {
        SparseCategoricalCrossentropy scce = new SparseCategoricalCrossentropy(true);
        Tensor logits = Tensor.zeros(3, 4);
        var e = assertThrows(IllegalArgumentException.class, () -> scce.compute(logits, new int[] {0, 4, 1}));
        assertTrue(e.getMessage().contains("label 4") && e.getMessage().contains("index 1")
                && e.getMessage().contains("[0, 4)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> scce.compute(logits, new int[] {0, 1, -1}));
        var f = assertThrows(IllegalArgumentException.class,
                () -> scce.compute(logits, Tensor.of(new float[] {0f, 1.5f, 2f}, 3)));
        assertTrue(f.getMessage().contains("index 1") && f.getMessage().contains("1.5"), f.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> scce.compute(logits, Tensor.of(new float[] {0f, 1f, Float.NaN}, 3)));
        var g = assertThrows(IllegalArgumentException.class,
                () -> scce.compute(logits, Tensor.of(new float[] {0f, 7f, 2f}, 3, 1)));
        assertTrue(g.getMessage().contains("label 7"), g.getMessage());
    }

    @Test
    void badShapesAreRejected() {
        SparseCategoricalCrossentropy scce = new SparseCategoricalCrossentropy();
        var e = assertThrows(ShapeMismatchException.class, () -> scce.compute(Tensor.zeros(3, 4), new int[] {0, 1}));
        assertTrue(e.getMessage().contains("SparseCategoricalCrossentropy") && e.getMessage().contains("[3, 4]")
                && e.getMessage().contains("[2]"), e.getMessage());
        assertThrows(ShapeMismatchException.class, () -> scce.compute(Tensor.zeros(3, 4), Tensor.zeros(3, 4)));
        assertThrows(ShapeMismatchException.class, () -> scce.compute(Tensor.zeros(3, 4), Tensor.zeros(3, 2)));
        assertThrows(ShapeMismatchException.class, () -> scce.compute(Tensor.zeros(4), new int[] {0, 0, 0, 0}));
        assertThrows(ShapeMismatchException.class, () -> scce.compute(Tensor.zeros(0, 4), new int[0]));
    }
}
