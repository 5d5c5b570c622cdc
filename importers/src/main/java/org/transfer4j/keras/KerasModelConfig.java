package org.transfer4j.keras;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.transfer4j.keras.KerasLayerConfigs.NotDescribable;
import org.transfer4j.nn.InputLayer;
import org.transfer4j.nn.Layer;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Sequential;
import org.transfer4j.nn.SymbolicTensor;

/**
 * The Keras 2 {@code model_config} of a transfer4j model: {@code {"class_name": "Functional" | "Sequential",
 * "config": ...}}, the inverse of what {@link KerasConfig} and {@link KerasGraph} read, in tf.keras 2's
 * {@code get_config} layout:
 * <pre>
 * Functional: {"name", "trainable", "layers": [{"class_name", "config", "name", "inbound_nodes"}, ...],
 *              "input_layers": [[name, 0, 0], ...], "output_layers": [[name, node, 0], ...]}
 *   inbound_nodes: one entry per call of the layer in this model, [[source, node, 0, kwargs], ...], kwargs
 *   {"training": false} for a call fixed in a mode (layer.apply(inputs, false)), else {};
 *   an InputLayer has none ([]), and a nested model's calls are numbered from 1 (see KerasGraph).
 * Sequential: {"name", "layers": [{"class_name": "InputLayer", "config": ...}, {"class_name", "config"}, ...]}
 * </pre>
 * Layers are listed in {@link Model#layers()} order, which is Keras' {@code model.layers} order, so that
 * Keras' {@code load_model}, which loads weights by position, pairs them as the writer listed them.
 * A nested model is written recursively as a layer entry of its class.
 */
final class KerasModelConfig {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    /** As the reader's limit: a model nested deeper than this is refused rather than risking the stack. */
    private static final int MAX_NESTING = 64;

    private KerasModelConfig() {
    }

    /**
     * The model's {@code {"class_name", "config"}}.
     *
     * @throws NotDescribable when some layer (nested models searched) has no Keras description
     */
    static ObjectNode describe(Model model) {
        return describe(model, 0);
    }

    /** The Keras class a model is written as. */
    static String className(Model model) {
        return isSequential(model) ? "Sequential" : "Functional";
    }

    private static ObjectNode describe(Model model, int depth) {
        if (depth > MAX_NESTING) {
            throw new NotDescribable("models are nested more than " + MAX_NESTING + " deep");
        }
        if (model.getClass() != Model.class && model.getClass() != Sequential.class) {
            throw new NotDescribable("model " + model.describe() + " is of class " + model.getClass().getName()
                    + ", a subclass that Keras cannot rebuild from a config (only Model and Sequential can be)");
        }
        ObjectNode entry = JSON.objectNode();
        entry.put("class_name", className(model));
        entry.set("config", isSequential(model) ? sequential(model, depth) : functional(model, depth));
        return entry;
    }

    private static ObjectNode layerEntry(Layer layer, int depth) {
        return layer instanceof Model nested ? describe(nested, depth + 1) : KerasLayerConfigs.describe(layer);
    }

    // ---- Sequential ----------------------------------------------------------------------------------------

    /** A {@link Sequential} whose calls are a plain chain of distinct layers (a repeated layer is written as a graph). */
    private static boolean isSequential(Model model) {
        if (!(model instanceof Sequential) || model.inputs().size() != 1 || model.outputs().size() != 1) {
            return false;
        }
        int calls = 0;
        for (SymbolicTensor t = model.output(); t != model.input(); t = t.inputs().getFirst()) {
            if (t.inputs().size() != 1) {
                return false;
            }
            calls++;
        }
        return calls == model.layers().size() - 1;
    }

    private static ObjectNode sequential(Model model, int depth) {
        ObjectNode config = JSON.objectNode();
        config.put("name", model.name());
        ArrayNode layers = config.putArray("layers");
        for (Layer layer : model.layers()) {
            layers.add(layer instanceof InputLayer in ? inputLayer(in) : layerEntry(layer, depth));
        }
        return config;
    }

    // ---- Functional ----------------------------------------------------------------------------------------

