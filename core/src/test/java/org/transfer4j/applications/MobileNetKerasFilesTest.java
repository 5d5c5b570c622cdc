package org.transfer4j.applications;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.transfer4j.nn.InputLayer;
import org.transfer4j.nn.Layer;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.layers.GlobalAveragePooling2D;
import org.transfer4j.nn.layers.ZeroPadding2D;
import org.transfer4j.testdata.TestData;

/**
 * MobileNet alpha 0.25 against the two real Keras files of it in {@code shared/data/keras} (described in its
 * INVENTORY.md): the weights-only {@code mobilenet_2_5_224_tf_no_top.h5} (Keras 2.0.4) and the full model
 * {@code mobilenet_v1_0.25_224_imagenet.h5} (Keras 2.8.0).
 *
 * <p>Automatic names are not compared: Keras gives unnamed layers a per-session counter ({@code input_1},
 * {@code input_2}, {@code global_average_pooling2d_1}), so they depend on what the saving session built
 * before; ours come from this process's counters, as in Keras 3 ({@code input_layer}, ...). Weights never
 * sit in those layers, so loading by name does not need them.
 */
class MobileNetKerasFilesTest {
    private static final String NO_TOP = "mobilenet_2_5_224_tf_no_top.h5";
    private static final String FULL = "mobilenet_v1_0.25_224_imagenet.h5";

    @Test
    void noTopLayerNamesFollowTheKerasWeightsFile() throws IOException {
        List<String> kerasNames = inventoryList(NO_TOP, "layer_names in order");
        assertEquals(83, kerasNames.size());
        assertEquals("input_1", kerasNames.getFirst());
        assertEquals("global_average_pooling2d_1", kerasNames.getLast());

        Model model = MobileNet.builder().alpha(0.25).includeTop(false).pooling(Pooling.AVG).build();
        List<Layer> layers = model.layers();
        assertInstanceOf(InputLayer.class, layers.getFirst());
        assertInstanceOf(GlobalAveragePooling2D.class, layers.getLast());
        // Keras 2.0.4's MobileNet padded its strided depthwise convolutions with padding="same"; since Keras
        // 2.1.x they are "valid" after a ZeroPadding2D conv_pad_N (blocks 2, 4, 6, 12). Those have no weights,
        // so the 2017 weights file does not list them.
        List<String> pads = layers.stream().filter(l -> l instanceof ZeroPadding2D).map(Layer::name).toList();
        assertEquals(List.of("conv_pad_2", "conv_pad_4", "conv_pad_6", "conv_pad_12"), pads);

        List<String> ours = layers.subList(1, layers.size() - 1).stream()
                .filter(l -> !(l instanceof ZeroPadding2D)).map(Layer::name).toList();
        assertEquals(kerasNames.subList(1, kerasNames.size() - 1), ours);
    }

    @Test
    void noTopWeightsHoldAsManyValuesAsTheKerasWeightsFile() throws IOException {
        long stored = inventoryTotal(NO_TOP);
        assertEquals(218_544L, stored);
        assertEquals(stored, MobileNet.builder().alpha(0.25).includeTop(false).build().countParams());
        assertEquals(stored, MobileNet.builder().alpha(0.25).includeTop(false).pooling(Pooling.AVG).build()
                .countParams());
    }

    @Test
    void weightShapesAreThoseOfKerasMobileNetQuarterWidth() {
        // alpha 0.25: int(32 * 0.25) = 8 stem filters, pointwise widths int(64 * 0.25) = 16 ... int(1024 * 0.25) = 256
        Model model = MobileNet.builder().alpha(0.25).build();
        assertArrayEquals(new int[] {3, 3, 3, 8}, model.weight("conv1/kernel").shape());
        assertArrayEquals(new int[] {8}, model.weight("conv1_bn/moving_variance").shape());
        assertArrayEquals(new int[] {3, 3, 8, 1}, model.weight("conv_dw_1/depthwise_kernel").shape());
        assertArrayEquals(new int[] {1, 1, 8, 16}, model.weight("conv_pw_1/kernel").shape());
        assertArrayEquals(new int[] {3, 3, 128, 1}, model.weight("conv_dw_12/depthwise_kernel").shape());
        assertArrayEquals(new int[] {1, 1, 256, 256}, model.weight("conv_pw_13/kernel").shape());
        assertArrayEquals(new int[] {1, 1, 256, 1000}, model.weight("conv_preds/kernel").shape());
        assertArrayEquals(new int[] {1000}, model.weight("conv_preds/bias").shape());
        // BatchNormalization: gamma, beta, moving_mean, moving_variance, in Keras' order
        assertEquals(List.of("gamma", "beta", "moving_mean", "moving_variance"),
                model.layer("conv_pw_7_bn").weights().stream().map(w -> w.name()).toList());
    }

