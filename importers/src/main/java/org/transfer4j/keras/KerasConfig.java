package org.transfer4j.keras;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.transfer4j.Transfer4jException;
import org.transfer4j.nn.Input;
import org.transfer4j.nn.Layer;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.SymbolicTensor;

/**
 * Builds a transfer4j {@link Model} from a Keras model config: the {@code model_config} attribute of a Keras
 * {@code .h5} file, or the JSON of {@code model.to_json()}. The weights are not set (see {@code KerasWeights}).
 *
 * <p>Formats read:
 * <ul>
 *   <li>{@code Sequential}: {@code config.layers} (or, before Keras 2.2, {@code config} itself as the list),
 *       with the input from a first {@code InputLayer} or from the first layer's {@code batch_input_shape}
 *       (Keras 3: {@code batch_shape}, or the model's {@code build_input_shape}); the input is then named
 *       {@code <first layer>_input}, as Keras names it;</li>
 *   <li>{@code Functional} / {@code Model}: see {@link KerasGraph};</li>
 *   <li>a model used as a layer of another model (a pretrained base) is built recursively;</li>
 *   <li>Keras 3 entries wrapped as {@code {"module", "class_name", "config", "registered_name",
 *       "build_config"}}: only {@code class_name} and {@code config} matter.</li>
 * </ul>
 * Every failure is a {@link KerasImportException} that says what is wrong and names the layer.
 */
public final class KerasConfig {
    static final Set<String> MODEL_CLASSES = Set.of("Sequential", "Functional", "Model");
    static final String INPUT_LAYER = "InputLayer";
    /** Models nested deeper than this are refused rather than risking the thread's stack. */
    private static final int MAX_NESTING = 64;
    private static final ObjectMapper JSON = new ObjectMapper();

    private KerasConfig() {
    }

    /** The model described by a Keras model config JSON ({@code {"class_name": ..., "config": ...}}). */
    public static Model fromJson(String json) {
        return build(parse(json));
    }

    /** The model described by a parsed Keras model config. */
    public static Model build(JsonNode modelConfig) {
        String className = className(modelConfig);
        if (!MODEL_CLASSES.contains(className)) {
            throw new KerasImportException("the model config's class is '" + className + "'; expected one of "
                    + new TreeSet<>(MODEL_CLASSES));
        }
        return model(modelConfig, null, 0);
    }

    /** Every Keras class name an imported config may use, sorted. */
    public static List<String> supportedClasses() {
        TreeSet<String> all = new TreeSet<>(KerasLayers.supported());
        all.add(INPUT_LAYER);
        all.addAll(MODEL_CLASSES);
        return List.copyOf(all);
    }

