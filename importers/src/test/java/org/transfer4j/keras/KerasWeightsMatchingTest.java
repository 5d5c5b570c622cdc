package org.transfer4j.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Sequential;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.Conv2D;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.nn.layers.GlobalAveragePooling2D;

/**
 * Matching rules on small Keras-layout files written with jhdf: a group holding a whole nested model,
 * names in another order than the model's, names that say nothing (order is used), float64 arrays, and
 * the layout errors (missing group, attribute or dataset, a non-float dtype, a weight loaded twice).
 */
class KerasWeightsMatchingTest {
    @TempDir
    Path dir;

    /** A 1x1 Conv2D "c" (kernel (1,1,2,3), bias (3,)) and a BatchNormalization "bn" (4 x (3,)) nested as "base". */
    private static Model baseModel() {
        return new Sequential("base", new int[] {4, 4, 2},
                new Conv2D(3, 1).named("c"), new BatchNormalization().named("bn"));
    }

    /** base, then global average pooling and a Dense "d" (kernel (3,2), bias (2,)). */
    private static Model outerModel(Model base) {
        return new Sequential("outer", new int[] {4, 4, 2}, base, new GlobalAveragePooling2D(), new Dense(2).named("d"));
    }

    private Path write(String name, Consumer<WritableHdfFile> content) {
        Path path = dir.resolve(name);
        try (WritableHdfFile hdf = HdfFile.write(path)) {
            content.accept(hdf);
        }
        return path;
    }

