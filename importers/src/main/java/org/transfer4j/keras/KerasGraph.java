package org.transfer4j.keras;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.transfer4j.nn.Layer;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.SymbolicTensor;

/**
 * A Keras {@code Functional} (Keras 2.2–2.3: {@code Model}) config as a transfer4j graph. The config lists
 * the layers with, for each, its calls ({@code inbound_nodes}); each call names its input tensors as
 * {@code [layer, node_index, tensor_index]}, where {@code node_index} is which call of that layer produced
 * the tensor (a shared layer has several). The two spellings:
 * <pre>
 * Keras 2: "inbound_nodes": [[["conv1", 0, 0, {}], ["skip", 0, 0, {}]]]
 * Keras 3: "inbound_nodes": [{"args": [[{"class_name": "__keras_tensor__",
 *                                       "config": {"keras_history": ["conv1", 0, 0]}}, ...]], "kwargs": {}}]
 * </pre>
 * {@code input_layers}/{@code output_layers} list the model's tensors the same way. A nested model's calls
 * are numbered from 1: Keras counts the call that built it as its node 0 ({@code kept_nodes = 1} in Keras'
 * {@code get_config}).
 *
 * <p>As Keras' {@code functional_from_config}, calls are made in passes over the layer list until none is
 * left, so a config may list a layer before the layers it depends on. Before that, every reference is
 * checked (layer known, node index in range, single-output tensor index 0), so a broken config gets a
 * message saying which reference is wrong, and a pass that makes no progress can only mean a cycle.
 * Of a call's keyword arguments only {@code training} is read: {@code base(x, training=False)} becomes a
 * call fixed in inference mode ({@code layer.apply(inputs, false)}), as the transfer-learning guides wire
 * a pretrained base, so fine-tuning the imported model keeps the base's batch normalisation frozen.
 */
final class KerasGraph {
    /** One input tensor of a call: output {@code tensor} of call {@code node} of {@code layer}. */
    record TensorRef(String layer, int node, int tensor) {
        @Override
        public String toString() {
            return "['" + layer + "', " + node + ", " + tensor + "]";
        }
    }

    /** One call of a layer: its input tensors, and its {@code training} keyword (null when not given). */
    record Call(List<TensorRef> refs, Boolean training) {
    }

    /** A layer of the config with its calls, in order; {@code outputs} fills as the calls are made. */
    private static final class Node {
        final String name;
        final Layer layer;
        final boolean isModel;
        final List<Call> calls;
        final List<SymbolicTensor> outputs = new ArrayList<>();

        Node(String name, Layer layer, boolean isModel, List<Call> calls) {
            this.name = name;
            this.layer = layer;
            this.isModel = isModel;
            this.calls = calls;
        }

        /** Keras' node index of this layer's {@code call}-th call. */
        int nodeIndex(int call) {
            return isModel ? call + 1 : call;
        }

        /** The number of node indices a reference may use: an input layer has one, its own. */
        int nodeCount() {
            return layer == null ? 1 : calls.size();
        }
    }

    private final String modelName;
    private final Map<String, Node> nodes = new LinkedHashMap<>();

    private KerasGraph(String modelName) {
        this.modelName = modelName;
    }

    /** The model of a Functional config object ({@code layers}, {@code input_layers}, {@code output_layers}). */
    static Model build(String name, JsonNode config, int depth) {
        KerasGraph g = new KerasGraph(name);
        JsonNode layers = config.get("layers");
        if (layers == null || !layers.isArray() || layers.isEmpty()) {
            throw g.error("the config has no 'layers' list");
        }
        for (JsonNode entry : layers) {
            g.add(entry, depth);
        }
        List<TensorRef> inputs = g.refs(config.get("input_layers"), "input_layers");
        List<TensorRef> outputs = g.refs(config.get("output_layers"), "output_layers");
        g.check(inputs, outputs);
        g.callAll();
        List<SymbolicTensor> in = inputs.stream().map(g::resolve).toList();
        List<SymbolicTensor> out = outputs.stream().map(g::resolve).toList();
        return KerasConfig.newModel(name, in, out);
    }

    private KerasImportException error(String problem) {
        return new KerasImportException("model '" + modelName + "': " + problem);
    }

    // ---- reading ---------------------------------------------------------------------------------------

