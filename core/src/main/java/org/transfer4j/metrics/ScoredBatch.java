package org.transfer4j.metrics;

import java.util.Arrays;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * One batch on the host: the scores {@code (N,C)} and the true class of each row. Built by downloading
 * the (detached) predictions once, so metrics never touch the tape.
 */
final class ScoredBatch {
    final int rows;
    final int classes;
    private final float[] scores;
    private final int[] labels;

    private ScoredBatch(float[] scores, int rows, int classes, int[] labels) {
        this.scores = scores;
        this.rows = rows;
        this.classes = classes;
        this.labels = labels;
    }

    /** {@code predictions (N,C)} with {@code labels (N)} in {@code [0, C)}. */
    static ScoredBatch of(String metric, Tensor predictions, int[] labels) {
        int[] p = checkPredictions(metric, predictions);
        if (labels.length != p[0]) {
            throw ShapeMismatchException.of(metric, "needs predictions (N,C) and N labels", p, new int[] {labels.length});
        }
        checkLabels(metric, labels, p);
        return new ScoredBatch(checkScores(metric, predictions.detach().toArray(), p[1]), p[0], p[1], labels.clone());
    }

    /** {@code scores (N,C)} already on the host, row-major, {@code N = labels.length}, with labels in {@code [0, C)}. */
    static ScoredBatch ofHost(String metric, float[] scores, int classes, int[] labels) {
        int[] p = {labels.length, classes};
        if (classes <= 0 || (long) labels.length * classes != scores.length) {
            throw ShapeMismatchException.of(metric, "needs N * C scores for N labels and C >= 1 classes", p,
                    new int[] {scores.length});
        }
        checkLabels(metric, labels, p);
        return new ScoredBatch(checkScores(metric, scores, classes), labels.length, classes, labels.clone());
    }

    private static void checkLabels(String metric, int[] labels, int[] p) {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= p[1]) {
                throw new IllegalArgumentException(metric + ": label " + labels[i] + " at index " + i
                        + " is out of range [0, " + p[1] + ") for predictions " + Arrays.toString(p));
            }
        }
    }

    /**
     * {@code predictions (N,C)} with targets {@code (N,C)} (one-hot or distributions: the true class is
     * the first maximum of the row; NaN is rejected) or {@code (N)} / {@code (N,1)} class indices (whole numbers).
     */
    static ScoredBatch of(String metric, Tensor predictions, Tensor targets) {
        int[] p = checkPredictions(metric, predictions);
        targets.ensureOpen(metric);
        int[] t = targets.shape();
        float[] v = targets.detach().toArray();
        if (Arrays.equals(p, t)) {
            for (int i = 0; i < v.length; i++) {
                // argmax would skip a NaN (or pick it in column 0): reject it, as NaN predictions are.
                if (Float.isNaN(v[i])) {
                    throw new IllegalArgumentException(metric + ": target at row " + i / p[1] + ", class " + i % p[1]
                            + " is NaN");
                }
            }
            int[] labels = new int[p[0]];
            for (int i = 0; i < p[0]; i++) {
                labels[i] = argmax(v, i * p[1], p[1]);
            }
            return of(metric, predictions, labels);
        }
        if ((t.length == 1 || (t.length == 2 && t[1] == 1)) && t[0] == p[0]) {
            int[] labels = new int[v.length];
            for (int i = 0; i < v.length; i++) {
                if (v[i] != Math.rint(v[i]) || Math.abs(v[i]) > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException(metric + ": label at index " + i + " is " + v[i]
                            + ", not a class index (a whole number)");
                }
                labels[i] = (int) v[i];
            }
            return of(metric, predictions, labels);
        }
        throw ShapeMismatchException.of(metric,
                "needs predictions (N,C) and targets (N,C) one-hot or (N) / (N,1) class indices", p, t);
    }

    int label(int row) {
        return labels[row];
    }

    /** The predicted class: the index of the row's first maximum score (as numpy and Keras' argmax). */
    int predicted(int row) {
        return argmax(scores, row * classes, classes);
    }

    /** How many classes score strictly higher than the true class. */
    int strictlyAboveLabel(int row) {
        int base = row * classes;
        float s = scores[base + labels[row]];
        int above = 0;
        for (int c = 0; c < classes; c++) {
            if (scores[base + c] > s) {
                above++;
            }
        }
        return above;
    }

    private static int[] checkPredictions(String metric, Tensor predictions) {
        predictions.ensureOpen(metric);
        int[] p = predictions.shape();
        if (p.length != 2 || p[1] == 0) {
            throw ShapeMismatchException.of(metric, "needs predictions (N,C) with at least one class", p);
        }
        return p;
    }

    /** The scores on the host, returned; NaN is rejected, since it has no rank. */
    private static float[] checkScores(String metric, float[] v, int classes) {
        for (int i = 0; i < v.length; i++) {
            if (Float.isNaN(v[i])) {
                throw new IllegalArgumentException(metric + ": prediction at row " + i / classes + ", class "
                        + i % classes + " is NaN");
            }
        }
        return v;
    }

    private static int argmax(float[] v, int from, int n) {
        int best = 0;
        for (int c = 1; c < n; c++) {
            if (v[from + c] > v[from + best]) {
                best = c;
            }
        }
        return best;
    }
}