    private static ObjectNode functional(Model model, int depth) {
        Map<Layer, List<SymbolicTensor>> calls = callsByLayer(model);
        ObjectNode config = JSON.objectNode();
        config.put("name", model.name());
        config.put("trainable", model.isTrainable());
        ArrayNode layers = config.putArray("layers");
        for (Layer layer : model.layers()) {
            ObjectNode entry;
            if (layer instanceof InputLayer in) {
                entry = inputLayer(in);
                entry.put("name", in.name());
                entry.putArray("inbound_nodes");
            } else {
                entry = layerEntry(layer, depth);
                entry.put("name", layer.name());
                ArrayNode inbound = entry.putArray("inbound_nodes");
                for (SymbolicTensor call : calls.get(layer)) {
                    ArrayNode args = inbound.addArray();
                    for (SymbolicTensor in : call.inputs()) {
                        ArrayNode ref = reference(in, calls);
                        ObjectNode kwargs = ref.addObject(); // the call's keyword arguments: training=, if fixed
                        call.fixedTraining().ifPresent(mode -> kwargs.put("training", mode));
                        args.add(ref);
                    }
                }
            }
            layers.add(entry);
        }
        ArrayNode inputs = config.putArray("input_layers");
        model.inputs().forEach(t -> inputs.add(reference(t, calls)));
        ArrayNode outputs = config.putArray("output_layers");
        model.outputs().forEach(t -> outputs.add(reference(t, calls)));
        return config;
    }

    /** {@code [layer, node index, 0]}: which call of its layer produced the tensor (Keras' node index). */
    private static ArrayNode reference(SymbolicTensor t, Map<Layer, List<SymbolicTensor>> calls) {
        ArrayNode ref = JSON.arrayNode();
        ref.add(t.layer().name());
        if (t.layer() instanceof InputLayer) {
            ref.add(0);
        } else {
            int call = indexOf(calls.get(t.layer()), t);
            ref.add(t.layer() instanceof Model ? call + 1 : call);
        }
        ref.add(0);
        return ref;
    }

    private static int indexOf(List<SymbolicTensor> list, SymbolicTensor t) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) == t) {
                return i;
            }
        }
        throw new IllegalStateException("tensor " + t + " is not among the calls of its layer");
    }

    /**
     * Every call of the graph between the model's inputs and outputs, by layer, each layer's calls in an
     * order where a call comes after those it depends on (a depth-first walk from the outputs, with an
     * explicit stack so a deep network does not exhaust the thread's stack). A call is named by its output.
     */
    static Map<Layer, List<SymbolicTensor>> callsByLayer(Model model) {
        Set<SymbolicTensor> inputs = Collections.newSetFromMap(new IdentityHashMap<>());
        inputs.addAll(model.inputs());
        Set<SymbolicTensor> done = Collections.newSetFromMap(new IdentityHashMap<>());
        Map<Layer, List<SymbolicTensor>> calls = new IdentityHashMap<>();
        for (SymbolicTensor out : model.outputs()) {
            Deque<SymbolicTensor> stack = new ArrayDeque<>();
            Deque<Integer> next = new ArrayDeque<>();
            stack.push(out);
            next.push(0);
            while (!stack.isEmpty()) {
                SymbolicTensor t = stack.peek();
                int i = next.pop();
                if (inputs.contains(t) || done.contains(t)) {
                    stack.pop();
                } else if (i < t.inputs().size()) {
                    next.push(i + 1);
                    stack.push(t.inputs().get(i));
                    next.push(0);
                } else {
                    stack.pop();
                    done.add(t);
                    calls.computeIfAbsent(t.layer(), k -> new ArrayList<>()).add(t);
                }
            }
        }
        return calls;
    }

    /** {@code {"class_name": "InputLayer", "config": {"batch_input_shape": [null, ...], ...}}}. */
    private static ObjectNode inputLayer(InputLayer in) {
        ObjectNode config = JSON.objectNode();
        ArrayNode shape = config.putArray("batch_input_shape");
        shape.addNull();
        for (int d : in.shape()) {
            shape.add(d);
        }
        config.put("dtype", "float32");
        config.put("sparse", false);
        config.put("ragged", false);
        config.put("name", in.name());
        ObjectNode entry = JSON.objectNode();
        entry.put("class_name", KerasConfig.INPUT_LAYER);
        entry.set("config", config);
        return entry;
    }
}
