package org.transfer4j.cli;

import java.nio.file.Path;
import org.transfer4j.keras.KerasModels;
import org.transfer4j.nn.Model;
import picocli.CommandLine.Option;

/**
 * The {@code --model MODEL.h5} option of the commands that run a saved Keras model ({@code evaluate},
 * {@code predict}), a picocli {@code @Mixin}: the file, and its loading as a model with one input and one output.
 */
final class ModelFileOption {
    @Option(names = "--model", required = true, paramLabel = "MODEL.h5",
            description = "a Keras full-model file (.h5 or .keras)")
    private Path file;

    Path file() {
        return file;
    }

    /**
     * The model in the file ({@link KerasModels#load}); one with other than one input and one output is a
     * {@link FileProblemException} that ends "{@code <runs> with one of each}" (e.g. "evaluate runs classifiers").
     */
    Model loadSingleInputOutput(String runs) {
        Model model = KerasModels.load(file);
        if (model.inputs().size() != 1 || model.outputs().size() != 1) {
            throw new FileProblemException(file, "the model has " + model.inputs().size() + " input(s) and "
                    + model.outputs().size() + " output(s); " + runs + " with one of each");
        }
        return model;
    }
}
