package org.transfer4j.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.transfer4j.testdata.KerasJsFixtures.assertMatchesKeras;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.transfer4j.nn.Layer;
import org.transfer4j.testdata.KerasJsFixtures;
import org.transfer4j.testdata.KerasJsFixtures.Case;
import org.transfer4j.testdata.TestData;

/**
 * SeparableConv2D, UpSampling2D, ZeroPadding2D, MaxPooling2D, AveragePooling2D and GlobalAveragePooling2D
 * against outputs of real Keras (keras-js fixtures). Each layer is configured from its case's Keras
 * arguments (the {@code testParams} of the keras-js test) and loaded with the case's weights.
 *
 * <p>The {@code channels_first} cases run too, with the layer's {@code dataFormat} taken from the case's
 * arguments; which cases those are is fixed in {@link #CHANNELS_FIRST}, and each test fails if any other
 * case says channels_first or if the notebook ({@code <name>.keras.py}) does not state
 * {@code data_format='channels_first'} for a listed one, so a case cannot silently run in the wrong format.
 */
public class KerasSpatialLayersFixtureTest {
    /** The fixture cases Keras ran with {@code data_format='channels_first'}. */
    static final List<String> CHANNELS_FIRST = List.of(
            "convolutional.UpSampling2D.1", "convolutional.UpSampling2D.3",
            "convolutional.ZeroPadding2D.1", "convolutional.ZeroPadding2D.3",
            "pooling.MaxPooling2D.10", "pooling.MaxPooling2D.11", "pooling.MaxPooling2D.12",
            "pooling.AveragePooling2D.10", "pooling.AveragePooling2D.11", "pooling.AveragePooling2D.12",
            "pooling.GlobalAveragePooling2D.1");

    @Test
    void separableConv2dMatchesKerasOnEveryFixture() {
        checkEveryCase("convolutional.SeparableConv2D", a -> {
            int[] k = KerasCoreLayersFixtureTest.pair(a.get("kernel_size"));
            int[] s = KerasCoreLayersFixtureTest.pair(a.get("strides"));
            SeparableConv2D conv = new SeparableConv2D(a.get("filters").asInt(), k[0], k[1]).strides(s[0], s[1])
                    .padding(a.get("padding").asText()).depthMultiplier(a.get("depth_multiplier").asInt())
                    .activation(a.get("activation").asText()).useBias(a.get("use_bias").asBoolean());
            if (a.has("dilation_rate")) {
                int[] d = KerasCoreLayersFixtureTest.pair(a.get("dilation_rate"));
                conv.dilationRate(d[0], d[1]);
            }
            return conv;
        });
    }

    @Test
    void upSampling2dMatchesKerasOnEveryFixture() {
        checkEveryCase("convolutional.UpSampling2D", a -> {
            int[] size = KerasCoreLayersFixtureTest.pair(a.get("size"));
            return new UpSampling2D(size[0], size[1]).dataFormat(dataFormat(a));
        });
    }

    @Test
    void zeroPadding2dMatchesKerasOnEveryFixture() {
        checkEveryCase("convolutional.ZeroPadding2D", a -> {
            JsonNode p = a.get("padding");
            if (p.isArray() && p.get(0).isArray()) { // ((top, bottom), (left, right))
                return new ZeroPadding2D(p.get(0).get(0).asInt(), p.get(0).get(1).asInt(), p.get(1).get(0).asInt(),
                        p.get(1).get(1).asInt()).dataFormat(dataFormat(a));
            }
            int[] hw = KerasCoreLayersFixtureTest.pair(p); // int, or (rows, cols) symmetric
            return new ZeroPadding2D(hw[0], hw[1]).dataFormat(dataFormat(a));
        });
    }

