package org.transfer4j.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.transfer4j.applications.MobileNet;
import org.transfer4j.nn.Initializers;
import org.transfer4j.nn.Input;
import org.transfer4j.nn.Layer;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Sequential;
import org.transfer4j.nn.SingleInputLayer;
import org.transfer4j.nn.SymbolicTensor;
import org.transfer4j.nn.Weight;
import org.transfer4j.nn.layers.Activation;
import org.transfer4j.nn.layers.Add;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.Concatenate;
import org.transfer4j.nn.layers.Conv2D;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.nn.layers.DepthwiseConv2D;
import org.transfer4j.nn.layers.Dropout;
import org.transfer4j.nn.layers.Flatten;
import org.transfer4j.nn.layers.GlobalAveragePooling2D;
import org.transfer4j.nn.layers.MaxPooling2D;
import org.transfer4j.nn.layers.ReLU;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;
import org.transfer4j.testdata.TestData;

/**
 * {@link KerasH5#save}: import, export, import gives the same layers, bit-identical weights and identical
 * outputs; the file has Keras 2's layout; a failed save leaves nothing behind and an existing file as it was.
 */
class KerasH5SaveTest {
    @TempDir
    Path dir;

    // ---- round trips --------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"mobilenet_v1_0.25_224_imagenet.h5", "resnet8_cifar10_keras2.4.0.h5",
            "resnet8_cifar10_large_keras2.14.0.h5", "vww_96.h5"})
    void sharedFullModelsRoundTrip(String fileName) {
        Model original = KerasH5.load(TestData.require("keras/" + fileName));
        Path saved = dir.resolve(fileName);
        KerasSaveReport report = KerasH5.save(original, saved);
        assertEquals("Functional", report.modelClass(), report.toString());
        assertNull(report.configOmitted());
        assertRoundTrip(original, KerasH5.load(saved));
    }

    /**
     * Every full 2-D model of the keras-reference folders (Sequential and Functional configs of Keras 2.2
     * to 2.4, the simpleconv2d ones mixing data formats included; the 1-D folders are out of scope) survives
     * import, export, import.
     */
    @TestFactory
    Stream<DynamicTest> referenceModelsRoundTrip() throws IOException {
        Path root = TestData.require("keras-reference");
        List<Path> files = new ArrayList<>();
        for (String folder : List.of("dl4j-activations", "dl4j-fullconfigs-cnn", "dl4j-tfkeras-cnn2d", "dl4j-weights-import")) {
            try (Stream<Path> all = Files.list(root.resolve(folder))) {
                all.filter(f -> {
                    String name = f.getFileName().toString();
                    return name.matches(".*\\.(h5|hdf5)") && !name.endsWith("_inputs_and_outputs.h5")
                            && !name.endsWith("_weights.h5");
                }).sorted().forEach(files::add);
            }
        }
        assertTrue(files.size() >= 20, "found the reference models, got " + files.size());
        return files.stream().map(f -> DynamicTest.dynamicTest(root.relativize(f).toString(), () -> {
            Model original = KerasH5.load(f);
            randomize(original, 23);
            Path saved = dir.resolve(f.getFileName().toString().replace(".hdf5", ".h5"));
            KerasSaveReport report = KerasH5.save(original, saved);
            assertTrue(report.hasModelConfig(), report.toString());
            assertRoundTrip(original, KerasH5.load(saved));
        }));
    }

    /**
     * A Java-built graph with a nested Functional base, a nested Sequential head, a shared layer (called
     * twice), Add, Concatenate, BatchNormalization with moving statistics that are not 0 and 1, and Dropout.
     */
    @Test
    void javaGraphWithNestedModelsAndASharedLayerRoundTrips() {
        Model model = nestedGraph();
        randomize(model, 11);
        Path saved = dir.resolve("graph.h5");
        KerasSaveReport report = KerasH5.save(model, saved);
        assertTrue(report.hasModelConfig(), report.toString());
        // The weightless layers (input, add, concat, dropout, pooling) have no group; the rest in model order.
        assertEquals(List.of("base", "shared", "head", "logits"), report.layersWithWeights());
        assertRoundTrip(model, KerasH5.load(saved));
    }

    @Test
    void mobileNetFromTheBuilderRoundTrips() {
        Model model = MobileNet.builder().alpha(0.25).build();
        randomize(model, 5);
        Path saved = dir.resolve("mobilenet.h5");
        KerasSaveReport report = KerasH5.save(model, saved);
        assertEquals("Functional", report.modelClass(), report.toString());
        assertRoundTrip(model, KerasH5.load(saved));
    }

    @Test
    void javaSequentialIsWrittenAsSequentialAndRoundTrips() {
        Model model = new Sequential("stack", new int[] {8, 8, 2}, new Conv2D(4, 3).activation("relu").named("c"),
                new MaxPooling2D(2).named("pool"), new Flatten().named("flat"), new Dense(3).named("out"));
        randomize(model, 2);
        Path saved = dir.resolve("sequential.h5");
        assertEquals("Sequential", KerasH5.save(model, saved).modelClass());
        JsonNode config = modelConfig(saved);
        assertEquals("Sequential", config.get("class_name").asText());
        assertEquals("InputLayer", config.at("/config/layers/0/class_name").asText(), "tf.keras 2 lists the input first");
        assertRoundTrip(model, KerasH5.load(saved));
    }

    @Test
    void aModelWithoutWeightsRoundTrips() {
        Model model = new Sequential(new int[] {4, 4, 3}, new MaxPooling2D(2).named("pool"), new Flatten().named("flat"));
        Path saved = dir.resolve("noweights.h5");
        KerasSaveReport report = KerasH5.save(model, saved);
        assertEquals(List.of(), report.layersWithWeights());
        assertRoundTrip(model, KerasH5.load(saved));
    }

    // ---- the layout ---------------------------------------------------------------------------------------

    @Test
    void theFileHasKeras2sLayout() throws IOException {
        Model model = nestedGraph();
        Path saved = dir.resolve("layout.h5");
        KerasH5.save(model, saved);
        try (HdfFile hdf = new HdfFile(saved)) {
            assertEquals("2.15.0", hdf.getAttribute("keras_version").getData());
            assertEquals("tensorflow", hdf.getAttribute("backend").getData());
            Group weights = (Group) hdf.getChild("model_weights");
            assertEquals("2.15.0", weights.getAttribute("keras_version").getData(), "Keras reads the version here");
            assertArrayEquals(new String[] {"base", "shared", "head", "logits"},
                    (String[]) weights.getAttribute("layer_names").getData());
            Group shared = (Group) weights.getChild("shared");
            assertArrayEquals(new String[] {"shared/kernel:0", "shared/bias:0"},
                    (String[]) shared.getAttribute("weight_names").getData());
            Dataset kernel = (Dataset) hdf.getByPath("model_weights/shared/shared/kernel:0");
            assertArrayEquals(new int[] {3, 3, 4, 4}, kernel.getDimensions());
            // A nested model's group holds its layers' weights under their own names, trainable ones first.
            assertArrayEquals(new String[] {"base_conv/kernel:0", "base_conv/bias:0", "base_bn/gamma:0", "base_bn/beta:0",
                            "base_bn/moving_mean:0", "base_bn/moving_variance:0"},
                    (String[]) ((Group) weights.getChild("base")).getAttribute("weight_names").getData());
            assertNotNull(hdf.getByPath("model_weights/base/base_bn/moving_variance:0"));
        }
        JsonNode config = modelConfig(saved);
        assertEquals("Functional", config.get("class_name").asText());
        Map<String, JsonNode> layers = new LinkedHashMap<>();
        config.at("/config/layers").forEach(l -> layers.put(l.get("name").asText(), l));
        assertEquals("[]", layers.get("image").get("inbound_nodes").toString());
        assertEquals("[[null,4,4,3]]".replace("[[", "[").replace("]]", "]"),
                layers.get("image").at("/config/batch_input_shape").toString());
        // The nested model's call is its node 1 (Keras counts the call that built it as node 0).
        assertEquals("[[[\"image\",0,0,{}]]]", layers.get("base").get("inbound_nodes").toString());
        assertEquals("Functional", layers.get("base").get("class_name").asText());
        assertEquals("[[[\"base\",1,0,{}]],[[\"shared\",0,0,{}]]]", layers.get("shared").get("inbound_nodes").toString());
        assertEquals("[[[\"shared\",0,0,{}],[\"shared\",1,0,{}]]]", layers.get("add").get("inbound_nodes").toString());
        assertEquals("Sequential", layers.get("head").get("class_name").asText());
        assertEquals("[[\"image\",0,0]]", config.at("/config/input_layers").toString());
        assertEquals("[[\"logits\",0,0]]", config.at("/config/output_layers").toString());
        JsonNode conv = layers.get("shared").get("config");
        assertEquals("{\"class_name\":\"GlorotUniform\",\"config\":{\"seed\":null}}", conv.get("kernel_initializer").toString());
        assertEquals("[3,3]", conv.get("kernel_size").toString());
        assertEquals("same", conv.get("padding").asText());
        assertEquals("float32", conv.get("dtype").asText());
    }

    /**
     * Frozen layers stay frozen, and a nested model stores its weights as Keras' {@code _legacy_weights}:
     * all trainable ones (in layer order), then all the others, so a frozen conv's kernel comes after the
     * trainable gamma and beta of the batch normalisation behind it.
     */
    @Test
    void frozenLayersRoundTripAndComeAfterTheTrainableWeights() throws IOException {
        Model model = nestedGraph();
        randomize(model, 4);
        ((Model) model.layer("base")).layer("base_conv").setTrainable(false);
        model.layer("logits").setTrainable(false);
        Path saved = dir.resolve("frozen.h5");
        KerasH5.save(model, saved);
        try (HdfFile hdf = new HdfFile(saved)) {
            assertArrayEquals(new String[] {"base_bn/gamma:0", "base_bn/beta:0", "base_conv/kernel:0", "base_conv/bias:0",
                            "base_bn/moving_mean:0", "base_bn/moving_variance:0"},
                    (String[]) ((Group) hdf.getByPath("model_weights/base")).getAttribute("weight_names").getData());
        }
        Model reloaded = KerasH5.load(saved);
        assertFalse(((Model) reloaded.layer("base")).layer("base_conv").isTrainable());
        assertFalse(reloaded.layer("logits").isTrainable());
        assertRoundTrip(model, reloaded);
    }

    // ---- what cannot be described, and failures ---------------------------------------------------------

    @Test
    void aLayerWithoutAKerasDescriptionGivesAWeightsOnlyFile() {
        Model model = withCustomLayer();
        randomize(model, 3);
        Path saved = dir.resolve("custom.h5");
        KerasSaveReport report = KerasH5.save(model, saved);
        assertFalse(report.hasModelConfig());
        assertTrue(report.configOmitted().contains("scale") && report.configOmitted().contains(Scale.class.getName()),
                report.configOmitted());
        KerasImportException e = assertThrows(KerasImportException.class, () -> KerasH5.load(saved));
        assertTrue(e.getMessage().contains("no Keras content") || e.getMessage().contains("model_config"), e.getMessage());
        Model fresh = withCustomLayer();
        assertTrue(KerasWeights.load(saved, fresh, true).isComplete());
        assertWeightsEqual(model, fresh);
    }

    @Test
    void aFailureMidwayLeavesTheExistingFileAndNoTemporaryFile() throws IOException {
        Path target = dir.resolve("model.h5");
        byte[] before = "an older file".getBytes();
        Files.write(target, before);
        Model model = withCustomLayer();
        // The last layer's weight cannot be read: the save fails after the temporary file was started.
        model.layer("scale").weight("factor").value().close();
        KerasExportException e = assertThrows(KerasExportException.class, () -> KerasH5.save(model, target));
        assertTrue(e.getMessage().contains("scale/factor"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(target), "the existing file is untouched");
        assertEquals(List.of(target), listDir(), "no temporary file is left");
    }

    @Test
    void savingOverAnExistingFileReplacesItAndKeepsItsPermissions() throws IOException {
        Path target = dir.resolve("model.h5");
        Files.write(target, "an older file".getBytes());
        boolean posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
        Set<PosixFilePermission> permissions = PosixFilePermissions.fromString("rw-r-----");
        if (posix) {
            Files.setPosixFilePermissions(target, permissions);
        }
        Model model = nestedGraph();
        randomize(model, 8);
        KerasH5.save(model, target);
        assertRoundTrip(model, KerasH5.load(target));
        assertEquals(List.of(target), listDir());
        if (posix) {
            assertEquals(permissions, Files.getPosixFilePermissions(target));
        }
    }

    @Test
    void twoNestedLayersOfOneNameCannotShareAGroup() {
        SymbolicTensor in = Input.of("x", 3);
        Model inner = Model.of("inner", in, new Dense(2).named("d").apply(in));
        SymbolicTensor in2 = Input.of("y", 3);
        Model middle = Model.of("middle", in2, new Dense(2).named("d").apply(inner.apply(in2)));
        SymbolicTensor in3 = Input.of("z", 3);
        Model outer = Model.of("outer", in3, middle.apply(in3));
        Path target = dir.resolve("clash.h5");
        KerasExportException e = assertThrows(KerasExportException.class, () -> KerasH5.save(outer, target));
        assertTrue(e.getMessage().contains("d/kernel:0") && e.getMessage().contains("'middle'"), e.getMessage());
        assertFalse(Files.exists(target));
    }

    @Test
    void aConfigTooLargeForOneAttributeIsShortenedAndThenLeftOut() {
        // ~150 bytes of defaults per Dense: 400 of them pass the attribute limit only without them.
        Model shortened = denseStack(400, "d");
        KerasSaveReport report = KerasH5.save(shortened, dir.resolve("shortened.h5"));
        assertTrue(report.hasModelConfig(), report.toString());
        assertFalse(modelConfig(dir.resolve("shortened.h5")).toString().contains("kernel_initializer"));
        assertRoundTrip(shortened, KerasH5.load(dir.resolve("shortened.h5")));

        Model huge = denseStack(1500, "d");
        KerasSaveReport omitted = KerasH5.save(huge, dir.resolve("huge.h5"));
        assertFalse(omitted.hasModelConfig());
        assertTrue(omitted.configOmitted().contains("bytes"), omitted.configOmitted());
        Model fresh = denseStack(1500, "d");
        assertTrue(KerasWeights.load(dir.resolve("huge.h5"), fresh, true).isComplete());
        assertWeightsEqual(huge, fresh);
    }

    @Test
    void longLayerNameListsAreSplitAsKerasSplitsThem() throws IOException {
        // 240 names of up to 253 characters: 60,720 bytes as one fixed-length array, more than one attribute takes.
        Model model = denseStack(240, "d".repeat(250));
        Path saved = dir.resolve("chunked.h5");
        KerasH5.save(model, saved);
        try (HdfFile hdf = new HdfFile(saved)) {
            Group weights = (Group) hdf.getChild("model_weights");
            assertNull(weights.getAttribute("layer_names"));
            assertEquals(120, ((String[]) weights.getAttribute("layer_names0").getData()).length);
            assertEquals(120, ((String[]) weights.getAttribute("layer_names1").getData()).length);
        }
        Model fresh = denseStack(240, "d".repeat(250));
        assertTrue(KerasWeights.load(saved, fresh, true).isComplete());
        assertWeightsEqual(model, fresh);
    }

    /** The limits H5Output keeps to are within what jhdf 0.13 writes readably (past them it does not). */
    @Test
    void theLargestAttributeAndNameWrittenReadBack() {
        Path file = dir.resolve("limits.h5");
        String config = "x".repeat(H5Output.MAX_ATTRIBUTE_BYTES);
        String name = "n".repeat(H5Output.MAX_NAME_BYTES);
        try (io.jhdf.WritableHdfFile hdf = HdfFile.write(file)) {
            hdf.putAttribute("model_config", config);
            hdf.putGroup(name).putDataset(name, new float[] {1f});
        }
        try (HdfFile hdf = new HdfFile(file)) {
            assertEquals(config, hdf.getAttribute("model_config").getData());
            assertArrayEquals(new float[] {1f}, (float[]) hdf.getDatasetByPath(name + "/" + name).getData());
        }
    }

    @Test
    void aLayerNameLongerThanJhdfWritesIsRefusedBeforeAnythingIsWritten() throws IOException {
        Model model = denseStack(1, "d".repeat(260));
        Path target = dir.resolve("longname.h5");
        KerasExportException e = assertThrows(KerasExportException.class, () -> KerasH5.save(model, target));
        assertTrue(e.getMessage().contains("261 bytes") && e.getMessage().contains("254"), e.getMessage());
        assertEquals(List.of(), listDir());
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    /** image (4,4,3) -> base [conv, bn] -> shared conv twice -> add -> concat with base -> head [dropout, pool] -> logits. */
    private static Model nestedGraph() {
        SymbolicTensor baseIn = Input.of("base_in", 4, 4, 3);
        SymbolicTensor b = new Conv2D(4, 3).padding("same").named("base_conv").apply(baseIn);
        b = new BatchNormalization().momentum(0.9f).epsilon(1e-5f).named("base_bn").apply(b);
        Model base = Model.of("base", baseIn, new ReLU().maxValue(6f).named("base_relu").apply(b));

        Model head = new Sequential("head", new int[] {4, 4, 8}, new Dropout(0.25f).named("drop"),
                new GlobalAveragePooling2D().named("gap"), new Dense(6).activation("tanh").named("head_dense"));

        SymbolicTensor image = Input.of("image", 4, 4, 3);
        SymbolicTensor features = base.apply(image);
        Conv2D shared = (Conv2D) new Conv2D(4, 3).padding("same").named("shared");
        SymbolicTensor once = shared.apply(features);
        SymbolicTensor twice = shared.apply(once);
        SymbolicTensor sum = new Add().named("add").apply(once, twice);
        SymbolicTensor joined = new Concatenate().named("concat").apply(features, sum);
        SymbolicTensor out = new Dense(5).activation("softmax").named("logits").apply(head.apply(joined));
        return Model.of("graph", image, out);
    }

    private static Model denseStack(int layers, String prefix) {
        Layer[] stack = new Layer[layers];
        for (int i = 0; i < layers; i++) {
            stack[i] = new Dense(1).named(prefix + i);
        }
        return new Sequential("stack", new int[] {1}, stack);
    }

    private static Model withCustomLayer() {
        SymbolicTensor in = Input.of("x", 3);
        SymbolicTensor h = new Dense(3).named("d").apply(in);
        return Model.of("custom", in, new Scale().named("scale").apply(h));
    }

    /** A layer class of the test: no Keras description. {@code x (N,F) -> x * factor (F)}. */
    static final class Scale extends SingleInputLayer {
        private Weight factor;

        @Override
        protected int[] outputShape(int[] in) {
            return in.clone();
        }

        @Override
        protected void build(int[] in) {
            factor = addWeight("factor", new int[] {in[0]}, Initializers.ones(), true);
        }

        @Override
        protected Tensor forward(Tensor x, boolean training) {
            return org.transfer4j.ops.Arithmetic.mul(x, factor.value());
        }
    }

    /** Random values in every weight (variances positive), so a lost or misplaced weight shows. */
    private static void randomize(Model model, long seed) {
        Generator gen = new Generator(seed);
        for (Weight w : model.weights()) {
            Tensor r = Tensor.uniform(gen, w.name().contains("variance") ? 0.5f : -1f, 1.5f, w.shape());
            w.assign(r);
        }
    }

    private void assertRoundTrip(Model original, Model reloaded) {
        assertEquals(original.name(), reloaded.name());
        assertEquals(describe(original), describe(reloaded), "the same layers, classes and trainable flags");
        assertWeightsEqual(original, reloaded);
        int[] shape = original.input().shape();
        int[] batch = new int[shape.length + 1];
        batch[0] = 2;
        System.arraycopy(shape, 0, batch, 1, shape.length);
        Tensor x = Tensor.uniform(new Generator(17), -1f, 1f, batch);
        assertArrayEquals(original.predict(x).toArray(), reloaded.predict(x).toArray(), 0f, "identical predictions");
    }

    /**
     * Every layer, nested models expanded: name, class and trainable flag. The reader builds every model,
     * Sequential configs included, as a {@link Model}, so a Java {@link Sequential} counts as a Model here.
     */
    private static List<String> describe(Model model) {
        List<String> out = new ArrayList<>();
        for (Layer l : model.layers()) {
            String type = l instanceof Model ? "Model" : l.typeName();
            out.add(l.name() + " (" + type + ")" + (l.isTrainable() ? "" : " frozen"));
            if (l instanceof Model m) {
                describe(m).forEach(s -> out.add("  " + s));
            }
        }
        return out;
    }

    /** The same weights at the same paths, bit for bit. */
    private static void assertWeightsEqual(Model a, Model b) {
        List<Weight> wa = a.weights();
        List<Weight> wb = b.weights();
        assertEquals(wa.stream().map(Weight::path).toList(), wb.stream().map(Weight::path).toList());
        for (int i = 0; i < wa.size(); i++) {
            assertArrayEquals(wa.get(i).shape(), wb.get(i).shape(), wa.get(i).path());
            float[] x = wa.get(i).value().toArray();
            float[] y = wb.get(i).value().toArray();
            for (int j = 0; j < x.length; j++) {
                assertEquals(Float.floatToRawIntBits(x[j]), Float.floatToRawIntBits(y[j]), wa.get(i).path() + "[" + j + "]");
            }
        }
    }

    private static JsonNode modelConfig(Path file) {
        try (HdfFile hdf = new HdfFile(file)) {
            return KerasConfig.parse((String) hdf.getAttribute("model_config").getData());
        }
    }

    private List<Path> listDir() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }
}
