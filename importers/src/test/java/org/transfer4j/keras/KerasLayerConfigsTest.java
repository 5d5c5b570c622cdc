package org.transfer4j.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
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
import org.transfer4j.nn.layers.LeakyReLU;
import org.transfer4j.nn.layers.MaxPooling2D;
import org.transfer4j.nn.layers.Multiply;
import org.transfer4j.nn.layers.Normalization;
import org.transfer4j.nn.layers.PReLU;
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
 * {@link KerasLayerConfigs} is the inverse of {@link KerasLayers}: for every layer class, a layer with
 * arguments away from the defaults is described, read back by the importer's factory, and described again
 * to the same JSON, so nothing the layer was configured with is lost or refused.
 */
class KerasLayerConfigsTest {
    /** One layer per class, configured away from Keras' defaults wherever the layer allows it. */
    private static List<Layer> layers() {
        Layer frozen = new Dense(7).activation("sigmoid").useBias(false).named("dense_frozen");
        frozen.setTrainable(false);
        return List.of(
                new Activation("tanh"),
                new Add(),
                new Average(),
                new AveragePooling2D(3, 2).strides(1, 2).padding("same").dataFormat("channels_first"),
                new BatchNormalization().axis(2).momentum(0.9f).epsilon(1e-5f).center(false).scale(false),
                new Concatenate().axis(1),
                new Conv2D(6, 3, 2).strides(2, 1).padding("same").dilationRate(1, 2).groups(3).activation("relu")
                        .useBias(false).dataFormat("channels_first"),
                new Cropping2D(1, 2, 3, 4).dataFormat("channels_first"),
                frozen,
                new DepthwiseConv2D(3, 1).strides(2).padding("same").depthMultiplier(2).activation("elu").useBias(false)
                        .dataFormat("channels_first"),
                new Dropout(0.3f).noiseShape(-1, 1, 1, -1).seed(42),
                new ELU().alpha(0.7f),
                new Flatten().dataFormat("channels_first"),
                new GlobalAveragePooling2D().keepdims(true).dataFormat("channels_first"),
                new GlobalMaxPooling2D(),
                new LeakyReLU().negativeSlope(0.1f),
                new MaxPooling2D(2),
                new Multiply(),
                new Normalization().axis(-1).mean(1f, 2f, 3f).variance(4f, 5f, 6f),
                new PReLU().sharedAxes(1, 2),
                new ReLU().maxValue(6f).negativeSlope(0.1f).threshold(0.5f),
                new Rescaling(1f / 255f, -1f),
                new Resizing(5, 7),
                new Reshape(2, -1),
                new SeparableConv2D(4, 3).strides(2).padding("same").depthMultiplier(2).dilationRate(1)
                        .activation("softplus").useBias(false).dataFormat("channels_first"),
                new Softmax().axis(1),
                new SpatialDropout2D(0.2f).dataFormat("channels_first").seed(7),
                new ThresholdedReLU().theta(0.5f),
                new UpSampling2D(2, 3).dataFormat("channels_first"),
                new ZeroPadding2D(1, 2, 3, 4).dataFormat("channels_first"));
    }

    /** The spatial layers write their own data_format (channels_first above, Keras' channels_last otherwise). */
    @Test
    void spatialLayersWriteTheirDataFormat() {
        List<String> formats = layers().stream().map(KerasLayerConfigs::describe)
                .filter(e -> e.get("config").has("data_format"))
                .map(e -> e.get("class_name").asText() + "=" + e.get("config").get("data_format").asText()).toList();
        assertEquals(List.of("AveragePooling2D=channels_first", "Conv2D=channels_first", "Cropping2D=channels_first",
                "DepthwiseConv2D=channels_first", "Flatten=channels_first", "GlobalAveragePooling2D=channels_first",
                "GlobalMaxPooling2D=channels_last", "MaxPooling2D=channels_last", "SeparableConv2D=channels_first",
                "SpatialDropout2D=channels_first", "UpSampling2D=channels_first", "ZeroPadding2D=channels_first"),
                formats);
    }

