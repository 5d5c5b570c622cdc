package org.transfer4j.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.transfer4j.nn.Input;
import org.transfer4j.nn.Layer;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.SymbolicTensor;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.Concatenate;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.nn.layers.Dropout;
import org.transfer4j.nn.layers.GlobalAveragePooling2D;

/**
 * A pretrained base without its top, and a new head for {@code classes} classes, wired as the Keras
 * transfer-learning guide does:
 * <pre>
 *   image (H,W,3) -> features(x, training=False) (c)                                  the feature extractor
 *                 -> [BatchNormalization] -> [Dropout -> Dense(hidden, relu)] -> Dropout -> Dense(classes)
 *                                                                                      the head, logits
 *
 *   features: base (h,w,c) -> GlobalAveragePooling2D (c)                                   by default
 *             base -> concat(GAP(layer_1), ..., GAP(layer_k), GAP(base output))         with featureLayers(...)
 * </pre>
 * Pooling some intermediate layers of the base besides its output ({@link Builder#featureLayers}) gives the
 * head mid-level features (colours, textures, parts) next to the top's object-level ones; for a task far
 * from ImageNet's classes they transfer better (a "hypercolumn" head).
 *
 * <p>The features are computed in inference mode ({@link Layer#apply(List, boolean)}), so the base's batch
 * normalisation keeps its ImageNet moving statistics in every phase, frozen or fine-tuned;
 * {@link #withBaseInInferenceMode(boolean) withBaseInInferenceMode(false)} rewires the same layers so that
 * unfrozen BN layers use and update batch statistics instead.
 *
 * <p>The three models share their layers: {@link #model()} is the whole network, {@link #extractor()} the
 * image-to-feature part, {@link #head()} the feature-to-logits part. Training {@code head()} on cached
 * features ({@link FeatureCache}) trains the same weights that {@code model()} uses.
 *
 * <p>The phases: {@link #freezeBase()} (feature extraction: only the head learns), then
 * {@link #unfreezeFrom(String)} or {@link #unfreezeTopBlocks(int)} (fine-tuning). {@link #describe()}
 * says how many parameters are trainable at each point.
 */
public final class TransferModel {
    private final Model base;
    private final Model features;
    private final Model head;
    private final HeadSpec headSpec;
    private final boolean baseInInferenceMode;
    private final String name;
    private final Model extractor;
    private final Model model;

    /** Wires {@code image -> features -> head} with new calls of these (shared) layers. */
    private TransferModel(Model base, Model features, Model head, HeadSpec headSpec, boolean baseInInferenceMode,
            String name) {
        this.base = base;
        this.features = features;
        this.head = head;
        this.headSpec = headSpec;
        this.baseInInferenceMode = baseInInferenceMode;
        this.name = name;
        SymbolicTensor image = Input.of("image", base.input().shape());
        SymbolicTensor pooled = baseInInferenceMode ? features.apply(List.of(image), false) : features.apply(List.of(image));
        this.extractor = Model.of(name + "_extractor", image, pooled);
        this.model = Model.of(name, image, head.apply(pooled));
    }

    /** Starts a transfer model on {@code base}, a model whose output is a feature map {@code (h,w,c)}. */
    public static Builder on(Model base) {
        return new Builder(base);
    }

    /** The whole network: images {@code (N,H,W,3)} to logits {@code (N,classes)}. */
    public Model model() {
        return model;
    }

    /** The pretrained base, as given. */
    public Model base() {
        return base;
    }

    /**
     * The base and its pooling as one model, {@code (H,W,3) -> (c)}: what {@link #model()} nests, and so the
     * name that separates base and head in {@code ParamGroups.headAndBase(model(), features().name())}.
     */
    public Model features() {
        return features;
    }

    /** Images {@code (N,H,W,3)} to pooled features {@code (N,c)}: the base and the pooling, no trainable head. */
    public Model extractor() {
        return extractor;
    }

    /** Pooled features {@code (N,c)} to logits {@code (N,classes)}, sharing its layers with {@link #model()}. */
    public Model head() {
        return head;
    }

    /** Whether the base is called with {@code training=False}. */
    public boolean baseInInferenceMode() {
        return baseInInferenceMode;
    }

    /**
     * The same layers and weights wired with the base called in the other mode: with {@code false}, the
     * unfrozen batch-normalisation layers of the base normalise with batch statistics and update their moving
     * statistics while training (PyTorch's usual fine-tuning), frozen ones keep their moving statistics.
     * Use it between phases: feature extraction with the base in inference mode, fine-tuning without.
     */
    public TransferModel withBaseInInferenceMode(boolean value) {
        return value == baseInInferenceMode ? this : new TransferModel(base, features, head, headSpec, value, name);
    }

