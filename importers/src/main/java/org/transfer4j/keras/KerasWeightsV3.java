package org.transfer4j.keras;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.object.datatype.FixedPoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.transfer4j.keras.KerasV3Paths.Slot;
import org.transfer4j.keras.KerasV3Store.StoredVars;
import org.transfer4j.keras.KerasWeightGroup.StoredWeight;
import org.transfer4j.nn.Layer;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Weight;
import org.transfer4j.nn.layers.Normalization;

/**
 * Loads a Keras 3 {@code .weights.h5} file ({@code model.save_weights("x.weights.h5")}) into a model,
 * matching layers as Keras 3's {@code load_weights} does: by store path (class name and position, see
 * {@link KerasV3Paths}), not by layer name, and within a layer by position ({@code vars/0}, {@code vars/1}, ...
 * in Keras' order: trainable variables, then non-trainable ones, each in creation order). transfer4j's
 * layers create their weights in Keras' order with Keras' shapes, so arrays are copied as they are.
 *
 * <pre>
 * Model model = ...;                                    // built in Java as the Keras model was
 * WeightLoadReport report = KerasWeightsV3.load(Path.of("model.weights.h5"), model, true);
 * </pre>
 *
 * <p>As {@link KerasWeights}: first every layer is matched and every declared shape checked against its
 * weight (nothing read), then the arrays are read, then assigned, so an error leaves the model unchanged.
 * A model layer with weights whose path has no variables in the file, and variables at a path no model
 * layer has, are reported, and refused in strict mode. Keras' {@code Normalization} keeps {@code mean},
 * {@code variance} and (since a later Keras 3 version, as an integer) {@code count}; a file with only the
 * first two leaves the layer's {@code count} as it is.
 */
public final class KerasWeightsV3 {
    private KerasWeightsV3() {
    }

    /** One stored array and the model weight it goes to, with its validated element count. */
    private record Assignment(StoredWeight source, Weight target, int size, boolean integerAllowed) {
    }

    /**
     * Opens {@code path}, a Keras 3 {@code .weights.h5}, and loads it into {@code model}, whose layers are
     * taken to be of the Keras classes their Java classes are named after (see {@link KerasV3Paths}).
     *
     * @param strict when true, a model layer with weights that gets none, or variables in the file that no
     *               layer takes, is an error; when false those are only reported
     * @return what was loaded and what was not
     * @throws KerasImportException for a file that is not a Keras 3 weights file, a count or shape mismatch
     *               on a matched layer (in either mode), or any mismatch in strict mode; the model is then unchanged
     */
    public static WeightLoadReport load(Path path, Model model, boolean strict) {
        return load(path, path, model, strict, KerasV3Paths::javaKerasClass);
    }

    /**
     * As {@link #load(Path, Model, boolean)}, with messages naming {@code shownAs} instead of {@code h5}
     * (the archive entry a temporary file was extracted from) and the Keras class of each layer given.
     */
    static WeightLoadReport load(Path h5, Path shownAs, Model model, boolean strict,
                                 Function<Layer, String> kerasClass) {
        Objects.requireNonNull(model, "model");
        HdfFile hdf;
        try {
            hdf = H5Arrays.open(h5);
        } catch (KerasImportException e) {
            throw relabel(e, h5, shownAs);
        }
        try (hdf) {
            return load(hdf, shownAs, model, strict, kerasClass);
        } catch (RuntimeException e) {
            // Also catches a failure in close(): no jhdf exception leaves this method.
            throw H5Arrays.wrap(shownAs, null, "the file", e);
        }
    }

    /** {@code e} with every mention of the temporary file replaced by the name the user knows. */
    static KerasImportException relabel(KerasImportException e, Path actual, Path shownAs) {
        if (actual.equals(shownAs)) {
            return e;
        }
        return new KerasImportException(e.getMessage().replace(actual.toString(), shownAs.toString()), e);
    }

