package org.transfer4j.keras;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.transfer4j.backend.Padding;
import org.transfer4j.nn.Layer;
import org.transfer4j.nn.layers.Activation;
import org.transfer4j.nn.layers.Add;
import org.transfer4j.nn.layers.Average;
import org.transfer4j.nn.layers.AveragePooling2D;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.Concatenate;
import org.transfer4j.nn.layers.Conv2D;
import org.transfer4j.nn.layers.Cropping2D;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.nn.layers.DepthwiseConv2D;
import org.transfer4j.nn.layers.Dropout;
import org.transfer4j.nn.layers.ELU;
import org.transfer4j.nn.layers.Flatten;
import org.transfer4j.nn.layers.GlobalAveragePooling2D;
import org.transfer4j.nn.layers.GlobalMaxPooling2D;
import org.transfer4j.nn.layers.GlobalPooling2D;
import org.transfer4j.nn.layers.LeakyReLU;
import org.transfer4j.nn.layers.MaxPooling2D;
import org.transfer4j.nn.layers.Multiply;
import org.transfer4j.nn.layers.Normalization;
import org.transfer4j.nn.layers.PReLU;
import org.transfer4j.nn.layers.Pooling2D;
import org.transfer4j.nn.layers.ReLU;
import org.transfer4j.nn.layers.Rescaling;
import org.transfer4j.nn.layers.Resizing;
import org.transfer4j.nn.layers.Reshape;
import org.transfer4j.nn.layers.SeparableConv2D;
import org.transfer4j.nn.layers.Softmax;
import org.transfer4j.nn.layers.SpatialDropout2D;
import org.transfer4j.nn.layers.ThresholdedReLU;
import org.transfer4j.nn.layers.UpSampling2D;
import org.transfer4j.nn.layers.ZeroPadding2D;

/**
 * The inverse of {@link KerasLayers}: the Keras 2 layer entry {@code {"class_name": ..., "config": {...}}} of a
 * transfer4j layer, written as tf.keras 2's {@code get_config} writes it: {@code name}, {@code trainable},
 * {@code dtype} ({@code "float32"}), then every argument of the layer under Keras' name, in Keras' order.
 *
 * <p>Two things the layers cannot say are written as Keras' defaults: the initializers (a transfer4j
 * {@code Initializer} is a function, not a described object; the file's weights are what a loaded model
 * gets) and the regularizers and constraints (transfer4j has none), {@code null}.
 *
 * <p>The table is keyed by the layer's exact class: a subclass may compute something else, so it has no
 * description. A layer without one, or with a setting Keras 2 cannot express (an explicit padding, an
 * activation tf.keras 2 does not know), raises {@link NotDescribable} with the reason.
 */
final class KerasLayerConfigs {
    /** A layer that has no Keras 2 config; the message says which and why. */
    static final class NotDescribable extends RuntimeException {
        NotDescribable(String message) {
            super(message);
        }
    }

    /** The activation names tf.keras 2 resolves ({@code keras.activations.get}); transfer4j's {@code silu} is its {@code swish}. */
    private static final Set<String> KERAS2_ACTIVATIONS = Set.of("linear", "relu", "sigmoid", "tanh", "softmax",
            "swish", "gelu", "softplus", "softsign", "elu", "selu", "hard_sigmoid", "exponential");

    private record Describer<L extends Layer>(String kerasClass, BiConsumer<L, ObjectNode> arguments) {
        void write(Layer layer, ObjectNode config) {
            @SuppressWarnings("unchecked") // looked up by layer.getClass(), so the layer is an L
            L typed = (L) layer;
            arguments.accept(typed, config);
        }
    }

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Map<Class<? extends Layer>, Describer<?>> DESCRIBERS = new LinkedHashMap<>();

