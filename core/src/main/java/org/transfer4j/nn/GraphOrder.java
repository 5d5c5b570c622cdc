package org.transfer4j.nn;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** How a {@link Model} orders the layer calls of its graph and lists its layers. */
final class GraphOrder {
    private GraphOrder() {
    }

    /**
     * The calls between inputs and outputs in Keras' order ({@code Functional}'s {@code map_graph}), in which
     * every call comes after the calls producing its inputs: a depth-first walk from the outputs back to the
     * inputs (with an explicit stack, so the depth of a network is not limited by the thread's call stack)
     * gives each call a depth, its longest path to an output, raised for a shared layer to the deepest of
     * its calls; calls run deepest first, and among equal depths, in the order the walk first met their
     * layers. That is the order of Keras' {@code model.layers} (ResNet's {@code conv2_block1_0_conv} comes
     * after {@code conv2_block1_2_relu}, beside {@code conv2_block1_3_conv}), so a layer's index here is its
     * index in Keras, which freezing by position relies on.
     */
    static List<LayerCall> calls(List<SymbolicTensor> inputs, List<SymbolicTensor> outputs) {
        Set<LayerCall> inputCalls = Collections.newSetFromMap(new IdentityHashMap<>());
        inputs.forEach(t -> inputCalls.add(t.producer()));
        Set<LayerCall> done = Collections.newSetFromMap(new IdentityHashMap<>());
        List<LayerCall> order = new ArrayList<>();
        Map<Layer, Integer> firstMet = new IdentityHashMap<>();
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
                firstMet.putIfAbsent(out.layer(), firstMet.size());
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
                        firstMet.putIfAbsent(producer.layer(), firstMet.size());
                    }
                } else {
                    stack.pop();
                    if (done.add(call)) {
                        order.add(call);
                    }
                }
            }
        }
        return byDepth(order, firstMet);
    }

    /**
     * Keras' depths: walking {@code postOrder} backwards visits every call before the calls producing its
     * inputs, so each call's depth is final when reached, and its producers get at least one more.
     */
    private static List<LayerCall> byDepth(List<LayerCall> postOrder, Map<Layer, Integer> firstMet) {
        Map<LayerCall, Integer> depth = new IdentityHashMap<>();
        Map<Layer, Integer> layerDepth = new IdentityHashMap<>();
        for (int k = postOrder.size() - 1; k >= 0; k--) {
            LayerCall call = postOrder.get(k);
            int d = Math.max(depth.getOrDefault(call, 0), layerDepth.getOrDefault(call.layer(), 0));
            depth.put(call, d);
            layerDepth.put(call.layer(), d);
            for (SymbolicTensor in : call.inputs()) {
                depth.merge(in.producer(), d + 1, Math::max);
            }
        }
        List<LayerCall> sorted = new ArrayList<>(postOrder);
        sorted.sort(Comparator.comparingInt((LayerCall c) -> -depth.get(c))
                .thenComparingInt(c -> firstMet.get(c.layer())));
        return List.copyOf(sorted);
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
