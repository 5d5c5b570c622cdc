package org.transfer4j.keras;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.transfer4j.applications.Preprocessing;

/**
 * What a Keras {@code .h5} file holds, read from its root attributes without loading any weight.
 *
 * @param file         the file
 * @param kerasVersion the {@code keras_version} attribute ({@code "2.8.0"}), or {@code "unknown"} when absent
 * @param backend      the {@code backend} attribute ({@code "tensorflow"}), or {@code "unknown"} when absent
 * @param fullModel    true when the file has a {@code model_config} (architecture and weights), false for a
 *                     weights-only file ({@code layer_names} at the root, e.g. Keras Applications' {@code *_notop.h5})
 * @param modelClass   the model config's class ({@code Functional}, {@code Sequential}, {@code Model}), or
 *                     null for a weights-only file
 * @param layerNames   the layers as Keras' {@code model.layers} lists them: for a full model the config's
 *                     top-level layers (a Sequential's InputLayer left out, as Keras does; a nested model
 *                     is one layer), for a weights-only file its {@code layer_names}
 * @param classNames   the class names transfer4j stored when it saved the model ({@link KerasH5#CLASS_NAMES}),
 *                     in label order; empty for a file without them
 * @param preprocessing the input preprocessing transfer4j stored when it saved the model
 *                     ({@link KerasH5#PREPROCESSING}), or null for a file without it (see {@link #savedPreprocessing()})
 */
public record KerasFileInfo(Path file, String kerasVersion, String backend, boolean fullModel, String modelClass,
        List<String> layerNames, List<String> classNames, Preprocessing preprocessing) {
    public KerasFileInfo {
        layerNames = List.copyOf(layerNames);
        classNames = List.copyOf(classNames);
    }

    /** A file without class names or preprocessing. */
    public KerasFileInfo(Path file, String kerasVersion, String backend, boolean fullModel, String modelClass,
            List<String> layerNames) {
        this(file, kerasVersion, backend, fullModel, modelClass, layerNames, List.of(), null);
    }

    /** The stored preprocessing, or empty for a file without it. */
    public Optional<Preprocessing> savedPreprocessing() {
        return Optional.ofNullable(preprocessing);
    }

    public int layerCount() {
        return layerNames.size();
    }
}