    @Test
    void withTopLayerClassesAndNamesFollowTheKerasFullModel() throws IOException {
        List<String> kerasClasses = inventoryList(FULL, "layer classes in order");
        assertEquals(91, kerasClasses.size());
        List<String> kerasNames = modelConfigLayerNames(TestData.require("keras/" + FULL));
        assertEquals(91, kerasNames.size());

        Model model = MobileNet.builder().alpha(0.25).depthMultiplier(1).includeTop(true).classes(1000)
                .inputShape(224, 224, 3).classifierActivation("softmax").build();
        assertEquals("mobilenet_0.25_224", model.name());
        assertEquals(kerasClasses, model.layers().stream().map(Layer::typeName).toList());
        List<String> ours = model.layers().stream().map(Layer::name).toList();
        // all but the automatic names (input_2, global_average_pooling2d_1 in the file)
        for (int i = 0; i < 91; i++) {
            if (i != 0 && i != 86) {
                assertEquals(kerasNames.get(i), ours.get(i), "layer " + i);
            }
        }
        assertEquals("input_2", kerasNames.get(0));
        assertEquals("global_average_pooling2d_1", kerasNames.get(86));
    }

    @Test
    void withTopWeightsHoldAsManyValuesAsTheKerasFullModel() throws IOException {
        long stored = inventoryTotal(FULL);
        assertEquals(475_544L, stored);
        assertEquals(stored, MobileNet.builder().alpha(0.25).build().countParams());
    }

    // ---- reading the data ------------------------------------------------------------------------------

    /** The space-separated list after {@code - <label>: } in the INVENTORY.md section of {@code file}. */
    private static List<String> inventoryList(String file, String label) throws IOException {
        return Arrays.asList(inventoryValue(file, label).split(" "));
    }

    private static long inventoryTotal(String file) throws IOException {
        return Long.parseLong(inventoryValue(file, "total stored weight values (model_weights only)"));
    }

    private static String inventoryValue(String file, String label) throws IOException {
        List<String> lines = Files.readAllLines(TestData.require("keras/INVENTORY.md"), StandardCharsets.UTF_8);
        int section = lines.indexOf("## " + file);
        if (section < 0) {
            throw new AssertionError("INVENTORY.md has no section '## " + file + "'");
        }
        for (String line : lines.subList(section + 1, lines.size())) {
            if (line.startsWith("## ")) {
                break;
            }
            if (line.startsWith("- " + label + ": ")) {
                return line.substring(label.length() + 4).trim();
            }
        }
        throw new AssertionError("INVENTORY.md section " + file + " has no line '- " + label + ": '");
    }

    /**
     * The layer names of a Keras 2 full-model .h5, in model order, read from its {@code model_config} attribute.
     * Core has no HDF5 reader (the importers module has); this file stores that JSON attribute as one plain
     * UTF-8 string, so the names are the {@code "name"} that each layer entry puts right before its
     * {@code "inbound_nodes"}.
     */
    private static List<String> modelConfigLayerNames(Path h5) throws IOException {
        String bytes = new String(Files.readAllBytes(h5), StandardCharsets.ISO_8859_1);
        Matcher m = Pattern.compile("\"name\": \"([^\"]+)\", \"inbound_nodes\"").matcher(bytes);
        List<String> names = new ArrayList<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
