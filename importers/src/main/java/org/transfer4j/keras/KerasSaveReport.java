package org.transfer4j.keras;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link KerasH5#save} wrote.
 *
 * @param file             the file written
 * @param modelClass       the Keras class of the written {@code model_config} ({@code "Functional"} or
 *                         {@code "Sequential"}), or null when the file holds weights only
 * @param configOmitted    why there is no {@code model_config} (a layer without a Keras description, or a
 *                         config too large for one HDF5 attribute), or null when it was written
 * @param layersWithWeights the layer groups written under {@code model_weights}, in {@code layer_names} order
 * @param weightCount      the number of weight arrays written
 */
public record KerasSaveReport(Path file, String modelClass, String configOmitted, List<String> layersWithWeights,
                              int weightCount) {
    public KerasSaveReport {
        layersWithWeights = List.copyOf(layersWithWeights);
    }

    /** True when the file has a {@code model_config}, so {@link KerasH5#load} can rebuild the model from it. */
    public boolean hasModelConfig() {
        return modelClass != null;
    }

    @Override
    public String toString() {
        return file + ": " + (hasModelConfig() ? "Keras " + modelClass + " model config and " : "weights only ("
                + configOmitted + "), ") + weightCount + " weight arrays in " + layersWithWeights.size() + " layer(s)";
    }
}