    /** {@code start, start+1, ...}: distinct values, so a weight loaded into the wrong place shows. */
    private static float[] counting(float start, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = start + i;
        }
        return v;
    }

    @Test
    void aGroupHoldingANestedModelLoadsEachArrayByItsNameWhateverTheOrder() {
        Path file = write("nested.h5", hdf -> {
            hdf.putAttribute("layer_names", new String[] {"base", "d"});
            WritableGroup base = hdf.putGroup("base");
            // Deliberately not the model's order (c/kernel, c/bias, bn/gamma, ...): names decide.
            base.putAttribute("weight_names", new String[] {"bn/moving_variance:0", "bn/moving_mean:0",
                    "bn/beta:0", "bn/gamma:0", "c/bias:0", "c/kernel:0"});
            WritableGroup bn = base.putGroup("bn");
            bn.putDataset("moving_variance:0", counting(50, 3));
            bn.putDataset("moving_mean:0", counting(40, 3));
            bn.putDataset("beta:0", counting(30, 3));
            bn.putDataset("gamma:0", counting(20, 3));
            WritableGroup c = base.putGroup("c");
            c.putDataset("bias:0", counting(10, 3));
            c.putDataset("kernel:0", new float[][][][] {{{{1, 2, 3}, {4, 5, 6}}}});
            WritableGroup d = hdf.putGroup("d");
            d.putAttribute("weight_names", new String[] {"d/kernel:0", "d/bias:0"});
            WritableGroup dd = d.putGroup("d");
            dd.putDataset("kernel:0", new float[][] {{61, 62}, {63, 64}, {65, 66}});
            dd.putDataset("bias:0", counting(70, 2));
        });
        Model base = baseModel();
        Model model = outerModel(base);

        WeightLoadReport report = KerasWeights.load(file, model, true);

        assertTrue(report.isComplete(), report.toString());
        assertEquals(8, report.loadedWeights().size());
        assertArrayEquals(counting(1, 6), base.weight("c/kernel").value().toArray());
        assertArrayEquals(counting(10, 3), base.weight("c/bias").value().toArray());
        assertArrayEquals(counting(20, 3), base.weight("bn/gamma").value().toArray());
        assertArrayEquals(counting(30, 3), base.weight("bn/beta").value().toArray());
        assertArrayEquals(counting(40, 3), base.weight("bn/moving_mean").value().toArray());
        assertArrayEquals(counting(50, 3), base.weight("bn/moving_variance").value().toArray());
        assertArrayEquals(counting(61, 6), model.weight("d/kernel").value().toArray());
        assertArrayEquals(counting(70, 2), model.weight("d/bias").value().toArray());
    }

    @Test
    void namesThatMatchNoWeightFallBackToKerasOrderAndFloat64IsConverted() {
        // Keras 1 named Dense arrays W and b; neither is a weight name here, so order decides: kernel, bias.
        Path file = write("keras1.h5", hdf -> {
            hdf.putAttribute("layer_names", new String[] {"d"});
            WritableGroup d = hdf.putGroup("d");
            d.putAttribute("weight_names", new String[] {"d_W:0", "d_b:0"});
            d.putDataset("d_W:0", new double[][] {{0.5, 1.5}, {2.5, 3.5}, {4.5, 0.1}});
            d.putDataset("d_b:0", new double[] {-1, -2});
        });
        Model model = new Sequential(new int[] {3}, new Dense(2).named("d"));

        KerasWeights.load(file, model, true);

        assertArrayEquals(new float[] {0.5f, 1.5f, 2.5f, 3.5f, 4.5f, 0.1f}, model.weight("d/kernel").value().toArray());
        assertArrayEquals(new float[] {-1, -2}, model.weight("d/bias").value().toArray());
    }

    @Test
    void aNestedModelWithUninformativeNamesLoadsInKerasSavingOrder() {
        // Keras 2 saves a nested model's weights as trainable_weights + non_trainable_weights
        // (_legacy_weights in legacy_h5_format.py): c/kernel, c/bias, bn/gamma, bn/beta, c2/kernel, c2/bias,
        // then bn/moving_mean, bn/moving_variance; not creation order, where the moving statistics come
        // before c2. The names w0..w7 match nothing, so this order must be the one used.
        Path file = write("legacyorder.h5", hdf -> {
            hdf.putAttribute("layer_names", new String[] {"base"});
            WritableGroup base = hdf.putGroup("base");
            base.putAttribute("weight_names", new String[] {"w0", "w1", "w2", "w3", "w4", "w5", "w6", "w7"});
            base.putDataset("w0", new float[][][][] {{{{1, 2, 3}, {4, 5, 6}}}});
            base.putDataset("w1", counting(10, 3));
            base.putDataset("w2", counting(20, 3));
            base.putDataset("w3", counting(30, 3));
            base.putDataset("w4", new float[][][][] {{{{81, 82, 83}, {84, 85, 86}, {87, 88, 89}}}});
            base.putDataset("w5", counting(90, 3));
            base.putDataset("w6", counting(40, 3));
            base.putDataset("w7", counting(50, 3));
        });
        Model base = new Sequential("base", new int[] {4, 4, 2}, new Conv2D(3, 1).named("c"),
                new BatchNormalization().named("bn"), new Conv2D(3, 1).named("c2"));

        KerasWeights.load(file, new Sequential(new int[] {4, 4, 2}, base), true);

        assertArrayEquals(counting(1, 6), base.weight("c/kernel").value().toArray());
        assertArrayEquals(counting(20, 3), base.weight("bn/gamma").value().toArray());
        assertArrayEquals(counting(81, 9), base.weight("c2/kernel").value().toArray());
        assertArrayEquals(counting(90, 3), base.weight("c2/bias").value().toArray());
        assertArrayEquals(counting(40, 3), base.weight("bn/moving_mean").value().toArray());
        assertArrayEquals(counting(50, 3), base.weight("bn/moving_variance").value().toArray());
    }

    @Test
    void aNonFloatDatasetIsRefusedByItsDtype() {
        Path file = write("ints.h5", hdf -> {
            hdf.putAttribute("layer_names", new String[] {"d"});
            WritableGroup d = hdf.putGroup("d");
            d.putAttribute("weight_names", new String[] {"kernel:0", "bias:0"});
            d.putDataset("kernel:0", new int[][] {{1, 2}, {3, 4}, {5, 6}});
            d.putDataset("bias:0", new float[] {1, 2});
        });
        Model model = new Sequential(new int[] {3}, new Dense(2).named("d"));
        float[] before = model.weight("d/bias").value().toArray();

        KerasImportException e = assertThrows(KerasImportException.class, () -> KerasWeights.load(file, model, false));

        assertTrue(e.getMessage().contains("layer 'd'") && e.getMessage().contains("'kernel:0'")
                && e.getMessage().contains("int32"), e.getMessage());
        assertArrayEquals(before, model.weight("d/bias").value().toArray(), "nothing is loaded when one array fails");
    }

    @Test
    void aLayerListedWithoutItsGroupIsAnError() {
        Path file = write("nogroup.h5", hdf -> {
            hdf.putAttribute("layer_names", new String[] {"d", "ghost"});
            WritableGroup d = hdf.putGroup("d");
            d.putAttribute("weight_names", new String[] {"bias:0"});
            d.putDataset("bias:0", new float[] {1, 2});
        });
        KerasImportException e = assertThrows(KerasImportException.class,
                () -> KerasWeights.load(file, new Sequential(new int[] {3}, new Dense(2).named("d")), false));
        assertTrue(e.getMessage().contains("layer 'ghost'") && e.getMessage().contains("no group"), e.getMessage());
    }

    @Test
    void aLayerGroupWithoutWeightNamesIsAnError() {
        Path file = write("noweightnames.h5", hdf -> {
            hdf.putAttribute("layer_names", new String[] {"d"});
            hdf.putGroup("d").putDataset("bias:0", new float[] {1, 2});
        });
        KerasImportException e = assertThrows(KerasImportException.class,
                () -> KerasWeights.load(file, new Sequential(new int[] {3}, new Dense(2).named("d")), false));
        assertTrue(e.getMessage().contains("layer 'd'") && e.getMessage().contains("'weight_names'"), e.getMessage());
    }

    @Test
    void aListedWeightWithoutItsDatasetIsAnError() {
        Path file = write("nodataset.h5", hdf -> {
            hdf.putAttribute("layer_names", new String[] {"d"});
            WritableGroup d = hdf.putGroup("d");
            d.putAttribute("weight_names", new String[] {"d/kernel:0", "d/bias:0"});
            d.putGroup("d").putDataset("bias:0", new float[] {1, 2});
        });
        KerasImportException e = assertThrows(KerasImportException.class,
                () -> KerasWeights.load(file, new Sequential(new int[] {3}, new Dense(2).named("d")), false));
        assertTrue(e.getMessage().contains("layer 'd'") && e.getMessage().contains("'d/kernel:0'")
                && e.getMessage().contains("no dataset"), e.getMessage());
    }

    @Test
    void anHdf5FileWithoutKerasContentIsRefused() {
        Path file = write("plain.h5", hdf -> hdf.putGroup("measurements").putDataset("t", new double[] {1, 2, 3}));
        Model model = new Sequential(new int[] {3}, new Dense(2).named("d"));

        KerasImportException e = assertThrows(KerasImportException.class, () -> KerasWeights.load(file, model, false));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("no Keras 2 weights")
                && e.getMessage().contains("measurements"), e.getMessage());

        try (HdfFile hdf = new HdfFile(file)) {
            KerasImportException g = assertThrows(KerasImportException.class,
                    () -> KerasWeights.load(hdf, model, file, false));
            assertTrue(g.getMessage().contains("no 'layer_names' attribute"), g.getMessage());
        }
    }

    @Test
    void twoGroupsLoadingTheSameWeightIsAnError() {
        // "c" is found inside the nested "base" too, so its kernel and bias would be written twice.
        Path file = write("twice.h5", hdf -> {
            hdf.putAttribute("layer_names", new String[] {"c", "base"});
            WritableGroup c = hdf.putGroup("c");
            c.putAttribute("weight_names", new String[] {"c/kernel:0", "c/bias:0"});
            WritableGroup cc = c.putGroup("c");
            cc.putDataset("kernel:0", new float[][][][] {{{{1, 2, 3}, {4, 5, 6}}}});
            cc.putDataset("bias:0", counting(10, 3));
            WritableGroup base = hdf.putGroup("base");
            base.putAttribute("weight_names", new String[] {"c/kernel:0", "c/bias:0", "bn/gamma:0", "bn/beta:0",
                    "bn/moving_mean:0", "bn/moving_variance:0"});
            WritableGroup bc = base.putGroup("c");
            bc.putDataset("kernel:0", new float[][][][] {{{{1, 2, 3}, {4, 5, 6}}}});
            bc.putDataset("bias:0", counting(10, 3));
            WritableGroup bn = base.putGroup("bn");
            for (String w : List.of("gamma:0", "beta:0", "moving_mean:0", "moving_variance:0")) {
                bn.putDataset(w, counting(1, 3));
            }
        });
        KerasImportException e = assertThrows(KerasImportException.class,
                () -> KerasWeights.load(file, outerModel(baseModel()), false));
        assertTrue(e.getMessage().contains("layer 'base'") && e.getMessage().contains("c/kernel")
                && e.getMessage().contains("already"), e.getMessage());
    }
}
