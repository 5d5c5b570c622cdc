package org.transfer4j.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.transfer4j.nn.InferenceModel;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;
import org.transfer4j.testdata.TestData;

/**
 * Real Keras files with trained batch-norm statistics: the fused {@link InferenceModel} folds every batch norm
 * and gives the layer-by-layer {@link Model#predict}'s outputs (which {@code MobileNetJavaVsKerasFileTest} and
 * the reference tests tie to Keras) within 1e-5 per probability, the classes ranked alike.
 */
class InferenceModelOnKerasFilesTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({"mobilenet_v1_0.25_224_imagenet.h5, -1, 1", "resnet8_cifar10_keras2.4.0.h5, 0, 1",
            "vww_96.h5, -1, 1"})
    void foldsEveryBatchNormAndMatchesPredict(String file, float low, float high) {
        Path path = TestData.require("keras/" + file);
        Model model = KerasH5.load(path);
        InferenceModel fast = InferenceModel.of(model);
        long batchNorms = model.flattenedLayers().stream().filter(l -> l instanceof BatchNormalization).count();
        assertTrue(batchNorms > 0);
        assertEquals(batchNorms, fast.foldedBatchNorms(), file + ": " + fast.fusedLayers());
        int[] s = model.input().shape();
        Tensor x = Tensor.uniform(new Generator(7), low, high, 2, s[0], s[1], s[2]);
        float[] expected = model.predict(x).toArray();
        float[] got = fast.predict(x).toArray();
        assertArrayEquals(expected, got, 1e-5f, file);
        int classes = expected.length / 2;
        for (int row = 0; row < 2; row++) {
            assertEquals(argmax(expected, row * classes, classes), argmax(got, row * classes, classes), file + " top-1");
        }
    }

    private static int argmax(float[] v, int from, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (v[from + i] > v[from + best]) {
                best = i;
            }
        }
        return best;
    }
}
