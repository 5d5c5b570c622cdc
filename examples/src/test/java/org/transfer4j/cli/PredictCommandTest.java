package org.transfer4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import javax.imageio.ImageIO;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transfer4j.applications.Preprocessing;
import org.transfer4j.keras.KerasH5;
import org.transfer4j.keras.Npy;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Sequential;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.nn.layers.GlobalAveragePooling2D;
import org.transfer4j.tensor.Tensor;
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
        assertEquals(DeviceOptionTest.AUTO_ON_CPU + "\n" + input + " (5, 10, 10, 3) -> " + output + " (5, 1)\n", text);
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

    // ---- the preprocessing a model was saved with ------------------------------------------------------

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * {@code (8,8,3) -> global average pool -> Dense(2)} with the kernel {@code [[1,0],[0,1],[0,0]]}, no bias: the
     * scores are the mean of the first two channels the model is fed, which shows the preprocessing applied.
     */
    private static Model firstTwoChannels() {
        Model model = new Sequential("channels", new int[] {8, 8, 3}, new GlobalAveragePooling2D().named("gap"),
                new Dense(2).useBias(false).named("out"));
        model.weight("out/kernel").assign(Tensor.of(new float[] {1, 0, 0, 1, 0, 0}, 3, 2));
        return model;
    }

    private static Path redImage(Path dir) throws IOException {
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, 8, 8);
        g.dispose();
        Path file = dir.resolve("red.png");
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    /** The scores of the image's top 2, by class index. */
    private static float[] scores(JsonNode o) {
        float[] scores = new float[2];
        o.get("predictions").get(0).get("top").forEach(g -> scores[g.get("index").asInt()] = g.get("probability").floatValue());
        return scores;
    }

    @Test
    void imagesArePreprocessedAsTheModelWasSavedUnlessToldOtherwise(@TempDir Path dir) throws IOException {
        Path model = dir.resolve("caffe.h5");
        KerasH5.save(firstTwoChannels(), model, List.of("a", "b"), Preprocessing.CAFFE);
        Path red = redImage(dir);

        // caffe: red (255,0,0) -> BGR (0,0,255) minus (103.939, 116.779, 123.68): first two channels (-103.939, -116.779)
        JsonNode byDefault = JSON.readTree(CliRun.of("predict", "--model", model.toString(), "--json", red.toString())
                .succeeded().out());
        assertEquals("caffe", byDefault.get("preprocess").asText());
        assertEquals("model", byDefault.get("preprocess_from").asText());
        assertArrayEquals(new float[] {-103.939f, -116.779f}, scores(byDefault), 1e-3f);
        String text = CliRun.of("predict", "--model", model.toString(), red.toString()).succeeded().out();
        assertTrue(text.startsWith("model: " + model + " (--preprocess caffe from the model)\n"), text);

        // --preprocess none, as asked, with a warning naming both: the raw pixels (255, 0)
        CliRun none = CliRun.of("predict", "--model", model.toString(), "--preprocess", "none", "--json", red.toString());
        assertEquals(0, none.exitCode(), none::err);
        assertEquals("transfer4j: warning: --preprocess none differs from caffe, the preprocessing " + model
                + " was trained with", none.err().stripTrailing());
        JsonNode given = JSON.readTree(none.out());
        assertEquals("option", given.get("preprocess_from").asText());
        assertArrayEquals(new float[] {255f, 0f}, scores(given), 1e-3f);
    }

    @Test
    void aModelSavedWithoutPreprocessingGetsTheRawPixelsByDefault(@TempDir Path dir) throws IOException {
        Path model = dir.resolve("plain.h5");
        KerasH5.save(firstTwoChannels(), model, List.of("a", "b"));
        JsonNode o = JSON.readTree(CliRun.of("predict", "--model", model.toString(), "--json",
                redImage(dir).toString()).succeeded().out());
        assertEquals("none", o.get("preprocess").asText());
        assertEquals("default", o.get("preprocess_from").asText());
        assertArrayEquals(new float[] {255f, 0f}, scores(o), 1e-3f);
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
