package org.transfer4j.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Sequential;
import org.transfer4j.nn.Weight;
import org.transfer4j.nn.layers.Conv2D;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.nn.layers.GlobalAveragePooling2D;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/**
 * {@link KerasH5#save(Model, Path, List)} and {@link KerasH5#classNames}: a classifier saved with its class
 * names gives them back in label order, still loads as the same model, and bad names or a bad attribute are
 * refused with the file named.
 */
class KerasH5ClassNamesTest {
    private static final List<String> FLOWERS = List.of("daisy", "löwenzahn", "roses");

    @TempDir
    Path dir;

    /** image (8,8,3) -> conv 4 -> global average pool -> dense 3 softmax, random weights. */
    private static Model classifier(int classes) {
        Model model = new Sequential("flowers", new int[] {8, 8, 3}, new Conv2D(4, 3).activation("relu").named("conv"),
                new GlobalAveragePooling2D().named("gap"), new Dense(classes).activation("softmax").named("out"));
        Generator gen = new Generator(7);
        for (Weight w : model.weights()) {
            w.assign(Tensor.uniform(gen, -1f, 1f, w.shape()));
        }
        return model;
    }

    @Test
    void classNamesRoundTripInLabelOrderAndTheModelStillLoadsWithIdenticalOutputs() {
        Model model = classifier(3);
        Path saved = dir.resolve("flowers.h5");
        KerasSaveReport report = KerasH5.save(model, saved, FLOWERS);
        assertTrue(report.hasModelConfig(), report.toString());

        assertEquals(Optional.of(FLOWERS), KerasH5.classNames(saved));
        assertEquals(FLOWERS, KerasH5.info(saved).classNames());

        Model reloaded = KerasH5.load(saved);
        Tensor x = Tensor.uniform(new Generator(3), 0f, 1f, 2, 8, 8, 3);
        assertArrayEquals(model.predict(x).toArray(), reloaded.predict(x).toArray(), "bit-identical outputs");
    }

    @Test
    void theNamesAreAnAsciiJsonStringAttributeAtTheRoot() throws IOException {
        Path saved = dir.resolve("flowers.h5");
        KerasH5.save(classifier(3), saved, FLOWERS);
        try (HdfFile hdf = new HdfFile(saved)) {
            // Written as Keras' model_config is (one string); non-ASCII escaped, as Keras' json.dumps does.
            assertEquals("[\"daisy\",\"l\\u00F6wenzahn\",\"roses\"]", hdf.getAttribute("transfer4j_class_names").getData());
        }
    }

    @Test
    void aFileWithoutTheAttributeHasNoClassNames() {
        Path saved = dir.resolve("plain.h5");
        KerasH5.save(classifier(3), saved);
        assertEquals(Optional.empty(), KerasH5.classNames(saved));
        assertEquals(List.of(), KerasH5.info(saved).classNames());
    }

    @Test
    void aClassCountOtherThanTheOutputSizeIsRefusedAndNothingIsWritten() throws IOException {
        Path target = dir.resolve("flowers.h5");
        KerasExportException e = assertThrows(KerasExportException.class,
                () -> KerasH5.save(classifier(3), target, List.of("daisy", "roses")));
        assertTrue(e.getMessage().startsWith(target.toString()) && e.getMessage().contains("2 class names")
                && e.getMessage().contains("has 3 scores"), e.getMessage());
        assertEquals(List.of(), listDir());
    }

    @Test
    void emptyBlankOrRepeatedNamesAreRefused() {
        Path target = dir.resolve("flowers.h5");
        Model model = classifier(3);
        assertTrue(assertThrows(KerasExportException.class, () -> KerasH5.save(model, target, List.of()))
                .getMessage().contains("no class names"));
        assertTrue(assertThrows(KerasExportException.class, () -> KerasH5.save(model, target, List.of("a", " ", "c")))
                .getMessage().contains("blank"));
        KerasExportException twice = assertThrows(KerasExportException.class,
                () -> KerasH5.save(model, target, List.of("a", "b", "a")));
        assertTrue(twice.getMessage().contains("'a' appears twice"), twice.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"daisy,roses", "[]", "{\"0\":\"daisy\"}", "[\"daisy\",3]", "[\"daisy\",\"\"]",
            "[\"daisy\",\"daisy\"]"})
    void aMalformedAttributeIsAnImportErrorNamingTheFile(String attribute) {
        Path file = RootAttributeFile.write(dir.resolve("bad.h5"), "2.15.0", "transfer4j_class_names", attribute);
        KerasImportException e = assertThrows(KerasImportException.class, () -> KerasH5.classNames(file));
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("transfer4j_class_names"),
                e.getMessage());
        assertThrows(KerasImportException.class, () -> KerasH5.info(file));
    }

    @Test
    void anAttributeThatIsNotAStringIsAnImportError() {
        Path file = RootAttributeFile.write(dir.resolve("bad.h5"), null, "transfer4j_class_names", new float[] {1f, 2f});
        KerasImportException e = assertThrows(KerasImportException.class, () -> KerasH5.classNames(file));
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("not a string"), e.getMessage());
    }

    private List<Path> listDir() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }
}
