package org.transfer4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transfer4j.applications.Preprocessing;
import org.transfer4j.keras.KerasH5;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Sequential;
import org.transfer4j.nn.Weight;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.Conv2D;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.nn.layers.GlobalAveragePooling2D;
import org.transfer4j.nn.layers.ReLU;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/**
 * {@code transfer4j train} end to end on a tiny problem: 16x16 photos of two colours, and a small "pretrained"
 * model saved as a Keras .h5 the way an ImageNet model file is (a convolutional base, global pooling, a
 * classifier), so every phase runs in a second.
 */
class TrainCommandTest {
    @TempDir
    static Path dir;
    static Path data;
    static Path baseFile;

    @BeforeAll
    static void writeDataAndBase() throws IOException {
        data = dir.resolve("colours");
        Generator gen = new Generator(5);
        for (String split : List.of("train", "val")) {
            for (String cls : List.of("blue", "red")) {
                Path folder = Files.createDirectories(data.resolve(split).resolve(cls));
                for (int i = 0; i < (split.equals("train") ? 12 : 6); i++) {
                    BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
                    for (int y = 0; y < 16; y++) {
                        for (int x = 0; x < 16; x++) {
                            int noise = (int) (Generator.uniform(gen.seed(), gen.reserve(1)) * 120);
                            int strong = 135 + noise;
                            image.setRGB(x, y, cls.equals("red") ? strong << 16 | noise << 8 | noise
                                    : noise << 16 | noise << 8 | strong);
                        }
                    }
                    ImageIO.write(image, "png", folder.resolve(cls + i + ".png").toFile());
                }
            }
        }
        // The base's random weights from a fixed seed: with the default generator's state left by whichever tests ran
        // before in this JVM, feature extraction sometimes missed 0.9 on the colours (a run without the data folder,
        // where other tests skip, saw val_loss 0.58).
        Generator.manualSeed(17);
        Model pretrained = new Sequential("tiny_net", new int[] {16, 16, 3},
                new Conv2D(4, 3).named("conv1"), new BatchNormalization().named("conv1_bn"), new ReLU().named("conv1_relu"),
                new Conv2D(8, 3).named("conv_pw_2"), new ReLU().named("conv_pw_2_relu"),
                new GlobalAveragePooling2D().named("global_pool"), new Dense(10).activation("softmax").named("predictions"));
        baseFile = dir.resolve("tiny_net.h5");
        KerasH5.save(pretrained, baseFile);
    }

    private static JsonNode lastJsonLine(String out) throws IOException {
        String[] lines = out.strip().split("\\R");
        return new ObjectMapper().readTree(lines[lines.length - 1]);
    }

    @Test
    void fineTuneRunsBothPhasesAndWritesTheModelHistoryAndPlots() throws IOException {
        Path out = dir.resolve("ft/colours.h5");
        Files.createDirectories(out.getParent());
        CliRun run = CliRun.of("train", "--data", data.toString(), "--base", baseFile.toString(), "--epochs", "3",
                "--fine-tune-epochs", "2", "--batch", "8", "--feature-layers", "conv1_relu", "--augmentation", "strong",
                "--out", out.toString(), "--tta", "flip", "--json").succeeded();
        JsonNode summary = lastJsonLine(run.out());
        assertTrue(run.out().lines().anyMatch(DeviceOptionTest.AUTO_ON_CPU::equals), run.out());
        assertEquals("flip", summary.get("tta").asText());
        assertTrue(run.out().contains("validation with --tta flip: accuracy"), run.out());
        double tta = summary.get("val_accuracy_tta").asDouble();
        assertTrue(tta >= 0 && tta <= 1, "a second, two-view validation: " + summary);
        assertEquals("cpu", summary.get("device").asText());
        assertEquals(List.of("blue", "red"), List.of(summary.get("classes").get(0).asText(),
                summary.get("classes").get(1).asText()));
        JsonNode phases = summary.get("phases");
        assertEquals("feature-extraction", phases.get(0).get("name").asText());
        assertTrue(phases.get(0).get("cached").asBoolean(), "the frozen base's features are cached");
        assertEquals("fine-tune", phases.get(1).get("name").asText());
        assertFalse(phases.get(1).get("cached").asBoolean());
        assertTrue(phases.get(1).get("trainable_params").asLong() > phases.get(0).get("trainable_params").asLong(),
                "fine-tuning trains more parameters than feature extraction");
        assertEquals(5, summary.get("epochs").asInt());
        // --scale-heads auto: heads at 5/7 and 9/7 of the 16-pixel input, trained after the phases
        JsonNode scaleHeads = phases.get(2);
        assertEquals("scale-heads", scaleHeads.get("name").asText());
        assertEquals(List.of(11, 21), List.of(scaleHeads.get("heads").get(0).get("size").asInt(),
                scaleHeads.get("heads").get(1).get("size").asInt()));
        assertTrue(run.out().contains("scale-heads: 11: val_accuracy"), run.out());

        List<String> csv = Files.readAllLines(dir.resolve("ft/colours.history.csv"));
        assertTrue(csv.getFirst().startsWith("epoch,"), csv.getFirst());
        assertEquals(1 + 5, csv.size(), "a header and one row per epoch of both phases");
        for (String png : List.of("training-curves", "learning-rate", "confusion-matrix")) {
            assertTrue(ImageIO.read(dir.resolve("ft/colours." + png + ".png").toFile()).getWidth() > 100, png);
        }
        Model saved = KerasH5.load(out);
        assertArrayEquals(new int[] {2}, saved.output().shape(), "two classes");
        assertTrue(saved.layers().stream().anyMatch(l -> l.name().equals("head_s21")), "the saved model is the ensemble");
        assertEquals(Optional.of(Preprocessing.MOBILENET), KerasH5.preprocessing(out),
                "a base file that names no preprocessing is taken for MobileNet's, and the model says so");
        assertTrue(run.out().contains("of 2 training") || run.out().contains("24 training"), run.out());
    }

