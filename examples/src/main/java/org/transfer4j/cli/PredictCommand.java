package org.transfer4j.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.transfer4j.keras.KerasH5;
import org.transfer4j.keras.Npy;
import org.transfer4j.nn.Model;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code transfer4j predict --model MODEL.h5 --input X.npy --output Y.npy}: runs a Keras full model
 * ({@link KerasH5#load}) on a raw tensor and writes its output, {@code x (N, ...input shape) -> y (N, ...output
 * shape)} as float32, with no preprocessing.
 */
@Command(name = "predict",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"Runs a Keras full-model .h5 file: --input X.npy --output Y.npy feeds a raw tensor "
                + "(N, ...the model's input shape), with no preprocessing, and writes the model's output as float32."},
        sortOptions = false)
final class PredictCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL.h5", description = "a Keras full-model .h5 file")
    private Path modelFile;

    @Option(names = "--input", paramLabel = "X.npy", description = "a NumPy array (N, ...the model's input shape) to run the model on")
    private Path input;

    @Option(names = "--output", paramLabel = "Y.npy", description = "where --input's result goes (float32 .npy)")
    private Path output;

    @Override
    public Integer call() {
        if (input == null || output == null) {
            throw new ParameterException(spec.commandLine(), "give --input X.npy and --output Y.npy");
        }
        Model model = KerasH5.load(modelFile);
        checkSingleInputAndOutput(model);
        Tensor x = Npy.read(input);
        Tensor y;
        try {
            y = model.predict(x);
        } catch (ShapeMismatchException e) {
            throw new FileProblemException(input, "the array " + shape(x.shape()) + " does not fit the model "
                    + modelFile + ", which takes " + model.input().shapeString() + ": " + e.getMessage(), e);
        }
        try {
            Npy.write(output, y);
        } catch (UncheckedIOException e) {
            throw new FileProblemException(output, "cannot write it: " + e.getCause().getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(input + " " + shape(x.shape()) + " -> " + output + " " + shape(y.shape()));
        out.flush();
        return 0;
    }

    private void checkSingleInputAndOutput(Model model) {
        if (model.inputs().size() != 1 || model.outputs().size() != 1) {
            throw new FileProblemException(modelFile, "the model has " + model.inputs().size() + " input(s) and "
                    + model.outputs().size() + " output(s); predict runs models with one of each");
        }
    }

    private static String shape(int[] shape) {
        return Arrays.toString(shape).replace('[', '(').replace(']', ')');
    }
}