    /**
     * A new head of the same architecture as {@link #head()} (fresh weights), features {@code (N,c)} to logits:
     * its model is named {@code head_SUFFIX} and its layers {@code head_SUFFIX_bn}, {@code head_SUFFIX_logits} and
     * so on, so that it can sit beside the first head in one model (a {@link ScaleEnsemble}).
     */
    public Model newHead(String suffix) {
        return headSpec.build(features.output().shape(), "head_" + suffix);
    }

    /** Feature extraction: every layer of the base frozen, the head trainable. */
    public void freezeBase() {
        base.setTrainable(false);
        head.setTrainable(true);
    }

    /**
     * Fine-tuning: the base's layers from {@code layerName} on (in {@link Model#flattenedLayers()} order)
     * become trainable, those before it stay frozen; the head stays trainable.
     */
    public void unfreezeFrom(String layerName) {
        base.unfreezeFrom(layerName);
        head.setTrainable(true);
    }

    /**
     * Fine-tuning of the top {@code n} blocks of the base (see {@link #blocks()}); {@code n} at least the
     * number of blocks unfreezes the whole base.
     */
    public void unfreezeTopBlocks(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("unfreezeTopBlocks: n must be at least 1, got " + n);
        }
        List<String> blocks = blocks();
        String first = blocks.get(Math.max(0, blocks.size() - n));
        unfreezeFrom(first);
    }

    /** The first layer of each block of the base, in order (see {@link BaseBlocks} for what a block is). */
    public List<String> blocks() {
        return BaseBlocks.of(base).stream().map(BaseBlocks.Block::first).toList();
    }

    /** Trainable parameters of the whole model now. */
    public long trainableParams() {
        return model.countTrainableParams();
    }

    /** One line for the log: how many parameters train now, out of how many. */
    public String describe() {
        long all = model.countParams();
        long trainable = trainableParams();
        return String.format(Locale.ROOT, "%s: %,d of %,d parameters trainable (%.1f%%)", model.name(), trainable,
                all, all == 0 ? 0.0 : 100.0 * trainable / all);
    }

    /** The base's layers in the model, as a set (for parameter groups that treat base and head apart). */
    public Set<Layer> baseLayers() {
        Set<Layer> layers = Collections.newSetFromMap(new IdentityHashMap<>());
        layers.addAll(base.flattenedLayers());
        return layers;
    }

    /**
     * The head's architecture: {@code features (c) -> [BatchNormalization] -> [Dropout -> Dense(hidden, relu)]
     * -> Dropout -> Dense(classes)}, its layers named {@code PREFIX_bn}, {@code PREFIX_hidden_dropout},
     * {@code PREFIX_hidden}, {@code PREFIX_dropout}, {@code PREFIX_logits}, the model {@code PREFIX}.
     */
    private record HeadSpec(int classes, int hiddenUnits, float dropout, boolean normalizeFeatures) {
        Model build(int[] featureShape, String prefix) {
            SymbolicTensor featureInput = Input.of("features", featureShape);
            SymbolicTensor x = featureInput;
            if (normalizeFeatures) {
                x = new BatchNormalization().named(prefix + "_bn").apply(x);
            }
            if (hiddenUnits > 0) {
                x = new Dropout(dropout).named(prefix + "_hidden_dropout").apply(x);
                x = new Dense(hiddenUnits).activation("relu").named(prefix + "_hidden").apply(x);
            }
            x = new Dropout(dropout).named(prefix + "_dropout").apply(x);
            x = new Dense(classes).named(prefix + "_logits").apply(x);
            return Model.of(prefix, featureInput, x);
        }
    }

    /** The options of the head; Keras' guide uses pooling, {@code Dropout(0.2)} and one {@code Dense}. */
    public static final class Builder {
        private final Model base;
        private int classes;
        private int hiddenUnits;
        private List<String> featureLayers = List.of();
        private boolean normalizeFeatures = true;
        private float dropout = 0.2f;
        private boolean baseInInferenceMode = true;
        private String name = "transfer";

        private Builder(Model base) {
            this.base = Objects.requireNonNull(base, "base");
            if (base.output().shape().length != 3) {
                throw new IllegalArgumentException("transfer model: the base '" + base.name() + "' must end in a "
                        + "feature map (h,w,c), but its output is " + base.output().shapeString()
                        + "; build it without its top (includeTop(false)) or cut it with cutAt(layer)");
            }
        }

        /** The number of classes of the new task (required). */
        public Builder classes(int value) {
            if (value < 2) {
                throw new IllegalArgumentException("transfer model: classes must be at least 2, got " + value);
            }
            this.classes = value;
            return this;
        }

        /** A hidden {@code Dense(units, relu)} with its own dropout before the output layer; 0 (default) for none. */
        public Builder hiddenUnits(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("transfer model: hidden units must be >= 0, got " + value);
            }
            this.hiddenUnits = value;
            return this;
        }

        /**
         * Layers of the base whose outputs {@code (h_i,w_i,c_i)} are average-pooled and concatenated with the
         * pooled base output as the head's features (default: none, the base output alone).
         */
        public Builder featureLayers(String... layerNames) {
            for (String layerName : layerNames) {
                base.layer(layerName); // fails naming the layer, with a suggestion, when the base has none such
            }
            this.featureLayers = List.of(layerNames);
            return this;
        }

        /**
         * Whether the head starts with a {@code BatchNormalization} of the pooled features (default true, as
         * fastai's head): pooled layers differ in scale (early ones are larger), and a hidden ReLU layer
         * learns far worse on unnormalised inputs (measured on flowers: 68% against 75% frozen).
         */
        public Builder normalizeFeatures(boolean value) {
            this.normalizeFeatures = value;
            return this;
        }

        /**
         * {@link #featureLayers} chosen from the base's blocks: the last layer of each of the top {@code n}
         * blocks below the last one (whose output is the base's), where that layer gives a feature map.
         */
        public Builder featureLayersFromTopBlocks(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("transfer model: featureLayersFromTopBlocks needs n >= 1, got " + n);
            }
            List<BaseBlocks.Block> blocks = BaseBlocks.of(base);
            List<String> layers = new ArrayList<>();
            for (int i = Math.max(0, blocks.size() - 1 - n); i < blocks.size() - 1; i++) {
                String last = blocks.get(i).last();
                if (base.outputOf(last).shape().length == 3) {
                    layers.add(last);
                }
            }
            return featureLayers(layers.toArray(String[]::new));
        }

        /** The dropout rate before each dense layer of the head (default 0.2, as Keras' guide). */
        public Builder dropout(double value) {
            if (!(value >= 0 && value < 1)) {
                throw new IllegalArgumentException("transfer model: dropout must be in [0, 1), got " + value);
            }
            this.dropout = (float) value;
            return this;
        }

        /** Whether the base is called with {@code training=False} (default true, as Keras' guide). */
        public Builder baseInInferenceMode(boolean value) {
            this.baseInInferenceMode = value;
            return this;
        }

        public Builder name(String value) {
            this.name = Objects.requireNonNull(value, "name");
            return this;
        }

        public TransferModel build() {
            if (classes == 0) {
                throw new IllegalStateException("transfer model: set classes(n) before build()");
            }
            Model features = pooledFeatures();
            HeadSpec spec = new HeadSpec(classes, hiddenUnits, dropout, normalizeFeatures);
            Model head = spec.build(features.output().shape(), "head");
            return new TransferModel(base, features, head, spec, baseInInferenceMode, name);
        }

        /** {@code base -> GAP}, or {@code base -> concat(GAP(layer_1), ..., GAP(base output))}, as one model. */
        private Model pooledFeatures() {
            SymbolicTensor pooledOutput = new GlobalAveragePooling2D().named("head_pool").apply(base.output());
            if (featureLayers.isEmpty()) {
                return Model.of(base.name() + "_pooled", base.input(), pooledOutput);
            }
            List<SymbolicTensor> pooled = new ArrayList<>();
            for (String layerName : featureLayers) {
                SymbolicTensor map = base.outputOf(layerName);
                if (map.shape().length != 3) {
                    throw new IllegalArgumentException("transfer model: feature layer '" + layerName + "' of '"
                            + base.name() + "' gives " + map.shapeString() + ", not a feature map (h,w,c)");
                }
                pooled.add(new GlobalAveragePooling2D().named("head_pool_" + layerName).apply(map));
            }
            pooled.add(pooledOutput);
            SymbolicTensor concat = new Concatenate().named("head_features").apply(pooled);
            return Model.of(base.name() + "_pooled", base.input(), concat);
        }
    }
}
