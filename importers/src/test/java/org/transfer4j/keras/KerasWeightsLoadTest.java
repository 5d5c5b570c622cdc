package org.transfer4j.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jhdf.HdfFile;
import io.jhdf.api.Group;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Sequential;
import org.transfer4j.nn.Weight;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.Conv2D;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.nn.layers.DepthwiseConv2D;
import org.transfer4j.nn.layers.GlobalAveragePooling2D;
import org.transfer4j.testdata.TestData;

/**
 * Loading the real Keras Applications MobileNet v1 (alpha 0.25) files of {@code ../shared/data/keras}
 * into small models built by hand with the same layer names and shapes as their first layers.
 */
class KerasWeightsLoadTest {
    private static final String NO_TOP = "keras/mobilenet_2_5_224_tf_no_top.h5";
    private static final String FULL = "keras/mobilenet_v1_0.25_224_imagenet.h5";

    /** The first layers of Keras' MobileNet(alpha=0.25): conv1 kernel (3,3,3,8) and conv1_bn (8,) x4 (INVENTORY.md). */
    private static Model firstLayers(Dense head) {
        return new Sequential("mobilenet_start", new int[] {224, 224, 3},
                new Conv2D(8, 3).strides(2).padding("same").useBias(false).named("conv1"),
                new BatchNormalization().named("conv1_bn"),
                new GlobalAveragePooling2D(),
                head);
    }

    private static Map<String, Map<String, float[]>> readAll(Path path) {
        try (HdfFile hdf = new HdfFile(path)) {
            Group group = hdf.getChildren().containsKey("model_weights") ? (Group) hdf.getChild("model_weights") : hdf;
            return KerasWeights.read(group, path);
        }
    }

