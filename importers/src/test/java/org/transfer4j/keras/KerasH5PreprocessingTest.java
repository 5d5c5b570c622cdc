package org.transfer4j.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.transfer4j.applications.Preprocessing;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Sequential;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.nn.layers.GlobalAveragePooling2D;
import org.transfer4j.testdata.TestData;

/**
 * {@link KerasH5#save(Model, Path, List, Preprocessing)} and {@link KerasH5#preprocessing}: the preprocessing a
 * classifier was trained with is stored beside its class names as one lower-case string, read back as the same
 * {@link Preprocessing}, absent from files Keras wrote, and a value that names none is refused with the file named.
 */
class KerasH5PreprocessingTest {
    private static final List<String> CLASSES = List.of("cat", "dog");

    @TempDir
    Path dir;

    /** image (4,4,3) -> global average pool -> dense 2 softmax (weights as initialised). */
    private static Model classifier() {
        return new Sequential("pets", new int[] {4, 4, 3}, new GlobalAveragePooling2D().named("gap"),
                new Dense(2).activation("softmax").named("out"));
    }

    @ParameterizedTest
    @EnumSource(Preprocessing.class)
    void preprocessingRoundTripsBesideTheClassNames(Preprocessing preprocessing) {
        Path saved = dir.resolve("pets.h5");
        Model model = classifier();
        KerasH5.save(model, saved, CLASSES, preprocessing);
        assertEquals(Optional.of(preprocessing), KerasH5.preprocessing(saved));
        assertEquals(Optional.of(preprocessing), KerasModels.preprocessing(saved));
        assertEquals(Optional.of(CLASSES), KerasH5.classNames(saved));
        KerasFileInfo info = KerasH5.info(saved);
        assertEquals(preprocessing, info.preprocessing());
        assertEquals(CLASSES, info.classNames());
        assertEquals(model.layers().stream().map(l -> l.name()).toList(),
                KerasH5.load(saved).layers().stream().map(l -> l.name()).toList(), "the model still loads");
    }

    @Test
    void theAttributeIsTheLowerCaseNameAtTheRoot() throws Exception {
        Path saved = dir.resolve("pets.h5");
        KerasH5.save(classifier(), saved, CLASSES, Preprocessing.CAFFE);
        try (HdfFile hdf = new HdfFile(saved)) {
            assertEquals("caffe", hdf.getAttribute("transfer4j_preprocessing").getData());
        }
    }

    @Test
    void aFileSavedWithoutItHasNone() {
        Path classesOnly = dir.resolve("classes-only.h5");
        KerasH5.save(classifier(), classesOnly, CLASSES);
        assertEquals(Optional.empty(), KerasH5.preprocessing(classesOnly));
        assertNull(KerasH5.info(classesOnly).preprocessing());
        assertEquals(Optional.empty(), KerasH5.info(classesOnly).savedPreprocessing());
    }

    @Test
    void aFileKerasWroteHasNone() {
        // dl4j-activations Softmax_0: written by Keras itself, Dense(16->32) then Softmax.
        Path keras = TestData.require("keras-reference/dl4j-activations/Softmax_0_model.h5");
        assertEquals(Optional.empty(), KerasH5.preprocessing(keras));
        assertEquals(Optional.empty(), KerasModels.preprocessing(keras));
        assertNull(KerasH5.info(keras).preprocessing());
    }

    @ParameterizedTest
    @ValueSource(strings = {"inception", "CAFFE", "", "caffe "})
    void anUnknownValueIsAnImportErrorNamingTheFileAndTheValue(String value) {
        Path file = RootAttributeFile.write(dir.resolve("bad.h5"), "2.15.0", "transfer4j_preprocessing", value);
        KerasImportException e = assertThrows(KerasImportException.class, () -> KerasH5.preprocessing(file));
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("transfer4j_preprocessing")
                && e.getMessage().contains("'" + value + "'") && e.getMessage().contains("[mobilenet, caffe, torch]"),
                e.getMessage());
        assertThrows(KerasImportException.class, () -> KerasH5.info(file));
    }

    @Test
    void anAttributeThatIsNotAStringIsAnImportError() {
        Path file = RootAttributeFile.write(dir.resolve("bad.h5"), null, "transfer4j_preprocessing", new int[] {1});
        KerasImportException e = assertThrows(KerasImportException.class, () -> KerasH5.preprocessing(file));
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("not a string"), e.getMessage());
    }
}
