package org.transfer4j.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.transfer4j.keras.KerasV3Fixture.Var;
import org.transfer4j.nn.Layer;
import org.transfer4j.nn.Model;
import org.transfer4j.tensor.Tensor;

/**
 * {@code .keras} archives written as Keras 3's {@code _save_model_to_fileobj} writes them (see
 * {@link KerasV3Fixture}), and hostile or broken ones: each failure is a {@link KerasImportException}
 * naming the file and the entry, and no temporary file is left behind.
 */
class KerasArchiveTest {
    @TempDir
    Path dir;

    private static final float[] IMAGE = KerasV3Fixture.values(5, 8);
    private Set<Path> tempFilesBefore;

    /** Temporary weights files in java.io.tmpdir; a test must leave as many as it found. */
    private static Set<Path> ourTempFiles() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(p -> p.getFileName().toString().startsWith("transfer4j-")
                    && p.getFileName().toString().endsWith(".weights.h5")).collect(Collectors.toSet());
        }
    }

    @BeforeEach
    void countTempFiles() throws IOException {
        tempFilesBefore = ourTempFiles();
    }

    @AfterEach
    void noTempFileIsLeft() throws IOException {
        assertEquals(tempFilesBefore, ourTempFiles(), "extracted weights files were deleted");
    }

    private Path weights(List<Var> vars) {
        return KerasV3Fixture.writeWeights(dir.resolve("w" + vars.hashCode() + ".weights.h5"), vars, false);
    }

    private Path archive(String name, Map<String, byte[]> entries) throws IOException {
        return KerasV3Fixture.writeZip(dir.resolve(name), entries);
    }

    private Path goodArchive() throws IOException {
        return archive("model.keras", KerasV3Fixture.archiveEntries(weights(KerasV3Fixture.vars())));
    }

    private static KerasImportException refused(Path file, String... expected) {
        KerasImportException e = assertThrows(KerasImportException.class, () -> KerasArchive.load(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        for (String s : expected) {
            assertTrue(e.getMessage().contains(s), "'" + s + "' in: " + e.getMessage());
        }
        System.out.println("MSG " + e.getMessage());
        return e;
    }

    // ---- loading ---------------------------------------------------------------------------------------

    @Test
    void kerasModelsTellsTheArchiveFromAnH5ByItsContentNotItsName() throws IOException {
        Path renamed = Files.move(goodArchive(), dir.resolve("renamed.h5"));
        Model model = KerasModels.load(renamed);
        float[] out = model.predict(Tensor.of(IMAGE, 1, 2, 2, 2)).toArray();
        assertArrayEquals(KerasV3Fixture.expectedOutput(IMAGE), out, 1e-5f);
        Path notKeras = Files.writeString(dir.resolve("notes.keras"), "hello");
        KerasImportException e = assertThrows(KerasImportException.class, () -> KerasModels.load(notKeras));
        assertTrue(e.getMessage().contains("notes.keras"), e.getMessage());
    }

    @Test
    void theArchiveBuildsTheModelAndLoadsItsWeights() throws IOException {
        Model model = KerasArchive.load(goodArchive());

        assertEquals(List.of("input_layer", "stem", "base", "gap", "fc", "head"),
                model.layers().stream().map(Layer::name).toList());
        Model base = (Model) model.layer("base");
        assertArrayEquals(KerasV3Fixture.value("layers/functional/layers/batch_normalization", 2),
                base.weight("bn/moving_mean").value().toArray());
        assertArrayEquals(KerasV3Fixture.value("layers/functional/layers/conv2d_1", 0),
                base.weight("c2/kernel").value().toArray());
        assertArrayEquals(KerasV3Fixture.value("layers/dense", 0), model.weight("fc/kernel").value().toArray());
        float[] out = model.predict(Tensor.of(IMAGE, 1, 2, 2, 2)).toArray();
        assertArrayEquals(KerasV3Fixture.expectedOutput(IMAGE), out, 1e-5f);
    }

    @Test
    void theWeightsOfAnArchiveLoadIntoAModelBuiltInJava() throws IOException {
        Model model = KerasV3Fixture.javaModel();

        WeightLoadReport report = KerasArchive.loadWeights(goodArchive(), model, true);

        assertTrue(report.isComplete(), report.toString());
        assertArrayEquals(KerasV3Fixture.expectedOutput(IMAGE), model.predict(Tensor.of(IMAGE, 1, 2, 2, 2)).toArray(),
                1e-5f);
    }

    @Test
    void metadataIsOptionalAsForKerasLoader() throws IOException {
        Map<String, byte[]> entries = KerasV3Fixture.archiveEntries(weights(KerasV3Fixture.vars()));
        entries.remove(KerasArchive.METADATA);
        Model model = KerasArchive.load(archive("nometa.keras", entries));
        assertArrayEquals(KerasV3Fixture.expectedOutput(IMAGE), model.predict(Tensor.of(IMAGE, 1, 2, 2, 2)).toArray(),
                1e-5f);
    }

    @Test
    void aSequentialWithANestedSequentialIsStoredUnderTheConfigsClassNames() throws IOException {
        // KerasConfig builds a nested Sequential as a plain Model; the store path must still be
        // layers/sequential (its config class), not layers/functional. Keras 3 Sequential configs list the
        // InputLayer first; Sequential.layers leaves it out, so it takes no store path.
        String policy = "{'module': 'keras', 'class_name': 'DTypePolicy', 'config': {'name': 'float32'}, "
                + "'registered_name': null}";
        String config = ("{'module': 'keras', 'class_name': 'Sequential', 'config': {'name': 'seq', 'trainable': true, "
                + "'dtype': " + policy + ", 'layers': ["
                + "{'module': 'keras.layers', 'class_name': 'InputLayer', 'config': {'batch_shape': [null, 2], "
                + "'dtype': 'float32', 'sparse': false, 'name': 'input_layer'}, 'registered_name': null}, "
                + "{'module': 'keras.layers', 'class_name': 'Normalization', 'config': {'name': 'normalization', "
                + "'trainable': true, 'dtype': " + policy + ", 'axis': [-1], 'invert': false, 'mean': null, "
                + "'variance': null}, 'registered_name': null, 'build_config': {'input_shape': [null, 2]}}, "
                + "{'module': 'keras', 'class_name': 'Sequential', 'config': {'name': 'inner', 'trainable': true, "
                + "'dtype': " + policy + ", 'layers': [{'module': 'keras.layers', 'class_name': 'InputLayer', "
                + "'config': {'batch_shape': [null, 2], 'dtype': 'float32', 'sparse': false, 'name': 'input_layer_1'}, "
                + "'registered_name': null}, {'module': 'keras.layers', 'class_name': 'Dense', 'config': {'name': 'd1', "
                + "'trainable': true, 'dtype': " + policy + ", 'units': 2, 'activation': 'linear', 'use_bias': true}, "
                + "'registered_name': null, 'build_config': {'input_shape': [null, 2]}}], "
                + "'build_input_shape': [null, 2]}, 'registered_name': null, 'build_config': {'input_shape': [null, 2]}}, "
                + "{'module': 'keras.layers', 'class_name': 'Dense', 'config': {'name': 'out', 'trainable': true, "
                + "'dtype': " + policy + ", 'units': 1, 'activation': 'linear', 'use_bias': true}, "
                + "'registered_name': null, 'build_config': {'input_shape': [null, 2]}}], "
                + "'build_input_shape': [null, 2]}, 'registered_name': null, 'build_config': {'input_shape': [null, 2]}}")
                .replace('\'', '"');
        Path weights = dir.resolve("seq.weights.h5");
        try (WritableHdfFile hdf = HdfFile.write(weights)) {
            WritableGroup layers = hdf.putGroup("layers");
            WritableGroup norm = layers.putGroup("normalization").putGroup("vars");
            norm.putDataset("0", new float[] {1f, 2f});
            norm.putDataset("1", new float[] {4f, 16f});
            norm.putDataset("2", 100L);
            WritableGroup d1 = layers.putGroup("sequential").putGroup("layers").putGroup("dense")
                    .putGroup("vars");
            d1.putDataset("0", new float[][] {{1f, 2f}, {3f, 4f}});
            d1.putDataset("1", new float[] {0.5f, -0.5f});
            WritableGroup out = layers.putGroup("dense").putGroup("vars");
            out.putDataset("0", new float[][] {{1f}, {-1f}});
            out.putDataset("1", new float[] {0.25f});
        }
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(KerasArchive.METADATA, KerasV3Fixture.METADATA.getBytes(StandardCharsets.UTF_8));
        entries.put(KerasArchive.CONFIG, config.getBytes(StandardCharsets.UTF_8));
        entries.put(KerasArchive.WEIGHTS, Files.readAllBytes(weights));

        Model model = KerasArchive.load(archive("seq.keras", entries));

        // normalization([3, 10]) = [(3-1)/2, (10-2)/4] = [1, 2]; d1 = [1*1 + 2*3 + 0.5, 1*2 + 2*4 - 0.5] = [7.5, 9.5];
        // out = 7.5 - 9.5 + 0.25 = -1.75
        assertArrayEquals(new float[] {-1.75f}, model.predict(Tensor.of(new float[] {3f, 10f}, 1, 2)).toArray(), 1e-6f);
        assertEquals(100f, model.layer("normalization").weight("count").value().item());
    }

    // ---- broken archives -------------------------------------------------------------------------------

    @Test
    void aFileThatIsNotAZipIsRefused() throws IOException {
        byte[] noise = new byte[4096];
        new Random(9).nextBytes(noise);
        refused(Files.write(dir.resolve("noise.keras"), noise), "not a zip archive");
        refused(Files.writeString(dir.resolve("text.keras"), "{\"class_name\": \"Functional\"}"), "not a zip archive");
        refused(Files.createFile(dir.resolve("empty.keras")), "not a zip archive");
        refused(dir.resolve("missing.keras"), "no such file");
    }

    @Test
    void aTruncatedArchiveIsRefused() throws IOException {
        byte[] whole = Files.readAllBytes(goodArchive());
        for (double fraction : new double[] {0.1, 0.5, 0.9, 0.99}) {
            Path cut = Files.write(dir.resolve("cut.keras"), Arrays.copyOf(whole, (int) (whole.length * fraction)));
            onlyKerasImportException(() -> KerasArchive.load(cut), cut);
        }
    }

    @Test
    void missingEntriesAreNamed() throws IOException {
        Map<String, byte[]> noConfig = KerasV3Fixture.archiveEntries(weights(KerasV3Fixture.vars()));
        noConfig.remove(KerasArchive.CONFIG);
        refused(archive("noconfig.keras", noConfig), "no entry 'config.json'", "model.weights.h5");

        Map<String, byte[]> npz = KerasV3Fixture.archiveEntries(weights(KerasV3Fixture.vars()));
        npz.put("model.weights.npz", npz.remove(KerasArchive.WEIGHTS));
        refused(archive("npz.keras", npz), "no entry 'model.weights.h5'", "weights_format='npz'");
    }

    @Test
    void entriesThatCouldEscapeADirectoryAreRefused() throws IOException {
        for (String name : List.of("../evil.sh", "assets/../../evil.sh", "/etc/evil", "C:\\evil", "assets\\..\\x")) {
            Map<String, byte[]> entries = KerasV3Fixture.archiveEntries(weights(KerasV3Fixture.vars()));
            entries.put(name, "x".getBytes(StandardCharsets.UTF_8));
            refused(archive("escape.keras", entries), "entry '" + name + "'", "refused");
        }
    }

    @Test
    void anEntryWrittenTwiceIsRefused() throws IOException {
        // java.util.zip will not write a duplicate name: write "config.jsoX" and rename it in the bytes.
        Map<String, byte[]> entries = KerasV3Fixture.archiveEntries(weights(KerasV3Fixture.vars()));
        entries.put("config.jsoX", "{}".getBytes(StandardCharsets.UTF_8));
        byte[] bytes = Files.readAllBytes(archive("dup.keras", entries));
        int renamed = BytePatches.replaceAll(bytes, "config.jsoX".getBytes(StandardCharsets.US_ASCII),
                "config.json".getBytes(StandardCharsets.US_ASCII)).length;
        assertEquals(2, renamed, "the local and the central directory headers");
        refused(Files.write(dir.resolve("dup.keras"), bytes), "entry 'config.json' appears twice");
    }

    @Test
    void aHugeDeclaredSizeIsRefusedBeforeReading() throws IOException {
        // The central directory's uncompressed size of model.weights.h5 (offset 24 of its header, 46 bytes
        // before the name) becomes 0xFFFFFFF0: about 4 GiB, over the default cap of 2 GiB.
        byte[] bytes = Files.readAllBytes(goodArchive());
        int name = centralDirectoryName(bytes, KerasArchive.WEIGHTS);
        ByteBuffer.wrap(bytes, name - 46 + 24, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(0xFFFFFFF0);
        Path file = Files.write(dir.resolve("huge.keras"), bytes);

        refused(file, "model.weights.h5", "declares 4294967280 bytes", "refused before reading");
    }

    @Test
    void anEntryInflatingToMoreThanItDeclaresIsStopped() throws IOException {
        // A zip bomb's declared size may lie: here 100 bytes declared for a weights file of several kilobytes.
        byte[] bytes = Files.readAllBytes(goodArchive());
        int name = centralDirectoryName(bytes, KerasArchive.WEIGHTS);
        ByteBuffer.wrap(bytes, name - 46 + 24, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(100);
        Path file = Files.write(dir.resolve("liar.keras"), bytes);

        refused(file, "model.weights.h5", "inflates to more than its declared 100 bytes");
    }

    @Test
    void weightsOverTheCallersCapAreRefused() throws IOException {
        Path file = goodArchive();
        KerasImportException e = assertThrows(KerasImportException.class, () -> KerasArchive.load(file, 512));
        assertTrue(e.getMessage().contains("model.weights.h5") && e.getMessage().contains("more than the 512 accepted"),
                e.getMessage());
    }

    @Test
    void aCorruptWeightsEntryIsNamedNotTheTemporaryFile() throws IOException {
        Map<String, byte[]> entries = KerasV3Fixture.archiveEntries(weights(KerasV3Fixture.vars()));
        byte[] noise = new byte[3000];
        new Random(4).nextBytes(noise);
        entries.put(KerasArchive.WEIGHTS, noise);
        Path file = archive("corrupt.keras", entries);

        KerasImportException e = refused(file, file + "!/model.weights.h5: not a readable HDF5 file");
        assertTrue(!e.getMessage().contains("transfer4j-"), "the temporary file is not shown: " + e.getMessage());
    }

    @Test
    void weightsThatDoNotFitTheConfigAreRefusedStrictly() throws IOException {
        List<Var> extra = new ArrayList<>(KerasV3Fixture.vars());
        extra.add(new Var("layers/dense_2", 0, new int[] {2}, new float[] {1, 2}));
        Path file = archive("extra.keras", KerasV3Fixture.archiveEntries(weights(extra)));

        refused(file, file + "!/model.weights.h5", "layers/dense_2");
    }

    @Test
    void aConfigTransfer4jCannotBuildNamesTheEntryAndTheKerasVersion() throws IOException {
        Map<String, byte[]> entries = KerasV3Fixture.archiveEntries(weights(KerasV3Fixture.vars()));
        entries.put(KerasArchive.CONFIG, KerasV3Fixture.configJson().replace("\"GlobalAveragePooling2D\"",
                "\"GlobalAveragePooling3D\"").getBytes(StandardCharsets.UTF_8));
        Path file = archive("badconfig.keras", entries);
        refused(file, file + "!/config.json (saved by Keras 3.3.3)", "GlobalAveragePooling3D", "'gap'");

        entries.put(KerasArchive.CONFIG, "{\"class_name\": ".getBytes(StandardCharsets.UTF_8));
        refused(archive("notjson.keras", entries), "config.json", "not valid JSON");

        entries.put(KerasArchive.CONFIG, KerasV3Fixture.configJson().getBytes(StandardCharsets.UTF_8));
        entries.put(KerasArchive.METADATA, "[1, 2".getBytes(StandardCharsets.UTF_8));
        refused(archive("badmeta.keras", entries), "metadata.json", "not valid JSON");
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    private static void onlyKerasImportException(Executable action, Path file) {
        try {
            action.execute();
            fail("a cut archive loaded: " + file);
        } catch (KerasImportException e) {
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        } catch (Throwable other) {
            fail("expected a KerasImportException, got " + other, other);
        }
    }

    /** The offset of {@code name} in its central directory file header (signature PK\1\2, name at +46). */
    private static int centralDirectoryName(byte[] zip, String name) {
        byte[] needle = name.getBytes(StandardCharsets.US_ASCII);
        for (int at = BytePatches.indexOf(zip, needle, 0); at >= 0; at = BytePatches.indexOf(zip, needle, at + 1)) {
            if (at >= 46 && zip[at - 46] == 'P' && zip[at - 45] == 'K' && zip[at - 44] == 1 && zip[at - 43] == 2) {
                return at;
            }
        }
        throw new AssertionError("no central directory header for " + name);
    }
}