    private static Map<String, float[]> snapshot(Model model) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Weight w : model.weights()) {
            out.put(w.path(), w.value().toArray());
        }
        return out;
    }

    private static void assertUnchanged(Map<String, float[]> before, Model model) {
        Map<String, float[]> after = snapshot(model);
        assertEquals(before.keySet(), after.keySet());
        before.forEach((path, values) -> assertArrayEquals(values, after.get(path), path + " changed"));
    }

    @Test
    void weightsOnlyAndFullModelFilesHoldTheSame135Arrays() {
        Map<String, Map<String, float[]>> noTop = readAll(TestData.require(NO_TOP));
        Map<String, Map<String, float[]>> full = readAll(TestData.require(FULL));

        // README.md of the data folder: 135 arrays, bit-identical, the full model adds conv_preds kernel + bias.
        // INVENTORY.md: 218544 stored values in the weights-only file, 475544 in the full model.
        assertEquals(135, noTop.values().stream().mapToInt(Map::size).sum());
        assertEquals(137, full.values().stream().mapToInt(Map::size).sum());
        assertEquals(218544L, noTop.values().stream().flatMap(m -> m.values().stream()).mapToLong(a -> a.length).sum());
        assertEquals(475544L, full.values().stream().flatMap(m -> m.values().stream()).mapToLong(a -> a.length).sum());
        assertEquals(List.of("conv1/kernel:0"), List.copyOf(noTop.get("conv1").keySet()));
        assertEquals(List.of("conv1_bn/gamma:0", "conv1_bn/beta:0", "conv1_bn/moving_mean:0", "conv1_bn/moving_variance:0"),
                List.copyOf(noTop.get("conv1_bn").keySet()));

        int compared = 0;
        for (var layer : noTop.entrySet()) {
            Map<String, float[]> fullLayer = full.get(layer.getKey());
            assertEquals(layer.getValue().keySet(), fullLayer.keySet(), layer.getKey());
            for (var weight : layer.getValue().entrySet()) {
                // Arrays.equals on float[] compares bit patterns (floatToIntBits): bit-identical as the README says.
                assertArrayEquals(weight.getValue(), fullLayer.get(weight.getKey()), weight.getKey());
                compared++;
            }
        }
        assertEquals(135, compared);
        assertEquals(Set.of("conv_preds"), Set.copyOf(full.keySet().stream().filter(k -> !noTop.containsKey(k)).toList()));
    }

    /** Every Keras file of the data folder reads whole; INVENTORY.md gives each file's number of stored weight values. */
    @ParameterizedTest
    @CsvSource({"mobilenet_2_5_224_tf_no_top.h5, 218544", "mobilenet_v1_0.25_224_imagenet.h5, 475544",
            "resnet8_cifar10_keras2.4.0.h5, 78666", "resnet8_cifar10_large_keras2.14.0.h5, 205306",
            "vww_96.h5, 221794"})
    void everySharedKerasFileReadsWhole(String name, long values) {
        Map<String, Map<String, float[]>> arrays = readAll(TestData.require("keras/" + name));
        assertEquals(values, arrays.values().stream().flatMap(m -> m.values().stream()).mapToLong(a -> a.length).sum());
    }

    @Test
    void nonStrictLoadFillsTheMatchingLayersAndReportsTheRest() {
        Path file = TestData.require(NO_TOP);
        Model model = firstLayers((Dense) new Dense(5).named("my_head"));
        Map<String, float[]> headBefore = Map.of("kernel", model.weight("my_head/kernel").value().toArray(),
                "bias", model.weight("my_head/bias").value().toArray());

        WeightLoadReport report = KerasWeights.load(file, model, false);

        assertEquals(List.of("conv1/kernel", "conv1_bn/gamma", "conv1_bn/beta", "conv1_bn/moving_mean",
                "conv1_bn/moving_variance"), report.loadedWeights());
        // 54 layers hold weights: conv1, conv1_bn, and 13 blocks of conv_dw_i, conv_dw_i_bn, conv_pw_i, conv_pw_i_bn.
        assertEquals(52, report.unmatchedFileLayers().size());
        assertEquals("conv_dw_1", report.unmatchedFileLayers().getFirst());
        assertEquals("conv_pw_13_bn", report.unmatchedFileLayers().getLast());
        assertFalse(report.unmatchedFileLayers().contains("conv1_relu"), "layers without weights are not listed");
        assertEquals(List.of("my_head"), report.unloadedModelLayers());
        assertFalse(report.isComplete());
        String text = report.toString();
        assertTrue(text.contains("loaded 5 weights into 2 layer(s)") && text.contains("conv_dw_1") && text.contains("my_head")
                && text.contains("(32 more)"), text);

        Map<String, float[]> conv1 = readAll(file).get("conv1");
        Map<String, float[]> bn = readAll(file).get("conv1_bn");
        assertArrayEquals(conv1.get("conv1/kernel:0"), model.weight("conv1/kernel").value().toArray());
        assertArrayEquals(bn.get("conv1_bn/gamma:0"), model.weight("conv1_bn/gamma").value().toArray());
        assertArrayEquals(bn.get("conv1_bn/beta:0"), model.weight("conv1_bn/beta").value().toArray());
        assertArrayEquals(bn.get("conv1_bn/moving_mean:0"), model.weight("conv1_bn/moving_mean").value().toArray());
        assertArrayEquals(bn.get("conv1_bn/moving_variance:0"),
                model.weight("conv1_bn/moving_variance").value().toArray());
        // The values are the trained ones, not the initial ones (moving_variance starts at ones).
        assertFalse(allEqual(model.weight("conv1_bn/moving_variance").value().toArray(), 1f));
        assertArrayEquals(headBefore.get("kernel"), model.weight("my_head/kernel").value().toArray());
        assertArrayEquals(headBefore.get("bias"), model.weight("my_head/bias").value().toArray());
    }

    @Test
    void fullModelFileLoadsFromItsModelWeightsGroup() {
        Model fromWeightsOnly = firstLayers(new Dense(5));
        Model fromFull = firstLayers(new Dense(5));
        KerasWeights.load(TestData.require(NO_TOP), fromWeightsOnly, false);
        WeightLoadReport report = KerasWeights.load(TestData.require(FULL), fromFull, false);

        assertEquals(5, report.loadedWeights().size());
        assertEquals(53, report.unmatchedFileLayers().size(), "52 as in the weights-only file, plus conv_preds");
        assertTrue(report.unmatchedFileLayers().contains("conv_preds"));
        for (String path : List.of("conv1/kernel", "conv1_bn/gamma", "conv1_bn/moving_variance")) {
            assertArrayEquals(fromWeightsOnly.weight(path).value().toArray(), fromFull.weight(path).value().toArray(), path);
        }
    }

    @Test
    void layersInsideANestedModelAreFoundByName() {
        Model base = new Sequential("base", new int[] {224, 224, 3},
                new Conv2D(8, 3).strides(2).padding("same").useBias(false).named("conv1"),
                new BatchNormalization().named("conv1_bn"));
        Model outer = new Sequential("outer", new int[] {224, 224, 3}, base, new GlobalAveragePooling2D(),
                new Dense(3).named("head"));

        WeightLoadReport report = KerasWeights.load(TestData.require(NO_TOP), outer, false);

        assertEquals(5, report.loadedWeights().size());
        assertEquals(List.of("head"), report.unloadedModelLayers());
        assertArrayEquals(readAll(TestData.require(NO_TOP)).get("conv1").get("conv1/kernel:0"),
                base.weight("conv1/kernel").value().toArray());
    }

    @Test
    void strictLoadNamesTheUnmatchedLayersAndLoadsNothing() {
        Path file = TestData.require(NO_TOP);
        Model model = firstLayers((Dense) new Dense(5).named("my_head"));
        Map<String, float[]> before = snapshot(model);

        KerasImportException e = assertThrows(KerasImportException.class, () -> KerasWeights.load(file, model, true));

        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("strict") && e.getMessage().contains("conv_dw_1")
                && e.getMessage().contains("my_head"), e.getMessage());
        assertUnchanged(before, model);
    }

    @Test
    void shapeMismatchNamesFileLayerWeightAndBothShapesAndLoadsNothing() {
        Path file = TestData.require(NO_TOP);
        // conv_dw_1 in the file is (3,3,8,1); a depth multiplier of 2 makes the model's (3,3,8,2).
        Model model = new Sequential(new int[] {224, 224, 3},
                new Conv2D(8, 3).strides(2).padding("same").useBias(false).named("conv1"),
                new DepthwiseConv2D(3).depthMultiplier(2).padding("same").useBias(false).named("conv_dw_1"));
        Map<String, float[]> before = snapshot(model);

        KerasImportException e = assertThrows(KerasImportException.class, () -> KerasWeights.load(file, model, false));

        String m = e.getMessage();
        assertTrue(m.contains(file.toString()) && m.contains("layer 'conv_dw_1'")
                && m.contains("conv_dw_1/depthwise_kernel:0") && m.contains("(3, 3, 8, 1)") && m.contains("(3, 3, 8, 2)"), m);
        assertUnchanged(before, model); // conv1 matched before the mismatch, yet it was not loaded either
    }

    @Test
    void weightCountMismatchIsAnErrorEvenWhenNotStrict() {
        Path file = TestData.require(NO_TOP);
        Model model = new Sequential(new int[] {224, 224, 3},
                new Conv2D(8, 3).strides(2).padding("same").useBias(true).named("conv1"));

        KerasImportException e = assertThrows(KerasImportException.class, () -> KerasWeights.load(file, model, false));

        assertTrue(e.getMessage().contains("layer 'conv1'") && e.getMessage().contains("1 weight(s)")
                && e.getMessage().contains("conv1/bias"), e.getMessage());
    }

    private static boolean allEqual(float[] values, float v) {
        for (float x : values) {
            if (x != v) {
                return false;
            }
        }
        return true;
    }
}
