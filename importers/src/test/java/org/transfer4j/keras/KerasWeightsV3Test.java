package org.transfer4j.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transfer4j.keras.KerasV3Fixture.Var;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Sequential;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.nn.layers.Normalization;
import org.transfer4j.tensor.Tensor;

/**
 * Keras 3 {@code .weights.h5} files written with jhdf in the layout of Keras' {@code saving_lib.py} (see
 * {@link KerasV3Fixture}), loaded into the same model built in Java.
 */
class KerasWeightsV3Test {
    @TempDir
    Path dir;

    private static final float[] IMAGE = KerasV3Fixture.values(3, 8);

    private static void assertLoaded(Model model) {
        String base = "layers/functional/layers/";
        Model inner = (Model) model.layer("base");
        assertArrayEquals(KerasV3Fixture.value("layers/conv2d", 0), model.weight("stem/kernel").value().toArray());
        assertArrayEquals(KerasV3Fixture.value("layers/conv2d", 1), model.weight("stem/bias").value().toArray());
        assertArrayEquals(KerasV3Fixture.value(base + "conv2d", 0), inner.weight("c1/kernel").value().toArray());
        assertArrayEquals(KerasV3Fixture.value(base + "batch_normalization", 0), inner.weight("bn/gamma").value().toArray());
        assertArrayEquals(KerasV3Fixture.value(base + "batch_normalization", 1), inner.weight("bn/beta").value().toArray());
        assertArrayEquals(KerasV3Fixture.value(base + "batch_normalization", 2),
                inner.weight("bn/moving_mean").value().toArray());
        assertArrayEquals(KerasV3Fixture.value(base + "batch_normalization", 3),
                inner.weight("bn/moving_variance").value().toArray());
        assertArrayEquals(KerasV3Fixture.value(base + "conv2d_1", 0), inner.weight("c2/kernel").value().toArray());
        assertArrayEquals(KerasV3Fixture.value("layers/dense", 0), model.weight("fc/kernel").value().toArray());
        assertArrayEquals(KerasV3Fixture.value("layers/dense_1", 1), model.weight("head/bias").value().toArray());
        float[] out = model.predict(Tensor.of(IMAGE, 1, 2, 2, 2)).toArray();
        assertArrayEquals(KerasV3Fixture.expectedOutput(IMAGE), out, 1e-5f);
    }

    // ---- names -----------------------------------------------------------------------------------------

    @Test
    void classNamesBecomeKerasSnakeCase() {
        // keras/src/utils/naming.py to_snake_case, applied by hand: "Conv2D" has no [A-Z][a-z]+ after a
        // character and no lower-upper pair ("2D"); "BatchNormalization" splits at "hN"; "ReLU" at "eL";
        // "PReLU": "P" + "Re" -> "P_ReLU", then "eL" -> "P_Re_LU".
        assertEquals("conv2d", KerasV3Paths.snakeCase("Conv2D"));
        assertEquals("batch_normalization", KerasV3Paths.snakeCase("BatchNormalization"));
        assertEquals("re_lu", KerasV3Paths.snakeCase("ReLU"));
        assertEquals("p_re_lu", KerasV3Paths.snakeCase("PReLU"));
        assertEquals("depthwise_conv2d", KerasV3Paths.snakeCase("DepthwiseConv2D"));
        assertEquals("global_average_pooling2d", KerasV3Paths.snakeCase("GlobalAveragePooling2D"));
        assertEquals("elu", KerasV3Paths.snakeCase("ELU"));
        assertEquals("functional", KerasV3Paths.snakeCase("Functional"));
    }

    @Test
    void storePathsCountEachClassPerModelLevel() {
        List<String> paths = KerasV3Paths.slots(KerasV3Fixture.javaModel(), "layers", KerasV3Paths::javaKerasClass)
                .stream().map(s -> s.path() + "=" + s.layer().name()).toList();
        assertEquals(List.of("layers/conv2d=stem", "layers/functional/layers/conv2d=c1",
                "layers/functional/layers/batch_normalization=bn", "layers/functional/layers/re_lu=relu",
                "layers/functional/layers/conv2d_1=c2", "layers/global_average_pooling2d=gap",
                "layers/dense=fc", "layers/dense_1=head"), paths);
    }

