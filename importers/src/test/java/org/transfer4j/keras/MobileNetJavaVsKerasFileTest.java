package org.transfer4j.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.transfer4j.applications.MobileNet;
import org.transfer4j.nn.Model;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;
import org.transfer4j.testdata.TestData;

/**
 * The MobileNet built in Java by {@code org.transfer4j.applications} is Keras' MobileNet: Keras' own weight
 * files load into it by name, strictly, and it computes what the model imported from Keras' full-model file
 * computes.
 */
class MobileNetJavaVsKerasFileTest {

    @Test
    void javaMobileNetWithKerasWeightsMatchesTheImportedFullModel() {
        Path file = TestData.require("keras/mobilenet_v1_0.25_224_imagenet.h5");
        Model imported = KerasH5.load(file);
        Model built = MobileNet.builder().alpha(0.25).build();
        WeightLoadReport report = KerasWeights.load(file, built, true);
        assertTrue(report.isComplete(), report.toString());

        // MobileNet's inputs are x/127.5 - 1, so a uniform [-1, 1) batch is a realistic one.
        Tensor x = Tensor.uniform(new Generator(7), -1f, 1f, 2, 224, 224, 3);
        float[] expected = imported.predict(x).toArray();
        float[] actual = built.predict(x).toArray();
        assertEquals(2 * 1000, actual.length);
        // The same weights and the same ops in the same order: the results agree to the last bit or nearly.
        assertArrayEquals(expected, actual, 1e-6f);
    }

    @Test
    void kerasWeightsOnlyNoTopFileLoadsStrictlyIntoTheJavaBase() {
        // Keras 2.0.4's file predates the conv_pad_N layers (weightless), so names of weighted layers still match.
        Path file = TestData.require("keras/mobilenet_2_5_224_tf_no_top.h5");
        Model base = MobileNet.builder().alpha(0.25).includeTop(false).build();
        WeightLoadReport report = KerasWeights.load(file, base, true);
        assertTrue(report.isComplete(), report.toString());
        assertEquals(135, report.loadedWeights().size(), report.toString());
    }
}
