package org.transfer4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transfer4j.keras.Npy;
import org.transfer4j.testdata.TestData;

/**
 * {@code transfer4j predict --input X.npy --output Y.npy}: the raw-tensor form, checked against the outputs
 * Keras stored beside its models ({@code ../shared/data/keras-reference}).
 */
class PredictCommandTest {
    private static final String CNN = "keras-reference/dl4j-fullconfigs-cnn/";

    /**
     * dl4j-fullconfigs-cnn: cnn_batch_norm.h5 (Keras 2.1.3, Conv2D-BN-ReLU-Conv2D-Flatten-Dense) on input.npy
     * (float64 (5,10,10,3)) gives predictions.npy, Keras' model.predict, float32 (5,1) (see that folder's README).
     */
    @Test
    void npyRoundTripReproducesKerasPredictions(@TempDir Path dir) {
        Path model = TestData.require(CNN + "cnn_batch_norm.h5");
        Path input = TestData.require(CNN + "input.npy");
        Npy.Array expected = Npy.readArray(TestData.require(CNN + "predictions.npy"));
        Path output = dir.resolve("y.npy");
        String text = CliRun.of("predict", "--model", model.toString(), "--input", input.toString(),
                "--output", output.toString()).succeeded().out();
        assertEquals(input + " (5, 10, 10, 3) -> " + output + " (5, 1)\n", text);
        Npy.Array actual = Npy.readArray(output);
        assertArrayEquals(new int[] {5, 1}, actual.shape());
        assertArrayEquals(expected.shape(), actual.shape());
        assertArrayEquals(expected.data(), actual.data(), 1e-4f);
    }

    @Test
    void anArrayOfTheWrongShapeNamesTheArrayAndTheModelsInput(@TempDir Path dir) {
        Path model = TestData.require(CNN + "cnn_batch_norm.h5");
        Path input = dir.resolve("x.npy");
        Npy.write(input, new float[2 * 5 * 5 * 3], 2, 5, 5, 3);
        Path output = dir.resolve("y.npy");
        CliRun.of("predict", "--model", model.toString(), "--input", input.toString(), "--output", output.toString())
                .failedOn(input, "(2, 5, 5, 3) does not fit the model " + model + ", which takes (None, 10, 10, 3)");
        assertFalse(Files.exists(output));
    }

    @Test
    void aBrokenNpyIsOneLineAndExitCodeOne(@TempDir Path dir) throws IOException {
        Path model = TestData.require(CNN + "cnn_batch_norm.h5");
        Path input = dir.resolve("x.npy");
        Files.writeString(input, "not numpy");
        CliRun.of("predict", "--model", model.toString(), "--input", input.toString(), "--output",
                dir.resolve("y.npy").toString()).failedOn(input, "");
    }

    @Test
    void aWeightsOnlyFileCannotPredict(@TempDir Path dir) {
        Path model = TestData.require("keras/mobilenet_2_5_224_tf_no_top.h5");
        CliRun.of("predict", "--model", model.toString(), "--input", dir.resolve("x.npy").toString(), "--output",
                dir.resolve("y.npy").toString()).failedOn(model, "weights-only");
    }

    @Test
    void anOutputThatCannotBeWrittenIsOneLineAndExitCodeOne(@TempDir Path dir) {
        Path model = TestData.require(CNN + "cnn_batch_norm.h5");
        Path input = TestData.require(CNN + "input.npy");
        Path output = dir.resolve("no-such-folder").resolve("y.npy");
        CliRun.of("predict", "--model", model.toString(), "--input", input.toString(), "--output", output.toString())
                .failedOn(output, "cannot write it");
    }

    @Test
    void inputWithoutOutputIsAUsageError() {
        CliRun.of("predict", "--model", "m.h5", "--input", "x.npy").usageError("--output");
    }

    @Test
    void withoutAModelItIsAUsageError() {
        CliRun.of("predict", "--input", "x.npy", "--output", "y.npy").usageError("--model");
    }
}
