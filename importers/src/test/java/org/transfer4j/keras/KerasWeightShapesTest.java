package org.transfer4j.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.transfer4j.keras.BytePatches.longs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transfer4j.keras.KerasWeightShapes.LayerShapes;
import org.transfer4j.keras.KerasWeightShapes.WeightShape;
import org.transfer4j.testdata.TestData;

/** {@link KerasWeightShapes#read} on the shared files; expected figures from keras/INVENTORY.md and keras/README.md. */
class KerasWeightShapesTest {
    private static final String NO_TOP = "keras/mobilenet_2_5_224_tf_no_top.h5";

    @Test
    void weightsOnlyFileListsEveryStoredArrayWithItsShape() {
        List<LayerShapes> layers = KerasWeightShapes.read(TestData.require(NO_TOP));
        // README.md: 135 weight arrays; INVENTORY.md: 218544 stored values in all.
        assertEquals(135, layers.stream().mapToInt(l -> l.weights().size()).sum());
        assertEquals(218_544, layers.stream().mapToLong(LayerShapes::count).sum());
        // Layers without weights (input_1, the ReLUs, the pooling) are left out: the first is conv1.
        LayerShapes conv1 = layers.getFirst();
        assertEquals("conv1", conv1.layer());
        WeightShape kernel = conv1.weights().getFirst();
        assertEquals("conv1/kernel:0", kernel.name());
        assertArrayEquals(new int[] {3, 3, 3, 8}, kernel.shape());
        assertEquals("(3, 3, 3, 8)", kernel.shapeString());
        assertEquals(216, kernel.count());
        assertEquals(List.of("conv1_bn/gamma:0", "conv1_bn/beta:0", "conv1_bn/moving_mean:0",
                "conv1_bn/moving_variance:0"), layers.get(1).weights().stream().map(WeightShape::name).toList());
        assertEquals("(8,)", layers.get(1).weights().getFirst().shapeString());
    }

    @Test
    void fullModelFileListsItsModelWeights() {
        List<LayerShapes> layers = KerasWeightShapes.read(TestData.require("keras/mobilenet_v1_0.25_224_imagenet.h5"));
        // INVENTORY.md: 475544 stored values; README.md: the 135 arrays of the no-top file plus conv_preds kernel and bias.
        assertEquals(475_544, layers.stream().mapToLong(LayerShapes::count).sum());
        assertEquals(137, layers.stream().mapToInt(l -> l.weights().size()).sum());
        LayerShapes preds = layers.getLast();
        assertEquals("conv_preds", preds.layer());
        // alpha 0.25: 1024 * 0.25 = 256 channels into a 1x1 convolution to the 1000 classes, plus 1000 biases.
        assertEquals(256 * 1000 + 1000, preds.count());
    }

    @Test
    void aDatasetDeclaringTwoToTheFortyElementsIsRefused(@TempDir Path dir) throws IOException {
        // As in KerasWeightsHostileFilesTest: conv1/kernel:0's dims and max dims (3,3,3,8), little-endian 64-bit
        // integers, become (1024,1024,1024,1024), 2^40 values.
        byte[] bytes = Files.readAllBytes(TestData.require(NO_TOP));
        int patched = BytePatches.replaceAll(bytes, longs(3, 3, 3, 8), longs(1024, 1024, 1024, 1024)).length;
        assertEquals(2, patched);
        Path file = Files.write(dir.resolve("absurd.h5"), bytes);
        KerasImportException e = assertThrows(KerasImportException.class, () -> KerasWeightShapes.read(file));
        assertTrue(e.getMessage().startsWith(file + ": layer 'conv1'") && e.getMessage().contains("1099511627776"),
                e.getMessage());
    }

    @Test
    void aFileThatIsNotHdf5IsAKerasImportException() {
        Path file = TestData.require("keras/README.md");
        KerasImportException e = assertThrows(KerasImportException.class, () -> KerasWeightShapes.read(file));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
    }
}