    /** {@code train} with a fine-tuning run of 3 + 2 epochs (crops and mixup), written to {@code out}, and {@code more} options. */
    private static CliRun trainFineTune(Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--base", baseFile.toString(),
                "--epochs", "3", "--fine-tune-epochs", "2", "--batch", "8", "--feature-layers", "conv1_relu",
                "--augmentation", "light", "--mixup", "0.4", "--out", out.toString()));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    /**
     * A run cut short right after the checkpoint of epoch 2 (feature extraction) or 4 (fine-tuning), as a crash
     * there would cut it (the hidden --interrupt-after-epoch), then continued with --resume, ends with the model
     * and the history CSV of the uninterrupted run: the same weights bit for bit, the same metrics per epoch
     * (the seconds each epoch took aside).
     */
    @Test
    void anInterruptedRunResumedFromItsCheckpointEndsAsTheUninterruptedOne() throws IOException {
        Path straight = Files.createDirectories(dir.resolve("resume")).resolve("straight.h5");
        trainFineTune(straight).succeeded();
        assertFalse(Files.exists(TrainingOutputs.sibling(straight, ".ckpt")), "a finished run deletes its checkpoint");
        for (int cut : new int[] {2, 4}) {
            Path out = dir.resolve("resume/cut" + cut + ".h5");
            Path checkpoint = TrainingOutputs.sibling(out, ".ckpt");
            CliRun interrupted = trainFineTune(out, "--interrupt-after-epoch", Integer.toString(cut));
            assertEquals(1, interrupted.exitCode(), interrupted.err());
            assertTrue(interrupted.err().contains("interrupted after epoch " + cut), interrupted.err());
            assertTrue(Files.exists(checkpoint), "the checkpoint of epoch " + cut + " stays");
            assertFalse(Files.exists(out), "no model from an interrupted run");
            assertEquals(1 + cut, Files.readAllLines(TrainingOutputs.sibling(out, ".history.csv")).size());
            trainFineTune(out).usageError("holds an interrupted run: continue it with --resume");
            if (cut == 2) { // a crash between the CSV row of epoch 3 and its checkpoint leaves a row to drop
                Files.writeString(TrainingOutputs.sibling(out, ".history.csv"), "2,a row the checkpoint never saw\n",
                        StandardOpenOption.APPEND);
            }

            CliRun resumed = trainFineTune(out, "--resume").succeeded();
            assertTrue(resumed.out().contains("resuming after epoch " + cut + " from " + checkpoint), resumed.out());
            assertFalse(Files.exists(checkpoint), "the finished run deletes its checkpoint");
            List<Weight> expected = KerasH5.load(straight).weights();
            List<Weight> actual = KerasH5.load(out).weights();
            assertEquals(expected.size(), actual.size());
            for (int i = 0; i < expected.size(); i++) {
                assertEquals(expected.get(i).path(), actual.get(i).path());
                assertArrayEquals(expected.get(i).value().toArray(), actual.get(i).value().toArray(), 0f,
                        expected.get(i).path() + " after resuming from epoch " + cut);
            }
            assertEquals(metrics(TrainingOutputs.sibling(straight, ".history.csv")),
                    metrics(TrainingOutputs.sibling(out, ".history.csv")), "history after resuming from epoch " + cut);
        }
    }

    /** The history CSV's header and rows without the columns of time ({@code seconds}, {@code images_per_second}). */
    private static List<List<String>> metrics(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        List<String> header = List.of(lines.getFirst().split(","));
        List<List<String>> rows = new ArrayList<>();
        for (String line : lines) {
            String[] cells = line.split(",", -1);
            List<String> kept = new ArrayList<>();
            for (int c = 0; c < cells.length; c++) {
                if (!List.of("seconds", "images_per_second").contains(header.get(c))) {
                    kept.add(cells[c]);
                }
            }
            rows.add(kept);
        }
        assertEquals(6, rows.size(), "a header and 5 epochs: " + lines);
        return rows;
    }

    @Test
    void resumeNamesAMissingCorruptOrMismatchedCheckpoint() throws IOException {
        Path out = Files.createDirectories(dir.resolve("bad-resume")).resolve("colours.h5");
        Path checkpoint = TrainingOutputs.sibling(out, ".ckpt");
        trainFineTune(out, "--resume").failedOn(checkpoint, "no such checkpoint to --resume from");
        Path other = dir.resolve("bad-resume/elsewhere.ckpt");
        trainFineTune(out, "--resume", other.toString()).failedOn(other, "no such checkpoint");

        assertEquals(1, trainFineTune(out, "--interrupt-after-epoch", "1").exitCode());
        CliRun.of("train", "--data", data.toString(), "--base", baseFile.toString(), "--epochs", "4", "--batch", "8",
                "--feature-layers", "conv1_relu", "--out", out.toString(), "--resume")
                .usageError("the checkpoint's feature-extraction phase has 3 epochs, this run asks for 4");
        trainFineTune(out, "--resume", "--seed", "2").usageError("batch size 8 and seed 1, this one 8 and 2");
        trainFineTune(out, "--resume", "--mode", "scratch").usageError("phases [feature-extraction], --mode runs [fine-tune]");
        byte[] bytes = Files.readAllBytes(checkpoint);
        Files.write(checkpoint, Arrays.copyOf(bytes, bytes.length / 2));
        trainFineTune(out, "--resume").failedOn(checkpoint, "cannot --resume from it: it is truncated");
        Files.writeString(checkpoint, "not a checkpoint");
        trainFineTune(out, "--resume").failedOn(checkpoint, "not a transfer4j checkpoint");
    }

    /** A head rate of 1e30 blows the logits up on the first steps: one line naming where, exit 1, no model written. */
    @Test
    void aDivergingRunStopsWithOneLineNamingTheEpochAndStep() throws IOException {
        Path out = dir.resolve("nan/colours.h5");
        Files.createDirectories(out.getParent());
        CliRun run = CliRun.of("train", "--data", data.toString(), "--base", baseFile.toString(), "--mode",
                "feature-extraction", "--epochs", "3", "--lr", "1e30", "--batch", "8", "--out", out.toString());
        assertEquals(1, run.exitCode(), run.err());
        String err = run.err().strip();
        assertTrue(err.startsWith("transfer4j: ") && err.contains("epoch") && err.contains("step")
                && !err.contains("\tat "), err);
        assertFalse(Files.exists(out), "no model from a diverged run");
    }

    @Test
    void featureExtractionAloneLearnsTheColours() throws IOException {
        Path out = dir.resolve("fe.h5");
        CliRun run = CliRun.of("train", "--data", data.toString(), "--base", baseFile.toString(), "--mode",
                "feature-extraction", "--epochs", "25", "--lr", "0.01", "--batch", "8", "--hidden", "0",
                "--out", out.toString(), "--json").succeeded();
        JsonNode summary = lastJsonLine(run.out());
        assertEquals(2, summary.get("phases").size(), "feature extraction, then the scale heads");
        assertTrue(summary.get("val_accuracy").asDouble() >= 0.9,
                "red vs blue is linearly separable in any colour-sensitive features: " + summary);
    }

    @Test
    void scaleHeadsNoneSavesTheSingleHeadModelAndBadSizesAreUsageErrors() throws IOException {
        Path out = dir.resolve("none/colours.h5");
        Files.createDirectories(out.getParent());
        CliRun run = CliRun.of("train", "--data", data.toString(), "--base", baseFile.toString(), "--mode",
                "feature-extraction", "--epochs", "2", "--batch", "8", "--scale-heads", "none", "--out", out.toString(),
                "--json").succeeded();
        assertEquals(1, lastJsonLine(run.out()).get("phases").size());
        assertTrue(KerasH5.load(out).layers().stream().noneMatch(l -> l.name().startsWith("head_s")));
        for (String bad : List.of("16", "4", "big")) {
            Path never = dir.resolve("bad/colours.h5");
            CliRun.of("train", "--data", data.toString(), "--base", baseFile.toString(), "--scale-heads", bad,
                    "--out", never.toString()).usageError("--scale-heads");
            assertFalse(Files.exists(never.resolveSibling("colours.ckpt")), "refused before any training");
        }
    }

    @Test
    void findLrPlotsTheRangeTestAndTrainsTheHeadAtItsSuggestion() throws IOException {
        Path out = dir.resolve("lr/colours.h5");
        Files.createDirectories(out.getParent());
        CliRun run = CliRun.of("train", "--data", data.toString(), "--base", baseFile.toString(), "--mode",
                "feature-extraction", "--find-lr", "--epochs", "2", "--batch", "8", "--out", out.toString()).succeeded();
        String line = run.out().lines().filter(l -> l.startsWith("LR range test: suggested head rate")).findFirst()
                .orElseThrow(() -> new AssertionError(run.out()));
        double suggested = Double.parseDouble(line.split(" ")[6]); // printed with 3 significant digits
        String phase = run.out().lines().filter(l -> l.startsWith("feature-extraction: transfer4j")).findFirst()
                .orElseThrow(() -> new AssertionError(run.out()));
        double used = Double.parseDouble(phase.replaceAll(".*, rate ([^,]+),.*", "$1"));
        assertEquals(suggested, used, suggested * 0.005, "the head trains at the suggested rate: " + phase);
        assertTrue(ImageIO.read(dir.resolve("lr/colours.lr-find.png").toFile()).getWidth() > 100);
        CliRun.of("train", "--data", data.toString(), "--base", baseFile.toString(), "--mode", "scratch", "--find-lr")
                .usageError("not for --mode scratch");
    }

    @Test
    void noCacheRunsTheFrozenBaseEveryEpoch() throws IOException {
        CliRun run = CliRun.of("train", "--data", data.toString(), "--base", baseFile.toString(), "--mode",
                "feature-extraction", "--no-cache", "--no-augment", "--epochs", "1", "--batch", "8", "--out",
                dir.resolve("nocache.h5").toString(), "--json").succeeded();
        JsonNode phase = lastJsonLine(run.out()).get("phases").get(0);
        assertFalse(phase.get("cached").asBoolean(), phase.toString());
        assertTrue(run.out().contains("not cached: feature caching is off"), run.out());
    }

    @Test
    void theBasesSavedPreprocessingIsTrainedWithAndSavedForEvaluate() throws IOException {
        // The tiny base saved as transfer4j saves a classifier trained on a caffe-preprocessed base: train reads it
        // from the --base file and writes it into the model, and evaluate then uses it without --preprocess.
        Path caffeBase = dir.resolve("caffe_net.h5");
        KerasH5.save(KerasH5.load(baseFile), caffeBase,
                java.util.stream.IntStream.range(0, 10).mapToObj(i -> "c" + i).toList(), Preprocessing.CAFFE);
        Path out = dir.resolve("caffe-colours.h5");
        CliRun.of("train", "--data", data.toString(), "--base", caffeBase.toString(), "--mode", "feature-extraction",
                "--no-augment", "--epochs", "1", "--batch", "8", "--out", out.toString()).succeeded();
        assertEquals(Optional.of(Preprocessing.CAFFE), KerasH5.preprocessing(out));
        String report = CliRun.of("evaluate", "--model", out.toString(), "--data", data.toString()).succeeded().out();
        assertTrue(report.contains("--preprocess caffe from the model"), report);
    }

    @Test
    void scratchTrainsANamedArchitectureWithoutWeights() throws IOException {
        Path out = dir.resolve("scratch.h5");
        CliRun run = CliRun.of("train", "--data", data.toString(), "--base", "mobilenet", "--alpha", "0.25",
                "--image-size", "32", "--mode", "scratch", "--epochs", "1", "--batch", "8", "--out", out.toString(), "--json").succeeded();
        JsonNode phase = lastJsonLine(run.out()).get("phases").get(0);
        assertEquals("scratch", phase.get("name").asText());
        assertTrue(Files.exists(out));
        // MobileNet 0.25 without its top: 218,544 (Keras' count). The head pools the output (256 channels) and, by
        // --feature-layers top:6, conv_pw_7_relu..conv_pw_12_relu (5 x 128 + 256): c = 1152 features;
        // BN 4c + Dense(c->256) + Dense(256->2) = 4,608 + 295,168 + 514; total 518,834.
        assertTrue(run.out().contains("of 518,834 parameters"), run.out());
        CliRun.of("train", "--data", data.toString(), "--base", "resnet50", "--alpha", "0.5", "--mode", "scratch")
                .usageError("--alpha is for mobilenet");
    }

    @Test
    void badOptionsAreUsageErrors() {
        CliRun.of("train", "--data", data.toString(), "--base", baseFile.toString(), "--mode", "feature-extraction",
                "--unfreeze-top", "2").usageError("--mode fine-tune");
        CliRun.of("train", "--data", data.toString(), "--base", baseFile.toString(), "--schedule", "sawtooth")
                .usageError("not a schedule");
        CliRun.of("train", "--data", data.toString(), "--base", baseFile.toString(), "--augmentation", "wild")
                .usageError("--augmentation must be flip, light or strong");
        CliRun.of("train", "--data", data.toString(), "--base", baseFile.toString(), "--mixup", "-0.2")
                .usageError("--mixup must be 0 (none) or a finite alpha > 0");
        CliRun.of("train", "--data", data.toString(), "--base", baseFile.toString(), "--device", "cuda")
                .usageError("--device cuda: no CUDA backend on the class path");
        CliRun.of("train", "--data", data.toString(), "--base", "mobilenet", "--image-size", "32")
                .usageError("has no weights");
        CliRun.of("train", "--data", data.toString(), "--base", baseFile.toString(), "--mode", "fine-tune",
                "--out", dir.resolve("x.keras").toString()).usageError("--out must name a .h5 file");
        CliRun.of("train", "--data", data.toString(), "--base", baseFile.toString(), "--feature-layers", "conv9_relu")
                .usageError("conv9_relu");
        Path out = dir.resolve("refused/model.h5");
        CliRun.of("train", "--data", data.toString(), "--base", baseFile.toString(), "--unfreeze-from", "conv_pw_3",
                "--out", out.toString()).usageError("conv_pw_3");
        assertFalse(Files.exists(out.getParent()), "refused before training: nothing written");
    }

    @Test
    void aFolderWithoutClassFoldersIsNamed() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("no-classes"));
        CliRun.of("train", "--data", empty.toString(), "--base", baseFile.toString()).failedOn(empty, "no class folders");
    }

    @Test
    void schedulesParseAndStartAtTheirRate() {
        assertEquals(0.01, ScheduleOption.parse("constant").schedule(0.01, 3, 10).rate(25), 0);
        // step:2:0.5 with 10 steps per epoch: halved at step 20
        assertEquals(0.005, ScheduleOption.parse("step:2:0.5").schedule(0.01, 5, 10).rate(20), 1e-12);
        // exp:10:0.9: 0.01 * 0.9^(15/10)
        assertEquals(0.01 * Math.pow(0.9, 1.5), ScheduleOption.parse("exp:10:0.9").schedule(0.01, 5, 10).rate(15), 1e-12);
        // cosine without warm-up: the rate at the start, half of it half way, 0 at the end
        assertEquals(0.005, ScheduleOption.parse("cosine:0").schedule(0.01, 2, 10).rate(10), 1e-12);
        // cosine:1 warms up over the first epoch (10 steps) to the rate
        assertEquals(0.01, ScheduleOption.parse("cosine:1").schedule(0.01, 3, 10).rate(10), 1e-12);
        assertTrue(ScheduleOption.parse("onecycle").schedule(0.01, 2, 10).rate(0) < 0.01, "one-cycle warms up");
        for (String bad : List.of("step:2", "exp:0:0.9", "step:2:1.5", "cosine:-1", "cosine:x", "warp")) {
            try {
                ScheduleOption.parse(bad);
                throw new AssertionError(bad + " was accepted");
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage().contains("'" + bad + "'"), expected.getMessage());
            }
        }
    }
}
