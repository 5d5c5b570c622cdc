package org.transfer4j.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.transfer4j.autograd.NoGrad;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.tensor.Device;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;
import org.transfer4j.tensor.TensorScope;

/**
 * A functional graph of layers from symbolic inputs to outputs (Keras' functional {@code Model}).
 * Layers may be shared (called more than once), and a model is itself a layer, so
 * {@code base.apply(x)} nests a pretrained base inside a new model, as Keras does.
 *
 * <pre>
 * SymbolicTensor in = Input.of(32, 32, 3);
 * SymbolicTensor x = new Conv2D(8, 3).padding("same").activation("relu").apply(in);
 * x = new GlobalAveragePooling2D().apply(x);
 * Model model = Model.of(in, new Dense(10).apply(x));
 * Tensor logits = model.call(images, true);        // (N,32,32,3) -> (N,10)
 * </pre>
 */
public class Model extends Layer {
    private final List<SymbolicTensor> inputs;
    private final List<SymbolicTensor> outputs;
    /** The calls to run, in topological order; the input layers' calls are not among them. */
    private final List<LayerCall> calls;
    /**
     * The calls as they run in training: a zero padding joined to the window layer after it ({@link JoinedPadding}), a
     * biased convolution joined to the batch norm after it ({@link BiasedBatchNorm}), a batch norm joined to the ReLU
     * after it ({@link ClampedBatchNorm}), a residual Add joined to the ReLU after it ({@link ClampedAdd}); and without
     * training ({@code training = false}), the first and the last of those only ({@link #callAll}).
     */
    private List<GraphStep> trainingSteps;
    private List<GraphStep> inferenceSteps;
    /** Distinct layers, input layers first, then in the order they are first called. */
    private final List<Layer> layers;

    // The duplicate-name check calls name(), which is final and reads only Layer's own fields.
    @SuppressWarnings("this-escape")
    public Model(String name, List<SymbolicTensor> inputs, List<SymbolicTensor> outputs) {
        if (inputs.isEmpty() || outputs.isEmpty()) {
            throw new IllegalArgumentException("a model needs at least one input and one output");
        }
        Set<SymbolicTensor> distinctInputs = Collections.newSetFromMap(new IdentityHashMap<>());
        for (SymbolicTensor in : inputs) {
            if (!(in.layer() instanceof InputLayer)) {
                throw new IllegalArgumentException("model inputs must come from Input.of(...), got " + in);
            }
            if (!distinctInputs.add(in)) {
                throw new IllegalArgumentException("the input '" + in.layer().name()
                        + "' is listed twice among the model's inputs; list each input once");
            }
        }
        super(name);
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.calls = GraphOrder.calls(this.inputs, this.outputs);
        this.layers = GraphOrder.distinctLayers(this.inputs, calls);
        checkUniqueNames();
    }

    public static Model of(SymbolicTensor input, SymbolicTensor output) {
        return new Model(null, List.of(input), List.of(output));
    }

    public static Model of(String name, SymbolicTensor input, SymbolicTensor output) {
        return new Model(name, List.of(input), List.of(output));
    }

    public static Model of(List<SymbolicTensor> inputs, List<SymbolicTensor> outputs) {
        return new Model(null, inputs, outputs);
    }

    // ---- structure ------------------------------------------------------------------------------------

    public List<SymbolicTensor> inputs() {
        return inputs;
    }

    public List<SymbolicTensor> outputs() {
        return outputs;
    }

    /** The single input; throws for a multi-input model. */
    public SymbolicTensor input() {
        return single(inputs, "input");
    }

    /** The single output; throws for a multi-output model. */
    public SymbolicTensor output() {
        return single(outputs, "output");
    }

    /** The layers of this graph (nested models count as one layer), input layers first. */
    public List<Layer> layers() {
        return layers;
    }

    /**
     * Every non-model layer, nested models expanded in place (without their input layers), each once:
     * the order that freezing by position and parameter groups use.
     */
    public List<Layer> flattenedLayers() {
        Set<Layer> out = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Layer> ordered = new ArrayList<>();
        for (Layer l : layers) {
            List<Layer> expanded = l instanceof Model m
                    ? m.flattenedLayers().stream().filter(e -> !(e instanceof InputLayer)).toList()
                    : List.of(l);
            for (Layer e : expanded) {
                if (out.add(e)) {
                    ordered.add(e);
                }
            }
        }
        return ordered;
    }

    /** The layer with this name, searched here first and then inside nested models. */
    public Layer layer(String layerName) {
        Layer found = findLayer(layerName);
        if (found == null) {
            throw new NoSuchLayerException(noSuchLayer(layerName));
        }
        return found;
    }

