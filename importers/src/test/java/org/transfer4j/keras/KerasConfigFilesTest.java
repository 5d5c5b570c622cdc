package org.transfer4j.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.transfer4j.nn.Layer;
import org.transfer4j.nn.Model;
import org.transfer4j.testdata.TestData;

/**
 * The full models of {@code shared/data/keras} build from their {@code model_config} into the architecture
 * {@code INVENTORY.md} describes (read with h5py, independently of this code): layer count, classes in order,
 * input shape, and a parameter count equal to the number of values stored in {@code model_weights}.
 */
class KerasConfigFilesTest {

    /** The fields of one file's INVENTORY.md section. */
    private record Inventory(String modelClass, int layerCount, int[] inputShape, List<String> classes, long storedValues) {
    }

    // Output sizes: ResNet8 and VWW from INVENTORY's "last layer: Dense {'units': 10 / 2}"; MobileNet from
    // keras/README.md ("WITH 1000-class ImageNet top", Reshape to (1000,) then softmax).
    @ParameterizedTest
    @CsvSource({
        "mobilenet_v1_0.25_224_imagenet.h5, 1000",
        "resnet8_cifar10_keras2.4.0.h5, 10",
        "resnet8_cifar10_large_keras2.14.0.h5, 10",
        "vww_96.h5, 2",
    })
    void buildsTheInventoriedArchitecture(String fileName, int classes) throws IOException {
        Path file = TestData.require("keras/" + fileName);
        Inventory inv = inventory(fileName);
        KerasFileInfo info = KerasH5.info(file);
        Model model = KerasH5.buildModel(file);

        assertTrue(info.fullModel());
        assertEquals(inv.modelClass(), info.modelClass());
        assertEquals(inv.layerCount(), info.layerCount(), "layers listed in the config");
        assertEquals(inv.layerCount(), model.layers().size(), "layers of the built model");
        // The config's layer names, each the layer of the class INVENTORY lists at that position.
        Map<String, Layer> byName = new HashMap<>();
        model.layers().forEach(l -> byName.put(l.name(), l));
        for (int i = 0; i < inv.layerCount(); i++) {
            Layer layer = byName.get(info.layerNames().get(i));
            assertEquals(inv.classes().get(i), layer == null ? null : layer.typeName(),
                    "layer " + i + " '" + info.layerNames().get(i) + "'");
        }
        assertArrayEquals(inv.inputShape(), model.input().shape());
        assertArrayEquals(new int[] {classes}, model.output().shape());
        assertEquals(inv.storedValues(), model.countParams(), "parameters = values stored in model_weights");
    }

    private static Inventory inventory(String fileName) throws IOException {
        String text = Files.readString(TestData.require("keras/INVENTORY.md"));
        int start = text.indexOf("## " + fileName + "\n");
        assertTrue(start >= 0, "INVENTORY.md has a section for " + fileName);
        int end = text.indexOf("\n## ", start + 1);
        String section = text.substring(start, end < 0 ? text.length() : end);
        Matcher kind = find(section, "class `(\\w+)`, (\\d+) layers");
        Matcher input = find(section, "input shape: `\\[None, ([\\d, ]+)\\]`");
        Matcher classes = find(section, "layer classes in order: (.+)");
        Matcher stored = find(section, "total stored weight values \\(model_weights only\\): (\\d+)");
        int[] shape = Arrays.stream(input.group(1).split(",\\s*")).mapToInt(Integer::parseInt).toArray();
        return new Inventory(kind.group(1), Integer.parseInt(kind.group(2)), shape,
                List.of(classes.group(1).trim().split(" ")), Long.parseLong(stored.group(1)));
    }

    private static Matcher find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "INVENTORY.md section matches " + regex);
        return m;
    }
}
