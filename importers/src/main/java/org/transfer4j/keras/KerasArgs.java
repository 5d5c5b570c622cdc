package org.transfer4j.keras;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The arguments of one Keras layer (the {@code config} object of a layer entry), read by name with Keras'
 * defaults, and the check that nothing left unread would change what the layer computes.
 *
 * <p>What {@link #finish} lets pass without reading, and why:
 * <ul>
 *   <li>{@code name}, {@code trainable}: read by {@link KerasLayers} for every layer;</li>
 *   <li>{@code dtype} (a string, or a Keras 3 {@code DTypePolicy} object): transfer4j computes in float32,
 *       so a {@code mixed_float16} model runs in float32 (no less precise than Keras);</li>
 *   <li>{@code batch_input_shape}, {@code batch_shape}, {@code input_shape}, {@code batch_size}: read by the
 *       model builder where they set the model's input, otherwise only a check Keras itself makes;</li>
 *   <li>{@code *_initializer}: the weights come from the file; a model built without weights gets the
 *       layer's Java defaults (Keras' defaults);</li>
 *   <li>{@code *_regularizer}, {@code activity_regularizer}, {@code *_constraint}: they act on training
 *       losses and updates only, not on what the layer computes;</li>
 *   <li>{@link #IMPLEMENTATION_ONLY}: choices of implementation or of distributed training;</li>
 *   <li>any other argument whose value is {@code null}, {@code false} or empty: Keras' way of saying a
 *       feature is off (e.g. {@code renorm: false}, {@code virtual_batch_size: null}, {@code lora_rank: null}).</li>
 * </ul>
 * Any other argument is refused with a {@link KerasImportException} naming the layer, the argument and its value.
 */
final class KerasArgs {
    /** Arguments about how Keras computes, not what: they never change the result of inference. */
    static final Set<String> IMPLEMENTATION_ONLY = Set.of("fused", "synchronized", "renorm_momentum",
            "renorm_clipping", "lora_alpha", "autocast");
    private static final Set<String> SHAPE_HINTS = Set.of("batch_input_shape", "batch_shape", "input_shape",
            "batch_size", "input_dtype");

    private final String className;
    private final String layerName;
    private final JsonNode config;
    private final Set<String> read = new HashSet<>();

    KerasArgs(String className, String layerName, JsonNode config) {
        this.className = className;
        this.layerName = layerName;
        this.config = config;
    }

    String className() {
        return className;
    }

    String layerName() {
        return layerName;
    }

    /** An error about this layer: "layer 'conv1' (Conv2D): {problem}". */
    KerasImportException error(String problem) {
        return new KerasImportException("layer '" + layerName + "' (" + className + "): " + problem);
    }

    /** The argument's JSON value, or null when it is absent or JSON null; marks it as read. */
    JsonNode get(String key) {
        read.add(key);
        JsonNode v = config.get(key);
        return v == null || v.isNull() ? null : v;
    }

    boolean has(String key) {
        return get(key) != null;
    }

    /** True when the argument is written in the config, even as null (Keras' None). */
    boolean present(String key) {
        read.add(key);
        return config.has(key);
    }

    /** An integer argument the layer cannot do without ({@code units}, {@code filters}). */
    int requiredInt(String key) {
        JsonNode v = get(key);
        if (v == null) {
            throw error("argument '" + key + "' is missing");
        }
        return toInt(key, v);
    }

    /** Keras' int-or-tuple that has no default ({@code kernel_size}). */
    int[] requiredPair(String key) {
        if (get(key) == null) {
            throw error("argument '" + key + "' is missing");
        }
        return pair(key, 0);
    }

    int integer(String key, int defaultValue) {
        JsonNode v = get(key);
        return v == null ? defaultValue : toInt(key, v);
    }

    float number(String key, float defaultValue) {
        JsonNode v = get(key);
        if (v == null) {
            return defaultValue;
        }
        if (!v.isNumber()) {
            throw error("argument '" + key + "' must be a number, got " + v);
        }
        return v.floatValue();
    }

    boolean bool(String key, boolean defaultValue) {
        JsonNode v = get(key);
        if (v == null) {
            return defaultValue;
        }
        if (!v.isBoolean()) {
            throw error("argument '" + key + "' must be true or false, got " + v);
        }
        return v.booleanValue();
    }

    String string(String key, String defaultValue) {
        JsonNode v = get(key);
        if (v == null) {
            return defaultValue;
        }
        if (!v.isTextual()) {
            throw error("argument '" + key + "' must be a string, got " + v);
        }
        return v.textValue();
    }

    /** Keras' int-or-tuple of two ({@code kernel_size=3}, {@code strides=[2, 2]}) as {@code {h, w}}. */
    int[] pair(String key, int defaultValue) {
        JsonNode v = get(key);
        if (v == null) {
            return new int[] {defaultValue, defaultValue};
        }
        if (v.isArray()) {
            if (v.size() != 2) {
                throw error("argument '" + key + "' needs 2 values (height, width), got " + v);
            }
            return new int[] {toInt(key, v.get(0)), toInt(key, v.get(1))};
        }
        int n = toInt(key, v);
        return new int[] {n, n};
    }

    /** A list of ints, JSON null entries as -1 (Keras' None); null when the argument is absent or null. */
    int[] ints(String key) {
        JsonNode v = get(key);
        if (v == null) {
            return null;
        }
        if (!v.isArray()) {
            return new int[] {toInt(key, v)};
        }
        int[] out = new int[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i).isNull() ? -1 : toInt(key, v.get(i));
        }
        return out;
    }

    /** A number or a list of numbers; null when absent or null. */
    float[] floats(String key) {
        JsonNode v = get(key);
        if (v == null) {
            return null;
        }
        List<JsonNode> items = new ArrayList<>();
        if (v.isArray()) {
            v.forEach(items::add);
        } else {
            items.add(v);
        }
        float[] out = new float[items.size()];
        for (int i = 0; i < out.length; i++) {
            if (!items.get(i).isNumber()) {
                throw error("argument '" + key + "' must be a number or a list of numbers, got " + v);
            }
            out[i] = items.get(i).floatValue();
        }
        return out;
    }

    /**
     * Keras' padding or cropping of the two spatial axes as {@code {top, bottom, left, right}}: an int
     * (all four), {@code [rows, cols]} (symmetric), or {@code [[top, bottom], [left, right]]}.
     */
    int[] fourSides(String key, int defaultValue) {
        JsonNode v = get(key);
        if (v == null) {
            return new int[] {defaultValue, defaultValue, defaultValue, defaultValue};
        }
        if (!v.isArray()) {
            int n = toInt(key, v);
            return new int[] {n, n, n, n};
        }
        if (v.size() != 2) {
            throw error("argument '" + key + "' needs an int, [rows, cols] or [[top, bottom], [left, right]], got " + v);
        }
        int[] out = new int[4];
        for (int axis = 0; axis < 2; axis++) {
            JsonNode side = v.get(axis);
            if (side.isArray()) {
                if (side.size() != 2) {
                    throw error("argument '" + key + "' needs [[top, bottom], [left, right]], got " + v);
                }
                out[2 * axis] = toInt(key, side.get(0));
                out[2 * axis + 1] = toInt(key, side.get(1));
            } else {
                out[2 * axis] = toInt(key, side);
                out[2 * axis + 1] = out[2 * axis];
            }
        }
        return out;
    }

    /**
     * Keras' {@code activation}: a name ({@code "relu"}), or an object whose {@code config} is the name
     * (Keras 3: {@code {"module": "keras.activations", "class_name": "function", "config": "relu"}}) or holds it
     * ({@code {"config": {"name": "relu"}}}). Null or absent means linear.
     */
    String activation(String key) {
        JsonNode v = get(key);
        if (v == null) {
            return "linear";
        }
        if (v.isTextual()) {
            return v.textValue();
        }
        JsonNode cfg = v.get("config");
        if (cfg != null && cfg.isTextual()) {
            return cfg.textValue();
        }
        if (cfg != null && cfg.path("name").isTextual()) {
            return cfg.path("name").textValue();
        }
        throw error("argument '" + key + "' must name a Keras activation, got " + v);
    }

    /**
     * {@code data_format}: {@code "channels_last"} (also for a missing or null value, Keras' default when its
     * {@code image_data_format} is unset) or {@code "channels_first"}; the layer's setter refuses anything else.
     */
    String dataFormat() {
        return string("data_format", "channels_last");
    }

    /** Refuses an argument whose value is not the one we can honour. */
    void require(String key, JsonNode allowed, String why) {
        JsonNode v = get(key);
        if (v != null && !v.equals(allowed)) {
            throw error("argument '" + key + "' = " + v + " is not supported (" + why + ")");
        }
    }

    /** Fails on the first argument left unread that could change the result (see the class comment). */
    void finish() {
        for (Map.Entry<String, JsonNode> e : config.properties()) {
            String key = e.getKey();
            if (read.contains(key) || ignorable(key, e.getValue())) {
                continue;
            }
            throw error("argument '" + key + "' = " + e.getValue() + " is not supported by transfer4j's "
                    + className);
        }
    }

    private static boolean ignorable(String key, JsonNode value) {
        return key.equals("name") || key.equals("trainable") || key.equals("dtype") || SHAPE_HINTS.contains(key)
                || key.endsWith("_initializer") || key.endsWith("_regularizer") || key.endsWith("_constraint")
                || IMPLEMENTATION_ONLY.contains(key)
                || value.isNull() || (value.isBoolean() && !value.booleanValue())
                || (value.isContainerNode() && value.isEmpty());
    }

    private int toInt(String key, JsonNode v) {
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw error("argument '" + key + "' must be an integer, got " + v);
        }
        return v.intValue();
    }
}
