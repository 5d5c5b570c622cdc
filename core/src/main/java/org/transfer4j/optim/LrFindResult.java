package org.transfer4j.optim;

/**
 * The curve of an LR range test ({@link LrFinder}) and the rates it suggests, as fastai's {@code lr_find}:
 * one entry per batch run, in order.
 *
 * <p>The suggestions look at the smoothed curve without its first tenth and last 5 points (fastai's
 * {@code recorder.losses[num_it//10:-5]}: the start is noise, the end diverges), or at the whole curve when
 * that leaves fewer than 2 points:
 * <ul>
 *   <li>{@link #steepestRate}, fastai's {@code steep}: the rate where the smoothed loss falls fastest
 *       against {@code log(rate)}, {@code argmin (s[i+1] - s[i]) / (ln r[i+1] - ln r[i])} (the left point);
 *       this is {@link #suggestion()};</li>
 *   <li>{@link #minimumRate}, fastai's {@code minimum}: the rate of the lowest smoothed loss, divided by 10.</li>
 * </ul>
 * These are the two suggestions fastai's {@code lr_find} returned before version 2.5 ({@code lr_min, lr_steep});
 * its default since is {@code valley} (the longest falling stretch of the curve), which is not implemented here.
 *
 * @param rates          the base learning rate of each batch
 * @param losses         the raw loss of each batch
 * @param smoothedLosses the bias-corrected moving average of the losses (beta 0.98)
 * @param steepestRate   the rate at the steepest descent of the smoothed loss
 * @param minimumRate    the rate at the minimum of the smoothed loss, divided by 10
 * @param stoppedEarly   whether the test stopped before its last batch because the loss diverged (the smoothed
 *                       loss exceeded 4 times its minimum, or a loss was not finite)
 */
public record LrFindResult(double[] rates, double[] losses, double[] smoothedLosses, double steepestRate,
                           double minimumRate, boolean stoppedEarly) {

    /** How many points fastai leaves out at the end of the curve. */
    static final int SKIP_END = 5;

    public LrFindResult {
        if (rates.length != losses.length || rates.length != smoothedLosses.length) {
            throw new IllegalArgumentException("an LR range test needs one rate, loss and smoothed loss per batch, got "
                    + rates.length + ", " + losses.length + " and " + smoothedLosses.length);
        }
        rates = rates.clone();
        losses = losses.clone();
        smoothedLosses = smoothedLosses.clone();
    }

    /**
     * The result for a recorded curve: computes the suggestions. {@code plannedBatches} is the length the
     * test was to have (the first tenth of it is skipped), at least the recorded length.
     */
    public static LrFindResult of(double[] rates, double[] losses, double[] smoothedLosses, int plannedBatches,
                                  boolean stoppedEarly) {
        int n = rates.length;
        if (n < 2) {
            throw new IllegalArgumentException("an LR range test needs at least 2 batches to suggest a rate, got " + n
                    + (stoppedEarly ? " (the loss diverged at once: lower the start rate)" : ""));
        }
        int from = plannedBatches / 10;
        int to = n - SKIP_END;
        if (to - from < 2) {
            from = 0;
            to = n;
        }
        int steepest = from;
        double steepestSlope = Double.POSITIVE_INFINITY;
        int minimum = from;
        for (int i = from; i < to; i++) {
            if (smoothedLosses[i] < smoothedLosses[minimum]) {
                minimum = i;
            }
            if (i + 1 < to) {
                double slope = (smoothedLosses[i + 1] - smoothedLosses[i]) / (Math.log(rates[i + 1]) - Math.log(rates[i]));
                if (slope < steepestSlope) {
                    steepestSlope = slope;
                    steepest = i;
                }
            }
        }
        return new LrFindResult(rates, losses, smoothedLosses, rates[steepest], rates[minimum] / 10, stoppedEarly);
    }

    /** The suggested learning rate: {@link #steepestRate}. */
    public double suggestion() {
        return steepestRate;
    }

    /** The number of batches run. */
    public int size() {
        return rates.length;
    }

    @Override
    public double[] rates() {
        return rates.clone();
    }

    @Override
    public double[] losses() {
        return losses.clone();
    }

    @Override
    public double[] smoothedLosses() {
        return smoothedLosses.clone();
    }

    @Override
    public String toString() {
        return String.format("LrFindResult(%d batches%s, steepest %.3g, minimum/10 %.3g)", rates.length,
                stoppedEarly ? ", stopped early" : "", steepestRate, minimumRate);
    }
}
