package org.transfer4j.keras;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The layout of a Keras 2 weights group, as Keras' {@code legacy_h5_format.py} writes it
 * ({@code save_weights_to_hdf5_group}) and reads it ({@code load_weights_from_hdf5_group[_by_name]}):
 * <pre>
 * weights group          attribute layer_names = [input_1, conv1, conv1_bn, ...]   (every layer, in model order)
 *   conv1/               attribute weight_names = [conv1/kernel:0]                 (empty for a layer without weights)
 *     conv1/kernel:0     dataset (3, 3, 3, 8) float32, the path inside the layer group
 *   conv1_bn/            weight_names = [conv1_bn/gamma:0, conv1_bn/beta:0, conv1_bn/moving_mean:0, conv1_bn/moving_variance:0]
 * </pre>
 * The weights group is the root of a weights-only file ({@code save_weights}) or the {@code model_weights}
 * group of a full-model file ({@code model.save}). An empty {@code model_weights} without {@code layer_names}
 * holds no weights, as Keras reads it (a missing string-list attribute is an empty list): that is how
 * {@link KerasH5#save} writes a model without weights, jhdf being unable to write an empty array. This class reads names and declared shapes only;
 * no weight values are read here.
 */
final class KerasWeightGroup {
    /** The group of a full-model file that holds the weights. */
    static final String MODEL_WEIGHTS = "model_weights";

    /** One stored array: {@code name} is as listed in {@code weight_names}, e.g. {@code conv1/kernel:0}. */
    record StoredWeight(String layer, String name, Dataset dataset, long[] dims) {
        /** The name without its {@code :0} suffix: {@code conv1/kernel}, or {@code mobilenet/conv1/kernel} in a nested model. */
        String path() {
            int colon = name.lastIndexOf(':');
            return colon > 0 && name.substring(colon + 1).chars().allMatch(Character::isDigit)
                    ? name.substring(0, colon) : name;
        }

        /** The Keras short name, after the last '/': {@code kernel}, {@code moving_mean}. */
        String shortName() {
            String path = path();
            return path.substring(path.lastIndexOf('/') + 1);
        }
    }

    /** One layer group that has weights, with its arrays in {@code weight_names} order. */
    record StoredLayer(String name, List<StoredWeight> weights) {
    }

    private KerasWeightGroup() {
    }

    /** The weights group of an open file: the root when it has {@code layer_names}, else {@code model_weights}. */
    static Group of(HdfFile hdf, Path file) {
        Map<String, Node> children;
        Set<String> attributes;
        try {
            if (H5Arrays.hasStrings(hdf, "layer_names")) {
                return hdf;
            }
            children = hdf.getChildren();
            attributes = hdf.getAttributes().keySet();
        } catch (RuntimeException e) {
            throw H5Arrays.wrap(file, null, "the root group", e);
        }
        if (children.get(MODEL_WEIGHTS) instanceof Group group) {
            return group;
        }
        throw KerasImportException.of(file, "no Keras 2 weights here: the root has no 'layer_names' attribute and no '"
                + MODEL_WEIGHTS + "' group (root holds " + children.keySet() + ", attributes "
                + attributes + ")");
    }

    /**
     * The layer groups that hold weights, in {@code layer_names} order, each with its datasets and their
     * declared shapes. A listed layer without a group, a group without {@code weight_names}, or a listed
     * weight without its dataset is an error; so is a group that is not a Keras weights group.
     */
    static List<StoredLayer> layers(Group group, Path file) {
        List<String> layerNames;
        try {
            layerNames = H5Arrays.strings(group, "layer_names", file, null);
        } catch (RuntimeException e) {
            throw H5Arrays.wrap(file, null, "the attribute 'layer_names' of '" + group.getPath() + "'", e);
        }
        if (layerNames == null && isEmptyModelWeights(group, file)) {
            // A model without weights, as KerasH5.save writes it: jhdf cannot write an empty 'layer_names', and
            // Keras reads a missing one as empty (load_attributes_from_hdf5_group).
            return List.of();
        }
        if (layerNames == null) {
            throw KerasImportException.of(file, "the group '" + group.getPath() + "' has no 'layer_names' attribute, so it "
                    + "holds no Keras 2 weights (expected the root of a weights-only file or the '" + MODEL_WEIGHTS
                    + "' group of a full model)");
        }
        Map<String, Node> children;
        try {
            children = group.getChildren();
        } catch (RuntimeException e) {
            throw H5Arrays.wrap(file, null, "the members of '" + group.getPath() + "'", e);
        }
        List<StoredLayer> layers = new ArrayList<>();
        for (String name : layerNames) {
            try {
                StoredLayer layer = layer(children.get(name), name, file);
                if (!layer.weights().isEmpty()) {
                    layers.add(layer);
                }
            } catch (RuntimeException e) {
                throw H5Arrays.wrap(file, name, "its group", e);
            }
        }
        return layers;
    }

    private static boolean isEmptyModelWeights(Group group, Path file) {
        try {
            return group.getName().equals(MODEL_WEIGHTS) && group.getChildren().isEmpty();
        } catch (RuntimeException e) {
            throw H5Arrays.wrap(file, null, "the members of '" + group.getPath() + "'", e);
        }
    }

    private static StoredLayer layer(Node node, String name, Path file) {
        if (!(node instanceof Group layerGroup)) {
            throw KerasImportException.of(file, name, node == null
                    ? "listed in 'layer_names' but the file has no group of that name"
                    : "listed in 'layer_names' but '" + node.getPath() + "' is not a group");
        }
        List<String> weightNames = H5Arrays.strings(layerGroup, "weight_names", file, name);
        if (weightNames == null) {
            throw KerasImportException.of(file, name, "the layer group has no 'weight_names' attribute");
        }
        List<StoredWeight> weights = new ArrayList<>();
        for (String weightName : weightNames) {
            Dataset dataset = dataset(layerGroup, weightName, file, name);
            weights.add(new StoredWeight(name, weightName, dataset, H5Arrays.dims(dataset)));
        }
        return new StoredLayer(name, List.copyOf(weights));
    }

    /**
     * The dataset at {@code weightName}, a path inside the layer group ({@code conv1/kernel:0}), walked one
     * member at a time: jhdf's {@code getByPath} reports a missing member with an exception whose type
     * depends on how the file was opened (a file opened from a buffer, as {@link H5Arrays#open} does, gets a
     * plain HdfException), so absence is told apart from damage here by {@code getChild} returning null.
     */
    private static Dataset dataset(Group layerGroup, String weightName, Path file, String layer) {
        Node node = layerGroup;
        try {
            for (String part : weightName.split("/")) {
                if (part.isEmpty()) {
                    continue;
                }
                node = node instanceof Group group ? group.getChild(part) : null;
                if (node == null) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            throw H5Arrays.wrap(file, layer, "the weight '" + weightName + "'", e);
        }
        if (!(node instanceof Dataset dataset)) {
            throw KerasImportException.of(file, layer, "weight '" + weightName + "' is listed in 'weight_names' but "
                    + (node == null ? "there is no dataset at that path" : "'" + node.getPath() + "' is not a dataset"));
        }
        return dataset;
    }
}