    // ---- loading ---------------------------------------------------------------------------------------

    @Test
    void theOlderLayoutWithEmptyGroupsAndOptimizerStateLoadsByPath() {
        Path file = KerasV3Fixture.writeWeights(dir.resolve("older.weights.h5"), KerasV3Fixture.vars(), true);
        Model model = KerasV3Fixture.javaModel();

        WeightLoadReport report = KerasWeightsV3.load(file, model, true);

        assertTrue(report.isComplete(), report.toString());
        assertEquals(14, report.loadedWeights().size());
        assertLoaded(model);
    }

    @Test
    void theNewerLayoutWithNameAttributesLoadsByPath() {
        Path file = KerasV3Fixture.writeWeights(dir.resolve("newer.weights.h5"), KerasV3Fixture.vars(), false);
        Model model = KerasV3Fixture.javaModel();

        KerasWeightsV3.load(file, model, true);

        assertLoaded(model);
    }

    @Test
    void tfKeras213CheckpointDependencyNamesAreReadToo() {
        // H5Entry's "Fix for 2.13 compatibility": path.replace("layers", "_layer_checkpoint_dependencies").
        List<Var> renamed = KerasV3Fixture.vars().stream().map(v -> new Var(
                v.path().replace("layers", KerasV3Store.LEGACY_LAYERS), v.index(), v.shape(), v.values())).toList();
        Path file = KerasV3Fixture.writeWeights(dir.resolve("tf213.weights.h5"), renamed, false);
        Model model = KerasV3Fixture.javaModel();

        KerasWeightsV3.load(file, model, true);

        assertLoaded(model);
    }

    @Test
    void variablesNoLayerTakesAreRefusedWhenStrictAndReportedOtherwise() {
        List<Var> extra = new ArrayList<>(KerasV3Fixture.vars());
        extra.add(new Var("layers/dense_2", 0, new int[] {2}, new float[] {1, 2}));
        Path file = KerasV3Fixture.writeWeights(dir.resolve("extra.weights.h5"), extra, false);

        Model strict = KerasV3Fixture.javaModel();
        float[] before = strict.weight("stem/kernel").value().toArray();
        KerasImportException e = assertThrows(KerasImportException.class, () -> KerasWeightsV3.load(file, strict, true));
        assertTrue(e.getMessage().contains("layers/dense_2") && e.getMessage().contains("nothing was loaded"),
                e.getMessage());
        assertArrayEquals(before, strict.weight("stem/kernel").value().toArray(), "the model is unchanged");

        Model lenient = KerasV3Fixture.javaModel();
        WeightLoadReport report = KerasWeightsV3.load(file, lenient, false);
        assertEquals(List.of("layers/dense_2"), report.unmatchedFileLayers());
        assertEquals(List.of(), report.unloadedModelLayers());
        assertLoaded(lenient);
    }

    @Test
    void aLayerWithoutVariablesInTheFileIsRefusedWhenStrictAndReportedOtherwise() {
        Path file = KerasV3Fixture.writeWeights(dir.resolve("missing.weights.h5"),
                KerasV3Fixture.vars().stream().filter(v -> !v.path().equals("layers/dense_1")).toList(), false);

        KerasImportException e = assertThrows(KerasImportException.class,
                () -> KerasWeightsV3.load(file, KerasV3Fixture.javaModel(), true));
        assertTrue(e.getMessage().contains("got none from the file: head"), e.getMessage());

        WeightLoadReport report = KerasWeightsV3.load(file, KerasV3Fixture.javaModel(), false);
        assertEquals(List.of("head"), report.unloadedModelLayers());
        assertEquals(12, report.loadedWeights().size());
    }

