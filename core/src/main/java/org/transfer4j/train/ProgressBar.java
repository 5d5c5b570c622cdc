package org.transfer4j.train;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * A console progress line per epoch, rewritten in place with {@code \r} as batches complete:
 * <pre>
 * Epoch 2/5  12/40 [=====>..............]  153.2 img/s  ETA 0:12  loss 0.6931  accuracy 0.5000
 * </pre>
 * and, when the epoch ends, its final form with the epoch's time and the validation metrics, then a newline:
 * <pre>
 * Epoch 2/5  40/40 [====================]  150.9 img/s  3.2s  loss 0.6803  accuracy 0.5310  val_loss 0.6650  val_accuracy 0.5600
 * </pre>
 */
public final class ProgressBar implements Callback {
    private static final int BAR = 20;

    private final PrintStream out;
    private double minIntervalSeconds = 0.1;
    private TrainingContext context;
    private int epoch;
    private long epochStart;
    private long lastPrint;
    private double images;
    private int lastLength;

    public ProgressBar(PrintStream out) {
        this.out = out;
    }

    /** The least time between two redraws within an epoch (0.1 s by default; the last step is always drawn). */
    public ProgressBar minInterval(double seconds) {
        if (!(seconds >= 0)) {
            throw new IllegalArgumentException("ProgressBar: the interval must be >= 0 seconds, got " + seconds);
        }
        this.minIntervalSeconds = seconds;
        return this;
    }

    @Override
    public void onTrainBegin(TrainingContext ctx) {
        this.context = ctx;
    }

    @Override
    public void onEpochBegin(int epoch, Map<String, Double> logs) {
        this.epoch = epoch;
        this.epochStart = System.nanoTime();
        this.lastPrint = Long.MIN_VALUE;
        this.images = 0;
        this.lastLength = 0;
    }

    @Override
    public void onBatchEnd(int step, Map<String, Double> logs) {
        images += logs.getOrDefault("size", 0.0);
        long now = System.nanoTime();
        int steps = context.stepsPerEpoch();
        if (step < steps && lastPrint != Long.MIN_VALUE && (now - lastPrint) / 1e9 < minIntervalSeconds) {
            return;
        }
        lastPrint = now;
        double elapsed = (now - epochStart) / 1e9;
        double eta = step == 0 ? 0 : elapsed / step * (steps - step);
        String line = head(step, steps) + String.format(Locale.ROOT, "  %.1f img/s  ETA %s", images / Math.max(elapsed, 1e-9),
                clock(eta)) + metrics(logs, false);
        draw(line, false);
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        int steps = context.stepsPerEpoch();
        String line = head(steps, steps) + String.format(Locale.ROOT, "  %.1f img/s  %.1fs",
                logs.getOrDefault("images_per_second", Double.NaN), logs.getOrDefault("seconds", Double.NaN))
                + metrics(logs, true) + skipped(logs);
        draw(line, true);
    }

    private String head(int step, int steps) {
        int done = steps == 0 ? BAR : (int) ((long) BAR * step / steps);
        String bar = "=".repeat(done) + (done < BAR ? ">" + ".".repeat(BAR - done - 1) : "");
        return String.format(Locale.ROOT, "Epoch %d/%d  %d/%d [%s]", epoch, context.lastEpoch(), step, steps, bar);
    }

    private static String metrics(Map<String, Double> logs, boolean withValidation) {
        StringBuilder sb = new StringBuilder();
        for (String name : withValidation
                ? new String[] {"loss", "accuracy", "val_loss", "val_accuracy"} : new String[] {"loss", "accuracy"}) {
            Double v = logs.get(name);
            if (v != null) {
                sb.append(String.format(Locale.ROOT, "  %s %.4f", name, v));
            }
        }
        return sb.toString();
    }

    /** The epoch's unreadable files (each was logged with its path when it was skipped), when there were any. */
    private static String skipped(Map<String, Double> logs) {
        long train = Math.round(logs.getOrDefault("skipped", 0.0));
        long val = Math.round(logs.getOrDefault("val_skipped", 0.0));
        return train + val == 0 ? "" : String.format(Locale.ROOT, "  skipped %d unreadable (%d train, %d val)",
                train + val, train, val);
    }

    /** Rewrites the line, padding with spaces over the rest of a longer previous one. */
    private void draw(String line, boolean last) {
        String padded = line + " ".repeat(Math.max(0, lastLength - line.length()));
        lastLength = line.length();
        out.print("\r" + padded + (last ? System.lineSeparator() : ""));
        out.flush();
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