    static {
        put(Activation.class, "Activation", (l, c) -> c.put("activation", activation(l, l.activation())));
        put(Add.class, "Add", (l, c) -> { });
        put(Average.class, "Average", (l, c) -> { });
        put(AveragePooling2D.class, "AveragePooling2D", KerasLayerConfigs::pooling);
        put(BatchNormalization.class, "BatchNormalization", KerasLayerConfigs::batchNormalization);
        put(Concatenate.class, "Concatenate", (l, c) -> c.put("axis", l.axis()));
        put(Conv2D.class, "Conv2D", KerasLayerConfigs::conv2d);
        put(Cropping2D.class, "Cropping2D", (l, c) -> {
            c.set("cropping", fourSides(l.cropping()));
            c.put("data_format", l.dataFormat());
        });
        put(Dense.class, "Dense", KerasLayerConfigs::dense);
        put(DepthwiseConv2D.class, "DepthwiseConv2D", KerasLayerConfigs::depthwiseConv2d);
        put(Dropout.class, "Dropout", (l, c) -> {
            c.set("rate", number(l.rate()));
            c.set("noise_shape", l.configuredNoiseShape() == null ? JSON.nullNode() : dims(l.configuredNoiseShape()));
            seed(c, l.seed());
        });
        put(ELU.class, "ELU", (l, c) -> c.set("alpha", number(l.alpha())));
        put(Flatten.class, "Flatten", (l, c) -> c.put("data_format", l.dataFormat()));
        put(GlobalAveragePooling2D.class, "GlobalAveragePooling2D", KerasLayerConfigs::globalPooling);
        put(GlobalMaxPooling2D.class, "GlobalMaxPooling2D", KerasLayerConfigs::globalPooling);
        // tf.keras 2 names the slope alpha (Keras 3: negative_slope); the reader takes both.
        put(LeakyReLU.class, "LeakyReLU", (l, c) -> c.set("alpha", number(l.negativeSlope())));
        put(MaxPooling2D.class, "MaxPooling2D", KerasLayerConfigs::pooling);
        put(Multiply.class, "Multiply", (l, c) -> { });
        put(Normalization.class, "Normalization", KerasLayerConfigs::normalization);
        put(PReLU.class, "PReLU", (l, c) -> {
            c.set("alpha_initializer", initializer("Zeros", false));
            c.putNull("alpha_regularizer");
            c.putNull("alpha_constraint");
            int[] shared = l.configuredSharedAxes();
            c.set("shared_axes", shared.length == 0 ? JSON.nullNode() : ints(shared));
        });
        put(ReLU.class, "ReLU", (l, c) -> {
            c.set("max_value", l.maxValue() == Float.POSITIVE_INFINITY ? JSON.nullNode() : number(l.maxValue()));
            c.set("negative_slope", number(l.negativeSlope()));
            c.set("threshold", number(l.threshold()));
        });
        put(Rescaling.class, "Rescaling", (l, c) -> {
            c.set("scale", number(l.scale()));
            c.set("offset", number(l.offset()));
        });
        put(Resizing.class, "Resizing", (l, c) -> {
            c.put("height", l.height());
            c.put("width", l.width());
            c.put("interpolation", "bilinear");
            c.put("crop_to_aspect_ratio", false);
        });
        put(Reshape.class, "Reshape", (l, c) -> c.set("target_shape", ints(l.targetShape())));
        put(SeparableConv2D.class, "SeparableConv2D", KerasLayerConfigs::separableConv2d);
        put(Softmax.class, "Softmax", (l, c) -> c.put("axis", l.axis()));
        put(SpatialDropout2D.class, "SpatialDropout2D", (l, c) -> {
            c.set("rate", number(l.rate()));
            c.putNull("noise_shape");
            seed(c, l.seed());
            // tf.keras 2 takes data_format as an argument but leaves it out of get_config; written so that a
            // channels_first layer stays one.
            c.put("data_format", l.dataFormat());
        });
        put(ThresholdedReLU.class, "ThresholdedReLU", (l, c) -> c.set("theta", number(l.theta())));
        put(UpSampling2D.class, "UpSampling2D", (l, c) -> {
            c.set("size", ints(l.size()));
            c.put("data_format", l.dataFormat());
            c.put("interpolation", l.interpolation());
        });
        put(ZeroPadding2D.class, "ZeroPadding2D", (l, c) -> {
            c.set("padding", fourSides(l.padding()));
            c.put("data_format", l.dataFormat());
        });
    }

    private KerasLayerConfigs() {
    }

    private static <L extends Layer> void put(Class<L> type, String kerasClass, BiConsumer<L, ObjectNode> arguments) {
        DESCRIBERS.put(type, new Describer<>(kerasClass, arguments));
    }

    /** The transfer4j layer classes that have a Keras description (the models are {@link KerasModelConfig}'s). */
    static Set<Class<? extends Layer>> describable() {
        return java.util.Collections.unmodifiableSet(DESCRIBERS.keySet());
    }

