package org.transfer4j.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Sequential;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.Conv2D;
import org.transfer4j.nn.layers.ReLU;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;
import org.transfer4j.train.ScaleEnsemble;
import org.transfer4j.train.TransferModel;

/**
 * A {@link ScaleEnsemble} (Resizing branches calling one base's layers several times, per-size heads, Average)
 * written as a Keras .h5 reads back as the same network: same outputs, each base weight stored once.
 */
class ScaleEnsembleExportTest {
    @TempDir
    Path dir;

    @Test
    void theEnsembleRoundTripsThroughAKerasFile() {
        Generator.manualSeed(42);
        Model base = new Sequential("base", new int[] {8, 8, 3},
                new Conv2D(4, 3).named("conv1"), new BatchNormalization().named("conv1_bn"), new ReLU().named("conv1_relu"),
                new Conv2D(6, 1).named("conv_pw_2"), new ReLU().named("out_relu"));
        TransferModel tm = TransferModel.on(base).classes(3).hiddenUnits(5).featureLayers("conv1_relu").build();
        ScaleEnsemble ensemble = ScaleEnsemble.of(tm, 6, 11);
        Tensor x = Tensor.randn(new Generator(7), 4, 8, 8, 3);
        float[] expected = ensemble.model().predict(x).toArray();

        Path file = dir.resolve("ensemble.h5");
        KerasH5.save(ensemble.model(), file, List.of("a", "b", "c"));
        Model back = KerasH5.load(file);

        assertArrayEquals(expected, back.predict(x).toArray(), 1e-6f);
        assertEquals(ensemble.model().countParams(), back.countParams()); // the shared base counted once
        assertEquals(tm.model().countParams() + 2 * tm.head().countParams(), back.countParams());
    }
}
