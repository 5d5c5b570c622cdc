package org.transfer4j.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.transfer4j.applications.Preprocessing;
import org.transfer4j.images.Augmentation;
import org.transfer4j.images.ImageDataset;
import org.transfer4j.images.ImageFolder;
import org.transfer4j.nn.NoSuchLayerException;
import org.transfer4j.tensor.Generator;
import org.transfer4j.train.Callback;
import org.transfer4j.train.Checkpoint;
import org.transfer4j.train.CheckpointMismatchException;
import org.transfer4j.train.ClassWeights;
import org.transfer4j.train.CsvLogger;
import org.transfer4j.train.Evaluation;
import org.transfer4j.train.FeatureCache;
import org.transfer4j.train.History;
import org.transfer4j.train.ModelCheckpoint;
import org.transfer4j.train.MixUp;
import org.transfer4j.train.ProgressBar;
import org.transfer4j.train.TestTimeAugmentation;
import org.transfer4j.train.TransferModel;
import org.transfer4j.train.TransferTraining;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code transfer4j train}: a classifier for a folder of photos, from a pretrained base, in up to two phases
 * ({@link TransferTraining}). The defaults are the recipe measured on the five-flowers photos
 * (see the README): a head with a hidden layer trained on cached features, then fine-tuning of the top
 * half of the base with augmentation, label smoothing, AdamW, a cosine schedule and the base at a
 * fraction of the head's rate. Every epoch ends with the whole training state in {@code MODEL.ckpt},
 * which {@code --resume} continues and a finished run deletes (as Keras' {@code BackupAndRestore} does).
 */
@Command(name = "train",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"Trains an image classifier on DIR (train/ and val/ folders of class folders, or one folder "
                + "of class folders split by --val-split) from a pretrained base, and writes it as a Keras .h5 with its "
                + "history (CSV) and plots (PNG) beside it.",
                "After every epoch the whole training state is written (atomically) to MODEL.ckpt beside --out; a run "
                + "that finishes deletes it, so it only remains after an interrupted run, which --resume continues."},
        sortOptions = false)
final class TrainCommand implements Callable<Integer> {
    enum Mode { SCRATCH, FEATURE_EXTRACTION, FINE_TUNE }

