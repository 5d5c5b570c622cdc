package org.transfer4j.applications;

import java.util.Arrays;
import java.util.Objects;
import org.transfer4j.nn.Activations;
import org.transfer4j.nn.Input;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.SymbolicTensor;
import org.transfer4j.nn.layers.GlobalAveragePooling2D;
import org.transfer4j.nn.layers.GlobalMaxPooling2D;

/**
 * The arguments every Keras Application takes, with Keras' defaults: {@code includeTop(true)},
 * {@code pooling(NONE)}, {@code classes(1000)}, {@code inputShape} (224, 224, 3), {@code classifierActivation("softmax")}
 * and the model's {@code name} (Keras' default name when not set).
 *
 * <p>{@link #build} checks them as Keras does with its default {@code weights="imagenet"}, so that every
 * model built here can take the Keras ImageNet weight files by name: 3 input channels, an input of at least
 * 32x32, and with the top, exactly the input shape the top was trained for ({@code obtain_input_shape}).
 * There is no {@code weights} argument (weights are loaded by the importer), and three arguments that Keras
 * ties to its weight files stay free, for training from scratch or a new head: {@code classes} (Keras wants
 * 1000 with ImageNet weights), {@code classifierActivation} (Keras wants softmax or none) and MobileNet's
 * {@code depthMultiplier} (Keras wants 1). Two differences in the other direction: the input shape is always
 * static (Keras' default without the top is {@code (None, None, 3)}; here it is (224, 224, 3)), and
 * {@code pooling} other than NONE together with the top fails, where Keras ignores the pooling.
 *
 * @param <B> the family's builder, so that each setter returns it
 */
public abstract class ApplicationBuilder<B extends ApplicationBuilder<B>> {
    /** Keras' {@code min_size} in {@code obtain_input_shape}, the same for every family here. */
    static final int MIN_SIZE = 32;
    static final int DEFAULT_SIZE = 224;

    private final String family;
    private final Preprocessing preprocessing;
    private final int[] topSizes;

    private boolean includeTop = true;
    private Pooling pooling = Pooling.NONE;
    private int classes = ImageNet.CLASSES;
    private int[] inputShape;
    private String classifierActivation = "softmax";
    private String name;

    /**
     * Package-private: the families of this package are the builders.
     *
     * @param family the family's Keras function name, for messages ({@code MobileNet}, {@code ResNet50})
     * @param preprocessing the preprocessing its ImageNet weights expect
     * @param topSizes the square input sizes (rows = cols) that have ImageNet weights with the top; none given:
     *     224 only. Keras' {@code default_size} is the input's size when it is one of them, else 224
     */
    ApplicationBuilder(String family, Preprocessing preprocessing, int... topSizes) {
        this.family = Objects.requireNonNull(family, "family");
        this.preprocessing = Objects.requireNonNull(preprocessing, "preprocessing");
        this.topSizes = topSizes.length == 0 ? new int[] {DEFAULT_SIZE} : topSizes.clone();
    }

    /** Whether to include the ImageNet classifier (Keras' {@code include_top}); default true. */
    public B includeTop(boolean value) {
        this.includeTop = value;
        return self();
    }

    /** The pooling after the last block when {@code includeTop(false)}; default {@link Pooling#NONE}. */
    public B pooling(Pooling value) {
        this.pooling = Objects.requireNonNull(value, "pooling (use Pooling.NONE for Keras' None)");
        return self();
    }

    /** The width of the top's classifier when {@code includeTop(true)}; default 1000. */
    public B classes(int value) {
        this.classes = value;
        return self();
    }

    /** The shape of one image, {@code (height, width, channels)}; default (224, 224, 3). */
    public B inputShape(int height, int width, int channels) {
        this.inputShape = new int[] {height, width, channels};
        return self();
    }

    /** The activation of the top's last layer, a name {@link Activations} knows; null is Keras' None (logits). */
    public B classifierActivation(String value) {
        this.classifierActivation = value;
        return self();
    }

    /** The model's name; default the family's Keras name ({@code mobilenet_1.00_224}, {@code resnet50}, ...). */
    public B name(String value) {
        this.name = value;
        return self();
    }

    /** The preprocessing this family's ImageNet weights expect on RGB pixels 0..255. */
    public final Preprocessing preprocessing() {
        return preprocessing;
    }

    /**
     * Checks the arguments (each error quotes the value at fault) and builds the model: input
     * {@code (N,H,W,3)}, output {@code (N,classes)} with the top, {@code (N,C)} with a pooling, the last
     * block's {@code (N,H',W',C)} otherwise. Each call builds a new model with new weights.
     */
    public final Model build() {
        checkFamilyArguments();
        if (includeTop && pooling != Pooling.NONE) {
            throw new IllegalArgumentException(family() + ": pooling " + pooling + " is for includeTop(false); the top"
                    + " has its own pooling (Keras ignores pooling when include_top=True)");
        }
        if (includeTop && classes < 1) {
            throw new IllegalArgumentException(family() + ": classes must be positive, got " + classes);
        }
        if (includeTop) {
            Activations.get(classifierActivation); // an unknown name fails here, naming the known ones
        }
        int[] shape = resolvedInputShape();
        SymbolicTensor input = Input.of(shape);
        SymbolicTensor output = assemble(input);
        return Model.of(name == null ? defaultName(shape[0], shape[1]) : name, input, output);
    }

