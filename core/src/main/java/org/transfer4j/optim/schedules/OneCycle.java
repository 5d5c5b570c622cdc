package org.transfer4j.optim.schedules;

import org.transfer4j.optim.LearningRateSchedule;

/**
 * The 1cycle policy (Smith, "Super-Convergence"), as PyTorch's {@code OneCycleLR(max_lr, total_steps,
 * pct_start=0.3, anneal_strategy='cos', div_factor=25.0, final_div_factor=1e4, three_phase=False)}, whose
 * two phases follow fastai's {@code fit_one_cycle}: the rate rises from {@code maxRate / divFactor} to
 * {@code maxRate} over the first {@code pctStart} of the steps, then falls to
 * {@code maxRate / divFactor / finalDivFactor}, both with cosine annealing. PyTorch's {@code get_lr}:
 * <pre>
 * anneal(start, end, pct) = end + (start - end) / 2 * (cos(pi * pct) + 1)
 * phase 1: end_step = pct_start * total_steps - 1,  initial_lr -&gt; max_lr
 * phase 2: end_step = total_steps - 1,              max_lr -&gt; min_lr
 * pct = (step - phase start_step) / (phase end_step - phase start_step)
 * </pre>
 * PyTorch raises past {@code total_steps}; here every step from {@code totalSteps - 1} on gets the final
 * (minimum) rate. (fastai's own {@code fit_one_cycle} rises for {@code pct_start=0.25} of the steps and ends at
 * {@code lr_max / 1e5} rather than {@code lr_max / 25 / 1e4}; {@code pctStart(0.25).finalDivFactor(4e3)} gives
 * those.)
 *
 * <p>The momentum cycles inversely, from {@code maxMomentum} (0.95) down to {@code baseMomentum} (0.85) and
 * back, as PyTorch's {@code cycle_momentum=True}; {@link #momentum(long)} gives it for a callback to set.
 *
 * <pre>
 * OneCycle.of(1e-2, epochs * stepsPerEpoch);                 // PyTorch's defaults
 * OneCycle.of(1e-2, 1000).pctStart(0.25).divFactor(10);
 * </pre>
 */
public final class OneCycle implements LearningRateSchedule {
    private final double maxRate;
    private final long totalSteps;
    private final double pctStart;
    private final double divFactor;
    private final double finalDivFactor;
    private final double baseMomentum;
    private final double maxMomentum;
    /** The last step of the rising phase, a fraction as in PyTorch: {@code pctStart * totalSteps - 1}. */
    private final double peakStep;

    private OneCycle(double maxRate, long totalSteps, double pctStart, double divFactor, double finalDivFactor,
                     double baseMomentum, double maxMomentum) {
        this.maxRate = ScheduleArgs.rate("OneCycle", "maxRate", maxRate);
        this.totalSteps = ScheduleArgs.positive("OneCycle", "totalSteps", totalSteps);
        this.pctStart = ScheduleArgs.fraction("OneCycle", "pctStart", pctStart);
        this.divFactor = ScheduleArgs.positiveFactor("OneCycle", "divFactor", divFactor);
        this.finalDivFactor = ScheduleArgs.positiveFactor("OneCycle", "finalDivFactor", finalDivFactor);
        this.baseMomentum = baseMomentum;
        this.maxMomentum = maxMomentum;
        this.peakStep = pctStart * totalSteps - 1;
        // Both phases need a positive length, or PyTorch's pct divides by zero (or runs backwards).
        if (!(peakStep > 0) || !(totalSteps - 1 > peakStep)) {
            throw new IllegalArgumentException("OneCycle: pctStart * totalSteps - 1 must lie strictly between 0 and "
                    + "totalSteps - 1 so that both phases have steps; got pctStart=" + pctStart + ", totalSteps="
                    + totalSteps + " (peak at step " + peakStep + ")");
        }
    }

    /** PyTorch's defaults: {@code pctStart 0.3, divFactor 25, finalDivFactor 1e4}, momentum 0.85..0.95. */
    public static OneCycle of(double maxRate, long totalSteps) {
        return new OneCycle(maxRate, totalSteps, 0.3, 25.0, 1e4, 0.85, 0.95);
    }

    /** The fraction of the steps spent raising the rate. */
    public OneCycle pctStart(double value) {
        return new OneCycle(maxRate, totalSteps, value, divFactor, finalDivFactor, baseMomentum, maxMomentum);
    }

    /** The starting rate is {@code maxRate / divFactor}. */
    public OneCycle divFactor(double value) {
        return new OneCycle(maxRate, totalSteps, pctStart, value, finalDivFactor, baseMomentum, maxMomentum);
    }

    /** The final rate is {@code maxRate / divFactor / finalDivFactor}. */
    public OneCycle finalDivFactor(double value) {
        return new OneCycle(maxRate, totalSteps, pctStart, divFactor, value, baseMomentum, maxMomentum);
    }

    /** The momentum range: it falls from {@code max} to {@code base} while the rate rises, and back. */
    public OneCycle momentum(double base, double max) {
        if (!(base >= 0 && base <= max && max < 1)) {
            throw new IllegalArgumentException("OneCycle: momentum needs 0 <= base <= max < 1, got base=" + base
                    + ", max=" + max);
        }
        return new OneCycle(maxRate, totalSteps, pctStart, divFactor, finalDivFactor, base, max);
    }

    public double initialRate() {
        return maxRate / divFactor;
    }

    public double maxRate() {
        return maxRate;
    }

    public double finalRate() {
        return initialRate() / finalDivFactor;
    }

    public long totalSteps() {
        return totalSteps;
    }

    @Override
    public double rate(long step) {
        ScheduleArgs.step("OneCycle", step);
        return phased(step, initialRate(), maxRate, finalRate());
    }

    /** The cycled momentum (or Adam's beta1) for this step: max -&gt; base -&gt; max. */
    public double momentum(long step) {
        ScheduleArgs.step("OneCycle", step);
        return phased(step, maxMomentum, baseMomentum, maxMomentum);
    }

    private double phased(long step, double start, double peak, double end) {
        double s = Math.min(step, totalSteps - 1);
        if (s <= peakStep) {
            return anneal(start, peak, s / peakStep);
        }
        return anneal(peak, end, (s - peakStep) / (totalSteps - 1 - peakStep));
    }

    /** Cosine annealing from {@code start} (pct 0) to {@code end} (pct 1). */
    private static double anneal(double start, double end, double pct) {
        return end + (start - end) / 2 * (Math.cos(Math.PI * pct) + 1);
    }

    @Override
    public String toString() {
        return "OneCycle(maxRate=" + maxRate + ", totalSteps=" + totalSteps + ", pctStart=" + pctStart
                + ", divFactor=" + divFactor + ", finalDivFactor=" + finalDivFactor + ")";
    }
}
