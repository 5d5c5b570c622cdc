package org.transfer4j.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.transfer4j.nn.InputLayer;
import org.transfer4j.nn.Layer;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Weight;

/**
 * Splitters that make ordered parameter groups (body ... head) from a model, for discriminative learning
 * rates: the pretrained body learns slowly and the new head fast (fastai's splitters and {@code freeze_to}).
 *
 * <p>Layers are taken in {@link Model#flattenedLayers()} order (nested models expanded in place, each layer
 * once). A group holds the <em>trainable</em> weights of its layers: frozen layers' weights and
 * batch-norm moving statistics are in no group. A group is named after its first layer (input layers
 * aside), frozen or not, so {@code splitAt} names groups after the split points. A group left
 * without trainable weights is an error that names it, since an optimizer would silently skip it; freeze
 * with fewer groups instead.
 *
 * <p>Since frozen weights are left out, groups made before {@code unfreezeFrom(...)} never train the weights it
 * unfreezes: make the groups and the optimizer again after unfreezing (as Keras recompiles), or list every
 * weight with {@link ParamGroup#of} (the optimizer skips a weight while its layer is frozen).
 *
 * <pre>
 * Model model = Model.of(in, head.apply(base.apply(in)));
 * List&lt;ParamGroup&gt; groups = ParamGroups.splitAt(model, "block_13_expand", "predictions");
 * LearningRates.setMultipliers(groups, LearningRates.spread(1e-2, 1, groups.size()));
 * </pre>
 */
public final class ParamGroups {
    private ParamGroups() {
    }

    /** One group with every trainable weight of the model, named after its first layer. */
    public static List<ParamGroup> all(Model model) {
        List<Layer> flat = model.flattenedLayers();
        return List.of(group(model, flat, 0, flat.size()));
    }

    /**
     * {@code n + 1} groups split before each named layer, in the model's layer order: {@code splitAt(model,
     * "block_13_expand")} gives [the layers before {@code block_13_expand}, that layer and all after it]. A
     * name may also be a nested model's, which splits before its first layer.
     *
     * @throws org.transfer4j.nn.NoSuchLayerException for a name the model does not have (the message names it)
     * @throws IllegalArgumentException when the names are not in layer order or a group has no trainable weights
     */
    public static List<ParamGroup> splitAt(Model model, String... layerNames) {
        if (layerNames.length == 0) {
            throw new IllegalArgumentException("splitAt needs at least one layer name; use ParamGroups.all(model)"
                    + " for a single group");
        }
        List<Layer> flat = model.flattenedLayers();
        int[] bounds = new int[layerNames.length + 2];
        bounds[layerNames.length + 1] = flat.size();
        for (int i = 0; i < layerNames.length; i++) {
            bounds[i + 1] = indexOf(model, flat, layerNames[i]);
            if (i > 0 && bounds[i + 1] <= bounds[i]) {
                throw new IllegalArgumentException("splitAt: layer names must follow the model's layer order without"
                        + " repeats, but '" + layerNames[i] + "' (layer " + bounds[i + 1] + ") does not come after '"
                        + layerNames[i - 1] + "' (layer " + bounds[i] + ") in model '" + model.name() + "'");
            }
        }
        List<ParamGroup> groups = new ArrayList<>();
        for (int i = 0; i + 1 < bounds.length; i++) {
            groups.add(group(model, flat, bounds[i], bounds[i + 1]));
        }
        return List.copyOf(groups);
    }

    /**
     * Two groups, [base, head], body first like every splitter here (so {@code LearningRates.spread(lo, hi, 2)}
     * gives the base the low rate). With the name of a nested model (the pretrained base called as
     * {@code base.apply(x)}), the base group is that model's layers and the head group every other layer.
     * With the name of a plain layer, the base ends with that layer and the head is everything after it.
     */
    public static List<ParamGroup> headAndBase(Model model, String baseModelOrLayerName) {
        Layer named = model.layer(baseModelOrLayerName);
        List<Layer> flat = model.flattenedLayers();
        if (!(named instanceof Model base)) {
            int last = indexOf(model, flat, baseModelOrLayerName);
            return List.of(group(model, flat, 0, last + 1), group(model, flat, last + 1, flat.size()));
        }
        Set<Layer> inBase = Collections.newSetFromMap(new IdentityHashMap<>());
        inBase.addAll(base.flattenedLayers());
        List<Layer> baseLayers = flat.stream().filter(inBase::contains).toList();
        List<Layer> headLayers = flat.stream().filter(l -> !inBase.contains(l)).toList();
        if (headLayers.stream().allMatch(l -> l instanceof InputLayer)) {
            throw new IllegalArgumentException("headAndBase: model '" + model.name() + "' has no layers outside '"
                    + baseModelOrLayerName + "', so the head group would be empty");
        }
        return List.of(group(model, baseLayers, 0, baseLayers.size()), group(model, headLayers, 0, headLayers.size()));
    }

    /** The position in {@code flat} of the named layer, or of a named nested model's first layer. */
    private static int indexOf(Model model, List<Layer> flat, String layerName) {
        Layer layer = model.layer(layerName);
        List<Layer> candidates = layer instanceof Model nested ? nested.flattenedLayers() : List.of(layer);
        for (Layer c : candidates) {
            for (int i = 0; i < flat.size(); i++) {
                if (flat.get(i) == c) {
                    return i;
                }
            }
        }
        // Model.flattenedLayers() leaves out the input layers of nested models.
        throw new IllegalArgumentException("layer '" + layerName + "' of model '" + model.name() + "' is the input of a"
                + " nested model and holds no weights; split at that model or at its first layer instead");
    }

    /** The group of the trainable weights of {@code layers[from, to)}, input layers left out. */
    private static ParamGroup group(Model model, List<Layer> layers, int from, int to) {
        List<Layer> range = layers.subList(from, to);
        List<Layer> members = range.stream().filter(l -> !(l instanceof InputLayer)).toList();
        if (members.isEmpty()) {
            // Only input layers (or nothing): a split at the first or after the last layer.
            String where = to < layers.size() ? "before layer '" + layers.get(to).name() + "'"
                    : "after layer '" + layers.getLast().name() + "'";
            throw new IllegalArgumentException("the parameter group " + where + " of model '" + model.name()
                    + "' would hold no layers");
        }
        Set<Weight> weights = new LinkedHashSet<>();
        for (Layer l : members) {
            weights.addAll(l.trainableWeights());
        }
        String name = members.getFirst().name();
        if (weights.isEmpty()) {
            String what = members.size() <= 1 ? "its layer '" + name + "' is frozen or has no weights"
                    : "its layers '" + name + "' .. '" + members.getLast().name() + "' are frozen or have no weights";
            throw new IllegalArgumentException("parameter group '" + name + "' of model '" + model.name()
                    + "' has no trainable weights: " + what);
        }
        return ParamGroup.of(name, List.copyOf(weights));
    }
}