    private void add(JsonNode entry, int depth) {
        String name = KerasConfig.entryName(entry);
        if (nodes.containsKey(name)) {
            throw error("two layers are named '" + name + "'");
        }
        Node node;
        if (KerasConfig.isInputLayer(entry)) {
            SymbolicTensor in = KerasConfig.input(name, KerasConfig.inputLayerShape(name, KerasConfig.config(entry)));
            node = new Node(name, null, false, List.of());
            node.outputs.add(in);
        } else {
            Layer layer = KerasConfig.layer(entry, depth);
            List<Call> calls = calls(name, entry.get("inbound_nodes"));
            if (calls.isEmpty()) {
                throw error("layer '" + name + "' is never called (its 'inbound_nodes' is empty)");
            }
            node = new Node(name, layer, layer instanceof Model, calls);
        }
        nodes.put(name, node);
    }

    private List<Call> calls(String layer, JsonNode inbound) {
        if (inbound == null || !inbound.isArray()) {
            throw error("layer '" + layer + "' has no 'inbound_nodes' list");
        }
        List<Call> calls = new ArrayList<>();
        for (JsonNode call : inbound) {
            List<TensorRef> refs = new ArrayList<>();
            Boolean training = null;
            if (call.isArray()) { // Keras 2: [[name, node, tensor, kwargs], ...]
                for (JsonNode t : call) {
                    if (!t.isArray() || t.size() < 3 || t.size() > 4) {
                        throw error("layer '" + layer + "': an inbound tensor must be [layer, node, tensor, kwargs], got " + t);
                    }
                    refs.add(ref(t, layer));
                    Boolean mode = training(layer, t.get(3)); // Keras 2 repeats the call's kwargs on each tensor
                    training = training == null ? mode : training;
                }
            } else if (call.isObject()) { // Keras 3: {"args": [...], "kwargs": {...}}
                collectTensors(layer, call.get("args"), refs);
                training = training(layer, call.get("kwargs"));
            } else {
                throw error("layer '" + layer + "': a call in 'inbound_nodes' must be a list or an object, got " + call);
            }
            if (refs.isEmpty()) {
                throw error("layer '" + layer + "' has a call without input tensors");
            }
            calls.add(new Call(refs, training));
        }
        return calls;
    }

    /** The {@code __keras_tensor__} objects of a Keras 3 call's {@code args}, depth first, in order. */
    private void collectTensors(String layer, JsonNode args, List<TensorRef> out) {
        if (args == null || args.isNull()) {
            return;
        }
        if (args.isArray()) {
            for (JsonNode a : args) {
                collectTensors(layer, a, out);
            }
            return;
        }
        if (args.isObject() && "__keras_tensor__".equals(args.path("class_name").asText())) {
            JsonNode history = args.path("config").get("keras_history");
            if (history == null || !history.isArray() || history.size() != 3) {
                throw error("layer '" + layer + "': a __keras_tensor__ without keras_history [layer, node, tensor]: " + args);
            }
            out.add(ref(history, layer));
            return;
        }
        throw error("layer '" + layer + "' is called with the argument " + KerasConfig.abbreviate(args)
                + ", which is not a tensor; transfer4j's layers take tensors only");
    }

    /**
     * Call keywords: returns {@code training} when it is a boolean (null when absent or null); any
     * other non-null keyword is refused.
     */
    private Boolean training(String layer, JsonNode kwargs) {
        if (kwargs == null || kwargs.isNull()) {
            return null;
        }
        if (!kwargs.isObject()) {
            throw error("layer '" + layer + "': call keyword arguments must be an object, got " + kwargs);
        }
        for (Map.Entry<String, JsonNode> e : kwargs.properties()) {
            if (!e.getKey().equals("training") && !e.getValue().isNull()) {
                throw error("layer '" + layer + "' is called with the keyword argument " + e.getKey() + "="
                        + KerasConfig.abbreviate(e.getValue()) + ", which transfer4j does not support");
            }
        }
        JsonNode training = kwargs.get("training");
        if (training == null || training.isNull()) {
            return null;
        }
        if (!training.isBoolean()) {
            throw error("layer '" + layer + "' is called with training=" + KerasConfig.abbreviate(training)
                    + "; transfer4j reads training=true, false or null");
        }
        return training.booleanValue();
    }

