package org.transfer4j.keras;

import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.transfer4j.keras.KerasWeightGroup.StoredWeight;

/**
 * The layout of a Keras 3 weights file, as {@code H5IOStore}/{@code H5Entry} of Keras'
 * {@code saving_lib.py} write it: every saveable at store path {@code p} gets a group {@code p/vars} whose
 * datasets are named {@code "0"}, {@code "1"}, ... (Layer.{@code save_own_variables}: {@code store[f"{i}"] = v}
 * over {@code _trainable_variables + _non_trainable_variables}). Layers live under {@code layers/<name>}
 * (see {@link KerasV3Paths} for the names), a nested model's under {@code layers/<model>/layers/<name>};
 * the model itself has {@code vars} at the root, the optimizer {@code optimizer/vars}, compiled metrics
 * their own groups: only the {@code layers} tree is read here.
 * <pre>
 * layers/conv2d/vars/0                 (3, 3, 3, 8) float32, the kernel
 * layers/conv2d/vars/1                 (8,)  the bias
 * layers/batch_normalization/vars/0..3 gamma, beta, moving_mean, moving_variance
 * layers/functional/layers/dense/vars/0, 1
 * optimizer/vars/0, 1, ...             ignored
 * </pre>
 * Earlier Keras 3 versions create every {@code vars} group, empty for a layer without variables
 * ({@code H5Entry.__init__} in write mode); later ones ({@code H5IOStore.make(path, metadata)}) give it
 * the layer's name as attribute {@code name} (used here in messages only: Keras matches by path, and so
 * does this importer), and create no group for an object without a name and without variables. Groups
 * without variables are ignored either way. tf.keras 2.13–2.15 wrote
 * {@code _layer_checkpoint_dependencies} where Keras 3 writes {@code layers}; Keras 3 still reads that
 * ({@code H5Entry}: "Fix for 2.13 compatibility"), and so does this class.
 *
 * <p>Only names and declared shapes are read here; values are read by {@link KerasWeightsV3}.
 */
final class KerasV3Store {
    /** What tf.keras 2.13–2.15 named the layers container. */
    static final String LEGACY_LAYERS = "_layer_checkpoint_dependencies";
    static final String VARS = "vars";

    /**
     * The {@code vars} group of one store path: its datasets by name, in no particular order, and the
     * {@code name} attribute newer Keras versions write (null when absent).
     */
    record StoredVars(String path, String savedName, Map<String, Node> children) {
        boolean isEmpty() {
            return children.isEmpty();
        }

        /** {@code layers/conv2d_1}, or {@code layers/conv2d_1 (saved from layer 'conv1')}. */
        String label() {
            return savedName == null ? path : path + " (saved from layer '" + savedName + "')";
        }

        /**
         * The variables in Keras' order, {@code 0 .. n-1}, with their declared shapes; anything else in the
         * group (a dataset named otherwise, a gap in the numbers, a subgroup) is an error naming it.
         */
        List<StoredWeight> numbered(Path file, String layer) {
            List<StoredWeight> out = new ArrayList<>();
            for (int i = 0; i < children.size(); i++) {
                Node node = children.get(Integer.toString(i));
                if (!(node instanceof Dataset dataset)) {
                    throw KerasImportException.of(file, layer, "the file's " + path + "/" + VARS + " holds "
                            + children.keySet() + ", not Keras' numbered variables 0.." + (children.size() - 1)
                            + (node == null ? " (no '" + i + "')" : " ('" + i + "' is not a dataset)"));
                }
                out.add(new StoredWeight(layer, path + "/" + VARS + "/" + i, dataset, H5Arrays.dims(dataset)));
            }
            return out;
        }
    }

    private KerasV3Store() {
    }

    /**
     * The name of the root's layers container, {@code layers} (or tf.keras 2.13's), or an error saying
     * what the file is instead.
     */
    static String container(Group root, Path file) {
        Map<String, Node> children = root.getChildren();
        for (String name : List.of(KerasV3Paths.LAYERS, LEGACY_LAYERS)) {
            if (children.get(name) instanceof Group) {
                return name;
            }
        }
        if (H5Arrays.hasStrings(root, KerasH5.LAYER_NAMES)) {
            throw KerasImportException.of(file, "a Keras 2 weights file (root attribute 'layer_names'), not a Keras 3 "
                    + ".weights.h5: load it with KerasWeights.load");
        }
        if (root.getAttribute(KerasH5.MODEL_CONFIG) != null || children.containsKey(KerasWeightGroup.MODEL_WEIGHTS)) {
            throw KerasImportException.of(file, "a Keras .h5 full-model file (model_config/model_weights), not a "
                    + "Keras 3 .weights.h5: load it with KerasH5.load");
        }
        throw KerasImportException.of(file, "no Keras 3 weights here: the root has no '" + KerasV3Paths.LAYERS
                + "' group (it holds " + children.keySet() + ")");
    }

    /**
     * Every {@code vars} group of the layers tree, by store path ({@code layers/conv2d}), in file order;
     * nested models are followed through their own {@code container} groups.
     */
    static Map<String, StoredVars> read(Group root, String container, Path file) {
        Map<String, StoredVars> out = new LinkedHashMap<>();
        collect((Group) root.getChild(container), container, container, file, out, 0);
        return out;
    }

    private static void collect(Group layers, String prefix, String container, Path file,
                                Map<String, StoredVars> out, int depth) {
        if (depth > KerasV3Paths.MAX_NESTING) {
            // Also stops a hostile file whose groups link back to their parents.
            throw KerasImportException.of(file, "the layers tree at " + prefix + " is nested more than "
                    + KerasV3Paths.MAX_NESTING + " deep");
        }
        for (Map.Entry<String, Node> entry : layers.getChildren().entrySet()) {
            if (!(entry.getValue() instanceof Group layer)) {
                continue;
            }
            String path = prefix + "/" + entry.getKey();
            Map<String, Node> children = layer.getChildren();
            Node vars = children.get(VARS);
            if (vars instanceof Group group) {
                out.put(path, new StoredVars(path, savedName(group, file, path), group.getChildren()));
            } else if (vars != null) {
                throw KerasImportException.of(file, "'" + path + "/" + VARS + "' is not a group");
            }
            if (children.get(container) instanceof Group nested) {
                collect(nested, path + "/" + container, container, file, out, depth + 1);
            }
        }
    }

    /** The {@code name} attribute of a {@code vars} group, when it is one string. */
    private static String savedName(Group vars, Path file, String path) {
        if (vars.getAttribute("name") == null) {
            return null;
        }
        List<String> name = H5Arrays.strings(vars, "name", file, path);
        return name != null && name.size() == 1 ? name.getFirst() : null;
    }

    /** The store paths of {@code stored} that hold variables but are not in {@code claimed}, labelled. */
    static List<String> unclaimed(Map<String, StoredVars> stored, Set<String> claimed) {
        return stored.values().stream().filter(v -> !v.isEmpty() && !claimed.contains(v.path()))
                .map(StoredVars::label).toList();
    }
}
