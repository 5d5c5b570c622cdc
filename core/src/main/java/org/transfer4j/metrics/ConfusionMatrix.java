package org.transfer4j.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntToDoubleFunction;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * A confusion matrix over C classes, accumulated over batches: {@code count(t, p)} is the number of
 * samples of true class t (row) predicted as class p (column), the prediction being the first argmax of
 * {@code predictions (N,C)} as in {@link Accuracy}. Per class c, with {@code tp = count(c, c)}:
 * <pre>
 *   support(c)   = sum_p count(c, p)                  samples whose true class is c (row sum)
 *   precision(c) = tp / sum_t count(t, c)             of the samples predicted c, the fraction truly c
 *   recall(c)    = tp / support(c)                    of the samples truly c, the fraction predicted c
 *   f1(c)        = 2 tp / (2 tp + fp + fn)            = 2 precision recall / (precision + recall)
 *   macro X      = mean over all C classes of X(c)    unweighted
 * </pre>
 * A ratio whose denominator is 0 is 0, as scikit-learn with {@code zero_division=0} (a class never
 * predicted has precision 0; a class never seen has recall 0). The macro averages run over all C
 * classes, as scikit-learn's {@code precision_recall_fscore_support(y, p, labels=range(C),
 * average="macro", zero_division=0)}: a class absent from both the labels and the predictions counts
 * with 0 (scikit-learn without {@code labels} would leave it out).
 *
 * <p>{@link #result()} is the macro F1; {@link #accuracy()} is the trace over the total.
 */
public final class ConfusionMatrix implements Metric {
    private final int classes;
    private final List<String> classNames; // null: the class indices are printed
    private final long[][] counts;

    public ConfusionMatrix(int classes) {
        if (classes < 1) {
            throw new IllegalArgumentException("ConfusionMatrix: classes must be at least 1, got " + classes);
        }
        this.classes = classes;
        this.classNames = null;
        this.counts = new long[classes][classes];
    }

    /** One class per name, in class-index order; the names label the rows and columns of {@link #toString()}. */
    public ConfusionMatrix(List<String> classNames) {
        if (classNames.isEmpty()) {
            throw new IllegalArgumentException("ConfusionMatrix: needs at least one class name");
        }
        this.classes = classNames.size();
        this.classNames = List.copyOf(classNames);
        this.counts = new long[classes][classes];
    }

    @Override
    public void update(Tensor predictions, Tensor targets) {
        add(ScoredBatch.of("ConfusionMatrix", checkClasses(predictions), targets));
    }

    @Override
    public void update(Tensor predictions, int[] labels) {
        add(ScoredBatch.of("ConfusionMatrix", checkClasses(predictions), labels));
    }

    private Tensor checkClasses(Tensor predictions) {
        predictions.ensureOpen("ConfusionMatrix");
        if (predictions.rank() != 2 || predictions.shape(1) != classes) {
            throw ShapeMismatchException.of("ConfusionMatrix",
                    "was made for " + classes + " classes and needs predictions (N, " + classes + ")",
                    predictions.shape());
        }
        return predictions;
    }

    private void add(ScoredBatch batch) {
        for (int i = 0; i < batch.rows; i++) {
            counts[batch.label(i)][batch.predicted(i)]++;
        }
    }

    @Override
    public void reset() {
        for (long[] row : counts) {
            Arrays.fill(row, 0L);
        }
    }

    public int classes() {
        return classes;
    }

    /** Samples of true class {@code trueClass} predicted as {@code predictedClass}. */
    public long count(int trueClass, int predictedClass) {
        return counts[checkClass(trueClass)][checkClass(predictedClass)];
    }

    /** A copy of the counts, {@code [true class][predicted class]}. */
    public long[][] matrix() {
        long[][] copy = new long[classes][];
        for (int t = 0; t < classes; t++) {
            copy[t] = counts[t].clone();
        }
        return copy;
    }

    public long total() {
        long n = 0;
        for (long[] row : counts) {
            for (long v : row) {
                n += v;
            }
        }
        return n;
    }

    /** Samples whose true class is c (the row sum). */
    public long support(int c) {
        long n = 0;
        for (long v : counts[checkClass(c)]) {
            n += v;
        }
        return n;
    }

    /** Samples predicted as c (the column sum). */
    public long predictedCount(int c) {
        checkClass(c);
        long n = 0;
        for (long[] row : counts) {
            n += row[c];
        }
        return n;
    }

    public double precision(int c) {
        return ratio(counts[checkClass(c)][c], predictedCount(c));
    }

    public double recall(int c) {
        return ratio(counts[checkClass(c)][c], support(c));
    }

    /** {@code 2 tp / (2 tp + fp + fn)}, where {@code 2 tp + fp + fn = support + predictedCount}. */
    public double f1(int c) {
        long tp = counts[checkClass(c)][c];
        return ratio(2 * tp, support(c) + predictedCount(c));
    }

    public double macroPrecision() {
        return macro(this::precision);
    }

    public double macroRecall() {
        return macro(this::recall);
    }

    /** The mean of the per-class F1 (scikit-learn's macro F1), not the F1 of the macro precision and recall. */
    public double macroF1() {
        return macro(this::f1);
    }

    /** The unweighted mean of a per-class score over all C classes. */
    private double macro(IntToDoubleFunction perClass) {
        double s = 0;
        for (int c = 0; c < classes; c++) {
            s += perClass.applyAsDouble(c);
        }
        return s / classes;
    }

    /** The trace over the total, 0 before any sample. */
    public double accuracy() {
        long trace = 0;
        for (int c = 0; c < classes; c++) {
            trace += counts[c][c];
        }
        return ratio(trace, total());
    }

    /** The macro F1. */
    @Override
    public double result() {
        return macroF1();
    }

    @Override
    public String name() {
        return "macro_f1";
    }

    /** The class name given to the constructor, or the index as text. */
    public String className(int c) {
        checkClass(c);
        return classNames == null ? Integer.toString(c) : classNames.get(c);
    }

    /**
     * The matrix (rows = true class, columns = predicted), then a per-class report as scikit-learn's
     * {@code classification_report}: precision, recall, F1 and support, the macro average and the accuracy.
     */
    @Override
    public String toString() {
        List<String> names = new ArrayList<>();
        int nameWidth = "macro avg".length();
        int cell = Long.toString(maxCount()).length();
        for (int c = 0; c < classes; c++) {
            names.add(className(c));
            nameWidth = Math.max(nameWidth, names.get(c).length());
            cell = Math.max(cell, names.get(c).length());
        }
        String corner = "true \\ pred";
        nameWidth = Math.max(nameWidth, corner.length());
        StringBuilder sb = new StringBuilder();
        sb.append("ConfusionMatrix: ").append(classes).append(" classes, ").append(total())
                .append(" samples (rows: true class, columns: predicted class)\n");
        sb.append(pad(corner, nameWidth));
        for (String name : names) {
            sb.append("  ").append(padLeft(name, cell));
        }
        sb.append('\n');
        for (int t = 0; t < classes; t++) {
            sb.append(pad(names.get(t), nameWidth));
            for (int p = 0; p < classes; p++) {
                sb.append("  ").append(padLeft(Long.toString(counts[t][p]), cell));
            }
            sb.append('\n');
        }
        sb.append('\n').append(pad("", nameWidth)).append("  precision     recall   f1-score    support\n");
        for (int c = 0; c < classes; c++) {
            sb.append(reportLine(names.get(c), nameWidth, precision(c), recall(c), f1(c), support(c)));
        }
        sb.append(reportLine("macro avg", nameWidth, macroPrecision(), macroRecall(), macroF1(), total()));
        sb.append(String.format(Locale.ROOT, "%s  %9s  %9s  %9.4f  %9d%n", pad("accuracy", nameWidth), "", "",
                accuracy(), total()));
        return sb.toString();
    }

    private static String reportLine(String name, int width, double p, double r, double f, long support) {
        return String.format(Locale.ROOT, "%s  %9.4f  %9.4f  %9.4f  %9d%n", pad(name, width), p, r, f, support);
    }

    private long maxCount() {
        long m = 0;
        for (long[] row : counts) {
            for (long v : row) {
                m = Math.max(m, v);
            }
        }
        return m;
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }

    private static String padLeft(String s, int width) {
        return " ".repeat(Math.max(0, width - s.length())) + s;
    }

    private int checkClass(int c) {
        if (c < 0 || c >= classes) {
            throw new IllegalArgumentException("ConfusionMatrix: class " + c + " is out of range [0, " + classes + ")");
        }
        return c;
    }

    private static double ratio(long numerator, long denominator) {
        return denominator == 0 ? 0.0 : (double) numerator / denominator;
    }
}
