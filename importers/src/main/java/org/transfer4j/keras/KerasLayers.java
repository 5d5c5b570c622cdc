package org.transfer4j.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.transfer4j.Transfer4jException;
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
 * The lookup table from a Keras layer {@code class_name} to a factory that makes the transfer4j layer of
 * {@code org.transfer4j.nn.layers} from the layer's Keras config, with Keras' argument names and defaults.
 * Which arguments may go unread is stated on {@link KerasArgs}; {@code InputLayer} and the model classes
 * ({@code Sequential}, {@code Functional}, {@code Model}) are the model builder's ({@link KerasConfig}).
 *
 * <p>The {@code training} keyword of a call (Keras' {@code base(x, training=False)}) is not a layer argument:
 * it belongs to the call, and {@link KerasGraph} reads it there.
 */
final class KerasLayers {
    private static final IntNode ONE = IntNode.valueOf(1);
    private static final Map<String, Function<KerasArgs, Layer>> FACTORIES = new LinkedHashMap<>();

    static {
        FACTORIES.put("Activation", a -> new Activation(a.activation("activation")));
        FACTORIES.put("Add", a -> new Add());
        FACTORIES.put("Average", a -> new Average());
        FACTORIES.put("AveragePooling2D", a -> pooling(a, AveragePooling2D::new));
        FACTORIES.put("BatchNormalization", KerasLayers::batchNormalization);
        FACTORIES.put("Concatenate", a -> new Concatenate().axis(a.integer("axis", -1)));
        FACTORIES.put("Conv2D", KerasLayers::conv2d);
        FACTORIES.put("Cropping2D", a -> {
            int[] c = a.fourSides("cropping", 0);
            return new Cropping2D(c[0], c[1], c[2], c[3]).dataFormat(a.dataFormat());
        });
        FACTORIES.put("Dense", a -> new Dense(a.requiredInt("units")).activation(a.activation("activation"))
                .useBias(a.bool("use_bias", true)));
        FACTORIES.put("DepthwiseConv2D", KerasLayers::depthwiseConv2d);
        FACTORIES.put("Dropout", KerasLayers::dropout);
        FACTORIES.put("ELU", a -> new ELU().alpha(a.number("alpha", 1f)));
        FACTORIES.put("Flatten", a -> new Flatten().dataFormat(a.dataFormat()));
        FACTORIES.put("GlobalAveragePooling2D", a -> {
            return new GlobalAveragePooling2D().keepdims(a.bool("keepdims", false)).dataFormat(a.dataFormat());
        });
        FACTORIES.put("GlobalMaxPooling2D", a -> {
            return new GlobalMaxPooling2D().keepdims(a.bool("keepdims", false)).dataFormat(a.dataFormat());
        });
        // Keras 2 calls the slope alpha, Keras 3 negative_slope; the default is 0.3 in both.
        FACTORIES.put("LeakyReLU", a -> new LeakyReLU().negativeSlope(a.has("negative_slope")
                ? a.number("negative_slope", 0.3f) : a.number("alpha", 0.3f)));
        FACTORIES.put("MaxPooling2D", a -> pooling(a, MaxPooling2D::new));
        FACTORIES.put("Multiply", a -> new Multiply());
        FACTORIES.put("Normalization", KerasLayers::normalization);
        FACTORIES.put("PReLU", a -> {
            int[] shared = a.ints("shared_axes");
            return shared == null ? new PReLU() : new PReLU().sharedAxes(shared);
        });
        FACTORIES.put("ReLU", KerasLayers::relu);
        FACTORIES.put("Rescaling", KerasLayers::rescaling);
        FACTORIES.put("Resizing", KerasLayers::resizing);
        FACTORIES.put("Reshape", a -> {
            int[] target = a.ints("target_shape");
            if (target == null) {
                throw a.error("argument 'target_shape' is missing");
            }
            return new Reshape(target);
        });
        FACTORIES.put("SeparableConv2D", KerasLayers::separableConv2d);
        FACTORIES.put("Softmax", a -> new Softmax().axis(a.integer("axis", -1)));
        FACTORIES.put("SpatialDropout2D", a -> {
            SpatialDropout2D d = new SpatialDropout2D(a.number("rate", 0f))
                    .dataFormat(a.dataFormat());
            return a.has("seed") ? d.seed(a.integer("seed", 0)) : d;
        });
        FACTORIES.put("ThresholdedReLU", a -> new ThresholdedReLU().theta(a.number("theta", 1f)));
        FACTORIES.put("UpSampling2D", a -> {
            int[] size = a.pair("size", 2);
            return new UpSampling2D(size[0], size[1]).interpolation(a.string("interpolation", "nearest"))
                    .dataFormat(a.dataFormat());
        });
        FACTORIES.put("ZeroPadding2D", a -> {
            int[] p = a.fourSides("padding", 1);
            return new ZeroPadding2D(p[0], p[1], p[2], p[3]).dataFormat(a.dataFormat());
        });
        // Aliases Keras registers for the same classes.
        FACTORIES.put("Convolution2D", FACTORIES.get("Conv2D"));
        FACTORIES.put("SeparableConvolution2D", FACTORIES.get("SeparableConv2D"));
        FACTORIES.put("MaxPool2D", FACTORIES.get("MaxPooling2D"));
        FACTORIES.put("AvgPool2D", FACTORIES.get("AveragePooling2D"));
        FACTORIES.put("GlobalAvgPool2D", FACTORIES.get("GlobalAveragePooling2D"));
        FACTORIES.put("GlobalMaxPool2D", FACTORIES.get("GlobalMaxPooling2D"));
    }

    private KerasLayers() {
    }

    /** The Keras layer classes this table maps (the model classes and InputLayer are handled by the builder). */
    static Set<String> supported() {
        return Collections.unmodifiableSet(FACTORIES.keySet());
    }

    static boolean supports(String className) {
        return FACTORIES.containsKey(className);
    }

    /**
     * The transfer4j layer for one Keras layer, named {@code layerName} and frozen when its config says
     * {@code trainable: false}. Unsupported classes and arguments, and values the layer refuses, become a
     * {@link KerasImportException} naming the layer.
     */
    static Layer create(String className, String layerName, JsonNode config) {
        Function<KerasArgs, Layer> factory = FACTORIES.get(className);
        if (factory == null) {
            throw new KerasImportException("layer '" + layerName + "' has the Keras class '" + className
                    + "', which transfer4j does not support; supported classes: " + KerasConfig.supportedClasses());
        }
        KerasArgs args = new KerasArgs(className, layerName, config);
        try {
            Layer layer = factory.apply(args);
            layer.named(layerName);
            if (!args.bool("trainable", true)) {
                layer.setTrainable(false);
            }
            args.finish();
            return layer;
        } catch (KerasImportException e) {
            throw e;
        } catch (IllegalArgumentException | IllegalStateException | Transfer4jException e) {
            throw args.error(e.getMessage());
        }
    }

    private static Layer conv2d(KerasArgs a) {
        int[] k = a.requiredPair("kernel_size");
        int[] s = a.pair("strides", 1);
        int[] d = a.pair("dilation_rate", 1);
        return new Conv2D(a.requiredInt("filters"), k[0], k[1]).strides(s[0], s[1])
                .padding(a.string("padding", "valid")).dilationRate(d[0], d[1]).groups(a.integer("groups", 1))
                .activation(a.activation("activation")).useBias(a.bool("use_bias", true)).dataFormat(a.dataFormat());
    }

    private static Layer depthwiseConv2d(KerasArgs a) {
        // tf.keras writes Conv2D's groups (always 1) into DepthwiseConv2D configs too.
        a.require("groups", ONE, "a depthwise convolution has one group per input channel");
        int[] k = a.requiredPair("kernel_size");
        int[] s = a.pair("strides", 1);
        int[] d = a.pair("dilation_rate", 1);
        return new DepthwiseConv2D(k[0], k[1]).strides(s[0], s[1]).padding(a.string("padding", "valid"))
                .depthMultiplier(a.integer("depth_multiplier", 1)).dilationRate(d[0], d[1])
                .activation(a.activation("activation")).useBias(a.bool("use_bias", true)).dataFormat(a.dataFormat());
    }

    private static Layer separableConv2d(KerasArgs a) {
        int[] k = a.requiredPair("kernel_size");
        int[] s = a.pair("strides", 1);
        int[] d = a.pair("dilation_rate", 1);
        return new SeparableConv2D(a.requiredInt("filters"), k[0], k[1]).strides(s[0], s[1])
                .padding(a.string("padding", "valid")).depthMultiplier(a.integer("depth_multiplier", 1))
                .dilationRate(d[0], d[1]).activation(a.activation("activation")).useBias(a.bool("use_bias", true))
                .dataFormat(a.dataFormat());
    }

    /** {@code pool_size} defaults to 2 and the strides to the pool size, as in Keras ({@code strides: null}). */
    private static Layer pooling(KerasArgs a, BiFunction<Integer, Integer, Pooling2D<?>> constructor) {
        int[] size = a.pair("pool_size", 2);
        int[] s = a.has("strides") ? a.pair("strides", 1) : size;
        return constructor.apply(size[0], size[1]).strides(s[0], s[1]).padding(a.string("padding", "valid"))
                .dataFormat(a.dataFormat());
    }

    private static Layer batchNormalization(KerasArgs a) {
        // Keras 2 writes axis as [3] after build, Keras 3 as an int; one axis is all the layer supports.
        int[] axis = a.ints("axis");
        if (axis != null && axis.length != 1) {
            throw a.error("argument 'axis' = " + Arrays.toString(axis) + " is not supported: "
                    + "BatchNormalization normalises over one feature axis");
        }
        return new BatchNormalization().axis(axis == null ? -1 : axis[0]).momentum(a.number("momentum", 0.99f))
                .epsilon(a.number("epsilon", 1e-3f)).center(a.bool("center", true)).scale(a.bool("scale", true));
    }

    private static Layer dropout(KerasArgs a) {
        Dropout d = new Dropout(a.number("rate", 0f));
        int[] noise = a.ints("noise_shape");
        if (noise != null) {
            d.noiseShape(noise);
        }
        return a.has("seed") ? d.seed(a.integer("seed", 0)) : d;
    }

    private static Layer relu(KerasArgs a) {
        ReLU r = new ReLU().negativeSlope(a.number("negative_slope", 0f)).threshold(a.number("threshold", 0f));
        return a.has("max_value") ? r.maxValue(a.number("max_value", 0f)) : r;
    }

    /** Keras' {@code Resizing} with its defaults only: bilinear, no cropping or padding to the aspect ratio. */
    private static Layer resizing(KerasArgs a) {
        String interpolation = a.string("interpolation", "bilinear");
        if (!interpolation.equals("bilinear")) {
            throw a.error("interpolation '" + interpolation + "' is not supported: Resizing is bilinear only");
        }
        if (a.bool("crop_to_aspect_ratio", false) || a.bool("pad_to_aspect_ratio", false)) {
            throw a.error("crop_to_aspect_ratio and pad_to_aspect_ratio are not supported: Resizing stretches");
        }
        a.string("fill_mode", "constant"); // used only when padding to the aspect ratio
        a.number("fill_value", 0f);
        if (!a.dataFormat().equals("channels_last")) {
            throw a.error("data_format '" + a.dataFormat() + "' is not supported: Resizing takes (h, w, channels)");
        }
        return new Resizing(a.requiredInt("height"), a.requiredInt("width"));
    }

    private static Layer rescaling(KerasArgs a) {
        float[] scale = a.floats("scale");
        float[] offset = a.floats("offset");
        if ((scale != null && scale.length != 1) || (offset != null && offset.length != 1)) {
            throw a.error("per-channel scale or offset is not supported: Rescaling takes one scale and one offset");
        }
        return new Rescaling(scale == null ? 1f : scale[0], offset == null ? 0f : offset[0]);
    }

    private static Layer normalization(KerasArgs a) {
        // axis: null is Keras' "one statistic for everything", which the layer spells axis() with no entry.
        int[] axis = {-1};
        if (a.present("axis")) {
            int[] given = a.ints("axis");
            axis = given == null ? new int[0] : given;
        }
        Normalization n = new Normalization().axis(axis);
        float[] mean = a.floats("mean");
        float[] variance = a.floats("variance");
        if (mean != null || variance != null) {
            if (mean == null || variance == null) {
                throw a.error("give both 'mean' and 'variance' or neither");
            }
            n.mean(mean).variance(variance);
        }
        return n;
    }
}
