package org.transfer4j.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.transfer4j.testdata.KerasJsFixtures.assertMatchesKeras;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.transfer4j.nn.Input;
import org.transfer4j.nn.Layer;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.SymbolicTensor;
import org.transfer4j.testdata.KerasJsFixtures;
import org.transfer4j.testdata.KerasJsFixtures.Case;

/**
 * The layer table against real Keras: each keras-js fixture case gives the Keras arguments of a layer (its
 * {@code testParams} entry, Keras' own names and values), its weights in {@code get_weights()} order, an
 * input and the output Keras computed. The layer {@link KerasLayers} makes from those arguments must give
 * that output within 1e-4, the {@code channels_first} cases included (the layer must then describe itself as
 * channels_first again).
 */
class KerasConfigFixtureTest {

    @ParameterizedTest
    @CsvSource({
        "convolutional.Conv2D, Conv2D",
        "convolutional.SeparableConv2D, SeparableConv2D",
        "convolutional.UpSampling2D, UpSampling2D",
        "convolutional.ZeroPadding2D, ZeroPadding2D",
        "pooling.MaxPooling2D, MaxPooling2D",
        "pooling.AveragePooling2D, AveragePooling2D",
        "pooling.GlobalAveragePooling2D, GlobalAveragePooling2D",
        "normalization.BatchNormalization, BatchNormalization",
        "core.Reshape, Reshape",
    })
    void layerFromKerasArgumentsMatchesKeras(String baseName, String className) {
        Map<String, Case> cases = KerasJsFixtures.load(baseName + ".json");
        List<JsonNode> params = KerasJsFixtures.testParams(baseName);
        assertEquals(cases.size(), params.size(), baseName + ": one testParams entry per fixture case");
        int checked = 0;
        int channelsFirst = 0;
        for (Case c : cases.values()) {
            JsonNode p = params.get(c.index());
            if (p.has("inputShape")) {
                int[] shape = new int[p.get("inputShape").size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = p.get("inputShape").get(i).asInt();
                }
                assertArrayEquals(shape, c.input().shape(), c.id() + ": testParams belong to another case");
            }
            JsonNode attrs = p.get("attrs");
            Layer layer = KerasLayers.create(className, "l", attrs);
            if ("channels_first".equals(attrs.path("data_format").asText())) {
                assertEquals("channels_first", KerasLayerConfigs.describe(layer).get("config").get("data_format").asText(),
                        c.id());
                channelsFirst++;
            }
            SymbolicTensor in = Input.of(c.input().shape());
            Model model = KerasConfig.newModel("m", List.of(in), List.of(KerasConfig.call(layer, List.of(in), null)));
            assertEquals(c.weights().size(), layer.weights().size(), c.id() + ": weights in Keras' order");
            for (int i = 0; i < c.weights().size(); i++) {
                layer.weights().get(i).assign(c.weights().get(i).tensor());
            }
            assertMatchesKeras(c, model.predict(c.input().batchOfOne()));
            checked++;
        }
        System.out.println(baseName + ": " + checked + " cases match Keras, " + channelsFirst + " of them channels_first");
        assertTrue(checked > 0, baseName + ": no case was checked");
    }
}
