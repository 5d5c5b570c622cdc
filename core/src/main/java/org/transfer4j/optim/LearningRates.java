package org.transfer4j.optim;

import java.util.Arrays;
import java.util.List;

/**
 * Per-group learning rates for discriminative fine-tuning, as fastai's {@code slice}: {@link #spread} is
 * {@code slice(lo, hi)} (geometric, fastai's {@code even_mults}) and {@link #upTo} is {@code slice(hi)}
 * ({@code [hi/10] * (n-1) + [hi]}). Apply them to groups in order (body ... head) either as absolute rates,
 * which schedules do not move, or as multipliers of the optimizer's scheduled base rate:
 *
 * <pre>
 * // fastai's fit_one_cycle(n, slice(1e-5, 1e-3)) on 3 groups: rates 1e-5, 1e-4, 1e-3 under a one-cycle
 * LearningRates.setMultipliers(groups, LearningRates.spread(1e-2, 1, groups.size()));
 * optimizer.setSchedule(OneCycle.of(1e-3, steps));
 * // or fixed rates
 * LearningRates.setRates(groups, LearningRates.upTo(1e-3, groups.size()));   // 1e-4, 1e-4, 1e-3
 * </pre>
 */
public final class LearningRates {
    private LearningRates() {
    }

    /**
     * {@code n} rates from {@code lo} to {@code hi} in geometric progression, fastai's {@code even_mults}:
     * {@code lo * (hi / lo)^(i / (n-1))}; the first is exactly {@code lo} and the last exactly {@code hi}
     * ({@code [hi]} when {@code n == 1}, as fastai).
     */
    public static double[] spread(double lo, double hi, int n) {
        count(n);
        if (!(lo > 0 && lo <= hi) || Double.isInfinite(hi)) {
            throw new IllegalArgumentException("spread needs 0 < lo <= hi (finite), got lo=" + lo + ", hi=" + hi);
        }
        if (n == 1) {
            return new double[] {hi};
        }
        double[] rates = new double[n];
        for (int i = 0; i < n; i++) {
            rates[i] = lo * Math.pow(hi / lo, (double) i / (n - 1));
        }
        rates[0] = lo;
        rates[n - 1] = hi;
        return rates;
    }

    /** fastai's {@code slice(hi)}: {@code hi / 10} for every group but the last, which gets {@code hi}. */
    public static double[] upTo(double hi, int n) {
        count(n);
        if (!(hi > 0) || Double.isInfinite(hi)) {
            throw new IllegalArgumentException("upTo needs a finite rate > 0, got " + hi);
        }
        double[] rates = new double[n];
        Arrays.fill(rates, hi / 10);
        rates[n - 1] = hi;
        return rates;
    }

    /** Gives group {@code i} the fixed rate {@code rates[i]} (schedules do not move it). Returns the groups. */
    public static List<ParamGroup> setRates(List<ParamGroup> groups, double... rates) {
        sameLength(groups, rates, "rates");
        for (int i = 0; i < rates.length; i++) {
            groups.get(i).learningRate(rates[i]);
        }
        return groups;
    }

    /** Makes group {@code i}'s rate {@code multipliers[i]} times the optimizer's scheduled base rate. Returns the groups. */
    public static List<ParamGroup> setMultipliers(List<ParamGroup> groups, double... multipliers) {
        sameLength(groups, multipliers, "multipliers");
        for (int i = 0; i < multipliers.length; i++) {
            groups.get(i).rateMultiplier(multipliers[i]);
        }
        return groups;
    }

    private static void count(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("the number of groups must be >= 1, got " + n);
        }
    }

    private static void sameLength(List<ParamGroup> groups, double[] values, String what) {
        if (groups.size() != values.length) {
            throw new IllegalArgumentException(values.length + " " + what + " " + Arrays.toString(values) + " for "
                    + groups.size() + " parameter groups " + groups.stream().map(ParamGroup::name).toList()
                    + "; give one per group");
        }
    }
}