    @Test
    void aShapeThatDisagreesNamesThePathTheSavedNameAndTheLayerAndChangesNothing() {
        Var wrong = new Var("layers/functional/layers/conv2d_1", 0, new int[] {1, 1, 2, 3}, KerasV3Fixture.values(60, 6));
        Path file = KerasV3Fixture.writeWeights(dir.resolve("shape.weights.h5"),
                KerasV3Fixture.varsWith(wrong.path(), 0, wrong), false);
        Model model = KerasV3Fixture.javaModel();
        float[] before = model.weight("stem/kernel").value().toArray();

        KerasImportException e = assertThrows(KerasImportException.class, () -> KerasWeightsV3.load(file, model, false));

        assertTrue(e.getMessage().startsWith(file + ": layer 'c2'")
                && e.getMessage().contains("layers/functional/layers/conv2d_1/vars/0 (saved from layer 'c2')")
                && e.getMessage().contains("(1, 1, 2, 3)") && e.getMessage().contains("(1, 1, 3, 2)"), e.getMessage());
        assertArrayEquals(before, model.weight("stem/kernel").value().toArray());
    }

    @Test
    void aModelOrderedOtherwiseThanTheFileFailsOnCountsNotSilently() {
        // The file's layers/dense holds the 2-variable Dense "fc"; a model whose first Dense has no bias
        // takes that path and must refuse the two arrays, not load the kernel and drop the bias.
        Path file = KerasV3Fixture.writeWeights(dir.resolve("counts.weights.h5"), List.of(
                new Var("layers/dense", 0, new int[] {3, 2}, KerasV3Fixture.values(1, 6)),
                new Var("layers/dense", 1, new int[] {2}, KerasV3Fixture.values(7, 2))), false);
        Model model = new Sequential(new int[] {3}, new Dense(2).useBias(false).named("nobias"));

        KerasImportException e = assertThrows(KerasImportException.class, () -> KerasWeightsV3.load(file, model, false));
        assertTrue(e.getMessage().contains("layer 'nobias'") && e.getMessage().contains("holds 2 variable(s)")
                && e.getMessage().contains("has 1"), e.getMessage());
    }

    @Test
    void normalizationTakesAnIntegerCountOrNoneAtAll() {
        // Keras 3's Normalization.build: add_weight "mean", "variance" (float), and in later versions
        // "count" with dtype "int" ("For backwards compatibility with older saved models").
        for (boolean withCount : new boolean[] {true, false}) {
            Path file = dir.resolve("norm" + withCount + ".weights.h5");
            try (WritableHdfFile hdf = HdfFile.write(file)) {
                WritableGroup vars = hdf.putGroup("layers").putGroup("normalization").putGroup("vars");
                vars.putDataset("0", new float[] {1f, 2f});
                vars.putDataset("1", new float[] {4f, 16f});
                if (withCount) {
                    vars.putDataset("2", 12L);
                }
            }
            Normalization norm = new Normalization();
            Model model = new Sequential(new int[] {2}, norm);

            KerasWeightsV3.load(file, model, true);

            assertArrayEquals(new float[] {1f, 2f}, norm.weight("mean").value().toArray());
            assertArrayEquals(new float[] {4f, 16f}, norm.weight("variance").value().toArray());
            assertEquals(withCount ? 12f : 0f, norm.weight("count").value().item());
            // (x - mean) / sqrt(variance): (3 - 1) / 2 = 1, (10 - 2) / 4 = 2
            assertArrayEquals(new float[] {1f, 2f}, model.predict(Tensor.of(new float[] {3f, 10f}, 1, 2)).toArray(), 1e-6f);
        }
    }

    // ---- broken and hostile files ----------------------------------------------------------------------

    @Test
    void variablesNotNumberedAsKerasNumbersThemAreRefused() {
        Path file = dir.resolve("named.weights.h5");
        try (WritableHdfFile hdf = HdfFile.write(file)) {
            WritableGroup vars = hdf.putGroup("layers").putGroup("dense").putGroup("vars");
            vars.putDataset("kernel", new float[][] {{1, 2}, {3, 4}, {5, 6}});
            vars.putDataset("1", new float[] {1, 2});
        }
        Model model = new Sequential(new int[] {3}, new Dense(2).named("d"));

        KerasImportException e = assertThrows(KerasImportException.class, () -> KerasWeightsV3.load(file, model, false));
        assertTrue(e.getMessage().contains("not Keras' numbered variables") && e.getMessage().contains("no '0'"),
                e.getMessage());
    }