    /**
     * {@code {"class_name": "Conv2D", "config": {"name": ..., "trainable": ..., "dtype": "float32", ...}}}.
     *
     * @throws NotDescribable for a layer class without a Keras description or a setting Keras cannot express
     */
    static ObjectNode describe(Layer layer) {
        Describer<?> describer = DESCRIBERS.get(layer.getClass());
        if (describer == null) {
            throw new NotDescribable("layer " + layer.describe() + " is of class " + layer.getClass().getName()
                    + ", which has no Keras layer config (described classes: "
                    + DESCRIBERS.values().stream().map(Describer::kerasClass).sorted().toList() + ")");
        }
        ObjectNode entry = JSON.objectNode();
        entry.put("class_name", describer.kerasClass());
        entry.set("config", config(layer, describer));
        return entry;
    }

    private static ObjectNode config(Layer layer, Describer<?> describer) {
        ObjectNode config = JSON.objectNode();
        config.put("name", layer.name());
        config.put("trainable", layer.isTrainable());
        config.put("dtype", "float32");
        describer.write(layer, config);
        return config;
    }

    // ---- the layers with many arguments ------------------------------------------------------------------

    private static void conv2d(Conv2D l, ObjectNode c) {
        c.put("filters", l.filters());
        window(l, c, l.kernelSize(), l.strides(), l.padding(), l.dataFormat(), l.dilationRate());
        c.put("groups", l.groups());
        c.put("activation", activation(l, l.activation()));
        c.put("use_bias", l.useBias());
        c.set("kernel_initializer", initializer("GlorotUniform", true));
        c.set("bias_initializer", initializer("Zeros", false));
        nulls(c, "kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint", "bias_constraint");
    }

    private static void depthwiseConv2d(DepthwiseConv2D l, ObjectNode c) {
        window(l, c, l.kernelSize(), l.strides(), l.padding(), l.dataFormat(), l.dilationRate());
        c.put("groups", 1); // tf.keras 2 writes Conv2D's groups into DepthwiseConv2D configs too
        c.put("activation", activation(l, l.activation()));
        c.put("use_bias", l.useBias());
        c.set("bias_initializer", initializer("Zeros", false));
        nulls(c, "bias_regularizer", "activity_regularizer", "bias_constraint");
        c.put("depth_multiplier", l.depthMultiplier());
        c.set("depthwise_initializer", initializer("GlorotUniform", true));
        nulls(c, "depthwise_regularizer", "depthwise_constraint");
    }

    private static void separableConv2d(SeparableConv2D l, ObjectNode c) {
        c.put("filters", l.filters());
        window(l, c, l.kernelSize(), l.strides(), l.padding(), l.dataFormat(), l.dilationRate());
        c.put("activation", activation(l, l.activation()));
        c.put("use_bias", l.useBias());
        // SeparableConv2D inherits Conv's kernel arguments, unused, and tf.keras 2 writes them all.
        c.set("kernel_initializer", initializer("GlorotUniform", true));
        c.set("bias_initializer", initializer("Zeros", false));
        nulls(c, "kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint", "bias_constraint");
        c.put("depth_multiplier", l.depthMultiplier());
        c.set("depthwise_initializer", initializer("GlorotUniform", true));
        c.set("pointwise_initializer", initializer("GlorotUniform", true));
        nulls(c, "depthwise_regularizer", "pointwise_regularizer", "depthwise_constraint", "pointwise_constraint");
    }

    private static void window(Layer l, ObjectNode c, int[] kernel, int[] strides, Padding padding, String dataFormat,
                               int[] dilation) {
        c.set("kernel_size", ints(kernel));
        c.set("strides", ints(strides));
        c.put("padding", padding(l, padding));
        c.put("data_format", dataFormat);
        c.set("dilation_rate", ints(dilation));
    }

    private static void dense(Dense l, ObjectNode c) {
        c.put("units", l.units());
        c.put("activation", activation(l, l.activation()));
        c.put("use_bias", l.useBias());
        c.set("kernel_initializer", initializer("GlorotUniform", true));
        c.set("bias_initializer", initializer("Zeros", false));
        nulls(c, "kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint", "bias_constraint");
    }

    private static void pooling(Pooling2D<?> l, ObjectNode c) {
        c.set("pool_size", ints(l.poolSize()));
        c.put("padding", padding(l, l.padding()));
        c.set("strides", ints(l.strides()));
        c.put("data_format", l.dataFormat());
    }

    private static void globalPooling(GlobalPooling2D<?> l, ObjectNode c) {
        c.put("data_format", l.dataFormat());
        c.put("keepdims", l.keepdims());
    }

