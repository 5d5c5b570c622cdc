package org.transfer4j.keras;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link KerasWeights#load} did: the model weights it loaded, the file's layers with weights that
 * matched no layer of the model, and the model's layers with weights that got none from the file.
 *
 * @param file                 the file the weights came from
 * @param loadedWeights        model weight paths that were loaded ({@code conv1/kernel}), in file order
 * @param unmatchedFileLayers  Keras layers of the file that have weights but no layer of that name in the model
 * @param unloadedModelLayers  layers of the model (nested models expanded) that have weights but got none
 */
public record WeightLoadReport(Path file, List<String> loadedWeights, List<String> unmatchedFileLayers,
                               List<String> unloadedModelLayers) {
    /** How many names {@link #toString} lists before it says how many more there are. */
    private static final int LISTED = 20;

    public WeightLoadReport {
        loadedWeights = List.copyOf(loadedWeights);
        unmatchedFileLayers = List.copyOf(unmatchedFileLayers);
        unloadedModelLayers = List.copyOf(unloadedModelLayers);
    }

    /** True when every layer with weights on either side found its counterpart. */
    public boolean isComplete() {
        return unmatchedFileLayers.isEmpty() && unloadedModelLayers.isEmpty();
    }

    @Override
    public String toString() {
        return file + ": " + details();
    }

    /** The report without the file name: counts and names on both sides. */
    String details() {
        long layers = loadedWeights.stream().map(p -> p.substring(0, p.lastIndexOf('/') + 1)).distinct().count();
        return "loaded " + loadedWeights.size() + (loadedWeights.size() == 1 ? " weight" : " weights")
                + " into " + layers + " layer(s)"
                + "\n  " + unmatchedFileLayers.size() + " layer(s) of the file with weights have no layer in the model"
                + list(unmatchedFileLayers)
                + "\n  " + unloadedModelLayers.size() + " layer(s) of the model with weights got none from the file"
                + list(unloadedModelLayers);
    }

    private static String list(List<String> names) {
        if (names.isEmpty()) {
            return "";
        }
        String shown = String.join(", ", names.subList(0, Math.min(LISTED, names.size())));
        return ": " + shown + (names.size() > LISTED ? ", ... (" + (names.size() - LISTED) + " more)" : "");
    }
}
