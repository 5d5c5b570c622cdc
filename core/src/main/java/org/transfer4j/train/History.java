package org.transfer4j.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every metric of every epoch of a training run, as Keras' {@code History.history}: for each name
 * ({@code "loss"}, {@code "accuracy"}, {@code "val_loss"}, {@code "val_accuracy"}, {@code "lr"},
 * {@code "seconds"}, {@code "skipped"}, ...) one value per epoch, in epoch order. A run of several
 * phases (feature extraction, then fine-tuning) keeps one history and records where each phase began,
 * so a plot can mark the boundary.
 *
 * <p>Epochs are counted across phases from 1. An epoch that did not report a metric holds NaN for it, so
 * every series has {@link #epochs()} values.
 */
public final class History {
    /** A named phase starting at epoch {@code firstEpoch} (1-based). */
    public record Phase(String name, int firstEpoch) {
    }

    private final Map<String, List<Double>> series = new LinkedHashMap<>();
    private final List<Phase> phases = new ArrayList<>();
    private int epochs;

    /** Marks that the epochs recorded from now on belong to the phase {@code name}. */
    public void beginPhase(String name) {
        phases.add(new Phase(name, epochs + 1));
    }

    /** Appends one epoch's metrics; a name not seen before gets NaN for the earlier epochs. */
    public void record(Map<String, Double> metrics) {
        epochs++;
        for (Map.Entry<String, Double> e : metrics.entrySet()) {
            List<Double> values = series.computeIfAbsent(e.getKey(), k -> new ArrayList<>());
            while (values.size() < epochs - 1) {
                values.add(Double.NaN);
            }
            values.add(e.getValue());
        }
        for (List<Double> values : series.values()) {
            while (values.size() < epochs) {
                values.add(Double.NaN);
            }
        }
    }

    /** Epochs recorded so far. */
    public int epochs() {
        return epochs;
    }

    /** The metric names, in the order they were first recorded. */
    public Set<String> names() {
        return Collections.unmodifiableSet(series.keySet());
    }

    /** One value per epoch for {@code name}; empty if the name was never recorded. */
    public List<Double> get(String name) {
        List<Double> values = series.get(name);
        return values == null ? List.of() : Collections.unmodifiableList(values);
    }

    /** The value of {@code name} at epoch {@code epoch} (1-based), NaN if not recorded. */
    public double get(String name, int epoch) {
        List<Double> values = series.get(name);
        if (epoch < 1 || epoch > epochs) {
            throw new IndexOutOfBoundsException("history has epochs 1.." + epochs + ", asked for " + epoch);
        }
        return values == null ? Double.NaN : values.get(epoch - 1);
    }

    /** The phases in the order they began; empty when the run was not split in phases. */
    public List<Phase> phases() {
        return Collections.unmodifiableList(phases);
    }

    /** The last epoch's metrics (empty before the first epoch). */
    public Map<String, Double> last() {
        Map<String, Double> out = new LinkedHashMap<>();
        if (epochs > 0) {
            series.forEach((k, v) -> out.put(k, v.get(epochs - 1)));
        }
        return out;
    }
}
