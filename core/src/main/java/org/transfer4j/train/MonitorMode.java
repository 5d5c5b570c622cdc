package org.transfer4j.train;

import java.util.Locale;
import java.util.Map;

/** Whether a monitored metric should go down (a loss) or up (an accuracy), as Keras' {@code mode}. */
public enum MonitorMode {
    MIN, MAX,
    /** Keras' {@code 'auto'}: {@link #MAX} when the metric's name contains "acc", else {@link #MIN}. */
    AUTO;

    /** {@link #MIN} or {@link #MAX}: this mode with {@link #AUTO} decided for {@code metric}. */
    public MonitorMode resolve(String metric) {
        if (this != AUTO) {
            return this;
        }
        return metric.toLowerCase(Locale.ROOT).contains("acc") ? MAX : MIN;
    }

    /**
     * Keras' {@code _is_improvement}: {@code current} beats {@code best} by more than {@code minDelta}
     * ({@code current + minDelta < best} for MIN). NaN never improves. This mode must be resolved.
     */
    boolean improves(double current, double best, double minDelta) {
        return switch (this) {
            case MIN -> current + minDelta < best;
            case MAX -> current - minDelta > best;
            case AUTO -> throw new IllegalStateException("resolve the AUTO mode for a metric first");
        };
    }

    /** The starting best: +inf for MIN, -inf for MAX. */
    double worst() {
        return this == MAX ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }

    /** The monitored metric from an epoch's logs; a missing one is a configuration error that names what there is. */
    static double read(Map<String, Double> logs, String monitor, String who) {
        Double v = logs.get(monitor);
        if (v == null) {
            throw new IllegalStateException(who + " monitors '" + monitor + "', which this run does not record (it has "
                    + logs.keySet() + "; val_ metrics need validation data)");
        }
        return v;
    }
}