    /** The weight at {@code layerName/weightName}, e.g. {@code conv1/kernel}. */
    public Weight weight(String path) {
        int slash = path.lastIndexOf('/');
        if (slash <= 0) {
            throw new NoSuchLayerException("a weight path is 'layer/weight', e.g. 'conv1/kernel'; got '" + path + "'");
        }
        return layer(path.substring(0, slash)).weight(path.substring(slash + 1));
    }

    /** All weights of all layers, each once, in layer order. */
    @Override
    public List<Weight> weights() {
        Set<Weight> seen = new LinkedHashSet<>();
        for (Layer l : layers) {
            seen.addAll(l.weights());
        }
        return List.copyOf(seen);
    }

    /** The symbolic output of the named layer in this graph, to build a new model from it. */
    public SymbolicTensor outputOf(String layerName) {
        List<LayerCall> matches = calls.stream().filter(c -> c.layer().name().equals(layerName)).toList();
        if (matches.isEmpty()) {
            for (SymbolicTensor in : inputs) {
                if (in.layer().name().equals(layerName)) {
                    return in;
                }
            }
            if (findLayer(layerName) == null) {
                throw new NoSuchLayerException(noSuchLayer(layerName));
            }
            String nested = nestedModelHolding(layerName);
            throw new NoSuchLayerException("layer '" + layerName + "' is inside the nested model '" + nested + "' of '"
                    + name() + "'; cut that model instead: ((Model) model.layer(\"" + nested + "\")).cutAt(\""
                    + layerName + "\")");
        }
        if (matches.size() > 1) {
            throw new IllegalArgumentException("layer '" + layerName + "' is shared (called " + matches.size()
                    + " times in '" + name() + "'), so it has no single output");
        }
        return matches.getFirst().output();
    }

    /** A new model from this model's inputs to the named layer's output; it shares the layers and weights. */
    public Model cutAt(String layerName) {
        return new Model(name() + "_to_" + layerName, inputs, List.of(outputOf(layerName)));
    }

    /**
     * The same layers, weights shared, wired again to a new input of shape {@code shape} (without the batch
     * axis), as Keras calls a model on an {@code Input} of another size: a convolutional network ending in
     * global pooling runs on images of any size this way. Each call of this model is applied again, in
     * order, with its fixed training mode; a nested model whose input shape changes is wired again the same
     * way. A layer that cannot take the new shape (a {@code Flatten} feeding a {@code Dense}, a
     * {@code Reshape}) throws the {@link ShapeMismatchException} that names it. One input only.
     */
    public Model atInputShape(int... shape) {
        checkInputCount(1);
        if (Arrays.equals(shape, inputs.getFirst().shape())) {
            return this;
        }
        SymbolicTensor input = Input.of(inputs.getFirst().layer().name(), shape);
        Map<SymbolicTensor, SymbolicTensor> wired = replay(input, null, false);
        return new Model(name(), List.of(input), outputs.stream().map(wired::get).toList());
    }

    /**
     * Calls this model's layers again, one call at a time, on {@code input} in the caller's graph, and returns
     * the output: the layers and weights are shared, but no nested model appears (nested models are called
     * through the same way), so a Keras file lists each layer once however often it is called. With
     * {@code training} non-null every call is fixed in that mode, as {@code apply(inputs, training)} fixes a
     * nested model's call; otherwise each call keeps its own fixed mode, if any. One input and one output.
     */
    public SymbolicTensor wireInto(SymbolicTensor input, Boolean training) {
        checkInputCount(1);
        if (outputs.size() != 1) {
            throw new IllegalStateException("model " + describe() + " has " + outputs.size() + " outputs; wireInto "
                    + "needs one");
        }
        return replay(input, training, true).get(outputs.getFirst());
    }

    /**
     * This model's calls applied again, in order, starting from {@code input}; returns each tensor of this
     * model's graph mapped to its new twin. {@code training} non-null fixes every call in that mode, else each
     * call keeps its own. A nested model is called through layer by layer ({@code flattenNested}, for
     * {@link #wireInto}) or called as a whole, first wired again for its new input shape ({@link #atInputShape}).
     */
    private Map<SymbolicTensor, SymbolicTensor> replay(SymbolicTensor input, Boolean training, boolean flattenNested) {
        Map<SymbolicTensor, SymbolicTensor> wired = new IdentityHashMap<>();
        wired.put(inputs.getFirst(), input);
        for (LayerCall call : calls) {
            List<SymbolicTensor> in = call.inputs().stream().map(wired::get).toList();
            Boolean mode = training != null ? training : call.fixedTraining();
            Layer layer = call.layer();
            if (layer instanceof Model nested && in.size() == 1) {
                if (flattenNested) {
                    wired.put(call.output(), nested.wireInto(in.getFirst(), mode));
                    continue;
                }
                layer = nested.atInputShape(in.getFirst().shape()); // the nested model itself when the shape is its own
            }
            wired.put(call.output(), mode == null ? layer.apply(in) : layer.apply(in, mode));
        }
        return wired;
    }