    @Test
    void maxPooling2dMatchesKerasOnEveryFixture() {
        checkEveryCase("pooling.MaxPooling2D", a -> {
            int[] pool = KerasCoreLayersFixtureTest.pair(a.get("pool_size"));
            MaxPooling2D layer = new MaxPooling2D(pool[0], pool[1]).padding(a.get("padding").asText())
                    .dataFormat(dataFormat(a));
            if (!a.get("strides").isNull()) { // strides=None: the pool size, our default
                int[] s = KerasCoreLayersFixtureTest.pair(a.get("strides"));
                layer.strides(s[0], s[1]);
            }
            return layer;
        });
    }

    @Test
    void averagePooling2dMatchesKerasOnEveryFixture() {
        // The "same" cases (5-9) pin down that windows reaching into the padding divide by their real cells.
        checkEveryCase("pooling.AveragePooling2D", a -> {
            int[] pool = KerasCoreLayersFixtureTest.pair(a.get("pool_size"));
            AveragePooling2D layer = new AveragePooling2D(pool[0], pool[1]).padding(a.get("padding").asText())
                    .dataFormat(dataFormat(a));
            if (!a.get("strides").isNull()) {
                int[] s = KerasCoreLayersFixtureTest.pair(a.get("strides"));
                layer.strides(s[0], s[1]);
            }
            return layer;
        });
    }

    @Test
    void globalAveragePooling2dMatchesKerasOnEveryFixture() {
        checkEveryCase("pooling.GlobalAveragePooling2D", a -> new GlobalAveragePooling2D().dataFormat(dataFormat(a)));
    }

    /** The case's {@code data_format}; Keras' default, channels_last, where the case does not give one. */
    private static String dataFormat(JsonNode attrs) {
        return attrs.hasNonNull("data_format") ? attrs.get("data_format").asText() : "channels_last";
    }

    /**
     * Runs every case of one fixture through the layer {@code factory} makes from the case's Keras
     * arguments; the cases that say channels_first must be exactly those listed in {@link #CHANNELS_FIRST}.
     */
    private static void checkEveryCase(String baseName, Function<JsonNode, Layer> factory) {
        Map<String, Case> cases = KerasJsFixtures.load(baseName + ".json");
        List<JsonNode> params = KerasJsFixtures.testParams(baseName);
        assertEquals(cases.size(), params.size(), baseName + ": one testParams entry per fixture case");
        List<String> channelsFirst = new ArrayList<>();
        int checked = 0;
        for (Case c : cases.values()) {
            JsonNode p = params.get(c.index());
            int[] inputShape = new int[p.get("inputShape").size()];
            for (int i = 0; i < inputShape.length; i++) {
                inputShape[i] = p.get("inputShape").get(i).asInt();
            }
            assertArrayEquals(inputShape, c.input().shape(), c.id() + ": testParams belong to another case");
            JsonNode attrs = p.get("attrs");
            Layer layer = factory.apply(attrs);
            if ("channels_first".equals(dataFormat(attrs))) {
                channelsFirst.add(c.id());
            }
            assertMatchesKeras(c, KerasCoreLayersFixtureTest.run(layer, c));
            checked++;
        }
        assertTrue(checked > 0, baseName + ": no case was checked");
        assertEquals(CHANNELS_FIRST.stream().filter(id -> id.startsWith(baseName + ".")).toList(), channelsFirst,
                baseName + ": the channels_first cases must be exactly the known ones");
        for (String id : channelsFirst) {
            assertTrue(notebookHeader(baseName, id).contains("data_format='channels_first'"),
                    id + " ran channels_first, but its notebook header does not say so: "
                            + notebookHeader(baseName, id));
        }
    }

    /** The markdown header the notebook gives a case: {@code # **[<id>] ... data_format='...' ...**}. */
    private static String notebookHeader(String baseName, String id) {
        Path py = TestData.require(KerasJsFixtures.FOLDER + "/" + baseName + ".keras.py");
        try {
            return Files.readAllLines(py).stream().filter(line -> line.startsWith("# **[" + id + "]")).findFirst()
                    .orElseThrow(() -> new AssertionError(py + " has no header for " + id));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
