package org.transfer4j.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

class AccuracyTest {
    // keras.metrics.CategoricalAccuracy docs: y_true = [[0, 0, 1], [0, 1, 0]],
    // y_pred = [[0.1, 0.9, 0.8], [0.05, 0.95, 0]] -> 0.5 (row 0 predicts 1, true 2; row 1 predicts 1, true 1).
    static final float[] DOC_PRED = {0.1f, 0.9f, 0.8f, 0.05f, 0.95f, 0f};
    static final float[] DOC_ONE_HOT = {0, 0, 1, 0, 1, 0};

    @Test
    void matchesTheKerasDocExampleForEveryTargetSpelling() {
        Tensor pred = Tensor.of(DOC_PRED, 2, 3);
        Accuracy one = new Accuracy();
        one.update(pred, Tensor.of(DOC_ONE_HOT, 2, 3));
        assertEquals(0.5, one.result());
        // keras.metrics.SparseCategoricalAccuracy docs: y_true = [[2], [1]], same y_pred -> 0.5
        Accuracy column = new Accuracy();
        column.update(pred, Tensor.of(new float[] {2, 1}, 2, 1));
        assertEquals(0.5, column.result());
        Accuracy vector = new Accuracy();
        vector.update(pred, Tensor.of(new float[] {2, 1}, 2));
        assertEquals(0.5, vector.result());
        Accuracy ints = new Accuracy();
        ints.update(pred, new int[] {2, 1});
        assertEquals(0.5, ints.result());
    }

    @Test
    void scoresAlreadyOnTheHostCountAsTheTensorDoes() {
        // the Keras doc example again, as a float[] (2,3) row-major with labels [2, 1]: 0.5; then a batch of one
        // row [3, 1, 2] labelled 0 (a hit): 2 of 3
        Accuracy a = new Accuracy();
        a.update(DOC_PRED, 3, new int[] {2, 1});
        assertEquals(0.5, a.result());
        a.update(new float[] {3f, 1f, 2f}, 3, new int[] {0});
        assertEquals(2.0 / 3, a.result(), 1e-15);
        assertEquals(3, a.count());
        assertThrows(ShapeMismatchException.class, () -> a.update(DOC_PRED, 4, new int[] {2, 1}));
        assertThrows(IllegalArgumentException.class, () -> a.update(DOC_PRED, 3, new int[] {3, 1}));
        var nan = assertThrows(IllegalArgumentException.class,
                () -> a.update(new float[] {0f, Float.NaN, 1f}, 3, new int[] {0}));
        assertTrue(nan.getMessage().contains("NaN"), nan.getMessage());
        assertEquals(3, a.count(), "a refused batch counts nothing");
    }

    @Test
    void logitsAndTheirSoftmaxGiveTheSameAccuracy() {
        Tensor logits = Tensor.of(new float[] {2f, -1f, 0.5f, -3f, 4f, 1f, 0.2f, 0.1f, 0.3f}, 3, 3);
        int[] labels = {0, 2, 2}; // argmax of the rows: 0, 1, 2 -> 2 of 3 correct
        Accuracy a = new Accuracy();
        a.update(logits, labels);
        Accuracy b = new Accuracy();
        b.update(logits.softmax(1), labels);
        assertEquals(2.0 / 3, a.result(), 1e-12);
        assertEquals(a.result(), b.result());
    }

    @Test
    void accumulatesCountsOverBatchesNotTheMeanOfBatchAccuracies() {
        Accuracy acc = new Accuracy();
        // batch 1: predicted 0, 1, 1 vs labels 0, 1, 0 -> 2 of 3
        acc.update(Tensor.of(new float[] {5, 1, 0, 9, 0, 9}, 3, 2), new int[] {0, 1, 0});
        // batch 2: predicted 1, 1 vs labels 1, 0 -> 1 of 2
        acc.update(Tensor.of(new float[] {0, 1, 0, 1}, 2, 2), new int[] {1, 0});
        // (2 + 1) / (3 + 2) = 0.6, not (2/3 + 1/2) / 2 = 0.583
        assertEquals(0.6, acc.result(), 1e-12);
        assertEquals(3, acc.correct());
        assertEquals(5, acc.count());
        acc.reset();
        assertEquals(0.0, acc.result());
        assertEquals(0, acc.count());
    }

