package org.transfer4j.train;

import java.util.Map;

/**
 * The metric a callback monitors ({@link EarlyStopping}, {@link ModelCheckpoint}) and its best value so far:
 * Keras' {@code monitor}, {@code mode}, {@code min_delta} and {@code best}. Configured before the fit;
 * {@link #reset()} at its start resolves the mode and sets the best to the worst value.
 */
final class MonitoredMetric {
    private final String who;
    private String name;
    private MonitorMode mode = MonitorMode.AUTO;
    private double minDelta;

    private MonitorMode resolved;
    private double best;

    /** {@code who} names the callback in the error for a metric the run does not record. */
    MonitoredMetric(String who, String name) {
        this.who = who;
        this.name = name;
    }

    void name(String value) {
        this.name = value;
    }

    void mode(MonitorMode value) {
        this.mode = value;
    }

    /** The least change that counts as an improvement, {@code >= 0}. */
    void minDelta(double value) {
        this.minDelta = value;
    }

    String name() {
        return name;
    }

    /** At the start of a fit: {@link MonitorMode#AUTO} decided for the metric, and no best value yet. */
    void reset() {
        resolved = mode.resolve(name);
        best = resolved.worst();
    }

    /** The metric from an epoch's logs; one the run does not record is an {@link IllegalStateException}. */
    double read(Map<String, Double> logs) {
        return MonitorMode.read(logs, name, who);
    }

    /**
     * Whether {@code current} improves on the best by more than the min delta ({@link MonitorMode#improves});
     * if it does, it becomes the best.
     */
    boolean update(double current) {
        if (!resolved.improves(current, best, minDelta)) {
            return false;
        }
        best = current;
        return true;
    }

    /** The best value so far (0 before the first {@link #reset()}). */
    double best() {
        return best;
    }
}