    @Spec
    private CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "train/ + val/ of class folders, or one folder of class folders")
    private Path data;

    @Option(names = "--val-split", paramLabel = "F", description = "fraction of each class held out for validation when DIR has no val/ (default: ${DEFAULT-VALUE})")
    private double valSplit = 0.2;

    @Option(names = "--base", required = true, paramLabel = "MODEL.h5|mobilenet|mobilenet_v2|resnet50", description = "a Keras full-model file (cut before its classifier) or an architecture name")
    private String base;

    @Option(names = "--weights", paramLabel = "W.h5", description = "Keras weights (e.g. *_notop.h5) for a named --base")
    private Path weights;

    @Option(names = "--alpha", paramLabel = "X", description = "width multiplier of a named mobilenet or mobilenet_v2 base (default: ${DEFAULT-VALUE})")
    private double alpha = 1.0;

    @Option(names = "--mode", paramLabel = "MODE", description = "scratch, feature-extraction or fine-tune (feature extraction, then fine-tuning; the default)")
    private String modeText = "fine-tune";

    @Option(names = "--epochs", paramLabel = "N", description = "epochs of feature extraction, or of training from scratch (default: ${DEFAULT-VALUE})")
    private int epochs = 30;

    @Option(names = "--fine-tune-epochs", paramLabel = "N", description = "epochs of fine-tuning (default: ${DEFAULT-VALUE})")
    private int fineTuneEpochs = 10;

    @Option(names = "--unfreeze-from", paramLabel = "LAYER", description = "fine-tune the base from this layer on")
    private String unfreezeFrom;

    @Option(names = "--unfreeze-top", paramLabel = "N", description = "fine-tune the top N blocks of the base (default: the top half)")
    private Integer unfreezeTop;

    @Option(names = "--lr", paramLabel = "X", description = "head learning rate of feature extraction / scratch (default: ${DEFAULT-VALUE})")
    private double lr = 1e-3;

    @Option(names = "--fine-tune-lr", paramLabel = "X", description = "head learning rate of fine-tuning (default: ${DEFAULT-VALUE})")
    private double fineTuneLr = 1e-4;

    @Option(names = "--base-lr-mult", paramLabel = "X", description = "the base's rate as a fraction of the head's when fine-tuning (default: ${DEFAULT-VALUE})")
    private double baseLrMult = 0.3;

    @Option(names = "--schedule", paramLabel = "S", description = "constant, step:EPOCHS:FACTOR, exp:STEPS:RATE, cosine:WARMUP or onecycle, per phase (default: ${DEFAULT-VALUE})")
    private String scheduleText = "cosine:0";

    @Option(names = "--batch", paramLabel = "N", description = "batch size (default: ${DEFAULT-VALUE})")
    private int batch = 32;

    @Option(names = "--image-size", paramLabel = "N", description = "image side for a named --base (default 224; a model file fixes its own)")
    private int imageSize;

    @Option(names = "--augment", negatable = true, defaultValue = "true", fallbackValue = "true", description = "augment the training images of the phases where the base trains (default: on)")
    private boolean augment = true;

    @Option(names = "--augmentation", paramLabel = "flip|light|strong", description = "flip: horizontal flips; light: flips and random resized crops of 80-100%% of the image; strong: crops of 35-100%%, flips, +-10 degrees, brightness and contrast 0.2 (default: ${DEFAULT-VALUE})")
    private String augmentation = "flip";

    @Option(names = "--find-lr", description = "run the LR range test for the head first, plot it (MODEL.lr-find.png), and train the head at its suggestion unless --lr is given")
    private boolean findLr;

    @Option(names = "--cache", negatable = true, defaultValue = "true", fallbackValue = "true", description = "train the head of feature extraction on the frozen base's features, computed once (default: on)")
    private boolean cache = true;

    @Option(names = "--hidden", paramLabel = "N", description = "units of the head's hidden layer, 0 for none (default: ${DEFAULT-VALUE})")
    private int hidden = 256;

    @Option(names = "--feature-layers", split = ",", paramLabel = "LAYER,...|top:N|none", description = "layers of the base whose pooled outputs join the base output's as the head's features; top:N takes the last layer of each of the N blocks below the top one (default: ${DEFAULT-VALUE})")
    private List<String> featureLayers = List.of("top:6");

    @Option(names = "--dropout", paramLabel = "P", description = "dropout before each dense layer of the head (default: ${DEFAULT-VALUE})")
    private double dropout = 0.3;

    @Option(names = "--mixup", paramLabel = "ALPHA", description = "train the phases where the base trains on mixup pairs, "
            + "lambda ~ Beta(ALPHA, ALPHA); 0 for none (default: ${DEFAULT-VALUE}; 0.2 did not help on the flowers)")
    private double mixup = 0;

    @Option(names = "--scale-heads", split = ",", paramLabel = "auto|none|SIZE,...", description = "after the phases, "
            + "train one more head per SIZE on the frozen base's features of the images resized to SIZE, and save the "
            + "average of all heads' logits as the model; auto: 5/7 and 9/7 of the input size (160 and 288 at 224) "
            + "(default: ${DEFAULT-VALUE}; not for --mode scratch)")
    private List<String> scaleHeads = List.of("auto");

    @Option(names = "--label-smoothing", paramLabel = "X", description = "(default: ${DEFAULT-VALUE})")
    private float labelSmoothing = 0.1f;

    @Option(names = "--class-weights", paramLabel = "none|balanced", description = "balanced: weigh each class by n / (classes x its count) (default: ${DEFAULT-VALUE})")
    private String classWeightsText = "none";

    @Mixin
    private DeviceOption deviceOption;

    @Option(names = "--seed", paramLabel = "N", description = "(default: ${DEFAULT-VALUE})")
    private long seed = 1;

    @Option(names = "--out", paramLabel = "MODEL.h5", description = "the trained model; history and plots go beside it (default: ${DEFAULT-VALUE})")
    private Path out = Path.of("model.h5");

    @Option(names = "--tta", paramLabel = "none|flip", converter = TtaConverter.class,
            description = "also report the final validation with " + TtaConverter.HELP + " (default: none)")
    private TestTimeAugmentation tta = TestTimeAugmentation.NONE;

    @Option(names = "--json", description = "print a JSON summary on the last line")
    private boolean json;

    @Mixin
    private ResumeOption resume;

    /** For the tests of --resume: ends the run as a crash would, right after epoch N's checkpoint is written. */
    @Option(names = "--interrupt-after-epoch", hidden = true, paramLabel = "N")
    private int interruptAfterEpoch;

    /** Thrown by {@code --interrupt-after-epoch}; nothing of the run happens after it. */
    private static final class Interrupted extends RuntimeException {
        Interrupted(int epoch) {
            super("interrupted after epoch " + epoch + " (--interrupt-after-epoch); continue with --resume", null, false,
                    false);
        }
    }

    @Override
    public Integer call() throws IOException {
        try {
            return train();
        } catch (NoSuchLayerException e) { // --feature-layers or --unfreeze-from names a layer the base lacks
            throw usage(e.getMessage());
        } catch (Interrupted e) {
            spec.commandLine().getErr().println("transfer4j: " + e.getMessage());
            return 1;
        }
    }

    private int train() throws IOException {
        Mode mode = mode();
        ScheduleOption schedule = parse(() -> ScheduleOption.parse(scheduleText));
        checkOptions(mode);
        DeviceOption.Choice device = deviceOption.choose();
        Path checkpointFile = sibling(".ckpt");
        Checkpoint resumed = resume.read(checkpointFile, switch (mode) {
            case SCRATCH -> List.of("fine-tune");
            case FEATURE_EXTRACTION -> List.of("feature-extraction");
            case FINE_TUNE -> List.of("feature-extraction", "fine-tune");
        });
        Generator.manualSeed(seed);
        PrintWriter log = spec.commandLine().getOut();

        ImageFolder.Splits splits = Files.isDirectory(data.resolve("train"))
                ? ImageFolder.splits(data) : ImageFolder.split(data, valSplit, seed);
        List<String> classes = splits.train().classNames();
        BaseModels resolved = parse(() -> BaseModels.resolve(base, weights, imageSize, alpha));
        if (mode != Mode.SCRATCH && !resolved.pretrained()) {
            throw usage("--base " + base + " has no weights: give --weights W.h5, a model file, or --mode scratch");
        }
        int size = resolved.model().input().shape()[0];
        int[] sizes = scaleHeadSizes(mode, size); // a bad --scale-heads fails now, not after the phases
        TransferModel.Builder builder = TransferModel.on(resolved.model()).classes(classes.size()).hiddenUnits(hidden)
                .dropout(dropout).baseInInferenceMode(mode != Mode.SCRATCH).name("transfer4j_classifier");
        TransferModel transfer = featureLayers(builder).build();
        transfer.model().to(device.device()); // the base, the head and what shares their layers
        if (unfreezeFrom != null) {
            transfer.base().layer(unfreezeFrom); // a name the base lacks fails now, not after feature extraction
        }

        Preprocessing preprocessing = resolved.preprocessing();
        ImageDataset plainTrain = ImageDataset.builder(size).preprocessing(preprocessing).evaluation(splits.train());
        ImageDataset augmentedTrain = ImageDataset.builder(size).preprocessing(preprocessing)
                .augmentation(augmentation()).training(splits.train());
        ImageDataset val = ImageDataset.builder(size).preprocessing(preprocessing).evaluation(splits.validation());
        log.println(device.line());
        log.printf(Locale.ROOT, "data: %s, %d training and %d validation images, classes %s%n", data,
                plainTrain.size(), val.size(), classes);

        Path csv = sibling(".history.csv");
        TransferTraining training = new TransferTraining(transfer, mode == Mode.SCRATCH ? augmentedTrain : plainTrain, val)
                .fineTuneTrain(augmentedTrain).fineTuneMixup(mixup > 0 ? new MixUp(mixup) : null).cacheFeatures(cache)
                .cacheStorage(FeatureCache.Storage.auto(out.toAbsolutePath().getParent())).batchSize(batch).seed(seed).labelSmoothing(labelSmoothing)
                .classWeights(classWeightsText.equals("balanced") ? ClassWeights.balanced(plainTrain) : null)
                .callbacks(new ProgressBar(new PrintStream(System.out, true)).minInterval(1.0), new CsvLogger(csv, true),
                        new ModelCheckpoint(checkpointFile));
        if (interruptAfterEpoch > 0) {
            training.callbacks(Callback.onEpochEnd((epoch, logs) -> {
                if (epoch == interruptAfterEpoch) {
                    throw new Interrupted(epoch);
                }
            }));
        }
        TrainingRun run = new TrainingRun(transfer, training, schedule, log);
        try {
            if (resumed == null) {
                Files.deleteIfExists(csv);
            } else {
                training.resumeFrom(resumed);
                CsvLogger.write(csv, resumed.history()); // the epochs of the checkpoint, then the logger appends
                log.printf(Locale.ROOT, "resuming after epoch %d from %s%n", resumed.epoch(), resume.file(checkpointFile));
            }
            runPhases(mode, transfer, run, resumed);
            if (sizes.length > 0) {
                run.scaleHeads(epochs, lr, sizes);
            }
        } catch (CheckpointMismatchException e) { // thrown before the phase that does not fit trains
            throw usage("--resume " + resume.file(checkpointFile) + ": " + e.getMessage()
                    + "; resume with the options and data of the interrupted run");
        }
        Evaluation evaluation = training.evaluate(val);
        TrainingOutputs outputs = new TrainingOutputs(out, training.model(), classes, preprocessing);
        outputs.write(training.history(), evaluation);
        Files.deleteIfExists(checkpointFile); // the run is done: nothing left to resume
        log.printf(Locale.ROOT, "validation: accuracy %.4f, loss %.4f on %d images%n", evaluation.accuracy(),
                evaluation.loss(), evaluation.samples());
        Evaluation withTta = tta == TestTimeAugmentation.NONE ? null : training.evaluate(val, tta);
        if (withTta != null) {
            log.printf(Locale.ROOT, "validation with --tta %s: accuracy %.4f, loss %.4f%n", TtaConverter.name(tta),
                    withTta.accuracy(), withTta.loss());
        }
        log.println("wrote " + outputs.describe());
        for (String plot : outputs.skipped()) {
            log.println("plot not drawn: " + plot);
        }
        if (json) {
            ObjectNode summary = summary(run, training.history(), evaluation, outputs);
            if (withTta != null) {
                summary.put("tta", TtaConverter.name(tta));
                summary.put("val_accuracy_tta", withTta.accuracy());
                summary.put("val_loss_tta", withTta.loss());
            }
            device.addTo(summary);
            log.println(Json.write(summary));
        }
        log.flush();
        return 0;
    }

    /** The phases of {@code mode}; when resuming, those that ended before the checkpoint are skipped. */
    private void runPhases(Mode mode, TransferModel transfer, TrainingRun run, Checkpoint resumed) throws IOException {
        if (mode == Mode.SCRATCH) {
            transfer.unfreezeTopBlocks(Integer.MAX_VALUE);
            run.scratch(epochs, lr);
        } else {
            // The range test finds the head's rate of feature extraction: not needed once that phase has ended.
            if (findLr && (resumed == null || resumed.history().phases().size() == 1)) {
                double suggestion = run.findHeadRate(sibling(".lr-find.png"));
                if (!spec.commandLine().getParseResult().hasMatchedOption("--lr")) {
                    lr = suggestion;
                }
            }
            run.featureExtraction(epochs, lr);
            if (mode == Mode.FINE_TUNE) {
                if (unfreezeFrom != null) {
                    transfer.unfreezeFrom(unfreezeFrom);
                } else {
                    transfer.unfreezeTopBlocks(unfreezeTop != null ? unfreezeTop : (transfer.blocks().size() + 1) / 2);
                }
                run.fineTune(fineTuneEpochs, fineTuneLr, baseLrMult);
            }
        }
    }

    /**
     * {@code --augmentation}. Measured on the flowers (README): flips alone fine-tuned best; stronger crops
     * pulled the accuracy down for the first epochs and did not end higher.
     */
    private Augmentation augmentation() {
        if (!augment) {
            return Augmentation.NONE;
        }
        Augmentation.Builder flips = Augmentation.builder().noCrop().horizontalFlip(0.5).rotation(0).brightness(0).contrast(0);
        return switch (augmentation) {
            case "flip" -> flips.build();
            case "light" -> flips.randomResizedCrop(0.8, 1.0, 3 / 4.0, 4 / 3.0).build();
            case "strong" -> Augmentation.defaults();
            default -> throw usage("--augmentation must be flip, light or strong, got '" + augmentation + "'");
        };
    }

    /**
     * {@code --scale-heads}: none for scratch training or {@code none}; {@code auto} is 5/7 and 9/7 of the input
     * side (160 and 288 at 224), the sizes measured on the five flowers (README).
     */
    private int[] scaleHeadSizes(Mode mode, int size) {
        if (mode == Mode.SCRATCH || scaleHeads.equals(List.of("none"))) {
            return new int[0];
        }
        if (scaleHeads.equals(List.of("auto"))) {
            return new int[] {Math.round(size * 5 / 7f), Math.round(size * 9 / 7f)};
        }
        try {
            int[] sizes = scaleHeads.stream().mapToInt(Integer::parseInt).toArray();
            for (int s : sizes) {
                if (s < 8 || s == size) {
                    throw usage("--scale-heads sizes must be at least 8 and differ from the input size " + size + ", got " + s);
                }
            }
            return sizes;
        } catch (NumberFormatException e) {
            throw usage("--scale-heads must be auto, none or sizes such as 160,288, got '" + String.join(",", scaleHeads) + "'");
        }
    }

    /** {@code --feature-layers}: none, top:N, or layer names. */
    private TransferModel.Builder featureLayers(TransferModel.Builder builder) {
        if (featureLayers.equals(List.of("none"))) {
            return builder;
        }
        if (featureLayers.size() == 1 && featureLayers.getFirst().startsWith("top:")) {
            String n = featureLayers.getFirst().substring("top:".length());
            try {
                return builder.featureLayersFromTopBlocks(Integer.parseInt(n));
            } catch (IllegalArgumentException e) {
                throw usage("--feature-layers top:N needs a whole number N >= 1, got '" + n + "'");
            }
        }
        return builder.featureLayers(featureLayers.toArray(String[]::new));
    }

    private Mode mode() {
        return switch (modeText.toLowerCase(Locale.ROOT)) {
            case "scratch" -> Mode.SCRATCH;
            case "feature-extraction" -> Mode.FEATURE_EXTRACTION;
            case "fine-tune" -> Mode.FINE_TUNE;
            default -> throw usage("--mode must be scratch, feature-extraction or fine-tune, got '" + modeText + "'");
        };
    }

    private void checkOptions(Mode mode) {
        if (epochs < 1 || fineTuneEpochs < 1 || batch < 1) {
            throw usage("--epochs, --fine-tune-epochs and --batch must be at least 1");
        }
        if (unfreezeFrom != null && unfreezeTop != null) {
            throw usage("give --unfreeze-from or --unfreeze-top, not both");
        }
        if (findLr && mode == Mode.SCRATCH) {
            throw usage("--find-lr tests the head's rate of feature extraction; it is not for --mode scratch");
        }
        if ((unfreezeFrom != null || unfreezeTop != null) && mode != Mode.FINE_TUNE) {
            throw usage("--unfreeze-from and --unfreeze-top are for --mode fine-tune");
        }
        if (!(valSplit > 0 && valSplit < 1)) {
            throw usage("--val-split must be between 0 and 1, got " + valSplit);
        }
        if (!(lr > 0) || !(fineTuneLr > 0) || !(baseLrMult >= 0)) {
            throw usage("--lr and --fine-tune-lr must be > 0 and --base-lr-mult >= 0");
        }
        if (!(mixup >= 0) || Double.isInfinite(mixup)) {
            throw usage("--mixup must be 0 (none) or a finite alpha > 0, got " + mixup);
        }
        if (!List.of("none", "balanced").contains(classWeightsText)) {
            throw usage("--class-weights must be none or balanced, got '" + classWeightsText + "'");
        }
        if (!out.getFileName().toString().endsWith(".h5")) {
            throw usage("--out must name a .h5 file, got " + out);
        }
    }

    private Path sibling(String suffix) {
        return TrainingOutputs.sibling(out, suffix);
    }

    private ObjectNode summary(TrainingRun run, History history, Evaluation evaluation, TrainingOutputs outputs) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("model", out.toString());
        root.put("classes", JsonNodeFactory.instance.arrayNode().addAll(
                outputs.classNames().stream().map(JsonNodeFactory.instance::textNode).toList()));
        root.set("phases", run.phasesJson());
        root.put("epochs", history.epochs());
        root.put("val_accuracy", evaluation.accuracy());
        root.put("val_loss", evaluation.loss());
        if (!outputs.skipped().isEmpty()) {
            root.set("plots_not_drawn", JsonNodeFactory.instance.arrayNode().addAll(
                    outputs.skipped().stream().map(JsonNodeFactory.instance::textNode).toList()));
        }
        return root;
    }

    private <T> T parse(java.util.function.Supplier<T> parser) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