    @Test
    void isZeroBeforeAnySampleAsKerasDivideNoNan() {
        assertEquals(0.0, new Accuracy().result());
    }

    @Test
    void aTieIsWonByTheFirstMaximumAsArgmax() {
        Accuracy acc = new Accuracy();
        // row [0.4, 0.4, 0.2]: argmax is class 0, so true class 1 is a miss and true class 0 a hit
        acc.update(Tensor.of(new float[] {0.4f, 0.4f, 0.2f, 0.4f, 0.4f, 0.2f}, 2, 3), new int[] {1, 0});
        assertEquals(0.5, acc.result());
    }

    @Test
    void readsNonContiguousAndGradRequiringPredictions() {
        // the transpose of [[1, 0], [3, 5], [2, 9]] is [[1, 3, 2], [0, 5, 9]]: argmax 1 and 2
        Tensor x = Tensor.of(new float[] {1, 0, 3, 5, 2, 9}, 3, 2).requiresGrad(true);
        Tensor scores = x.mul(2f).transpose(0, 1);
        Accuracy acc = new Accuracy();
        acc.update(scores, new int[] {1, 0});
        assertEquals(0.5, acc.result());
        scores.sum().backward(); // the metric left the tape alone: the graph still runs backward
        assertEquals(12f, x.grad().sum().item());
    }

    @Test
    void badInputsAreRejectedNamingTheFault() {
        Accuracy acc = new Accuracy();
        Tensor pred = Tensor.zeros(2, 3);
        var e = assertThrows(IllegalArgumentException.class, () -> acc.update(pred, new int[] {0, 3}));
        assertTrue(e.getMessage().contains("label 3") && e.getMessage().contains("index 1"), e.getMessage());
        var f = assertThrows(IllegalArgumentException.class, () -> acc.update(pred, Tensor.of(new float[] {0f, 0.5f}, 2)));
        assertTrue(f.getMessage().contains("index 1") && f.getMessage().contains("0.5"), f.getMessage());
        var g = assertThrows(ShapeMismatchException.class, () -> acc.update(pred, Tensor.zeros(2, 4)));
        assertTrue(g.getMessage().contains("[2, 3]") && g.getMessage().contains("[2, 4]"), g.getMessage());
        assertThrows(ShapeMismatchException.class, () -> acc.update(pred, new int[] {0}));
        assertThrows(ShapeMismatchException.class, () -> acc.update(Tensor.zeros(6), new int[] {0}));
        var n = assertThrows(IllegalArgumentException.class,
                () -> acc.update(Tensor.of(new float[] {0, 1, 2, 3, Float.NaN, 5}, 2, 3), new int[] {0, 0}));
        assertTrue(n.getMessage().contains("row 1") && n.getMessage().contains("class 1"), n.getMessage());
        assertEquals(0, acc.count(), "a rejected batch adds nothing");
    }

    @Test
    void nanInOneHotTargetsIsRejectedNamingRowAndClass() {
        // Without the check, argmax would read the row [0, NaN, 1] as class 2 and [NaN, 1, 0] as class 0.
        Accuracy acc = new Accuracy();
        Tensor pred = Tensor.of(DOC_PRED, 2, 3);
        var e = assertThrows(IllegalArgumentException.class,
                () -> acc.update(pred, Tensor.of(new float[] {0, Float.NaN, 1, 0, 1, 0}, 2, 3)));
        assertTrue(e.getMessage().contains("target at row 0, class 1 is NaN"), e.getMessage());
        var f = assertThrows(IllegalArgumentException.class,
                () -> acc.update(pred, Tensor.of(new float[] {0, 0, 1, Float.NaN, 1, 0}, 2, 3)));
        assertTrue(f.getMessage().contains("row 1, class 0"), f.getMessage());
        assertEquals(0, acc.count(), "a rejected batch adds nothing");
    }
}