    @Test
    void keras2FilesAndNonKerasFilesAreToldApart() throws IOException {
        Path keras2 = dir.resolve("keras2.h5");
        try (WritableHdfFile hdf = HdfFile.write(keras2)) {
            hdf.putAttribute("layer_names", new String[] {"d"});
            hdf.putGroup("d").putAttribute("weight_names", new String[] {"d/kernel:0"});
        }
        Model model = new Sequential(new int[] {3}, new Dense(2).named("d"));
        assertTrue(assertThrows(KerasImportException.class, () -> KerasWeightsV3.load(keras2, model, false))
                .getMessage().contains("KerasWeights.load"));

        Path other = dir.resolve("other.h5");
        try (WritableHdfFile hdf = HdfFile.write(other)) {
            hdf.putGroup("data").putDataset("x", new float[] {1});
        }
        KerasImportException e = assertThrows(KerasImportException.class, () -> KerasWeightsV3.load(other, model, false));
        assertTrue(e.getMessage().contains("no Keras 3 weights") && e.getMessage().contains("[data]"), e.getMessage());

        byte[] noise = new byte[2048];
        new Random(3).nextBytes(noise);
        Path random = Files.write(dir.resolve("noise.weights.h5"), noise);
        assertTrue(assertThrows(KerasImportException.class, () -> KerasWeightsV3.load(random, model, false))
                .getMessage().contains("not a readable HDF5 file"));
    }

    @Test
    void aDatasetDeclaringTwoToTheFortyElementsIsRefusedBeforeReading() throws IOException {
        // The dataspace of layers/dense/vars/0, (3, 5) as little-endian 64-bit dims, patched to (2^20, 2^20):
        // 2^40 floats. The shape check refuses it before anything of that size is allocated. jhdf writes
        // version 2 object headers, which carry a checksum: it is recomputed so that the header still parses.
        Path file = dir.resolve("absurd.weights.h5");
        try (WritableHdfFile hdf = HdfFile.write(file)) {
            WritableGroup vars = hdf.putGroup("layers").putGroup("dense").putGroup("vars");
            vars.putDataset("0", new float[3][5]);
            vars.putDataset("1", new float[5]);
        }
        byte[] bytes = Files.readAllBytes(file);
        int[] patched = BytePatches.replaceAll(bytes, BytePatches.longs(3, 5), BytePatches.longs(1L << 20, 1L << 20));
        for (int at : patched) {
            BytePatches.fixObjectHeaderChecksum(bytes, at);
        }
        assertTrue(patched.length >= 1, "the (3, 5) dataspace was found");
        Files.write(file, bytes);
        Model model = new Sequential(new int[] {3}, new Dense(5).named("d"));

        KerasImportException e = assertThrows(KerasImportException.class, () -> KerasWeightsV3.load(file, model, false));
        assertTrue(e.getMessage().contains("1099511627776") && e.getMessage().contains("layers/dense/vars/0"),
                e.getMessage());
    }

    @Test
    void bfloat16VariablesAreRefusedByName() {
        // H5Entry.__setitem__: a bfloat16 value is stored with the attribute dtype = "bfloat16".
        Path file = dir.resolve("bf16.weights.h5");
        try (WritableHdfFile hdf = HdfFile.write(file)) {
            WritableGroup vars = hdf.putGroup("layers").putGroup("dense").putGroup("vars");
            vars.putDataset("0", new float[][] {{1, 2}, {3, 4}, {5, 6}}).putAttribute("dtype", "bfloat16");
            vars.putDataset("1", new float[] {1, 2});
        }
        Model model = new Sequential(new int[] {3}, new Dense(2).named("d"));

        KerasImportException e = assertThrows(KerasImportException.class, () -> KerasWeightsV3.load(file, model, false));
        assertTrue(e.getMessage().contains("bfloat16") && e.getMessage().contains("layers/dense/vars/0"), e.getMessage());
    }
}
