package org.transfer4j.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.transfer4j.tensor.Tensor;

class TopKAccuracyTest {

    @Test
    void matchesTheKerasDocExamples() {
        // keras.metrics.TopKCategoricalAccuracy(k=1) docs: y_true = [[0, 0, 1], [0, 1, 0]],
        // y_pred = [[0.1, 0.9, 0.8], [0.05, 0.95, 0]] -> 0.5; SparseTopKCategoricalAccuracy(k=1) with
        // y_true = [2, 1] -> 0.5.
        Tensor pred = Tensor.of(AccuracyTest.DOC_PRED, 2, 3);
        TopKAccuracy oneHot = new TopKAccuracy(1);
        oneHot.update(pred, Tensor.of(AccuracyTest.DOC_ONE_HOT, 2, 3));
        assertEquals(0.5, oneHot.result());
        TopKAccuracy sparse = new TopKAccuracy(1);
        sparse.update(pred, new int[] {2, 1});
        assertEquals(0.5, sparse.result());
        // with k = 2 row 0's true class (0.8, second highest) is a hit too
        TopKAccuracy two = new TopKAccuracy(2);
        two.update(pred, new int[] {2, 1});
        assertEquals(1.0, two.result());
    }

    @Test
    void tiesStraddlingTheBoundaryCountAsInTheTopKAsInTopK() {
        // tf.math.in_top_k docs: targets [0, 1, 3], predictions [[1.2, -0.3, 2.8, 5.2], [0.1, 0.0, 0.0, 0.0],
        // [0.0, 0.5, 0.3, 0.3]], k = 2 -> [False, True, True]. Row 0: two classes above 1.2 -> miss; row 1: one
        // above 0.0 (ties with classes 2, 3) -> hit; row 2: one above 0.3 (tied with class 2) -> hit.
        Tensor pred = Tensor.of(new float[] {1.2f, -0.3f, 2.8f, 5.2f, 0.1f, 0f, 0f, 0f, 0f, 0.5f, 0.3f, 0.3f}, 3, 4);
        TopKAccuracy top2 = new TopKAccuracy(2);
        top2.update(pred, new int[] {0, 1, 3});
        assertEquals(2, top2.hits());
        assertEquals(2.0 / 3, top2.result(), 1e-12);
    }

    @Test
    void withKOneATieForTheMaximumIsAHitWhereArgmaxAccuracyMisses() {
        Tensor pred = Tensor.of(new float[] {0.4f, 0.4f, 0.2f}, 1, 3);
        TopKAccuracy top1 = new TopKAccuracy(1);
        top1.update(pred, new int[] {1});
        Accuracy acc = new Accuracy();
        acc.update(pred, new int[] {1});
        assertEquals(1.0, top1.result());
        assertEquals(0.0, acc.result());
    }

    @Test
    void kAtLeastTheClassCountMakesEverySampleAHit() {
        TopKAccuracy top5 = new TopKAccuracy(); // Keras' default k = 5
        top5.update(Tensor.of(new float[] {3, 2, 1, 0, 1, 2}, 2, 3), new int[] {2, 0});
        assertEquals(1.0, top5.result());
        assertEquals("top_5_accuracy", top5.name());
    }

    @Test
    void accumulatesAndResets() {
        TopKAccuracy top2 = new TopKAccuracy(2);
        // batch 1: row [4, 3, 2, 1] label 2 -> two above: miss; label 1 -> one above: hit
        top2.update(Tensor.of(new float[] {4, 3, 2, 1, 4, 3, 2, 1}, 2, 4), new int[] {2, 1});
        // batch 2: row [1, 2, 3, 4] label 3 -> none above: hit
        top2.update(Tensor.of(new float[] {1, 2, 3, 4}, 1, 4), Tensor.of(new float[] {0, 0, 0, 1}, 1, 4));
        assertEquals(2.0 / 3, top2.result(), 1e-12);
        top2.reset();
        assertEquals(0.0, top2.result());
        assertEquals(0, top2.count());
    }

    @Test
    void kBelowOneIsRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> new TopKAccuracy(0));
        assertEquals("TopKAccuracy: k must be at least 1, got 0", e.getMessage());
    }
}
