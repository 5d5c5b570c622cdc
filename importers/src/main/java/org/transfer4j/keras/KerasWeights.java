package org.transfer4j.keras;

import io.jhdf.HdfFile;
import io.jhdf.api.Group;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.transfer4j.keras.KerasWeightGroup.StoredLayer;
import org.transfer4j.keras.KerasWeightGroup.StoredWeight;
import org.transfer4j.nn.Layer;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.NoSuchLayerException;
import org.transfer4j.nn.Weight;

/**
 * Loads Keras 2 {@code .h5} weights into a model built in Java, matched by layer name (Keras'
 * {@code load_weights(by_name=True)}). Layouts are identical (Conv2D kernel {@code (KH,KW,IN,OUT)}, Dense
 * {@code (IN,OUT)}), so arrays are copied as they are, with no transposes.
 *
 * <pre>
 * Model base = ...;                                   // layer names as in Keras: conv1, conv1_bn, ...
 * WeightLoadReport report = KerasWeights.load(Path.of("mobilenet_2_5_224_tf_no_top.h5"), base, true);
 * </pre>
 *
 * <p>Loading runs in three passes, so that an error leaves the model untouched: (1) match every Keras
 * layer to a model layer and every stored array to a weight, and check counts and declared shapes (no
 * value is read); (2) read all matched arrays; (3) assign them.
 */
public final class KerasWeights {
    private KerasWeights() {
    }

    /** One stored array and the model weight it goes to, with its validated element count. */
    private record Assignment(StoredWeight source, Weight target, int size) {
    }

    /**
     * Opens {@code path} (a weights-only {@code .h5}, or a full-model {@code .h5} whose {@code model_weights}
     * group is used) and loads its weights into {@code model}; see {@link #load(Group, Model, Path, boolean)}.
     */
    public static WeightLoadReport load(Path path, Model model, boolean strict) {
        Objects.requireNonNull(model, "model");
        try (HdfFile hdf = H5Arrays.open(path)) {
            return load(KerasWeightGroup.of(hdf, path), model, path, strict);
        } catch (RuntimeException e) {
            // Also catches a failure in close(): no jhdf exception leaves this method.
            throw H5Arrays.wrap(path, null, "the file", e);
        }
    }

    /**
     * Loads the weights of a Keras 2 weights group (root of a weights-only file, or {@code model_weights})
     * into {@code model}, matched by layer name: each Keras layer group goes to {@code model.layer(name)}
     * (nested models are searched, and a group may be a whole nested model). Within a layer, stored arrays
     * are matched to weights by name ({@code conv1/kernel:0} to {@code conv1/kernel}), or else in Keras'
     * order (trainable weights first, as Keras' {@code _legacy_weights} saves them). Declared shapes
     * must equal the weights' shapes exactly.
     *
     * @param file   the file the group comes from, for messages
     * @param strict when true, a Keras layer with weights but no model layer of its name, or a model layer
     *               with weights that gets none, is an error; when false those are only reported
     * @return what was loaded and what was not
     * @throws KerasImportException for a damaged or non-Keras group, a count or shape mismatch on a matched
     *               layer (in either mode), or any mismatch in strict mode; the model is then unchanged
     */
    public static WeightLoadReport load(Group weightsGroup, Model model, Path file, boolean strict) {
        Objects.requireNonNull(model, "model");
        List<Assignment> plan = new ArrayList<>();
        List<String> unmatched = new ArrayList<>();
        Set<Weight> claimed = Collections.newSetFromMap(new IdentityHashMap<>());
        for (StoredLayer stored : KerasWeightGroup.layers(weightsGroup, file)) {
            Layer layer = find(model, stored.name());
            if (layer == null) {
                unmatched.add(stored.name());
                continue;
            }
            List<Weight> targets = align(stored, layer, file);
            for (int i = 0; i < targets.size(); i++) {
                StoredWeight source = stored.weights().get(i);
                Weight target = targets.get(i);
                int size = H5Arrays.checkedSize(source.dims(), file, stored.name(), source.name());
                if (!Arrays.equals(source.dims(), Arrays.stream(target.shape()).asLongStream().toArray())) {
                    throw KerasImportException.of(file, stored.name(), "weight '" + source.name() + "' has shape "
                            + H5Arrays.shape(source.dims()) + " in the file, but the model's " + target.path() + " in "
                            + target.layer().describe() + " has shape " + H5Arrays.shape(target.shape()));
                }
                if (!claimed.add(target)) {
                    throw KerasImportException.of(file, stored.name(), "weight '" + source.name() + "' would load into "
                            + target.path() + ", which another layer group of the file already loads");
                }
                plan.add(new Assignment(source, target, size));
            }
        }
        List<String> unloaded = model.flattenedLayers().stream()
                .filter(l -> !l.weights().isEmpty() && l.weights().stream().noneMatch(claimed::contains))
                .map(Layer::name).toList();
        List<String> loadedPaths = plan.stream().map(a -> a.target().path()).toList();
        WeightLoadReport report = new WeightLoadReport(file, loadedPaths, unmatched, unloaded);
        if (strict && !report.isComplete()) {
            throw KerasImportException.of(file, "strict loading into model '" + model.name()
                    + "' refused, nothing was loaded: " + report.details());
        }
        List<float[]> values = new ArrayList<>(plan.size());
        for (Assignment a : plan) {
            values.add(readValues(a.source(), a.size(), file));
        }
        for (int i = 0; i < plan.size(); i++) {
            plan.get(i).target().assign(values.get(i));
        }
        return report;
    }