    private static void batchNormalization(BatchNormalization l, ObjectNode c) {
        c.put("axis", l.axis());
        c.set("momentum", number(l.momentum()));
        c.set("epsilon", number(l.epsilon()));
        c.put("center", l.center());
        c.put("scale", l.scale());
        c.set("beta_initializer", initializer("Zeros", false));
        c.set("gamma_initializer", initializer("Ones", false));
        c.set("moving_mean_initializer", initializer("Zeros", false));
        c.set("moving_variance_initializer", initializer("Ones", false));
        nulls(c, "beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint");
    }

    /**
     * tf.keras 2's {@code Normalization}: {@code axis} a list, or null for one statistic for everything;
     * {@code mean}/{@code variance} when given up front (else null: the adapted ones are weights).
     */
    private static void normalization(Normalization l, ObjectNode c) {
        int[] axis = l.configuredAxes();
        c.set("axis", axis.length == 0 ? JSON.nullNode() : ints(axis));
        c.put("invert", false);
        float[] mean = l.givenMean();
        float[] variance = l.givenVariance();
        if (mean != null && axis.length > 1 && (mean.length > 1 || variance.length > 1)) {
            // Keras broadcasts a given list against the kept axes' shape; a flat list over several axes does not.
            throw new NotDescribable("layer " + l.describe() + " has per-feature statistics over " + axis.length
                    + " axes, which a Keras config cannot give as a flat list");
        }
        c.set("mean", mean == null ? JSON.nullNode() : numbers(mean));
        c.set("variance", variance == null ? JSON.nullNode() : numbers(variance));
    }

    // ---- values --------------------------------------------------------------------------------------------

    /** Keras' padding words; an explicit padding has none. */
    private static String padding(Layer l, Padding padding) {
        if (padding.equals(Padding.SAME)) {
            return "same";
        }
        if (padding.equals(Padding.VALID)) {
            return "valid";
        }
        throw new NotDescribable("layer " + l.describe() + " has the explicit padding " + padding
                + "; Keras layers take \"valid\" or \"same\" only");
    }

    private static String activation(Layer l, String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        String keras = lower.equals("silu") ? "swish" : lower;
        if (!KERAS2_ACTIVATIONS.contains(keras)) {
            throw new NotDescribable("layer " + l.describe() + " uses the activation '" + name + "', which tf.keras 2"
                    + " does not know (it knows " + KERAS2_ACTIVATIONS.stream().sorted().toList() + ")");
        }
        return keras;
    }

    /** {@code {"class_name": "GlorotUniform", "config": {"seed": null}}}, as tf.keras 2.x before 2.13 writes it. */
    private static ObjectNode initializer(String kerasClass, boolean seeded) {
        ObjectNode config = JSON.objectNode();
        if (seeded) {
            config.putNull("seed");
        }
        ObjectNode node = JSON.objectNode();
        node.put("class_name", kerasClass);
        node.set("config", config);
        return node;
    }

    private static void seed(ObjectNode c, java.util.OptionalLong seed) {
        if (seed.isPresent()) {
            c.put("seed", seed.getAsLong());
        } else {
            c.putNull("seed");
        }
    }

    private static void nulls(ObjectNode c, String... keys) {
        for (String k : keys) {
            c.putNull(k);
        }
    }

    /**
     * A float as the shortest decimal that reads back as the same float ({@code 0.001}, not
     * {@code 0.0010000000474974513}), so the reader's {@code floatValue()} returns it bit for bit.
     */
    static com.fasterxml.jackson.databind.JsonNode number(float value) {
        if (!Float.isFinite(value)) {
            throw new NotDescribable("the value " + value + " has no JSON form");
        }
        return JSON.numberNode(Double.parseDouble(Float.toString(value)));
    }

    private static ArrayNode numbers(float[] values) {
        ArrayNode a = JSON.arrayNode();
        for (float v : values) {
            a.add(number(v));
        }
        return a;
    }

    static ArrayNode ints(int[] values) {
        ArrayNode a = JSON.arrayNode();
        for (int v : values) {
            a.add(v);
        }
        return a;
    }

    /** A shape with -1 (unknown) as null, as Keras writes None. */
    private static ArrayNode dims(int[] values) {
        ArrayNode a = JSON.arrayNode();
        for (int v : values) {
            if (v == -1) {
                a.addNull();
            } else {
                a.add(v);
            }
        }
        return a;
    }

    /** {@code {top, bottom, left, right}} as Keras' {@code [[top, bottom], [left, right]]}. */
    private static ArrayNode fourSides(int[] tblr) {
        ArrayNode a = JSON.arrayNode();
        a.add(ints(new int[] {tblr[0], tblr[1]}));
        a.add(ints(new int[] {tblr[2], tblr[3]}));
        return a;
    }
}
