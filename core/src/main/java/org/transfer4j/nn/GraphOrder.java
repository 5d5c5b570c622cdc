package org.transfer4j.nn;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/** How a {@link Model} orders the layer calls of its graph and lists its layers. */
final class GraphOrder {
    private GraphOrder() {
    }

    /**
     * The calls between inputs and outputs in an order where every call comes after the calls producing
     * its inputs: a post-order depth-first walk from the outputs back to the inputs, with an explicit
     * stack, so the depth of a network is not limited by the thread's call stack.
     */
    static List<LayerCall> calls(List<SymbolicTensor> inputs, List<SymbolicTensor> outputs) {
        Set<LayerCall> inputCalls = Collections.newSetFromMap(new IdentityHashMap<>());
        inputs.forEach(t -> inputCalls.add(t.producer()));
        Set<LayerCall> done = Collections.newSetFromMap(new IdentityHashMap<>());
        List<LayerCall> order = new ArrayList<>();
        for (SymbolicTensor out : outputs) {
            Deque<LayerCall> stack = new ArrayDeque<>();
            Deque<Integer> next = new ArrayDeque<>();
            if (!inputCalls.contains(out.producer()) && !done.contains(out.producer())) {
                if (out.producer().inputs().isEmpty()) {
                    throw new IllegalArgumentException("graph disconnected: an output is the input '"
                            + out.layer().name() + "', which is not among the model's inputs");
                }
                stack.push(out.producer());
                next.push(0);
            }
            while (!stack.isEmpty()) {
                LayerCall call = stack.peek();
                int i = next.pop();
                if (i < call.inputs().size()) {
                    next.push(i + 1);
                    LayerCall producer = call.inputs().get(i).producer();
                    if (!inputCalls.contains(producer) && !done.contains(producer)) {
                        if (producer.inputs().isEmpty()) {
                            throw new IllegalArgumentException("graph disconnected: '" + call.layer().name()
                                    + "' depends on input '" + producer.layer().name()
                                    + "', which is not among the model's inputs");
                        }
                        stack.push(producer);
                        next.push(0);
                    }
                } else {
                    stack.pop();
                    if (done.add(call)) {
                        order.add(call);
                    }
                }
            }
        }
        return List.copyOf(order);
    }

    static List<Layer> distinctLayers(List<SymbolicTensor> inputs, List<LayerCall> calls) {
        Set<Layer> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Layer> out = new ArrayList<>();
        inputs.forEach(t -> {
            if (seen.add(t.layer())) {
                out.add(t.layer());
            }
        });
        calls.forEach(c -> {
            if (seen.add(c.layer())) {
                out.add(c.layer());
            }
        });
        return List.copyOf(out);
    }
}