    /**
     * Every array of a weights group, by Keras layer name and then by stored weight name
     * ({@code conv1} → {@code conv1/kernel:0} → values), in file order; each declared size is
     * validated before it is read. For tests and tools that look at a file without a model.
     */
    static Map<String, Map<String, float[]>> read(Group weightsGroup, Path file) {
        Map<String, Map<String, float[]>> out = new LinkedHashMap<>();
        for (StoredLayer stored : KerasWeightGroup.layers(weightsGroup, file)) {
            Map<String, float[]> arrays = new LinkedHashMap<>();
            for (StoredWeight w : stored.weights()) {
                arrays.put(w.name(), readValues(w, H5Arrays.checkedSize(w.dims(), file, stored.name(), w.name()), file));
            }
            out.put(stored.name(), arrays);
        }
        return out;
    }

    private static float[] readValues(StoredWeight w, int size, Path file) {
        try {
            return H5Arrays.floats(w.dataset(), size, file, w.layer(), w.name());
        } catch (RuntimeException e) {
            throw H5Arrays.wrap(file, w.layer(), "the values of weight '" + w.name() + "'", e);
        }
    }

    /** The model layer of this name, searched in nested models too, or null. */
    private static Layer find(Model model, String name) {
        try {
            return model.layer(name);
        } catch (NoSuchLayerException e) {
            return null;
        }
    }

    /**
     * The model weights that the stored arrays of one layer go to, index for index. By name when every
     * stored name picks exactly one distinct weight; else in Keras' saving order.
     */
    private static List<Weight> align(StoredLayer stored, Layer layer, Path file) {
        List<Weight> ours = kerasOrder(layer.weights());
        if (ours.size() != stored.weights().size()) {
            throw KerasImportException.of(file, stored.name(), "the file has " + stored.weights().size() + " weight(s) "
                    + stored.weights().stream().map(w -> w.name() + " " + H5Arrays.shape(w.dims())).toList()
                    + " but the model's " + layer.describe() + " has " + ours.size() + " "
                    + ours.stream().map(w -> w.path() + " " + H5Arrays.shape(w.shape())).toList()
                    + (layer.isBuilt() ? "" : " (the layer is not built: apply it to an input first)"));
        }
        List<Weight> byName = byName(stored.weights(), ours);
        return byName != null ? byName : ours;
    }

    /**
     * Keras 2 saves a layer's weights as {@code trainable_weights + non_trainable_weights}
     * ({@code _legacy_weights}): the same as creation order for a single layer (a BatchNormalization's
     * moving statistics come last anyway), but for a nested model all kernels, gammas and betas come
     * before all moving statistics. This is that order for a model whose layers were all trainable.
     */
    private static List<Weight> kerasOrder(List<Weight> weights) {
        return Stream.concat(weights.stream().filter(Weight::isTrainableKind),
                weights.stream().filter(w -> !w.isTrainableKind())).toList();
    }

    /**
     * Stored {@code a/b/kernel:0} matches a weight whose path ({@code b/kernel}) it ends with, else the one
     * weight with its short name ({@code kernel}); null unless every stored array finds a distinct weight.
     */
    private static List<Weight> byName(List<StoredWeight> stored, List<Weight> ours) {
        List<Weight> out = new ArrayList<>();
        Set<Weight> used = Collections.newSetFromMap(new IdentityHashMap<>());
        for (StoredWeight s : stored) {
            String path = s.path();
            List<Weight> match = ours.stream()
                    .filter(w -> path.equals(w.path()) || path.endsWith("/" + w.path())).toList();
            if (match.size() != 1) {
                match = ours.stream().filter(w -> w.name().equals(s.shortName())).toList();
            }
            if (match.size() != 1 || !used.add(match.getFirst())) {
                return null;
            }
            out.add(match.getFirst());
        }
        return out;
    }
}
