package org.transfer4j.keras;

import java.nio.file.Path;
import java.util.List;

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
 */
public record KerasFileInfo(Path file, String kerasVersion, String backend, boolean fullModel, String modelClass,
        List<String> layerNames, List<String> classNames) {
    public KerasFileInfo {
        layerNames = List.copyOf(layerNames);
        classNames = List.copyOf(classNames);
    }

    /** A file without class names. */
    public KerasFileInfo(Path file, String kerasVersion, String backend, boolean fullModel, String modelClass,
            List<String> layerNames) {
        this(file, kerasVersion, backend, fullModel, modelClass, layerNames, List.of());
    }

    public int layerCount() {
        return layerNames.size();
    }
}