    /** {@code [name, node, tensor]} (a Keras 2 inbound tensor may have kwargs as a fourth entry). */
    private TensorRef ref(JsonNode t, String where) {
        if (!t.get(0).isTextual() || !t.get(1).canConvertToInt() || !t.get(2).canConvertToInt()
                || !t.get(1).isIntegralNumber() || !t.get(2).isIntegralNumber()) {
            throw error("'" + where + "': a tensor reference must be [layer name, node index, tensor index], got " + t);
        }
        return new TensorRef(t.get(0).textValue(), t.get(1).intValue(), t.get(2).intValue());
    }

    /** {@code input_layers}/{@code output_layers}: a list of references, or (Keras 3, one tensor) a single one. */
    private List<TensorRef> refs(JsonNode list, String key) {
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw error("the config has no '" + key + "' list");
        }
        if (list.get(0).isTextual()) {
            if (list.size() != 3) {
                throw error("'" + key + "' must hold [layer name, node index, tensor index] entries, got " + list);
            }
            return List.of(ref(list, key));
        }
        List<TensorRef> out = new ArrayList<>();
        for (JsonNode t : list) {
            if (!t.isArray() || t.size() != 3) {
                throw error("'" + key + "' must hold [layer name, node index, tensor index] entries, got " + t);
            }
            out.add(ref(t, key));
        }
        return out;
    }

    // ---- checking and calling ----------------------------------------------------------------------------

    private void check(List<TensorRef> inputs, List<TensorRef> outputs) {
        for (Node node : nodes.values()) {
            for (Call call : node.calls) {
                for (TensorRef r : call.refs()) {
                    checkRef(r, "layer '" + node.name + "'");
                }
            }
        }
        for (TensorRef r : inputs) {
            checkRef(r, "input_layers");
            if (nodes.get(r.layer()).layer != null) {
                throw error("input_layers lists '" + r.layer() + "', which is not an InputLayer");
            }
        }
        for (TensorRef r : outputs) {
            checkRef(r, "output_layers");
        }
    }

    private void checkRef(TensorRef r, String where) {
        Node source = nodes.get(r.layer());
        if (source == null) {
            throw error(where + " takes its input from '" + r.layer() + "', which is not a layer of this model");
        }
        if (r.tensor() != 0) {
            throw error(where + " takes output tensor " + r.tensor() + " of '" + r.layer()
                    + "', but every layer transfer4j imports has one output (tensor index 0)");
        }
        int first = source.nodeIndex(0);
        int count = source.nodeCount();
        if (r.node() < first || r.node() >= first + count) {
            throw error(where + " takes node " + r.node() + " of '" + r.layer() + "', which "
                    + (source.layer == null ? "is an input layer (node 0 only)"
                    : "is called " + count + (count == 1 ? " time" : " times") + " in this model (node indices "
                            + first + ".." + (first + count - 1) + ")"));
        }
    }

    /** Makes every call, in passes over the layers, until all are made; a pass without progress is a cycle. */
    private void callAll() {
        boolean pending = true;
        while (pending) {
            pending = false;
            boolean progress = false;
            for (Node node : nodes.values()) {
                while (node.outputs.size() < node.calls.size() && ready(node.calls.get(node.outputs.size()))) {
                    Call call = node.calls.get(node.outputs.size());
                    List<SymbolicTensor> in = call.refs().stream().map(this::resolve).toList();
                    node.outputs.add(KerasConfig.call(node.layer, in, call.training()));
                    progress = true;
                }
                pending |= node.layer != null && node.outputs.size() < node.calls.size();
            }
            if (pending && !progress) {
                throw error("the layer graph has a cycle; these calls wait on each other: " + waiting());
            }
        }
    }

    private boolean ready(Call call) {
        return call.refs().stream().allMatch(r -> resolvable(r));
    }

    private boolean resolvable(TensorRef r) {
        Node source = nodes.get(r.layer());
        return r.node() - source.nodeIndex(0) < source.outputs.size();
    }

    private SymbolicTensor resolve(TensorRef r) {
        Node source = nodes.get(r.layer());
        return source.outputs.get(r.node() - source.nodeIndex(0));
    }

    private String waiting() {
        List<String> out = new ArrayList<>();
        for (Node node : nodes.values()) {
            if (node.layer != null && node.outputs.size() < node.calls.size()) {
                Call call = node.calls.get(node.outputs.size());
                out.add("'" + node.name + "' waits for " + call.refs().stream().filter(r -> !resolvable(r)).toList());
            }
        }
        return String.join("; ", out);
    }
}
