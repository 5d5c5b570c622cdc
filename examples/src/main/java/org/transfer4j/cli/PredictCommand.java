package org.transfer4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.transfer4j.applications.ImageNet;
import org.transfer4j.images.Images;
import org.transfer4j.images.Resize;
import org.transfer4j.keras.KerasModels;
import org.transfer4j.keras.Npy;
import org.transfer4j.nn.Model;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Device;
import org.transfer4j.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code transfer4j predict}: runs a Keras full model ({@link KerasModels#load}: a {@code .h5}, or a Keras 3
 * {@code .keras} archive) in one of two ways.
 * <ul>
 *   <li>{@code --model MODEL.h5 [--preprocess MODE] [--top K] [--json] IMAGE...}: classifies images. Each is
 *       decoded and resized to the model's input height and width as Keras' {@code load_img(target_size=...)}
 *       does (nearest neighbour, whole image), preprocessed, and run; the K highest scores of its
 *       {@code (classes)} output are printed, with the ImageNet class names when there are 1000 classes.
 *       Without {@code --preprocess}, images are preprocessed as the model was trained when {@code train} saved
 *       it ({@link org.transfer4j.keras.KerasH5#PREPROCESSING}), else not at all; the report says which.</li>
 *   <li>{@code --model MODEL.h5 --input X.npy --output Y.npy}: a raw tensor {@code x (N, ...input shape) -> y
 *       (N, ...output shape)}, float32, with no preprocessing.</li>
 * </ul>
 */
@Command(name = "predict",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"Runs a Keras full-model .h5 file. With IMAGE files: decodes each, resizes it to the model's "
                + "input size (nearest neighbour, as Keras' load_img), preprocesses it, and prints the K highest "
                + "scores, with ImageNet class names when the model has 1000 classes. With --input X.npy "
                + "--output Y.npy: runs the model on a raw tensor, no preprocessing, and writes its output as float32."},
        sortOptions = false)
final class PredictCommand implements Callable<Integer> {
    /** Images decoded and run at a time, to bound memory on a long list of files. */
    static final int BATCH = 16;

    @Spec
    private CommandSpec spec;

    @Mixin
    private ModelFileOption modelOption;

    @Mixin
    private DeviceOption deviceOption;

    @Option(names = "--preprocess", paramLabel = "MODE", converter = Preprocess.Converter.class,
            description = Preprocess.MODES + "; the default: the one the model was trained with when transfer4j "
                    + "saved it, else none")
    private Preprocess preprocess;

    @Option(names = "--top", paramLabel = "K", description = "how many classes to print per image (default: ${DEFAULT-VALUE}, "
            + "or all of a model with fewer)")
    private int top = 5;

    @Option(names = "--json", description = "print one JSON object on one line: preprocess (the mode used), "
            + "preprocess_from (option, model or default) and the predictions, each with its image and its top classes "
            + "(index, label, probability)")
    private boolean json;

    @Option(names = "--input", paramLabel = "X.npy", description = "a NumPy array (N, ...the model's input shape) to run "
            + "the model on, instead of images")
    private Path input;

    @Option(names = "--output", paramLabel = "Y.npy", description = "where --input's result goes (float32 .npy)")
    private Path output;

    @Parameters(paramLabel = "IMAGE", arity = "0..*", description = "image files (JPEG, PNG, BMP, GIF, TIFF)")
    private List<Path> images = List.of();

    /** One of the K highest scores of an image: the class index, its ImageNet name (or null), the score. */
    record Guess(int index, String label, float probability) {
    }

    @Override
    public Integer call() {
        checkOptions();
        DeviceOption.Choice device = deviceOption.choose();
        Model model = modelOption.loadSingleInputOutput("predict runs models");
        model.to(device.device());
        if (input != null) {
            predictArray(model, device);
        } else {
            classifyImages(model, device);
        }
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** The two forms do not mix: each option of one is a usage error in the other. */
    private void checkOptions() {
        var parsed = spec.commandLine().getParseResult();
        if (input != null || output != null) {
            if (input == null || output == null) {
                throw usage("--input X.npy and --output Y.npy go together");
            }
            for (String option : List.of("--preprocess", "--top", "--json")) {
                if (parsed.hasMatchedOption(option)) {
                    throw usage(option + " is for images; --input X.npy runs the model on the array as it is");
                }
            }
            if (!images.isEmpty()) {
                throw usage("give either IMAGE files or --input X.npy --output Y.npy, not both");
            }
        } else if (images.isEmpty()) {
            throw usage("give IMAGE files to classify, or --input X.npy --output Y.npy");
        }
        if (top < 1) {
            throw usage("--top must be at least 1, got " + top);
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    // ---- --input X.npy --output Y.npy -----------------------------------------------------------------

    private void predictArray(Model model, DeviceOption.Choice device) {
        Tensor x = Npy.read(input);
        Tensor y;
        try {
            y = model.predict(x.to(model.device())).to(Device.cpu());
        } catch (ShapeMismatchException e) {
            throw new FileProblemException(input, "the array " + shape(x.shape()) + " does not fit the model "
                    + modelOption.file() + ", which takes " + model.input().shapeString() + ": " + e.getMessage(), e);
        }
        try {
            Npy.write(output, y);
        } catch (UncheckedIOException e) {
            throw new FileProblemException(output, "cannot write it: " + e.getCause().getMessage(), e);
        }
        spec.commandLine().getOut().println(device.line());
        spec.commandLine().getOut().println(input + " " + shape(x.shape()) + " -> " + output + " " + shape(y.shape()));
    }

    private static String shape(int[] shape) {
        return Arrays.toString(shape).replace('[', '(').replace(']', ')');
    }

    // ---- IMAGE... -------------------------------------------------------------------------------------

    private void classifyImages(Model model, DeviceOption.Choice device) {
        int[] in = model.input().shape();
        if (in.length != 3 || in[2] != 3) {
            throw new FileProblemException(modelOption.file(), "the model takes " + model.input().shapeString()
                    + ", not RGB images (None, height, width, 3); run it on an array with --input X.npy --output Y.npy");
        }
        int[] out = model.output().shape();
        if (out.length != 1) {
            throw new FileProblemException(modelOption.file(), "the model's output " + model.output().shapeString()
                    + " is not one score per class (None, classes); run it on an array with --input X.npy"
                    + " --output Y.npy");
        }
        int classes = out[0];
        Preprocess.Choice preprocessing = Preprocess.choose(preprocess, KerasModels.preprocessing(modelOption.file()),
                Preprocess.NONE, modelOption.file(), spec.commandLine().getErr());
        int k = top;
        if (k > classes) {
            // The default asks for 5; a model of fewer classes gives them all. Asking for more is an error.
            if (spec.commandLine().getParseResult().hasMatchedOption("--top")) {
                throw usage("--top " + top + " is more than the model's " + classes + " classes");
            }
            k = classes;
        }
        List<List<Guess>> results = new ArrayList<>(images.size());
        for (int from = 0; from < images.size(); from += BATCH) {
            List<Path> batch = images.subList(from, Math.min(images.size(), from + BATCH));
            Tensor pixels = Images.readBatch(batch, in[0], in[1], Resize.NEAREST);
            float[] scores = model.predict(preprocessing.mode().apply(pixels).to(model.device())).toArray();
            for (int n = 0; n < batch.size(); n++) {
                results.add(highest(scores, n * classes, classes, k));
            }
        }
        PrintWriter printer = spec.commandLine().getOut();
        if (json) {
            ObjectNode o = asJson(preprocessing, results);
            device.addTo(o);
            printer.println(Json.write(o));
        } else {
            printText(preprocessing, device, results, printer);
        }
    }

    /** The {@code k} highest of {@code scores[offset, offset + classes)}, highest first; equal scores keep the lower index first. */
    static List<Guess> highest(float[] scores, int offset, int classes, int k) {
        boolean imageNet = classes == ImageNet.CLASSES;
        return IntStream.range(0, classes).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> scores[offset + i]).reversed())
                .limit(k)
                .map(i -> new Guess(i, imageNet ? ImageNet.label(i) : null, scores[offset + i]))
                .toList();
    }

    private ObjectNode asJson(Preprocess.Choice preprocessing, List<List<Guess>> results) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("preprocess", preprocessing.mode().optionName());
        o.put("preprocess_from", preprocessing.source().json());
        ArrayNode predictions = o.putArray("predictions");
        for (int i = 0; i < results.size(); i++) {
            ObjectNode image = predictions.addObject();
            image.put("image", images.get(i).toString());
            ArrayNode guesses = image.putArray("top");
            for (Guess g : results.get(i)) {
                ObjectNode guess = guesses.addObject();
                guess.put("index", g.index());
                guess.put("label", g.label());
                guess.put("probability", g.probability());
            }
        }
        return o;
    }

    private void printText(Preprocess.Choice preprocessing, DeviceOption.Choice device, List<List<Guess>> results,
                           PrintWriter out) {
        out.println("model: " + modelOption.file() + " (" + preprocessing.describe() + ")");
        out.println(device.line());
        out.println();
        for (int i = 0; i < results.size(); i++) {
            out.println(images.get(i));
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"#", "class", "label", "probability"});
            int rank = 1;
            for (Guess g : results.get(i)) {
                rows.add(new String[] {Integer.toString(rank++), Integer.toString(g.index()),
                    g.label() == null ? "-" : g.label(), String.format(Locale.ROOT, "%.6f", g.probability())});
            }
            Table.print(rows, out);
            if (i + 1 < results.size()) {
                out.println();
            }
        }
    }
}