    // ---- devices -------------------------------------------------------------------------------------

    /**
     * Moves every weight of every layer, nested models included, trainable or not (batch-norm moving
     * statistics too), to {@code target}: later calls compute there, on inputs moved there
     * ({@code x.to(model.device())}; {@code Trainer} does it for each batch). Models that share these layers
     * (a {@link #cutAt} cut, a transfer model's head and extractor) share the move. Returns this.
     */
    @Override
    public Model to(Device target) {
        super.to(target);
        for (Layer l : layers) {
            l.to(target);
        }
        return this;
    }

    // ---- freezing -------------------------------------------------------------------------------------

    /** Freezes or unfreezes every layer, nested models included (Keras' {@code model.trainable = ...}). */
    @Override
    public void setTrainable(boolean value) {
        super.setTrainable(value);
        for (Layer l : layers) {
            l.setTrainable(value);
        }
    }

    /** True when any layer is trainable: a layer's own flag decides for its weights. */
    @Override
    public boolean isTrainable() {
        return layers.stream().anyMatch(Layer::isTrainable);
    }

    /**
     * Freezes every layer before the named one (in {@link #flattenedLayers} order) and unfreezes it and
     * every layer after it: the fine-tuning step "unfreeze the top blocks". A nested model's name stands
     * for its first layer, so {@code unfreezeFrom("base")} unfreezes the whole base and what follows it.
     *
     * <p>The {@link BatchNormalization} layers this unfreezes go back to batch statistics in training.
     * Keras' fine-tuning guide keeps them in inference mode instead: it calls the base with
     * {@code training=False}, which here is {@code base.apply(List.of(x), false)}; or freeze the BN
     * layers again with {@code setTrainable(false)}.
     */
    public void unfreezeFrom(String layerName) {
        Layer from = layer(layerName);
        Layer first = from instanceof Model m
                ? m.flattenedLayers().stream().filter(l -> !(l instanceof InputLayer)).findFirst().orElse(from)
                : from;
        List<Layer> flat = flattenedLayers();
        for (int i = 0; i < flat.size(); i++) {
            if (flat.get(i) == first) {
                unfreezeFrom(i);
                return;
            }
        }
        String nested = nestedModelHolding(layerName);
        throw new IllegalArgumentException("layer '" + layerName + "' is an input layer inside the nested model '"
                + nested + "' of '" + name() + "' and has no place in flattenedLayers(); unfreeze from '" + nested
                + "' or from its first layer");
    }

    /** As {@link #unfreezeFrom(String)} with an index into {@link #flattenedLayers}. */
    public void unfreezeFrom(int index) {
        List<Layer> flat = flattenedLayers();
        if (index < 0 || index > flat.size()) {
            throw new IndexOutOfBoundsException("layer index " + index + " is outside 0.." + flat.size()
                    + " for model '" + name() + "'");
        }
        for (int i = 0; i < flat.size(); i++) {
            flat.get(i).setTrainable(i >= index);
        }
    }

    /**
     * With {@code true}, frozen {@link BatchNormalization} layers still normalise with batch statistics
     * and update their moving statistics while training, the statistics half of fastai's {@code train_bn};
     * their gamma and beta stay frozen (fastai's {@code train_bn} trains those too: here, unfreeze the BN
     * layers with {@code setTrainable(true)} for that). The default, {@code false}, is Keras': a frozen BN
     * layer runs in inference mode.
     */
    public void trainBatchNormWhenFrozen(boolean value) {
        for (Layer l : flattenedLayers()) {
            if (l instanceof BatchNormalization bn) {
                bn.updateStatisticsWhenFrozen(value);
            }
        }
    }

    // ---- running --------------------------------------------------------------------------------------

    /**
     * Inference on one input batch: no tape, {@code training = false} (Keras' {@code predict}). The
     * intermediate activations are freed when it returns ({@link TensorScope}); only the output is kept.
     */
    public Tensor predict(Tensor x) {
        try (NoGrad ignored = NoGrad.enter(); TensorScope scope = TensorScope.open()) {
            return scope.keep(call(x, false));
        }
    }

