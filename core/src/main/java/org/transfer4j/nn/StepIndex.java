package org.transfer4j.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which step makes each value of a graph and which steps read it: what the planners that join steps
 * ({@link JoinedPadding}, {@link BiasedBatchNorm}, {@link InferenceModel}) ask before they skip a value.
 *
 * @param <S> the kind of step listed
 */
final class StepIndex<S extends GraphStep> {
    private final Map<SymbolicTensor, S> producers = new IdentityHashMap<>();
    private final Map<SymbolicTensor, List<S>> readers = new IdentityHashMap<>();
    private final Set<SymbolicTensor> outputs = Collections.newSetFromMap(new IdentityHashMap<>());

    StepIndex(List<S> steps, List<SymbolicTensor> graphOutputs) {
        outputs.addAll(graphOutputs);
        for (S step : steps) {
            producers.put(step.output(), step);
            for (SymbolicTensor in : step.inputs()) {
                readers.computeIfAbsent(in, k -> new ArrayList<>()).add(step);
            }
        }
    }

    /** The step that makes {@code value}, or null for a graph input. */
    S producer(SymbolicTensor value) {
        return producers.get(value);
    }

    /** Makes the step of a one-input call and the step producing its input, or null when the two do not join. */
    @FunctionalInterface
    interface Join {
        GraphStep of(GraphStep producer, LayerCall call, StepIndex<GraphStep> index);
    }

    /**
     * {@code steps} with each one-input call that {@code join} joins to the step producing its input replaced by the
     * joined step, and that producer left out (a value only the call reads, which the joined step need not make).
     */
    static List<GraphStep> joinWithProducers(List<GraphStep> steps, List<SymbolicTensor> outputs, Join join) {
        StepIndex<GraphStep> index = new StepIndex<>(steps, outputs);
        Set<GraphStep> absorbed = Collections.newSetFromMap(new IdentityHashMap<>());
        List<GraphStep> planned = new ArrayList<>();
        for (GraphStep step : steps) {
            GraphStep producer = step instanceof LayerCall call && call.inputs().size() == 1
                    ? index.producer(call.inputs().getFirst()) : null;
            GraphStep joined = producer == null ? null : join.of(producer, (LayerCall) step, index);
            if (joined != null) {
                absorbed.add(producer);
                planned.add(joined);
            } else {
                planned.add(step);
            }
        }
        planned.removeIf(absorbed::contains);
        return planned;
    }

    /**
     * The one step reading {@code value}, when exactly one does and the value is not a graph output: a value only
     * that step sees, which a join may leave unmade. Null otherwise.
     */
    S soleReader(SymbolicTensor value) {
        List<S> r = readers.getOrDefault(value, List.of());
        return r.size() == 1 && !outputs.contains(value) ? r.getFirst() : null;
    }
}
