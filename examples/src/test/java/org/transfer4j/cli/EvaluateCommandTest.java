package org.transfer4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transfer4j.images.ImageDataset;
import org.transfer4j.images.ImageFolder;
import org.transfer4j.applications.Preprocessing;
import org.transfer4j.keras.KerasH5;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Sequential;
import org.transfer4j.nn.Weight;
import org.transfer4j.nn.layers.Conv2D;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.nn.layers.GlobalAveragePooling2D;
import org.transfer4j.plots.ConfusionMatrixPlot;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;
import org.transfer4j.train.Evaluation;
import org.transfer4j.train.Trainer;

/**
 * {@code transfer4j evaluate} on folders of tiny solid-colour PNGs and a hand-set colour classifier.
 *
 * <p>The classifier is {@code (8,8,3) -> global average pool -> Dense(2)}: with {@code --preprocess mobilenet}
 * (x/127.5 - 1) a pure red image pools to {@code (1,-1,-1)} and a pure green one to {@code (-1,1,-1)}. The kernel
 * {@code [[-1,1],[1,-1],[0,0]]} (no bias) gives green {@code (2,-2)} and red {@code (-2,2)}: class 0 is green,
 * class 1 is red, the sorted folder names. Every image is classified with the same margin 4, so with
 * {@code p = 1 / (1 + e^-4)}:
 * <pre>
 *   a right answer costs -log p       = log(1 + e^-4)
 *   a wrong answer costs -log (1 - p) = 4 + log(1 + e^-4)
 * </pre>
 * whether the model ends in a softmax (loss from probabilities) or gives the logits (loss from logits).
 */
class EvaluateCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double RIGHT = Math.log1p(Math.exp(-4));
    private static final double WRONG = 4 + RIGHT;

    @TempDir
    Path dir;

    // ---- fixtures -----------------------------------------------------------------------------------------

    /** The colour classifier of the class comment; class 0 is green unless {@code redFirst}. */
    private static Model colourModel(boolean softmax, boolean redFirst) {
        Dense dense = (Dense) new Dense(2).useBias(false).named("out");
        if (softmax) {
            dense.activation("softmax");
        }
        Model model = new Sequential("colours", new int[] {8, 8, 3}, new GlobalAveragePooling2D().named("gap"), dense);
        float[] greenFirst = {-1, 1, 1, -1, 0, 0};
        float[] kernel = redFirst ? new float[] {1, -1, -1, 1, 0, 0} : greenFirst;
        model.weight("out/kernel").assign(Tensor.of(kernel, 3, 2));
        return model;
    }

    private Path save(Model model, List<String> classNames) {
        Path file = dir.resolve("model-" + System.nanoTime() + ".h5");
        if (classNames == null) {
            KerasH5.save(model, file);
        } else {
            KerasH5.save(model, file, classNames);
        }
        return file;
    }

    private static void png(Path file, Color colour) throws IOException {
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(colour);
        g.fillRect(0, 0, 8, 8);
        g.dispose();
        Files.createDirectories(file.getParent());
        ImageIO.write(image, "png", file.toFile());
    }

    /**
     * {@code folder/green}: 2 green images and 1 red one (mislabelled), {@code folder/red}: 3 red images. The
     * classifier gets 5 of 6 right: confusion (green, red) = [[2, 1], [0, 3]].
     */
    private static Path colours(Path folder) throws IOException {
        png(folder.resolve("green/g1.png"), Color.GREEN);
        png(folder.resolve("green/g2.png"), Color.GREEN);
        png(folder.resolve("green/wrong.png"), Color.RED);
        for (int i = 1; i <= 3; i++) {
            png(folder.resolve("red/r" + i + ".png"), Color.RED);
        }
        return folder;
    }

    private static JsonNode json(String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("evaluate"));
        all.addAll(List.of(args));
        all.add("--json");
        return JSON.readTree(CliRun.of(all.toArray(String[]::new)).succeeded().out());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    // ---- the report ---------------------------------------------------------------------------------------

    @Test
    void aSoftmaxModelOnClassFoldersGivesTheHandComputedReport() throws IOException {
        Path data = colours(dir.resolve("data"));
        JsonNode o = json("--model", save(colourModel(true, false), null).toString(), "--data", data.toString());
        assertEquals(List.of("accuracy", "loss", "samples", "skipped", "classes", "per_class", "confusion", "preprocess",
                "preprocess_from", "tta", "device", "device_fallback"), fieldNames(o));
        assertEquals("cpu", o.get("device").asText());
        assertEquals("none", o.get("tta").asText());
        assertEquals("mobilenet", o.get("preprocess").asText());
        assertEquals("default", o.get("preprocess_from").asText());
        assertEquals(5.0 / 6, o.get("accuracy").asDouble(), 1e-12);
        assertEquals((5 * RIGHT + WRONG) / 6, o.get("loss").asDouble(), 1e-5);
        assertEquals(6, o.get("samples").asInt());
        assertEquals(0, o.get("skipped").asInt());
        assertEquals("[\"green\",\"red\"]", o.get("classes").toString());
        assertEquals("[[2,1],[0,3]]", o.get("confusion").toString());
        // green: precision 2/2, recall 2/3, F1 2*2/(2*2+0+1); red: precision 3/4, recall 3/3, F1 2*3/(2*3+1+0)
        JsonNode green = o.get("per_class").get("green");
        assertEquals(List.of("precision", "recall", "f1", "support"), fieldNames(green));
        assertEquals(1.0, green.get("precision").asDouble(), 1e-12);
        assertEquals(2.0 / 3, green.get("recall").asDouble(), 1e-12);
        assertEquals(0.8, green.get("f1").asDouble(), 1e-12);
        assertEquals(3, green.get("support").asInt());
        JsonNode red = o.get("per_class").get("red");
        assertEquals(0.75, red.get("precision").asDouble(), 1e-12);
        assertEquals(1.0, red.get("recall").asDouble(), 1e-12);
        assertEquals(6.0 / 7, red.get("f1").asDouble(), 1e-12);
        assertEquals(3, red.get("support").asInt());
    }

    /** Each colour image is its own mirror image, so averaging the two views must give the single view's numbers. */
    @Test
    void flipTtaOnMirrorSymmetricImagesGivesTheSingleViewReport() throws IOException {
        Path data = colours(dir.resolve("data"));
        String model = save(colourModel(false, false), null).toString();
        JsonNode o = json("--model", model, "--data", data.toString(), "--tta", "flip");
        assertEquals("flip", o.get("tta").asText());
        assertEquals(5.0 / 6, o.get("accuracy").asDouble(), 1e-12);
        assertEquals((5 * RIGHT + WRONG) / 6, o.get("loss").asDouble(), 1e-5);
    }

    @Test
    void aLogitsModelGetsTheSameLossFromLogits() throws IOException {
        // Were the softmax model's probabilities taken for logits, or the logits for probabilities, the loss
        // would differ from the hand value.
        Path data = colours(dir.resolve("data"));
        JsonNode o = json("--model", save(colourModel(false, false), null).toString(), "--data", data.toString());
        assertEquals(5.0 / 6, o.get("accuracy").asDouble(), 1e-12);
        assertEquals((5 * RIGHT + WRONG) / 6, o.get("loss").asDouble(), 1e-5);
    }

    @Test
    void theCommandLineEqualsTrainerEvaluateRunDirectly() throws IOException {
        // A conv model with random weights, no softmax: the command must run exactly the evaluation the library
        // runs with the same images, size, preprocessing, batch and default (logits) loss.
        Model model = new Sequential("conv", new int[] {8, 8, 3}, new Conv2D(4, 3).activation("relu").named("conv"),
                new GlobalAveragePooling2D().named("gap"), new Dense(2).named("out"));
        Generator gen = new Generator(5);
        for (Weight w : model.weights()) {
            w.assign(Tensor.uniform(gen, -1f, 1f, w.shape()));
        }
        Path data = dir.resolve("data");
        png(data.resolve("a/1.png"), new Color(200, 30, 90));
        png(data.resolve("a/2.png"), new Color(10, 220, 40));
        png(data.resolve("b/1.png"), new Color(90, 90, 250));
        png(data.resolve("b/2.png"), new Color(250, 250, 0));
        png(data.resolve("b/3.png"), new Color(0, 0, 0));
        Path file = save(model, null);

        JsonNode o = json("--model", file.toString(), "--data", data.toString(), "--preprocess", "torch", "--batch", "2");
        Evaluation direct = Trainer.evaluate(KerasH5.load(file), ImageDataset.builder(8)
                .preprocessing(Preprocessing.TORCH).evaluation(ImageFolder.of(data)), 2, null);
        assertEquals(direct.loss(), o.get("loss").asDouble(), 1e-6);
        assertEquals(direct.accuracy(), o.get("accuracy").asDouble(), 1e-12);
        List<List<Long>> confusion = new ArrayList<>();
        for (long[] row : direct.confusion().matrix()) {
            confusion.add(java.util.Arrays.stream(row).boxed().toList());
        }
        assertEquals(JSON.valueToTree(confusion).toString(), o.get("confusion").toString());
    }

    @Test
    void theTextReportHasAccuracyLossTheClassTableAndTheMatrix() throws IOException {
        Path data = colours(dir.resolve("data"));
        String text = CliRun.of("evaluate", "--model", save(colourModel(true, false), null).toString(),
                "--data", data.toString()).succeeded().out();
        assertTrue(text.contains("loss from probabilities"), text);
        assertTrue(text.contains("(6 images, 2 classes from the class folders)"), text);
        assertTrue(text.contains("accuracy:  0.8333 (5/6)\n"), text);
        assertTrue(text.contains(String.format(java.util.Locale.ROOT, "loss:      %.4f%n", (5 * RIGHT + WRONG) / 6)), text);
        assertTrue(text.contains("skipped:   0\n"), text);
        assertTrue(text.contains("device:    " + DeviceOptionTest.AUTO_ON_CPU.substring("device: ".length()) + "\n"), text);
        assertTrue(text.lines().anyMatch(l -> l.matches("green +1\\.0000 +0\\.6667 +0\\.8000 +3")), text);
        assertTrue(text.lines().anyMatch(l -> l.matches("red +0\\.7500 +1\\.0000 +0\\.8571 +3")), text);
        assertTrue(text.lines().anyMatch(l -> l.matches("true \\\\ pred +green +red")), text);
        assertTrue(text.lines().anyMatch(l -> l.matches("green +2 +1")), text);
        assertTrue(text.lines().anyMatch(l -> l.matches("red +0 +3")), text);
    }

    // ---- the classes --------------------------------------------------------------------------------------

    @Test
    void classNamesSavedWithTheModelSetTheLabelOrder() throws IOException {
        // Saved with red as class 0 (not the sorted order): the labels follow the model, not the folders.
        Path data = colours(dir.resolve("data"));
        Path file = save(colourModel(true, true), List.of("red", "green"));
        JsonNode o = json("--model", file.toString(), "--data", data.toString());
        assertEquals("[\"red\",\"green\"]", o.get("classes").toString());
        assertEquals("[[3,0],[1,2]]", o.get("confusion").toString());
        assertEquals(5.0 / 6, o.get("accuracy").asDouble(), 1e-12);
        assertEquals((5 * RIGHT + WRONG) / 6, o.get("loss").asDouble(), 1e-5);
        String text = CliRun.of("evaluate", "--model", file.toString(), "--data", data.toString()).succeeded().out();
        assertTrue(text.contains("2 classes from the model)"), text);
    }

    @Test
    void aFolderWithoutTheModelsClassesIsRefusedNamingThem() throws IOException {
        Path data = dir.resolve("data");
        png(data.resolve("red/1.png"), Color.RED);
        png(data.resolve("blue/1.png"), Color.BLUE);
        Path file = save(colourModel(true, true), List.of("red", "green"));
        CliRun run = CliRun.of("evaluate", "--model", file.toString(), "--data", data.toString());
        run.failedOn(data, "missing [green]");
        assertTrue(run.err().contains("extra [blue]"), run.err());
    }

    @Test
    void withoutSavedNamesTheClassFoldersMustBeAsManyAsTheScores() throws IOException {
        Path data = colours(dir.resolve("data"));
        png(data.resolve("blue/1.png"), Color.BLUE);
        CliRun.of("evaluate", "--model", save(colourModel(true, false), null).toString(), "--data", data.toString())
                .failedOn(data, "3 class folders [blue, green, red] but the model");
    }

    // ---- the folders --------------------------------------------------------------------------------------

    @Test
    void aRootIsEvaluatedOnTestElseOnVal() throws IOException {
        Path root = dir.resolve("root");
        colours(root.resolve("train"));
        colours(root.resolve("val"));   // 6 images, one wrong
        png(root.resolve("test/green/1.png"), Color.GREEN);
        png(root.resolve("test/red/1.png"), Color.RED);
        Path file = save(colourModel(true, false), null);

        JsonNode test = json("--model", file.toString(), "--data", root.toString());
        assertEquals(2, test.get("samples").asInt());
        assertEquals(1.0, test.get("accuracy").asDouble());
        String text = CliRun.of("evaluate", "--model", file.toString(), "--data", root.toString()).succeeded().out();
        assertTrue(text.contains("data:      " + root.resolve("test") + " "), text);

        try (var files = Files.walk(root.resolve("test"))) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        JsonNode val = json("--model", file.toString(), "--data", root.toString());
        assertEquals(6, val.get("samples").asInt());
        assertEquals(5.0 / 6, val.get("accuracy").asDouble(), 1e-12);
    }

    @Test
    void anUnreadableImageIsSkippedAndCounted() throws IOException {
        Path data = colours(dir.resolve("data"));
        Files.writeString(data.resolve("red/broken.png"), "not a PNG");
        JsonNode o = json("--model", save(colourModel(true, false), null).toString(), "--data", data.toString());
        assertEquals(1, o.get("skipped").asInt());
        assertEquals(6, o.get("samples").asInt());
        assertEquals(5.0 / 6, o.get("accuracy").asDouble(), 1e-12);
    }

    @Test
    void plotWritesTheConfusionMatrixPng() throws IOException {
        Path data = colours(dir.resolve("data"));
        Path plots = dir.resolve("plots");
        JsonNode o = json("--model", save(colourModel(true, false), null).toString(), "--data", data.toString(),
                "--plot", plots.toString());
        Path png = plots.resolve(ConfusionMatrixPlot.FILE_NAME);
        assertEquals(png.toString(), o.get("plot").asText());
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(700, image.getWidth());
        assertEquals(650, image.getHeight());
    }

    // ---- options ------------------------------------------------------------------------------------------

    @Test
    void imageSizeOnlyChecksTheModelsFixedInputSize() throws IOException {
        Path data = colours(dir.resolve("data"));
        String file = save(colourModel(true, false), null).toString();
        json("--model", file, "--data", data.toString(), "--image-size", "8");
        CliRun.of("evaluate", "--model", file, "--data", data.toString(), "--image-size", "16")
                .usageError("--image-size 16 does not match the model's fixed input size 8x8");
    }

    @Test
    void theDefaultPreprocessingIsMobileNets() throws IOException {
        // With none, pixels stay 0..255: red pools to (255,0,0), logits (-255,255) for green, red: the mislabelled
        // image costs 510 instead of 4, far from the mobilenet figure.
        Path data = colours(dir.resolve("data"));
        String file = save(colourModel(false, false), null).toString();
        double mobilenet = json("--model", file, "--data", data.toString()).get("loss").asDouble();
        assertEquals(mobilenet, json("--model", file, "--data", data.toString(), "--preprocess", "mobilenet")
                .get("loss").asDouble(), 0);
        double none = json("--model", file, "--data", data.toString(), "--preprocess", "none").get("loss").asDouble();
        assertEquals(510.0 / 6, none, 1e-3);
    }

    @Test
    void theTextReportSaysWhichPreprocessingWasUsedAndWhy() throws IOException {
        Path data = colours(dir.resolve("data"));
        String file = save(colourModel(false, false), null).toString();
        assertTrue(CliRun.of("evaluate", "--model", file, "--data", data.toString()).succeeded().out()
                .contains("(8x8, --preprocess mobilenet by default, loss from logits)"));
        assertTrue(CliRun.of("evaluate", "--model", file, "--data", data.toString(), "--preprocess", "torch").succeeded()
                .out().contains("(8x8, --preprocess torch as given, loss from logits)"));
    }

    /** The colour classifier (logits) saved with the class names in sorted order and {@code preprocessing}. */
    private Path saveWith(Preprocessing preprocessing) {
        Path file = dir.resolve("model-" + System.nanoTime() + ".h5");
        KerasH5.save(colourModel(false, false), file, List.of("green", "red"), preprocessing);
        return file;
    }

    @Test
    void aModelSavedWithItsPreprocessingIsEvaluatedWithItByDefault() throws IOException {
        // caffe: RGB -> BGR minus (103.939, 116.779, 123.68); the kernel of the class comment gives the logits
        // (-x0 + x1, x0 - x1). Green (0,255,0) becomes (-103.939, 138.221, -123.68), logits (242.16, -242.16):
        // margin 484.32. Red (255,0,0) becomes (-103.939, -116.779, 131.32), logits (-12.84, 12.84): margin 25.68.
        // A right answer costs log(1 + e^-margin); the red image in green/ costs 25.68 + log(1 + e^-25.68).
        double caffeLoss = (2 * Math.log1p(Math.exp(-484.32)) + 3 * Math.log1p(Math.exp(-25.68))
                + 25.68 + Math.log1p(Math.exp(-25.68))) / 6;
        Path data = colours(dir.resolve("data"));
        String file = saveWith(Preprocessing.CAFFE).toString();

        JsonNode byDefault = json("--model", file, "--data", data.toString());
        assertEquals("caffe", byDefault.get("preprocess").asText());
        assertEquals("model", byDefault.get("preprocess_from").asText());
        assertEquals(caffeLoss, byDefault.get("loss").asDouble(), 1e-4);
        assertEquals(5.0 / 6, byDefault.get("accuracy").asDouble(), 1e-12);

        JsonNode given = json("--model", file, "--data", data.toString(), "--preprocess", "caffe");
        assertEquals("option", given.get("preprocess_from").asText());
        assertEquals(given.get("loss").asDouble(), byDefault.get("loss").asDouble(), 0);
        assertEquals(given.get("accuracy").asDouble(), byDefault.get("accuracy").asDouble(), 0);

        String text = CliRun.of("evaluate", "--model", file, "--data", data.toString()).succeeded().out();
        assertTrue(text.contains("(8x8, --preprocess caffe from the model, loss from logits)"), text);
    }

    @Test
    void anExplicitPreprocessingOtherThanTheModelsIsUsedWithAWarning() throws IOException {
        Path data = colours(dir.resolve("data"));
        Path file = saveWith(Preprocessing.CAFFE);
        CliRun run = CliRun.of("evaluate", "--model", file.toString(), "--data", data.toString(), "--preprocess",
                "mobilenet", "--json");
        assertEquals(0, run.exitCode(), run::err);
        assertEquals("transfer4j: warning: --preprocess mobilenet differs from caffe, the preprocessing " + file
                + " was trained with", run.err().stripTrailing());
        JsonNode o = JSON.readTree(run.out());
        assertEquals("mobilenet", o.get("preprocess").asText());
        assertEquals("option", o.get("preprocess_from").asText());
        // the mobilenet figures of the class comment, not caffe's
        assertEquals((5 * RIGHT + WRONG) / 6, o.get("loss").asDouble(), 1e-5);
    }

    @Test
    void aMissingDataFolderAndABadBatchAreClearErrors() throws IOException {
        String file = save(colourModel(true, false), null).toString();
        Path absent = dir.resolve("absent");
        CliRun.of("evaluate", "--model", file, "--data", absent.toString()).failedOn(absent, "no such folder");
        CliRun.of("evaluate", "--model", file, "--data", absent.toString(), "--batch", "0")
                .usageError("--batch must be at least 1");
        CliRun.of("evaluate", "--data", absent.toString()).usageError("--model");
        assertFalse(CliRun.of("evaluate", "--help").succeeded().out().isBlank());
    }
}