    /**
     * Runs the graph on one batch per input and returns one batch per output. In training, a biased convolution and
     * its batch norm, and a batch norm and its ReLU, are one step each ({@link BiasedBatchNorm},
     * {@link ClampedBatchNorm}); they only gain with batch statistics, and without them they run their two layers
     * inside one step, which holds the step's input until both are done. So a call with {@code training = false} runs
     * the plan without them: {@code predict} frees a convolution's output as soon as its batch norm has read it (one
     * activation of MobileNetV2's 112x112x96 fewer at its peak).
     */
    public List<Tensor> callAll(List<Tensor> batches, boolean training) {
        if (inferenceSteps == null) {
            inferenceSteps = ClampedAdd.plan(JoinedPadding.plan(calls, outputs), outputs);
            trainingSteps = ClampedAdd.plan(ClampedBatchNorm.plan(
                    BiasedBatchNorm.plan(JoinedPadding.plan(calls, outputs), outputs), outputs), outputs);
        }
        return runSteps(training ? trainingSteps : inferenceSteps, batches, training);
    }

    /**
     * Runs {@code steps} (this graph's calls, or an {@link InferenceModel}'s steps over them) on one batch per
     * input after checking the batches' shapes against the inputs'; returns one batch per output.
     */
    List<Tensor> runSteps(List<? extends GraphStep> steps, List<Tensor> batches, boolean training) {
        checkInputCount(batches.size());
        List<int[]> shapes = batchShapes(describe(), batches);
        Map<SymbolicTensor, Tensor> values = new IdentityHashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            if (!Arrays.equals(shapes.get(i), inputs.get(i).shape())) {
                throw ShapeMismatchException.of(name() + " (input '" + inputs.get(i).layer().name() + "')",
                        "expects batches of shape " + inputs.get(i).shapeString(), batches.get(i).shape());
            }
            values.put(inputs.get(i), batches.get(i));
        }
        return GraphRunner.run(steps, values, inputs, outputs, training);
    }

    @Override
    protected int[] outputShape(List<int[]> inputShapes) {
        checkInputCount(inputShapes.size());
        if (outputs.size() != 1) {
            throw new IllegalStateException("model " + describe() + " has " + outputs.size() + " outputs, so it "
                    + "cannot be called or nested as a layer of one output; run it with callAll(...)");
        }
        for (int i = 0; i < inputs.size(); i++) {
            if (!Arrays.equals(inputShapes.get(i), inputs.get(i).shape())) {
                throw shapeError("input '" + inputs.get(i).layer().name() + "' expects batches of shape "
                        + inputs.get(i).shapeString(), inputShapes.get(i));
            }
        }
        return outputs.getFirst().shape();
    }

    /** Runs the graph; {@link #outputShape} has made sure that it has one output. */
    @Override
    protected Tensor forward(List<Tensor> batches, boolean training) {
        return callAll(batches, training).getFirst();
    }

    /** A Keras-like table of layers, output shapes and parameter counts. */
    public String summary() {
        return ModelSummary.of(this);
    }

    /** The calls of this graph in run order, input layers' calls excluded (the summary, {@link InferenceModel}). */
    List<LayerCall> calls() {
        return calls;
    }

    // ---- construction helpers ------------------------------------------------------------------------

    private <T> T single(List<T> list, String what) {
        if (list.size() != 1) {
            throw new IllegalStateException("model '" + name() + "' has " + list.size() + " " + what
                    + "s; use " + what + "s()");
        }
        return list.getFirst();
    }

    private void checkInputCount(int given) {
        if (given != inputs.size()) {
            throw new IllegalArgumentException("model " + describe() + " takes " + inputs.size()
                    + (inputs.size() == 1 ? " input" : " inputs") + ", got " + given);
        }
    }

    private void checkUniqueNames() {
        Set<String> names = new HashSet<>();
        for (Layer l : layers) {
            if (!names.add(l.name())) {
                throw new IllegalArgumentException("model '" + name() + "' has two different layers named '"
                        + l.name() + "'; layer names must be unique within a model");
            }
        }
    }

    private Layer findLayer(String layerName) {
        for (Layer l : layers) {
            if (l.name().equals(layerName)) {
                return l;
            }
        }
        for (Layer l : layers) {
            if (l instanceof Model m && m.findLayer(layerName) instanceof Layer found) {
                return found;
            }
        }
        return null;
    }

    /** The name of the nested model (one of {@link #layers}) in which {@link #findLayer} finds this layer. */
    private String nestedModelHolding(String layerName) {
        return layers.stream().filter(l -> l instanceof Model m && m.findLayer(layerName) != null)
                .map(Layer::name).findFirst().orElseThrow();
    }

    private String noSuchLayer(String layerName) {
        List<String> names = flattenedLayers().stream().map(Layer::name).toList();
        String close = names.stream().filter(n -> LayerNames.editDistance(n, layerName) <= 2).findFirst()
                .map(n -> " Did you mean '" + n + "'?").orElse("");
        String listed = names.size() <= 12 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 6)) + ", ..., " + String.join(", ", names.subList(names.size() - 3, names.size()));
        return "model '" + name() + "' has no layer '" + layerName + "'." + close + " Its " + names.size()
                + " layers: " + listed;
    }
}
