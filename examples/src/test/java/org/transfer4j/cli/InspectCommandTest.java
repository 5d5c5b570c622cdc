package org.transfer4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.transfer4j.applications.Preprocessing;
import org.transfer4j.keras.KerasH5;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Sequential;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.nn.layers.GlobalAveragePooling2D;
import org.transfer4j.testdata.TestData;

/**
 * {@code transfer4j inspect} on the shared Keras files. Every expected figure (Keras version, model class,
 * layer count, layer classes, total stored weight values, input shape) is from
 * {@code ../shared/data/keras/INVENTORY.md}, which h5py read from the files; the output shapes are the
 * last layer's, as INVENTORY.md describes it.
 */
class InspectCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One full-model file as INVENTORY.md lists it. */
    record FullModel(String file, String kerasVersion, int layers, long parameters, String inputShape, String outputShape,
            String classCounts) {
        @Override
        public String toString() {
            return file;
        }
    }

    static Stream<FullModel> fullModels() {
        return Stream.of(
                new FullModel("mobilenet_v1_0.25_224_imagenet.h5", "2.8.0", 91, 475_544, "[null,224,224,3]", "[null,1000]",
                        "BatchNormalization=27 ReLU=27 Conv2D=15 DepthwiseConv2D=13 ZeroPadding2D=4 InputLayer=1 "
                                + "GlobalAveragePooling2D=1 Dropout=1 Reshape=1 Activation=1"),
                new FullModel("resnet8_cifar10_keras2.4.0.h5", "2.4.0", 30, 78_666, "[null,32,32,3]", "[null,10]",
                        "Conv2D=9 BatchNormalization=7 Activation=7 Add=3 InputLayer=1 AveragePooling2D=1 Flatten=1 Dense=1"),
                new FullModel("resnet8_cifar10_large_keras2.14.0.h5", "2.14.0", 30, 205_306, "[null,32,32,3]", "[null,10]",
                        "Conv2D=9 BatchNormalization=7 Activation=7 Add=3 InputLayer=1 AveragePooling2D=1 Flatten=1 Dense=1"),
                new FullModel("vww_96.h5", "2.4.0", 85, 221_794, "[null,96,96,3]", "[null,2]",
                        "BatchNormalization=27 Activation=27 Conv2D=14 DepthwiseConv2D=13 InputLayer=1 AveragePooling2D=1 "
                                + "Flatten=1 Dense=1"));
    }

    @ParameterizedTest
    @MethodSource("fullModels")
    void fullModelTableHasVersionLayersAndTotalsOfTheInventory(FullModel m) {
        Path file = TestData.require("keras/" + m.file());
        String text = CliRun.of("inspect", file.toString()).succeeded().out();
        assertTrue(text.contains("keras:    " + m.kerasVersion() + " (backend tensorflow)"), text);
        assertTrue(text.contains("kind:     full model (Functional)"), text);
        assertTrue(text.contains("Layers: " + m.layers() + "\n"), text);
        assertTrue(text.contains(String.format(Locale.ROOT, "Total params: %,d%n", m.parameters())), text);
        // The header, the rule under it, one row per layer.
        long rows = text.lines().dropWhile(l -> !l.startsWith("Layer ")).takeWhile(l -> !l.isBlank()).count();
        assertEquals(2 + m.layers(), rows, text);
    }

    @ParameterizedTest
    @MethodSource("fullModels")
    void fullModelJsonHasTheFieldsAndFiguresOfTheInventory(FullModel m) throws IOException {
        Path file = TestData.require("keras/" + m.file());
        JsonNode o = JSON.readTree(CliRun.of("inspect", "--json", file.toString()).succeeded().out());
        assertEquals(file.toString(), o.get("file").asText());
        assertEquals(m.kerasVersion(), o.get("kerasVersion").asText());
        assertEquals("tensorflow", o.get("backend").asText());
        assertEquals("full model", o.get("kind").asText());
        assertEquals("Functional", o.get("modelClass").asText());
        assertEquals(m.inputShape(), o.get("inputShapes").get(0).toString());
        assertEquals(m.outputShape(), o.get("outputShapes").get(0).toString());
        JsonNode layers = o.get("layers");
        assertEquals(m.layers(), layers.size());
        assertEquals(m.layers(), o.get("totals").get("layers").asInt());
        assertEquals(m.parameters(), o.get("totals").get("parameters").asLong());
        Map<String, Integer> classes = new TreeMap<>();
        long sum = 0;
        long batchNormParameters = 0;
        for (JsonNode layer : layers) {
            classes.merge(layer.get("class").asText(), 1, Integer::sum);
            sum += layer.get("parameters").asLong();
            if (layer.get("class").asText().equals("BatchNormalization")) {
                batchNormParameters += layer.get("parameters").asLong();
            }
            assertTrue(layer.get("trainable").asBoolean(), layer.toString());
        }
        assertEquals(expectedCounts(m.classCounts()), classes);
        assertEquals("InputLayer", layers.get(0).get("class").asText());
        assertEquals(m.inputShape(), layers.get(0).get("outputShape").toString());
        assertEquals(m.outputShape(), layers.get(layers.size() - 1).get("outputShape").toString());
        assertEquals(m.parameters(), sum, "the layers' parameters add up to the total");
        // Keras: BatchNormalization's gamma and beta train, its moving mean and variance (as many values) do not;
        // no other layer of these models has non-trainable weights.
        assertEquals(batchNormParameters / 2, o.get("totals").get("nonTrainable").asLong());
        assertEquals(m.parameters() - batchNormParameters / 2, o.get("totals").get("trainable").asLong());
    }

    private static Map<String, Integer> expectedCounts(String counts) {
        Map<String, Integer> out = new TreeMap<>();
        for (String entry : counts.split(" ")) {
            String[] kv = entry.split("=");
            out.put(kv[0], Integer.parseInt(kv[1]));
        }
        return out;
    }

    @Test
    void weightsOnlyFileListsItsLayersAndStoredShapes() throws IOException {
        Path file = TestData.require("keras/mobilenet_2_5_224_tf_no_top.h5");
        String text = CliRun.of("inspect", file.toString()).succeeded().out();
        assertTrue(text.contains("keras:    2.0.4 (backend tensorflow)"), text);
        assertTrue(text.contains("kind:     weights only\n"), text);
        assertTrue(text.contains("Layers: 83, weight arrays: 135\nTotal params: 218,544\n"), text);
        assertTrue(text.lines().anyMatch(l -> l.matches("conv1 +conv1/kernel:0 +\\(3, 3, 3, 8\\) +216")), text);

        JsonNode o = JSON.readTree(CliRun.of("inspect", "--json", file.toString()).succeeded().out());
        assertEquals("2.0.4", o.get("kerasVersion").asText());
        assertEquals("weights only", o.get("kind").asText());
        assertTrue(o.get("modelClass").isNull(), o.toString());
        JsonNode layers = o.get("layers");
        assertEquals(83, layers.size());
        assertEquals("input_1", layers.get(0).get("name").asText());
        assertEquals(0, layers.get(0).get("weights").size());
        assertEquals("global_average_pooling2d_1", layers.get(82).get("name").asText());
        JsonNode conv1 = layers.get(1).get("weights").get(0);
        assertEquals("conv1/kernel:0", conv1.get("name").asText());
        assertEquals("[3,3,3,8]", conv1.get("shape").toString());
        assertEquals(3 * 3 * 3 * 8, conv1.get("count").asInt());
        List<String> bn = new ArrayList<>();
        layers.get(2).get("weights").forEach(w -> bn.add(w.get("name").asText()));
        assertEquals(List.of("conv1_bn/gamma:0", "conv1_bn/beta:0", "conv1_bn/moving_mean:0", "conv1_bn/moving_variance:0"), bn);
        assertEquals(83, o.get("totals").get("layers").asInt());
        assertEquals(135, o.get("totals").get("weightArrays").asInt());
        assertEquals(218_544, o.get("totals").get("parameters").asLong());
    }

    @Test
    void aModelSavedWithClassNamesListsThemInLabelOrder(@TempDir Path dir) throws IOException {
        Model model = new Sequential("tiny", new int[] {4, 4, 3}, new GlobalAveragePooling2D().named("gap"),
                new Dense(3).activation("softmax").named("out"));
        Path file = dir.resolve("tiny.h5");
        KerasH5.save(model, file, List.of("roses", "daisy", "tulips"));
        String text = CliRun.of("inspect", file.toString()).succeeded().out();
        assertTrue(text.contains("\nclasses:  3 (roses, daisy, tulips)\n"), text);
        JsonNode o = JSON.readTree(CliRun.of("inspect", "--json", file.toString()).succeeded().out());
        assertEquals("[\"roses\",\"daisy\",\"tulips\"]", o.get("classNames").toString());

        Path plain = dir.resolve("plain.h5");
        KerasH5.save(model, plain);
        assertFalse(CliRun.of("inspect", plain.toString()).succeeded().out().contains("classes:"));
        assertFalse(JSON.readTree(CliRun.of("inspect", "--json", plain.toString()).succeeded().out()).has("classNames"));
    }

    @Test
    void aModelSavedWithItsPreprocessingShowsIt(@TempDir Path dir) throws IOException {
        Model model = new Sequential("tiny", new int[] {4, 4, 3}, new GlobalAveragePooling2D().named("gap"),
                new Dense(2).activation("softmax").named("out"));
        Path file = dir.resolve("tiny.h5");
        KerasH5.save(model, file, List.of("cat", "dog"), Preprocessing.CAFFE);
        String text = CliRun.of("inspect", file.toString()).succeeded().out();
        assertTrue(text.contains("\npreprocess: caffe (as trained"), text);
        assertEquals("caffe", JSON.readTree(CliRun.of("inspect", "--json", file.toString()).succeeded().out())
                .get("preprocess").asText());

        Path classesOnly = dir.resolve("classes-only.h5");
        KerasH5.save(model, classesOnly, List.of("cat", "dog"));
        assertFalse(CliRun.of("inspect", classesOnly.toString()).succeeded().out().contains("preprocess"));
        assertFalse(JSON.readTree(CliRun.of("inspect", "--json", classesOnly.toString()).succeeded().out())
                .has("preprocess"));
    }

    @Test
    void aFileThatIsNotHdf5IsOneLineAndExitCodeOne() {
        Path file = TestData.require("keras/README.md");
        CliRun.of("inspect", file.toString()).failedOn(file, "HDF5");
    }

    @Test
    void aMissingFileIsOneLineAndExitCodeOne(@TempDir Path dir) {
        Path file = dir.resolve("absent.h5");
        CliRun.of("inspect", "--json", file.toString()).failedOn(file, "no such file");
    }

    @Test
    void aTruncatedModelIsOneLineAndExitCodeOne(@TempDir Path dir) throws IOException {
        byte[] bytes = Files.readAllBytes(TestData.require("keras/resnet8_cifar10_keras2.4.0.h5"));
        Path file = dir.resolve("truncated.h5");
        Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
        CliRun.of("inspect", file.toString()).failedOn(file, "");
    }

    @Test
    void withoutAFileItIsAUsageError() {
        CliRun.of("inspect").usageError("Missing required parameter: 'MODEL.h5'");
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        CliRun.of("inspect", "--jsn", "x.h5").usageError("--jsn");
    }
}
