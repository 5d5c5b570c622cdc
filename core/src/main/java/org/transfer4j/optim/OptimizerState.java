package org.transfer4j.optim;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.transfer4j.nn.Weight;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * A state dict checked against an optimizer and read into plain arrays, so that
 * {@link Optimizer#loadStateDict} can validate everything before it changes anything.
 */
record OptimizerState(long iterations, float baseLearningRate, Map<Weight, Long> weightSteps,
                      Map<Weight, Map<String, float[]>> slots) {
    static final String ITERATIONS = "iterations";
    static final String BASE_LEARNING_RATE = "base_learning_rate";
    /** Per weight: how many updates it has had. */
    static final String STEP = "step";

    /**
     * Checks every entry of {@code state}: the two scalars are present; every other name is
     * {@code <weight path>/<slot>} with a weight of this optimizer and a slot it uses for that weight
     * (or {@code step}); slots have the weight's shape, counts are non-negative integers; a weight with
     * slots has a step count, and no step count exceeds the iterations.
     */
    static OptimizerState validate(Map<String, Tensor> state, Map<String, Weight> weightsByPath,
                                   Function<Weight, Set<String>> slotNames, String owner) {
        if (state == null) {
            throw new IllegalArgumentException(owner + ".loadStateDict: the state is null");
        }
        long iterations = count(state, ITERATIONS, owner);
        float rate = scalar(state, BASE_LEARNING_RATE, owner);
        if (!(rate >= 0) || Float.isInfinite(rate)) {
            throw new IllegalArgumentException(owner + " state entry '" + BASE_LEARNING_RATE
                    + "': expected a finite rate >= 0, got " + rate);
        }
        Map<Weight, Long> steps = new IdentityHashMap<>();
        Map<Weight, Map<String, float[]>> slots = new IdentityHashMap<>();
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            String name = e.getKey();
            if (name.equals(ITERATIONS) || name.equals(BASE_LEARNING_RATE)) {
                continue;
            }
            int cut = name.lastIndexOf('/');
            Weight w = cut < 0 ? null : weightsByPath.get(name.substring(0, cut));
            if (w == null) {
                throw new IllegalArgumentException(owner + " state entry '" + name + "' names no weight of this optimizer;"
                        + " expected '" + ITERATIONS + "', '" + BASE_LEARNING_RATE + "' or '<weight path>/<slot>' with one of "
                        + weightsByPath.size() + " weight paths such as " + weightsByPath.keySet().iterator().next());
            }
            String slot = name.substring(cut + 1);
            if (slot.equals(STEP)) {
                steps.put(w, count(state, name, owner));
                continue;
            }
            Set<String> allowed = slotNames.apply(w);
            if (!allowed.contains(slot)) {
                throw new IllegalArgumentException(owner + " state entry '" + name + "': unknown slot '" + slot
                        + "' for this optimizer's settings; expected one of " + new TreeSet<>(allowed) + " or '" + STEP
                        + "' (state saved under another convention or with other settings?)");
            }
            Tensor t = tensor(state, name, owner);
            if (!Arrays.equals(t.shape(), w.shape())) {
                throw ShapeMismatchException.of(owner + " state entry '" + name + "'",
                        "expected the shape of weight " + w.path() + ", got another", w.shape(), t.shape());
            }
            slots.computeIfAbsent(w, k -> new LinkedHashMap<>()).put(slot, t.toArray());
        }
        // Only an updated weight has slots, and it was updated at most once per iteration: a state that breaks
        // this was edited or mixed up, and Adam would bias-correct its moments with the wrong t.
        for (Weight w : slots.keySet()) {
            if (!steps.containsKey(w)) {
                throw new IllegalArgumentException(owner + " state has slots " + slots.get(w).keySet() + " for weight "
                        + w.path() + " but no entry '" + w.path() + "/" + STEP + "' counting its updates");
            }
        }
        for (Map.Entry<Weight, Long> e : steps.entrySet()) {
            if (e.getValue() > iterations) {
                throw new IllegalArgumentException(owner + " state entry '" + e.getKey().path() + "/" + STEP
                        + "': a weight cannot have had " + e.getValue() + " updates in " + iterations + " iterations");
            }
        }
        return new OptimizerState(iterations, rate, steps, slots);
    }

    private static Tensor tensor(Map<String, Tensor> state, String name, String owner) {
        Tensor t = state.get(name);
        if (t == null) {
            throw new IllegalArgumentException(owner + " state has no entry '" + name + "'"
                    + (state.containsKey(name) ? " (its value is null)" : "; it has " + new TreeSet<>(state.keySet())));
        }
        return t;
    }

    private static float scalar(Map<String, Tensor> state, String name, String owner) {
        Tensor t = tensor(state, name, owner);
        if (t.numel() != 1) {
            throw ShapeMismatchException.of(owner + " state entry '" + name + "'", "expected a scalar", t.shape());
        }
        return t.item();
    }

    private static long count(Map<String, Tensor> state, String name, String owner) {
        float v = scalar(state, name, owner);
        if (!(v >= 0) || v != Math.rint(v) || Float.isInfinite(v)) {
            throw new IllegalArgumentException(owner + " state entry '" + name + "': expected a count (an integer >= 0), got "
                    + v);
        }
        return (long) v;
    }
}