    /** Parses JSON text, turning Jackson's errors into a {@link KerasImportException}. */
    static JsonNode parse(String json) {
        if (json == null || json.isBlank()) {
            throw new KerasImportException("the model config is empty");
        }
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null || !node.isObject()) {
                throw new KerasImportException("the model config is not a JSON object");
            }
            return node;
        } catch (JacksonException e) {
            throw new KerasImportException("the model config is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    // ---- entries ---------------------------------------------------------------------------------------

    static String className(JsonNode entry) {
        JsonNode c = entry.get("class_name");
        if (c == null || !c.isTextual()) {
            throw new KerasImportException("a layer entry has no 'class_name': " + abbreviate(entry));
        }
        return c.textValue();
    }

    /** The entry's {@code config}: an object, or the layer list of an old Sequential. */
    static JsonNode config(JsonNode entry) {
        JsonNode c = entry.get("config");
        if (c == null || !(c.isObject() || c.isArray())) {
            throw new KerasImportException("layer entry of class '" + className(entry) + "' has no 'config' object: "
                    + abbreviate(entry));
        }
        return c;
    }

    /** The layer's name: the entry's {@code name} (functional configs) or its config's. */
    static String entryName(JsonNode entry) {
        JsonNode n = entry.get("name");
        if (n == null || !n.isTextual()) {
            n = config(entry).get("name");
        }
        if (n == null || !n.isTextual() || n.textValue().isEmpty()) {
            throw new KerasImportException("a layer entry of class '" + className(entry) + "' has no name: "
                    + abbreviate(entry));
        }
        return n.textValue();
    }

    /** A layer, or a nested model, from a layer entry of a Sequential or Functional config. */
    static Layer layer(JsonNode entry, int depth) {
        String className = className(entry);
        String name = entryName(entry);
        if (MODEL_CLASSES.contains(className)) {
            return model(entry, name, depth + 1);
        }
        return KerasLayers.create(className, name, config(entry));
    }

    static boolean isInputLayer(JsonNode entry) {
        return INPUT_LAYER.equals(className(entry));
    }

    /** The input shape (batch axis excluded) an InputLayer config declares; sparse and ragged inputs are refused. */
    static int[] inputLayerShape(String name, JsonNode config) {
        for (String flag : List.of("sparse", "ragged")) {
            if (config.path(flag).asBoolean(false)) {
                throw new KerasImportException("input layer '" + name + "' is " + flag + "; transfer4j takes dense"
                        + " tensors only");
            }
        }
        for (String key : List.of("batch_input_shape", "batch_shape")) {
            if (config.hasNonNull(key)) {
                return withoutBatch(name, key, config.get(key));
            }
        }
        for (String key : List.of("input_shape", "shape")) {
            if (config.hasNonNull(key)) {
                return dimensions(name, key, config.get(key));
            }
        }
        throw new KerasImportException("input layer '" + name + "' has no 'batch_input_shape' or 'batch_shape'");
    }

    /** {@code [null, 32, 32, 3] -> {32, 32, 3}}, refusing unknown (null) sizes besides the batch. */
    static int[] withoutBatch(String name, String key, JsonNode shape) {
        if (!shape.isArray() || shape.isEmpty()) {
            throw new KerasImportException("layer '" + name + "': '" + key + "' must be a list [batch, ...], got " + shape);
        }
        List<JsonNode> dims = new ArrayList<>();
        shape.forEach(dims::add);
        return dimensions(name, key, dims.subList(1, dims.size()));
    }

    private static int[] dimensions(String name, String key, Iterable<JsonNode> dims) {
        List<Integer> out = new ArrayList<>();
        for (JsonNode d : dims) {
            if (d.isNull()) {
                throw new KerasImportException("layer '" + name + "': '" + key + "' has a dimension of unknown size"
                        + " (None) besides the batch; transfer4j needs fixed sizes");
            }
            if (!d.isIntegralNumber() || !d.canConvertToInt() || d.intValue() < 1) {
                throw new KerasImportException("layer '" + name + "': '" + key + "' has the dimension " + d
                        + "; sizes must be positive integers");
            }
            out.add(d.intValue());
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    // ---- models ----------------------------------------------------------------------------------------

    /** A Sequential or Functional model from its entry; {@code name} overrides the config's name when given. */
    static Model model(JsonNode entry, String name, int depth) {
        if (depth > MAX_NESTING) {
            throw new KerasImportException("models are nested more than " + MAX_NESTING + " deep");
        }
        JsonNode config = config(entry);
        String modelName = name != null ? name : config.path("name").isTextual() ? config.path("name").textValue()
                : className(entry).toLowerCase(Locale.ROOT);
        if (className(entry).equals("Sequential")) {
            return sequential(entry, config, modelName, depth);
        }
        if (!config.isObject()) {
            throw new KerasImportException("model '" + modelName + "': a Functional config must be an object");
        }
        return KerasGraph.build(modelName, config, depth);
    }

    private static Model sequential(JsonNode entry, JsonNode config, String name, int depth) {
        JsonNode list = config.isArray() ? config : config.get("layers");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new KerasImportException("Sequential model '" + name + "' has no layers");
        }
        List<JsonNode> entries = new ArrayList<>();
        list.forEach(entries::add);
        SymbolicTensor input;
        if (isInputLayer(entries.getFirst())) {
            String inputName = entryName(entries.getFirst());
            input = input(inputName, inputLayerShape(inputName, config(entries.getFirst())));
            entries = entries.subList(1, entries.size());
        } else {
            input = null;
        }
        List<Layer> layers = new ArrayList<>();
        for (JsonNode e : entries) {
            layers.add(layer(e, depth));
        }
        if (layers.isEmpty()) {
            throw new KerasImportException("Sequential model '" + name + "' has an input but no layers");
        }
        if (input == null) {
            Layer first = layers.getFirst();
            input = input(first.name() + "_input", sequentialInputShape(entry, config, entries.getFirst(), first));
        }
        SymbolicTensor x = input;
        for (Layer layer : layers) {
            x = call(layer, List.of(x), null);
        }
        return newModel(name, List.of(input), List.of(x));
    }

    /** Where a Sequential without an InputLayer keeps its input shape, Keras 2 first, then Keras 3. */
    private static int[] sequentialInputShape(JsonNode entry, JsonNode config, JsonNode firstEntry, Layer first) {
        JsonNode firstConfig = config(firstEntry);
        for (String key : List.of("batch_input_shape", "batch_shape")) {
            if (firstConfig.hasNonNull(key)) {
                return withoutBatch(first.name(), key, firstConfig.get(key));
            }
        }
        if (config.isObject() && config.hasNonNull("build_input_shape")) {
            return withoutBatch(first.name(), "build_input_shape", config.get("build_input_shape"));
        }
        JsonNode built = entry.path("build_config").path("input_shape");
        if (built.isArray()) {
            return withoutBatch(first.name(), "build_config.input_shape", built);
        }
        if (first instanceof Model nested && nested.inputs().size() == 1) {
            return nested.input().shape();
        }
        throw new KerasImportException("Sequential model: its first layer '" + first.name() + "' declares no "
                + "batch_input_shape and there is no InputLayer, so the input shape is unknown");
    }

    static SymbolicTensor input(String name, int[] shape) {
        try {
            return Input.of(name, shape);
        } catch (IllegalArgumentException e) {
            throw new KerasImportException("input layer '" + name + "': " + e.getMessage(), e);
        }
    }

    /**
     * {@code layer(inputs)}, or {@code layer(inputs, training=...)} when {@code training} is not null, with
     * the layer's refusals turned into a {@link KerasImportException}.
     */
    static SymbolicTensor call(Layer layer, List<SymbolicTensor> inputs, Boolean training) {
        try {
            return training == null ? layer.apply(inputs) : layer.apply(inputs, training);
        } catch (IllegalArgumentException | IllegalStateException | ArithmeticException | Transfer4jException e) {
            if (e instanceof KerasImportException k) {
                throw k;
            }
            throw new KerasImportException("layer " + layer.describe() + " cannot be called on inputs of shape "
                    + inputs.stream().map(SymbolicTensor::shapeString).toList() + ": " + e.getMessage(), e);
        }
    }

    static Model newModel(String name, List<SymbolicTensor> inputs, List<SymbolicTensor> outputs) {
        try {
            return new Model(name, inputs, outputs);
        } catch (IllegalArgumentException | IllegalStateException | Transfer4jException e) {
            throw new KerasImportException("model '" + name + "': " + e.getMessage(), e);
        }
    }

    static String abbreviate(JsonNode node) {
        String s = String.valueOf(node);
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