    private static WeightLoadReport load(HdfFile hdf, Path file, Model model, boolean strict,
                                         Function<Layer, String> kerasClass) {
        String container = KerasV3Store.container(hdf, file);
        Map<String, StoredVars> stored = KerasV3Store.read(hdf, container, file);
        List<Slot> slots = KerasV3Paths.slots(model, container, kerasClass);
        List<Assignment> plan = new ArrayList<>();
        Set<String> claimed = new HashSet<>();
        Set<Layer> loadedLayers = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Slot slot : slots) {
            List<Weight> ours = kerasOrder(slot.layer().weights());
            StoredVars vars = stored.get(slot.path());
            if (ours.isEmpty() || vars == null || vars.isEmpty()) {
                continue;
            }
            claimed.add(slot.path());
            loadedLayers.add(slot.layer());
            plan.addAll(match(slot, ours, vars, file));
        }
        List<String> unloaded = slots.stream().map(Slot::layer)
                .filter(l -> !l.weights().isEmpty() && !loadedLayers.contains(l)).map(Layer::name).toList();
        List<String> loadedPaths = plan.stream().map(a -> a.target().path()).toList();
        WeightLoadReport report = new WeightLoadReport(file, loadedPaths, KerasV3Store.unclaimed(stored, claimed),
                unloaded);
        if (strict && !report.isComplete()) {
            throw KerasImportException.of(file, "strict loading into model '" + model.name()
                    + "' refused, nothing was loaded (Keras 3 matches layers by class and position, not by name): "
                    + report.details());
        }
        List<float[]> values = new ArrayList<>(plan.size());
        for (Assignment a : plan) {
            values.add(readValues(a, file));
        }
        for (int i = 0; i < plan.size(); i++) {
            plan.get(i).target().assign(values.get(i));
        }
        return report;
    }

    /** The stored arrays of one layer paired with its weights, index for index, counts and shapes checked. */
    private static List<Assignment> match(Slot slot, List<Weight> ours, StoredVars vars, Path file) {
        Layer layer = slot.layer();
        List<StoredWeight> arrays = vars.numbered(file, layer.name());
        List<Weight> targets = ours;
        // Keras 3 versions before Normalization regained 'count' store only mean and variance.
        if (layer instanceof Normalization && ours.size() == 3 && arrays.size() == 2) {
            targets = ours.subList(0, 2);
        }
        if (targets.size() != arrays.size()) {
            throw KerasImportException.of(file, layer.name(), "the file's " + vars.label() + " holds "
                    + arrays.size() + " variable(s) " + describe(arrays) + " but " + layer.describe()
                    + ", the model's layer at that path, has " + ours.size() + " "
                    + ours.stream().map(w -> w.path() + " " + H5Arrays.shape(w.shape())).toList()
                    + (layer.isBuilt() ? "" : " (the layer is not built: apply it to an input first)"));
        }
        List<Assignment> out = new ArrayList<>();
        for (int i = 0; i < arrays.size(); i++) {
            StoredWeight source = arrays.get(i);
            Weight target = targets.get(i);
            int size = H5Arrays.checkedSize(source.dims(), file, layer.name(), source.name());
            if (!Arrays.equals(source.dims(), Arrays.stream(target.shape()).asLongStream().toArray())) {
                throw KerasImportException.of(file, layer.name(), "variable " + source.name()
                        + (vars.savedName() == null ? "" : " (saved from layer '" + vars.savedName() + "')")
                        + " has shape " + H5Arrays.shape(source.dims()) + " in the file, but the weight it goes to, "
                        + target.path() + " of " + layer.describe() + " (the model's layer at that path), has shape "
                        + H5Arrays.shape(target.shape()));
            }
            // Keras 3 creates Normalization's count with dtype "int".
            boolean integerAllowed = layer instanceof Normalization && i == 2;
            out.add(new Assignment(source, target, size, integerAllowed));
        }
        return out;
    }

    private static List<String> describe(List<StoredWeight> arrays) {
        return arrays.stream().map(w -> w.name().substring(w.name().lastIndexOf('/') + 1) + " "
                + H5Arrays.shape(w.dims())).toList();
    }

    /** Keras' {@code _trainable_variables + _non_trainable_variables}, each in creation order. */
    private static List<Weight> kerasOrder(List<Weight> weights) {
        return Stream.concat(weights.stream().filter(Weight::isTrainableKind),
                weights.stream().filter(w -> !w.isTrainableKind())).toList();
    }

    private static float[] readValues(Assignment a, Path file) {
        StoredWeight w = a.source();
        try {
            Attribute dtype = w.dataset().getAttribute("dtype");
            if (dtype != null && "bfloat16".equals(String.valueOf(dtype.getData()))) {
                // H5Entry.__setitem__ stores bfloat16 variables as raw 16-bit values tagged with this attribute.
                throw H5Arrays.error(file, w.layer(), "variable " + w.name() + " is stored as bfloat16, which "
                        + "transfer4j cannot read; save the model with float32 weights");
            }
            if (a.integerAllowed() && w.dataset().getDataType() instanceof FixedPoint) {
                return integers(w.dataset(), a.size(), file, w);
            }
            return H5Arrays.floats(w.dataset(), a.size(), file, w.layer(), w.name());
        } catch (RuntimeException e) {
            throw H5Arrays.wrap(file, w.layer(), "the values of variable " + w.name(), e);
        }
    }

    /** An integer dataset's values as floats (a Normalization count: exact up to 2^24). */
    private static float[] integers(Dataset dataset, int size, Path file, StoredWeight w) {
        float[] out = new float[size];
        Object data = dataset.getDataFlat();
        int n = switch (data) {
            case long[] l -> {
                for (int i = 0; i < Math.min(size, l.length); i++) {
                    out[i] = l[i];
                }
                yield l.length;
            }
            case int[] l -> {
                for (int i = 0; i < Math.min(size, l.length); i++) {
                    out[i] = l[i];
                }
                yield l.length;
            }
            case Number single -> {
                out[0] = single.floatValue();
                yield 1;
            }
            default -> throw H5Arrays.error(file, w.layer(), "variable " + w.name() + " was read as "
                    + data.getClass().getSimpleName() + ", not as 32- or 64-bit integers");
        };
        if (n != size) {
            throw H5Arrays.error(file, w.layer(), "variable " + w.name() + " declares " + size + " elements but "
                    + n + " were read");
        }
        return out;
    }
}