    /**
     * The Keras ImageNet weight file for this configuration, the file Keras' {@code weights="imagenet"} downloads
     * for the same arguments: it depends on the family, {@code includeTop}, MobileNet's alpha and, for the
     * MobileNets, the input size (Keras' {@code default_size} of {@link #build}: 224 for a non-square input or
     * one without weights of its own size). Its {@link PretrainedWeights#fileHash()} is Keras' published checksum,
     * null where Keras publishes none (MobileNet and MobileNetV2).
     *
     * @throws IllegalArgumentException for an argument Keras refuses with ImageNet weights, quoting it (as
     *     {@link #build} does), and for those {@link #build} leaves free but no ImageNet file fits: with the top,
     *     {@code classes} other than 1000; MobileNet's {@code depthMultiplier} other than 1
     */
    public final PretrainedWeights imagenetWeights() {
        checkFamilyArguments();
        int[] shape = resolvedInputShape();
        if (includeTop && classes != ImageNet.CLASSES) {
            throw new IllegalArgumentException(family() + ": the ImageNet weights with the top have "
                    + ImageNet.CLASSES + " classes; got classes=" + classes + " (use includeTop(false) for a new head)");
        }
        checkImagenetWeightsFit();
        return imagenetWeights(defaultSize(shape[0], shape[1]));
    }

    // ---- what a family adds ----------------------------------------------------------------------------

    /** Refuses the family's free arguments that no ImageNet weight file fits, quoting them; the default has none. */
    void checkImagenetWeightsFit() {
    }

    /** The family's ImageNet file for Keras' {@code rows} (its {@code default_size}), with {@link #includeTop()}. */
    abstract PretrainedWeights imagenetWeights(int rows);

    /** Checks the family's own arguments (alpha, ...), quoting a bad value; the default has none. */
    void checkFamilyArguments() {
    }

    /** The layers from the input {@code (N,H,W,3)} to the output, top or pooling included. */
    abstract SymbolicTensor assemble(SymbolicTensor input);

    /** The Keras name of the model for this input size. */
    abstract String defaultName(int rows, int cols);

    // ---- for the families ---------------------------------------------------------------------------------

    /** The family's Keras function name, for messages ({@code MobileNet}, {@code ResNet50}). */
    final String family() {
        return family;
    }

    final boolean includeTop() {
        return includeTop;
    }

    final int classes() {
        return classes;
    }

    final String classifierActivation() {
        return classifierActivation;
    }

    /** Keras' no-top pooling: {@code GlobalAveragePooling2D} / {@code GlobalMaxPooling2D}, named so (null: automatic). */
    final SymbolicTensor pool(SymbolicTensor x, String avgName, String maxName) {
        return switch (pooling) {
            case NONE -> x;
            case AVG -> avgName == null ? new GlobalAveragePooling2D().apply(x)
                    : new GlobalAveragePooling2D().named(avgName).apply(x);
            case MAX -> maxName == null ? new GlobalMaxPooling2D().apply(x)
                    : new GlobalMaxPooling2D().named(maxName).apply(x);
        };
    }

    /**
     * Keras' {@code default_size} for an input of {@code rows x cols}: rows when the input is square and one of the
     * sizes with top weights, else 224 (the size whose weights Keras loads, and names the model after).
     */
    final int defaultSize(int rows, int cols) {
        return rows == cols && Arrays.stream(topSizes).anyMatch(s -> s == rows) ? rows : DEFAULT_SIZE;
    }

    /**
     * Keras' check of the width multiplier {@code alpha} with ImageNet weights: it must be one of {@code alphas},
     * the widths that have weight files; else an error quoting it.
     */
    final void checkAlpha(double alpha, double... alphas) {
        if (Arrays.stream(alphas).noneMatch(a -> a == alpha)) {
            StringBuilder known = new StringBuilder();
            for (int i = 0; i < alphas.length; i++) {
                known.append(i == 0 ? "" : i == alphas.length - 1 ? " or " : ", ").append(alphas[i]);
            }
            throw new IllegalArgumentException(family + ": alpha must be one of " + known + " only (the widths with"
                    + " Keras ImageNet weights); got alpha=" + alpha);
        }
    }

    /** Keras' {@code obtain_input_shape} with {@code weights="imagenet"}, channels last, no {@code None} axes. */
    private int[] resolvedInputShape() {
        if (inputShape == null) {
            return new int[] {DEFAULT_SIZE, DEFAULT_SIZE, 3};
        }
        int rows = inputShape[0];
        int cols = inputShape[1];
        int size = defaultSize(rows, cols);
        int[] defaultShape = {size, size, 3};
        if (includeTop && !Arrays.equals(inputShape, defaultShape)) {
            throw new IllegalArgumentException(family() + ": with includeTop(true) the input shape must be "
                    + tuple(defaultShape) + " (the size the ImageNet top was trained for; Keras refuses others"
                    + " with its ImageNet weights); got inputShape" + tuple(inputShape)
                    + ". Use includeTop(false) for other sizes");
        }
        if (inputShape[2] != 3) {
            throw new IllegalArgumentException(family() + ": the input must have 3 channels (RGB); got inputShape"
                    + tuple(inputShape));
        }
        if (rows < MIN_SIZE || cols < MIN_SIZE) {
            throw new IllegalArgumentException(family() + ": the input must be at least " + MIN_SIZE + "x" + MIN_SIZE
                    + "; got inputShape" + tuple(inputShape));
        }
        return inputShape.clone();
    }

    /** {@code (224, 224, 3)}, as Keras prints a shape tuple. */
    static String tuple(int[] shape) {
        return Arrays.toString(shape).replace('[', '(').replace(']', ')');
    }

    @SuppressWarnings("unchecked") // B is the concrete builder: see the class comment
    private B self() {
        return (B) this;
    }
}
