package org.transfer4j.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * The main case: 4 classes, 10 samples, class 3 never occurs.
 * <pre>
 *   labels    = [0, 0, 0, 1, 1, 1, 1, 2, 2, 0]
 *   predicted = [0, 1, 0, 1, 1, 2, 1, 0, 1, 0]
 *
 *   true \ pred  0  1  2  3    support   precision        recall     f1 = 2tp / (support + predicted)
 *   0            3  1  0  0    4         3/4 = 0.75       3/4 = 0.75  6/8 = 0.75
 *   1            0  3  1  0    4         3/5 = 0.6        3/4 = 0.75  6/9 = 0.6667
 *   2            1  1  0  0    2         0/1 = 0          0/2 = 0     0/3 = 0
 *   3            0  0  0  0    0         0/0 -> 0         0/0 -> 0    0/0 -> 0
 *   predicted    4  5  1  0
 *   macro precision (0.75 + 0.6) / 4 = 0.3375, macro recall 1.5 / 4 = 0.375,
 *   macro F1 (0.75 + 2/3) / 4 = 0.3541667, accuracy (3 + 3) / 10 = 0.6
 * </pre>
 * Cross-checked with numpy, following scikit-learn's definitions (zero_division=0, labels=range(4)):
 * <pre>
 * import numpy as np
 * y = np.array([0,0,0,1,1,1,1,2,2,0]); p = np.array([0,1,0,1,1,2,1,0,1,0]); C = 4
 * cm = np.zeros((C, C), np.int64); np.add.at(cm, (y, p), 1)
 * tp = np.diag(cm).astype(float); pred = cm.sum(axis=0); sup = cm.sum(axis=1)
 * div = lambda a, b: np.divide(a, b, out=np.zeros_like(a, dtype=float), where=b != 0)  # zero_division=0
 * prec = div(tp, pred); rec = div(tp, sup); f1 = div(2 * tp, sup + pred)
 * prec.mean(), rec.mean(), f1.mean(), tp.sum() / cm.sum()   # 0.3375 0.375 0.35416666666666663 0.6
 * </pre>
 */
class ConfusionMatrixTest {
    private static final int[] LABELS = {0, 0, 0, 1, 1, 1, 1, 2, 2, 0};
    private static final int[] PREDICTED = {0, 1, 0, 1, 1, 2, 1, 0, 1, 0};

    @Test
    void countsTrueClassesInRowsAndPredictionsInColumns() {
        ConfusionMatrix cm = mainCase();
        long[][] expected = {{3, 1, 0, 0}, {0, 3, 1, 0}, {1, 1, 0, 0}, {0, 0, 0, 0}};
        for (int t = 0; t < 4; t++) {
            assertArrayEquals(expected[t], cm.matrix()[t], "row " + t);
        }
        assertEquals(1, cm.count(2, 0), "a bird (2) predicted as 0");
        assertEquals(10, cm.total());
    }

    @Test
    void perClassPrecisionRecallF1AndSupportFollowScikitLearnWithZeroDivisionZero() {
        ConfusionMatrix cm = mainCase();
        double[] precision = {0.75, 0.6, 0, 0};
        double[] recall = {0.75, 0.75, 0, 0};
        double[] f1 = {0.75, 2.0 / 3, 0, 0};
        long[] support = {4, 4, 2, 0};
        for (int c = 0; c < 4; c++) {
            assertEquals(precision[c], cm.precision(c), 1e-12, "precision " + c);
            assertEquals(recall[c], cm.recall(c), 1e-12, "recall " + c);
            assertEquals(f1[c], cm.f1(c), 1e-12, "f1 " + c);
            assertEquals(support[c], cm.support(c), "support " + c);
        }
        assertEquals(0.3375, cm.macroPrecision(), 1e-12);
        assertEquals(0.375, cm.macroRecall(), 1e-12);
        assertEquals(0.35416666666666663, cm.macroF1(), 1e-12);
        assertEquals(cm.macroF1(), cm.result());
        assertEquals(0.6, cm.accuracy(), 1e-12);
    }

    @Test
    void accumulatesOverBatchesOfEveryTargetSpellingAndResets() {
        ConfusionMatrix cm = new ConfusionMatrix(4);
        // the main case in three batches: int labels, a (N) tensor of indices, one-hot rows
        cm.update(scores(0, 4), new int[] {0, 0, 0, 1});
        cm.update(scores(4, 7), Tensor.of(new float[] {1, 1, 1}, 3));
        cm.update(scores(7, 10), Tensor.of(new float[] {0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 0}, 3, 4));
        assertEquals(0.35416666666666663, cm.macroF1(), 1e-12);
        assertEquals(3, cm.count(1, 1));
        cm.reset();
        assertEquals(0, cm.total());
        assertEquals(0.0, cm.result());
        assertEquals(0.0, cm.accuracy());
    }

    @Test
    void toStringShowsTheMatrixAndTheReportWithClassNames() {
        ConfusionMatrix cm = new ConfusionMatrix(List.of("cat", "dog", "bird", "fish"));
        cm.update(scores(0, 10), LABELS);
        String s = cm.toString();
        String[] lines = s.split("\n");
        assertTrue(lines[0].contains("4 classes") && lines[0].contains("10 samples"), s);
        assertEquals("true \\ pred   cat   dog  bird  fish", lines[1], s);
        assertEquals("cat             3     1     0     0", lines[2], s);
        assertEquals("bird            1     1     0     0", lines[4], s);
        assertTrue(s.contains("dog             0.6000     0.7500     0.6667          4"), s);
        assertTrue(s.contains("macro avg       0.3375     0.3750     0.3542         10"), s);
        assertTrue(s.contains("accuracy                              0.6000         10"), s);
        assertEquals("bird", cm.className(2));
        assertEquals("2", new ConfusionMatrix(3).className(2));
    }

    @Test
    void badInputsAreRejectedNamingTheFault() {
        ConfusionMatrix cm = new ConfusionMatrix(3);
        var e = assertThrows(ShapeMismatchException.class, () -> cm.update(Tensor.zeros(2, 4), new int[] {0, 1}));
        assertTrue(e.getMessage().contains("3 classes") && e.getMessage().contains("[2, 4]"), e.getMessage());
        var l = assertThrows(IllegalArgumentException.class, () -> cm.update(Tensor.zeros(2, 3), new int[] {0, -1}));
        assertTrue(l.getMessage().contains("label -1") && l.getMessage().contains("index 1"), l.getMessage());
        assertThrows(IllegalArgumentException.class, () -> cm.precision(3));
        assertThrows(IllegalArgumentException.class, () -> new ConfusionMatrix(0));
        assertThrows(IllegalArgumentException.class, () -> new ConfusionMatrix(List.of()));
    }

    private static ConfusionMatrix mainCase() {
        ConfusionMatrix cm = new ConfusionMatrix(4);
        cm.update(scores(0, 10), LABELS);
        return cm;
    }

    /** Probability-like rows for samples [from, to): 0.7 on the predicted class, 0.1 elsewhere. */
    private static Tensor scores(int from, int to) {
        float[] v = new float[(to - from) * 4];
        java.util.Arrays.fill(v, 0.1f);
        for (int i = from; i < to; i++) {
            v[(i - from) * 4 + PREDICTED[i]] = 0.7f;
        }
        return Tensor.of(v, to - from, 4);
    }
}