    @TestFactory
    Stream<DynamicTest> everyLayerIsReadBackAsWritten() {
        return layers().stream().map(layer -> DynamicTest.dynamicTest(layer.typeName(), () -> {
            ObjectNode entry = KerasLayerConfigs.describe(layer);
            Layer back = KerasLayers.create(entry.get("class_name").asText(), layer.name(), entry.get("config"));
            assertEquals(layer.getClass(), back.getClass());
            assertEquals(entry, KerasLayerConfigs.describe(back), "described again after the round trip");
        }));
    }

    @Test
    void everyImportedClassHasADescriptionAndIsTestedHere() {
        Set<String> imported = new TreeSet<>(KerasLayers.supported());
        // Aliases Keras registers for the same classes: written under the class's own name.
        imported.removeAll(Set.of("Convolution2D", "SeparableConvolution2D", "MaxPool2D", "AvgPool2D",
                "GlobalAvgPool2D", "GlobalMaxPool2D"));
        Set<String> described = layers().stream().map(l -> KerasLayerConfigs.describe(l).get("class_name").asText())
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(imported, described);
        assertEquals(imported.size(), KerasLayerConfigs.describable().size());
    }

    /** The layout of tf.keras 2's get_config, as in the mobilenet_v1_0.25_224_imagenet.h5 of Keras 2.8.0. */
    @Test
    void aLayerIsWrittenAsTfKeras2WritesIt() {
        Layer dw = new DepthwiseConv2D(3).padding("same").useBias(false).named("conv_dw_13");
        assertEquals("{\"class_name\":\"DepthwiseConv2D\",\"config\":{\"name\":\"conv_dw_13\",\"trainable\":true,"
                + "\"dtype\":\"float32\",\"kernel_size\":[3,3],\"strides\":[1,1],\"padding\":\"same\","
                + "\"data_format\":\"channels_last\",\"dilation_rate\":[1,1],\"groups\":1,\"activation\":\"linear\","
                + "\"use_bias\":false,\"bias_initializer\":{\"class_name\":\"Zeros\",\"config\":{}},"
                + "\"bias_regularizer\":null,\"activity_regularizer\":null,\"bias_constraint\":null,"
                + "\"depth_multiplier\":1,\"depthwise_initializer\":{\"class_name\":\"GlorotUniform\","
                + "\"config\":{\"seed\":null}},\"depthwise_regularizer\":null,\"depthwise_constraint\":null}}",
                KerasLayerConfigs.describe(dw).toString());
        Layer relu = new ReLU().maxValue(6f).named("conv_pw_13_relu");
        assertEquals("{\"name\":\"conv_pw_13_relu\",\"trainable\":true,\"dtype\":\"float32\",\"max_value\":6.0,"
                + "\"negative_slope\":0.0,\"threshold\":0.0}", KerasLayerConfigs.describe(relu).get("config").toString());
        // A float is written as its shortest decimal, which reads back as the same float.
        JsonNode eps = KerasLayerConfigs.describe(new BatchNormalization().epsilon(1e-3f)).at("/config/epsilon");
        assertEquals("0.001", eps.toString());
        assertEquals(1e-3f, eps.floatValue());
    }

    @Test
    void settingsKerasCannotExpressAreNotDescribed() {
        Layer explicit = new Conv2D(2, 3).padding(Padding.explicit(1)).named("c");
        assertTrue(assertThrows(KerasLayerConfigs.NotDescribable.class, () -> KerasLayerConfigs.describe(explicit))
                .getMessage().contains("explicit padding"));
        Layer relu6 = new Activation("relu6").named("a");
        assertTrue(assertThrows(KerasLayerConfigs.NotDescribable.class, () -> KerasLayerConfigs.describe(relu6))
                .getMessage().contains("'relu6'"));
        // transfer4j's silu is tf.keras 2's swish.
        assertEquals("swish", KerasLayerConfigs.describe(new Activation("silu")).at("/config/activation").asText());
    }
}
