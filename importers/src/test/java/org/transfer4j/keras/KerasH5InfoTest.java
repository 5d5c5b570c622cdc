package org.transfer4j.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transfer4j.testdata.TestData;

/** {@link KerasH5#info} on the shared files, and the file-level refusals, as {@link KerasImportException}s. */
class KerasH5InfoTest {
    @TempDir
    Path dir;

    @Test
    void weightsOnlyFile() {
        // INVENTORY.md: keras_version 2.0.4, backend tensorflow, WEIGHTS ONLY, 83 entries in layer_names
        KerasFileInfo info = KerasH5.info(TestData.require("keras/mobilenet_2_5_224_tf_no_top.h5"));
        assertEquals("2.0.4", info.kerasVersion());
        assertEquals("tensorflow", info.backend());
        assertFalse(info.fullModel());
        assertNull(info.modelClass());
        assertEquals(83, info.layerCount());
        assertEquals("input_1", info.layerNames().getFirst());
        assertEquals("global_average_pooling2d_1", info.layerNames().getLast());
    }

    @Test
    void fullModelFile() {
        // INVENTORY.md: keras_version 2.8.0, FULL MODEL, class Functional, 91 layers
        KerasFileInfo info = KerasH5.info(TestData.require("keras/mobilenet_v1_0.25_224_imagenet.h5"));
        assertEquals("2.8.0", info.kerasVersion());
        assertTrue(info.fullModel());
        assertEquals("Functional", info.modelClass());
        assertEquals(91, info.layerCount());
    }

    @Test
    void oldSequentialCountsItsLayersWithoutTheInput() {
        // dl4j-weights-import/README.md: batch_to_conv2d = Dense -> Reshape -> BatchNormalization -> Conv2D
        KerasFileInfo info = KerasH5.info(TestData.require("keras-reference/dl4j-weights-import/batch_to_conv2d_tensorflow_2.h5"));
        assertEquals("2.1.3", info.kerasVersion());
        assertEquals("Sequential", info.modelClass());
        assertEquals(4, info.layerCount());
    }

    @Test
    void weightsOnlyFileHasNoModelToBuild() {
        Path file = TestData.require("keras/mobilenet_2_5_224_tf_no_top.h5");
        KerasImportException e = assertThrows(KerasImportException.class, () -> KerasH5.buildModel(file));
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("weights-only"), e.getMessage());
    }

    @Test
    void notAnHdf5File() throws IOException {
        Path file = Files.writeString(dir.resolve("model.h5"), "this is not HDF5");
        KerasImportException e = assertThrows(KerasImportException.class, () -> KerasH5.info(file));
        assertTrue(e.getMessage().contains("not a readable HDF5 file"), e.getMessage());
        KerasImportException missing = assertThrows(KerasImportException.class, () -> KerasH5.info(dir.resolve("absent.h5")));
        assertTrue(missing.getMessage().endsWith("no such file"), missing.getMessage());
    }

    @Test
    void hdf5FileWithoutKerasContent() {
        Path file = dir.resolve("data.h5");
        try (WritableHdfFile out = HdfFile.write(file)) {
            out.putGroup("images").putDataset("x", new float[] {1f, 2f});
        }
        KerasImportException e = assertThrows(KerasImportException.class, () -> KerasH5.info(file));
        assertTrue(e.getMessage().contains("without Keras content"), e.getMessage());
        assertThrows(KerasImportException.class, () -> KerasH5.buildModel(file));
    }

    @Test
    void modelConfigThatIsNotJson() {
        Path file = dir.resolve("broken.h5");
        try (WritableHdfFile out = HdfFile.write(file)) {
            out.putAttribute("keras_version", "2.8.0");
            out.putAttribute("model_config", "{\"class_name\": \"Functional\", \"config\": {");
        }
        KerasImportException e = assertThrows(KerasImportException.class, () -> KerasH5.buildModel(file));
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("not valid JSON"), e.getMessage());
    }

    @Test
    void truncatedFilesGiveOnlyKerasImportExceptions() throws IOException {
        byte[] whole = Files.readAllBytes(TestData.require("keras/vww_96.h5"));
        for (int length : new int[] {0, 7, 100, 1_000, 10_000, 100_000}) {
            Path file = Files.write(dir.resolve("cut" + length + ".h5"), Arrays.copyOf(whole, length));
            try {
                KerasH5.buildModel(file);
            } catch (KerasImportException expected) {
                assertTrue(expected.getMessage().startsWith(file.toString()), expected.getMessage());
            }
        }
    }
}
