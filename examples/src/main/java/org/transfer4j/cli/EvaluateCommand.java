package org.transfer4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.transfer4j.images.ImageDataset;
import org.transfer4j.images.ImageFolder;
import org.transfer4j.keras.KerasH5;
import org.transfer4j.keras.KerasModels;
import org.transfer4j.losses.SparseCategoricalCrossentropy;
import org.transfer4j.metrics.ConfusionMatrix;
import org.transfer4j.nn.Model;
import org.transfer4j.plots.ConfusionMatrixPlot;
import org.transfer4j.train.Evaluation;
import org.transfer4j.train.TestTimeAugmentation;
import org.transfer4j.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code transfer4j evaluate --model MODEL.h5 --data DIR}: a classifier's accuracy, loss, per-class precision,
 * recall, F1 and support, and confusion matrix on a folder of labelled images.
 * <ul>
 *   <li>{@code DIR} is a folder of class folders, evaluated whole, or a root holding {@code test/} (evaluated)
 *       or else {@code val/} (evaluated), each a folder of class folders.</li>
 *   <li>The classes are, in label order, those the model was saved with ({@link KerasH5#CLASS_NAMES}), so labels
 *       mean what they meant in training and the folder must hold exactly those classes; for a model without
 *       them, the sorted class folder names, as Keras' {@code image_dataset_from_directory} orders them, whose
 *       count must be the model's output size.</li>
 *   <li>Images are decoded, resized (stretched, bilinear) to the model's input height and width, which must be
 *       equal, and scaled by {@code --preprocess}; without it, as the model was trained when {@code train} saved
 *       it ({@link KerasH5#PREPROCESSING}), else by {@code mobilenet}. Unreadable files are skipped and counted.</li>
 *   <li>The loss is sparse categorical cross-entropy, from probabilities for a model whose output is a softmax
 *       ({@link SoftmaxOutput}), from logits otherwise.</li>
 * </ul>
 */
@Command(name = "evaluate",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"Evaluates a Keras classifier (.h5 or .keras) on a folder of class folders, or on the test/ "
                + "(else val/) folder of a root: accuracy, loss, per-class precision/recall/F1/support and the "
                + "confusion matrix. The classes are those the model was saved with by transfer4j, else the sorted "
                + "class folder names. Unreadable images are skipped and counted."},
        sortOptions = false)
final class EvaluateCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private ModelFileOption modelOption;

    @Mixin
    private DeviceOption deviceOption;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "a folder of class folders, or a "
            + "root whose test/ (else val/) is evaluated")
    private Path data;

    @Option(names = "--preprocess", paramLabel = "MODE", converter = Preprocess.Converter.class,
            description = Preprocess.MODES + "; the default: the one the model was trained with when transfer4j "
                    + "saved it, else mobilenet")
    private Preprocess preprocess;

    @Option(names = "--image-size", paramLabel = "N", description = "image height and width; the model's input "
            + "size, which is fixed, so this only checks it (default: the model's)")
    private Integer imageSize;

    @Option(names = "--batch", paramLabel = "N", description = "images per batch (default: ${DEFAULT-VALUE})")
    private int batch = 32;

    @Option(names = "--tta", paramLabel = "none|flip", converter = TtaConverter.class,
            description = TtaConverter.HELP + " (default: none)")
    private TestTimeAugmentation tta = TestTimeAugmentation.NONE;

    @Option(names = "--json", description = "print one JSON object on one line: accuracy, loss, samples, skipped, "
            + "classes, per_class (precision, recall, f1, support), confusion (rows: true class), "
            + "preprocess (the mode used) and preprocess_from (option, model or default)")
    private boolean json;

    @Option(names = "--plot", paramLabel = "DIR", description = "write the confusion matrix as "
            + ConfusionMatrixPlot.FILE_NAME + " into DIR (default: no plot)")
    private Path plotDir;

    @Override
    public Integer call() {
        if (batch < 1) {
            throw usage("--batch must be at least 1, got " + batch);
        }
        DeviceOption.Choice device = deviceOption.choose();
        Model model = modelOption.loadSingleInputOutput("evaluate runs classifiers");
        model.to(device.device());
        int size = imageSize(model);
        int scores = classCount(model);
        Optional<List<String>> saved = KerasModels.classNames(modelOption.file());
        Preprocess.Choice preprocessing = Preprocess.choose(preprocess, KerasModels.preprocessing(modelOption.file()),
                Preprocess.MOBILENET, modelOption.file(), spec.commandLine().getErr());
        Path folder = evaluatedFolder();
        ImageFolder images;
        if (saved.isPresent()) {
            List<String> names = saved.get();
            if (names.size() != scores) {
                throw new FileProblemException(modelOption.file(), "it names " + names.size() + " classes " + names
                        + " but the model gives " + scores + " scores");
            }
            images = ImageFolder.of(folder, names);
        } else {
            images = ImageFolder.of(folder);
            if (images.classNames().size() != scores) {
                throw new FileProblemException(folder, "it has " + images.classNames().size() + " class folders "
                        + images.classNames() + " but the model " + modelOption.file() + " gives " + scores
                        + " scores (and was not saved with its class names)");
            }
        }
        ImageDataset.Builder builder = ImageDataset.builder(size);
        preprocessing.mode().preprocessing().ifPresent(builder::preprocessing);
        boolean probabilities = SoftmaxOutput.endsInSoftmax(model);
        Evaluation e = Trainer.evaluate(model, builder.evaluation(images), batch,
                probabilities ? new SparseCategoricalCrossentropy(false) : null, tta);
        if (e.samples() == 0) {
            throw new FileProblemException(folder, "none of its " + images.size() + " image files could be read ("
                    + e.skipped() + " skipped)");
        }
        Path plot = plotDir == null ? null : plot(e.confusion());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode json = asJson(e, preprocessing, plot);
            json.put("tta", TtaConverter.name(tta));
            device.addTo(json);
            out.println(Json.write(json));
        } else {
            printText(e, images, folder, saved.isPresent(), preprocessing, probabilities, size, plot, device, out);
        }
        out.flush();
        return 0;
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** The square side images are resized to: the model's input height and width (RGB images only). */
    private int imageSize(Model model) {
        int[] in = model.input().shape();
        if (in.length != 3 || in[2] != 3) {
            throw new FileProblemException(modelOption.file(), "the model takes " + model.input().shapeString()
                    + ", not RGB images (None, height, width, 3)");
        }
        if (in[0] != in[1]) {
            throw new FileProblemException(modelOption.file(), "the model takes " + in[0] + "x" + in[1]
                    + " images; evaluate resizes images to squares");
        }
        if (imageSize != null && imageSize != in[0]) {
            throw usage("--image-size " + imageSize + " does not match the model's fixed input size " + in[0] + "x"
                    + in[1] + "; leave --image-size out");
        }
        return in[0];
    }

    /** C of the model's output {@code (N, C)}. */
    private int classCount(Model model) {
        int[] out = model.output().shape();
        if (out.length != 1) {
            throw new FileProblemException(modelOption.file(), "the model's output " + model.output().shapeString()
                    + " is not one score per class (None, classes)");
        }
        return out[0];
    }

    /** {@code data/test} when there is one, else {@code data/val} when there is one, else {@code data} itself. */
    private Path evaluatedFolder() {
        for (String split : List.of("test", "val")) {
            Path sub = data.resolve(split);
            if (Files.isDirectory(sub)) {
                return sub;
            }
        }
        return data;
    }

    private Path plot(ConfusionMatrix confusion) {
        try {
            return new ConfusionMatrixPlot(confusion).writeTo(plotDir);
        } catch (IOException e) {
            throw new FileProblemException(plotDir, "cannot write " + ConfusionMatrixPlot.FILE_NAME + " there: " + e, e);
        }
    }

    // ---- the report ---------------------------------------------------------------------------------------

    private static ObjectNode asJson(Evaluation e, Preprocess.Choice preprocessing, Path plot) {
        ConfusionMatrix m = e.confusion();
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("accuracy", e.accuracy());
        o.put("loss", e.loss());
        o.put("samples", e.samples());
        o.put("skipped", e.skipped());
        ArrayNode classes = o.putArray("classes");
        ObjectNode perClass = o.putObject("per_class");
        for (int c = 0; c < m.classes(); c++) {
            classes.add(m.className(c));
            ObjectNode row = perClass.putObject(m.className(c));
            row.put("precision", m.precision(c));
            row.put("recall", m.recall(c));
            row.put("f1", m.f1(c));
            row.put("support", m.support(c));
        }
        ArrayNode confusion = o.putArray("confusion");
        for (long[] row : m.matrix()) {
            ArrayNode r = confusion.addArray();
            for (long count : row) {
                r.add(count);
            }
        }
        o.put("preprocess", preprocessing.mode().optionName());
        o.put("preprocess_from", preprocessing.source().json());
        if (plot != null) {
            o.put("plot", plot.toString());
        }
        return o;
    }

    private void printText(Evaluation e, ImageFolder images, Path folder, boolean namesFromModel,
                           Preprocess.Choice preprocessing, boolean probabilities, int size, Path plot,
                           DeviceOption.Choice device, PrintWriter out) {
        ConfusionMatrix m = e.confusion();
        long correct = 0;
        for (int c = 0; c < m.classes(); c++) {
            correct += m.count(c, c);
        }
        out.println("model:     " + modelOption.file() + " (" + size + "x" + size + ", " + preprocessing.describe()
                + ", loss from "
                + (probabilities ? "probabilities: softmax output" : "logits")
                + (tta == TestTimeAugmentation.NONE ? "" : ", --tta " + TtaConverter.name(tta)) + ")");
        out.println("data:      " + folder + " (" + images.size() + " images, " + m.classes() + " classes from the "
                + (namesFromModel ? "model" : "class folders") + ")");
        out.println("device:    " + device.describe());
        out.println("accuracy:  " + fixed(e.accuracy()) + " (" + correct + "/" + e.samples() + ")");
        out.println("loss:      " + fixed(e.loss()));
        out.println("skipped:   " + e.skipped());
        out.println();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"class", "precision", "recall", "f1", "support"});
        for (int c = 0; c < m.classes(); c++) {
            rows.add(new String[] {m.className(c), fixed(m.precision(c)), fixed(m.recall(c)), fixed(m.f1(c)),
                Long.toString(m.support(c))});
        }
        rows.add(new String[] {"macro avg", fixed(m.macroPrecision()), fixed(m.macroRecall()), fixed(m.macroF1()),
            Long.toString(m.total())});
        Table.print(rows, out);
        out.println();
        out.println("confusion matrix (rows: true class, columns: predicted class)");
        List<String[]> matrix = new ArrayList<>();
        String[] header = new String[m.classes() + 1];
        header[0] = "true \\ pred";
        for (int c = 0; c < m.classes(); c++) {
            header[c + 1] = m.className(c);
        }
        matrix.add(header);
        for (int t = 0; t < m.classes(); t++) {
            String[] row = new String[m.classes() + 1];
            row[0] = m.className(t);
            for (int p = 0; p < m.classes(); p++) {
                row[p + 1] = Long.toString(m.count(t, p));
            }
            matrix.add(row);
        }
        Table.print(matrix, out);
        if (plot != null) {
            out.println();
            out.println("plot:      " + plot);
        }
    }

    private static String fixed(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }
}
