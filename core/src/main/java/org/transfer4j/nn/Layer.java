package org.transfer4j.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.transfer4j.tensor.Device;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * A Keras layer: configured, built once from its input shapes, then called any number of times.
 *
 * <p>The contract for subclasses (shapes leave out the batch axis; every axis they see has size 1 or more,
 * and eager batches hold N > 0 samples, both checked before a subclass is asked):
 * <ul>
 *   <li>{@link #outputShape} validates the input shapes against the configuration (and, once built,
 *       against the weights) and returns the output shape. It must not change the layer.</li>
 *   <li>{@link #build} creates the weights with {@link #addWeight}; it runs once, before the first call.</li>
 *   <li>{@link #forward} computes the output with ops from {@code org.transfer4j.ops}, so autograd
 *       records it; {@code training} switches dropout and batch normalisation.</li>
 * </ul>
 * Configuration setters on subclasses must call {@link #checkNotBuilt} first.
 */
public abstract class Layer {
    private String name;
    private boolean trainable = true;
    private boolean built;
    private final List<Weight> weights = new ArrayList<>();
    /** Where {@link #to} last put the layer: where weights built later are made. */
    private Device device = Device.cpu();

    protected Layer() {
    }

    /** A layer with this name, or with an automatic one when {@code name} is null. */
    protected Layer(String name) {
        if (name != null) {
            LayerNames.check(name);
        }
        this.name = name;
    }

    // ---- identity ------------------------------------------------------------------------------------

    /** The layer's name; Keras-style automatic names ({@code conv2d}, {@code conv2d_1}) when none was given. */
    public final String name() {
        if (name == null) {
            name = LayerNames.unique(LayerNames.snakeCase(getClass().getSimpleName()));
        }
        return name;
    }

    /** Sets the name (before the layer is built). Returns this, so it can end a configuration chain. */
    public final Layer named(String newName) {
        checkNotBuilt("name");
        LayerNames.check(newName);
        this.name = newName;
        return this;
    }

    /** The Keras class name shown by {@code summary()}: the Java class name, which is the same. */
    public String typeName() {
        return getClass().getSimpleName();
    }

    /** {@code conv1 (Conv2D)}: how error messages name a layer. */
    public String describe() {
        return name() + " (" + typeName() + ")";
    }

    // ---- weights and freezing -----------------------------------------------------------------------

    public boolean isTrainable() {
        return trainable;
    }

    /**
     * Freezes ({@code false}) or unfreezes the layer. A frozen layer's weights get no gradient, so no
     * optimizer changes them; a frozen {@code BatchNormalization} also stops updating its moving statistics
     * (unless asked to keep them training, see {@code Model.trainBatchNormWhenFrozen}).
     */
    public void setTrainable(boolean value) {
        this.trainable = value;
        for (Weight w : weights) {
            w.refreshRequiresGrad();
        }
    }

    /** This layer's weights in creation order (Keras' {@code layer.weights}); a model lists its layers' weights. */
    public List<Weight> weights() {
        return List.copyOf(weights);
    }

    /**
     * Moves every weight of the layer, trainable or not (batch-norm moving statistics included), to
     * {@code target}, so that later calls compute there on inputs that live there; weights built later are
     * made there too. A weight already there is not copied. Gradients are dropped (they belong to the old
     * copies); optimizer state follows on the next step. Returns this.
     */
    public Layer to(Device target) {
        this.device = Objects.requireNonNull(target, "target");
        for (Weight w : weights) {
            w.moveTo(target);
        }
        return this;
    }

    /**
     * The device this layer computes on: that of its first weight, or for a layer without weights the
     * device it was last moved to ({@link Device#cpu()} by default). Inputs go there before a call.
     */
    public Device device() {
        List<Weight> all = weights();
        return all.isEmpty() ? device : all.getFirst().value().device();
    }

    public final List<Weight> trainableWeights() {
        return weights().stream().filter(Weight::isTrainable).toList();
    }

    public final List<Weight> nonTrainableWeights() {
        return weights().stream().filter(w -> !w.isTrainable()).toList();
    }

    /** The number of scalars in all weights, trainable or not (Keras' {@code count_params}). */
    public final long countParams() {
        return weights().stream().mapToLong(Weight::numel).sum();
    }

    /** The number of scalars in the trainable weights (Keras' "Trainable params"). */
    public final long countTrainableParams() {
        return trainableWeights().stream().mapToLong(Weight::numel).sum();
    }

    /** The weight with this Keras name ({@code kernel}, {@code bias}, ...), or an exception listing the names there are. */
    public Weight weight(String weightName) {
        for (Weight w : weights) {
            if (w.name().equals(weightName)) {
                return w;
            }
        }
        throw new NoSuchLayerException("layer " + describe() + " has no weight '" + weightName + "'; it has "
                + weights.stream().map(Weight::name).toList());
    }

    // ---- subclass contract ----------------------------------------------------------------------------

    /** Validates the input shapes (batch excluded) and returns the output shape. */
    protected abstract int[] outputShape(List<int[]> inputShapes);

    /** Creates the weights for these input shapes; the default creates none. */
    protected void build(List<int[]> inputShapes) {
    }

    /** Computes the output from inputs whose shapes {@link #outputShape} accepted. */
    protected abstract Tensor forward(List<Tensor> inputs, boolean training);

    /**
     * Whether this layer's backward pass reads the values of its inputs (a convolution reads x for its kernel's
     * gradient). In a training step the graph frees an activation as soon as the forward pass is past it when
     * neither the layer that made it nor any layer reading it needs its values later ({@link #backwardReadsOutput}),
     * as PyTorch frees what no {@code save_for_backward} holds: a batch norm's output that only a ReLU reads is
     * gone before the backward pass. True unless a layer says otherwise, which is always safe.
     */
    protected boolean backwardReadsInputs() {
        return true;
    }

    /** Whether this layer's backward pass reads the values of its output (a ReLU's mask); see {@link #backwardReadsInputs}. */
    protected boolean backwardReadsOutput() {
        return true;
    }

    /** Adds a weight during {@link #build}; trainable kinds require grad unless the layer is frozen. */
    protected final Weight addWeight(String weightName, int[] shape, Initializer initializer, boolean trainableKind) {
        // Initializers draw on the host, from the default generator's stream, so a model built after to(device)
        // has the weights it would have on the CPU.
        Tensor value = initializer.create(shape, Generator.defaultGenerator());
        if (!value.device().equals(device)) {
            value = value.to(device);
        }
        Weight w = new Weight(this, weightName, value, trainableKind);
        weights.add(w);
        return w;
    }

    public final boolean isBuilt() {
        return built;
    }

    /** Throws when a configuration setter is called after the layer was built. */
    protected final void checkNotBuilt(String setting) {
        if (built) {
            throw new IllegalStateException("layer " + describe() + " is already built; set " + setting
                    + " before its first use");
        }
    }

    /** A {@link ShapeMismatchException} that names this layer; shapes are given without the batch axis. */
    protected final ShapeMismatchException shapeError(String problem, int[]... shapes) {
        return ShapeMismatchException.of(describe(), problem + "; shapes without the batch axis", shapes);
    }

    /**
     * Builds the layer on first use and returns the output shape for these input shapes. An axis of
     * size 0 is refused here, before {@link #outputShape} and {@link #build} see it: it would build
     * empty weights, and the ops would fail later without naming the layer.
     */
    final int[] prepare(List<int[]> inputShapes) {
        for (int[] shape : inputShapes) {
            for (int d : shape) {
                if (d < 1) {
                    throw shapeError("every axis besides the batch needs at least one element",
                            inputShapes.toArray(int[][]::new));
                }
            }
        }
        int[] out = outputShape(inputShapes);
        if (!built) {
            build(inputShapes);
            built = true;
            out = outputShape(inputShapes);
        }
        return out;
    }

    // ---- calling ------------------------------------------------------------------------------------

    /** Graph mode: wires this layer to symbolic inputs and returns its symbolic output (Keras {@code layer(x)}). */
    public final SymbolicTensor apply(SymbolicTensor... inputs) {
        return apply(List.of(inputs));
    }

    public final SymbolicTensor apply(List<SymbolicTensor> inputs) {
        return wire(inputs, null);
    }

    /**
     * Graph mode with the call's mode fixed, as Keras' {@code layer(x, training=False)}: this call runs
     * in {@code training} mode whatever mode the enclosing model is called in. The transfer-learning
     * guides call a pretrained base with {@code training=False}, so its batch normalisation keeps using
     * its moving statistics even after the base is unfrozen for fine-tuning; gradients still flow
     * through it.
     */
    public final SymbolicTensor apply(List<SymbolicTensor> inputs, boolean training) {
        return wire(inputs, training);
    }

    private SymbolicTensor wire(List<SymbolicTensor> inputs, Boolean fixedTraining) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("layer " + describe() + " needs at least one input");
        }
        int[] out = prepare(inputs.stream().map(SymbolicTensor::shape).toList());
        return new LayerCall(this, inputs, out, fixedTraining).output();
    }

    /** Eager mode on one batch {@code x (N, ...)}. */
    public final Tensor call(Tensor x, boolean training) {
        return call(Collections.singletonList(x), training); // List.of would refuse a null before the check does
    }

    /** Eager mode on several batches of the same size (merge layers, multi-input models). */
    public final Tensor call(List<Tensor> inputs, boolean training) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("layer " + describe() + " needs at least one input");
        }
        prepare(batchShapes(describe(), inputs));
        return forward(inputs, training);
    }

    /**
     * The shapes without the batch axis of eager inputs {@code (N, ...)}, after checking what every
     * layer and model needs of them: none is null, each has a batch axis, and the batches hold the
     * same number N > 0 of samples. {@code who} names the layer or model in the errors.
     */
    static List<int[]> batchShapes(String who, List<Tensor> inputs) {
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i) == null) {
                throw new NullPointerException(who + ": input " + i + " of " + inputs.size() + " is null");
            }
        }
        int[][] all = inputs.stream().map(Tensor::shape).toArray(int[][]::new);
        List<int[]> shapes = new ArrayList<>();
        for (int[] s : all) {
            if (s.length < 1) {
                throw ShapeMismatchException.of(who, "every input needs a batch axis, (N, ...)", all);
            }
            if (s[0] != all[0][0]) {
                throw ShapeMismatchException.of(who, "inputs need a batch axis of the same size", all);
            }
            shapes.add(Arrays.copyOfRange(s, 1, s.length));
        }
        if (all[0][0] == 0) {
            throw ShapeMismatchException.of(who, "the batch is empty (0 samples)", all);
        }
        return shapes;
    }

    @Override
    public String toString() {
        return describe();
    }
}
