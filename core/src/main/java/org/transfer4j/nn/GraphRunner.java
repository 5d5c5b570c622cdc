package org.transfer4j.nn;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.transfer4j.autograd.NoGrad;
import org.transfer4j.tensor.Tensor;
import org.transfer4j.tensor.TensorScope;

/** Runs a functional graph's steps in order ({@link Model#callAll}, {@link InferenceModel#predict}). */
final class GraphRunner {
    private GraphRunner() {
    }

    /**
     * Runs {@code steps} (topologically ordered) from {@code values}, which holds each input's batch, and returns
     * the outputs' values. Inside a {@link TensorScope}, values are freed as soon as the last step that reads them
     * has run, as PyTorch's reference counting does. Without a tape (predict, feature extraction) that is every
     * activation: a forward pass holds a layer's input and output at a time. With a tape (a training step) it is
     * each activation whose values no backward pass reads: neither the step that made it
     * ({@link GraphStep#backwardReadsOutput}) nor any step reading it ({@link GraphStep#backwardReadsInputs}) keeps
     * it, so a batch norm's output that only a ReLU reads is gone before the backward pass begins.
     */
    static List<Tensor> run(List<? extends GraphStep> steps, Map<SymbolicTensor, Tensor> values,
                            List<SymbolicTensor> inputs, List<SymbolicTensor> outputs, boolean training) {
        TensorScope scope = TensorScope.current();
        boolean taped = NoGrad.isGradEnabled();
        Map<SymbolicTensor, Integer> lastUse = scope == null ? Map.of() : lastUses(steps, inputs, outputs);
        if (taped && scope != null) {
            lastUse.keySet().retainAll(unread(steps));
        }
        for (int i = 0; i < steps.size(); i++) {
            GraphStep step = steps.get(i);
            List<Tensor> in = step.inputs().stream().map(values::get).toList();
            if (scope == null || taped) { // a step's temporaries may be saved for backward: the step scope keeps them
                values.put(step.output(), step.run(in, training));
            } else {
                try (TensorScope own = TensorScope.open()) { // what the step makes besides its output (a padded input...)
                    values.put(step.output(), own.keep(step.run(in, training)));
                }
            }
            if (scope != null) {
                freeDead(i, step, values, lastUse, scope);
            }
        }
        if (taped && scope != null) {
            markFreeAfterBackward(values, inputs, outputs);
        }
        return outputs.stream().map(values::get).toList();
    }

    /**
     * The activations still held for backward, neither an input nor an output of the graph nor sharing storage
     * with another value, are freed by the backward pass once it has gone past them ({@link Tensor#freeAfterBackward}).
     */
    private static void markFreeAfterBackward(Map<SymbolicTensor, Tensor> values, List<SymbolicTensor> inputs,
                                              List<SymbolicTensor> outputs) {
        Map<Object, Integer> users = new IdentityHashMap<>();
        values.values().forEach(t -> users.merge(t.storage(), 1, Integer::sum));
        for (Map.Entry<SymbolicTensor, Tensor> e : values.entrySet()) {
            Tensor t = e.getValue();
            if (!inputs.contains(e.getKey()) && !outputs.contains(e.getKey()) && users.get(t.storage()) == 1
                    && t.requiresGrad()) {
                t.freeAfterBackward();
            }
        }
    }

    /** The values whose data no backward pass through these steps reads (see {@link #run}). */
    private static Set<SymbolicTensor> unread(List<? extends GraphStep> steps) {
        Set<SymbolicTensor> unread = Collections.newSetFromMap(new IdentityHashMap<>());
        for (GraphStep step : steps) {
            if (!step.backwardReadsOutput()) {
                unread.add(step.output());
            }
        }
        for (GraphStep step : steps) {
            if (step.backwardReadsInputs()) {
                step.inputs().forEach(unread::remove);
            }
        }
        return unread;
    }

    /** For each value the steps read: the index of the last step reading it (outputs and inputs are never dead). */
    private static Map<SymbolicTensor, Integer> lastUses(List<? extends GraphStep> steps, List<SymbolicTensor> inputs,
                                                         List<SymbolicTensor> outputs) {
        Map<SymbolicTensor, Integer> last = new IdentityHashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            for (SymbolicTensor in : steps.get(i).inputs()) {
                last.put(in, i);
            }
        }
        for (SymbolicTensor kept : outputs) {
            last.remove(kept);
        }
        for (SymbolicTensor kept : inputs) {
            last.remove(kept);
        }
        return last;
    }

    /**
     * Frees the values that step {@code i} read for the last time, unless another live value is a view of the
     * same storage (a Reshape's output is its input's storage) or the storage was not made in this scope (a
     * weight, a constant, the caller's batch): {@link TensorScope#free} frees only what the scope made.
     */
    private static void freeDead(int i, GraphStep step, Map<SymbolicTensor, Tensor> values,
                                 Map<SymbolicTensor, Integer> lastUse, TensorScope scope) {
        for (SymbolicTensor in : step.inputs()) {
            Integer last = lastUse.get(in);
            if (last == null || last != i || !values.containsKey(in)) {
                continue;
            }
            scope.freeUnlessUsed(values.remove(in).storage(), values.values());
        }
    }
}
