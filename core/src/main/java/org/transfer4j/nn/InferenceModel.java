package org.transfer4j.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.transfer4j.autograd.NoGrad;
import org.transfer4j.nn.layers.Add;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.FoldableConvolution;
import org.transfer4j.nn.layers.ZeroPadding2D;
import org.transfer4j.tensor.Tensor;
import org.transfer4j.tensor.TensorScope;

/**
 * A model prepared for inference, as inference engines prepare one (PyTorch's {@code fuse_conv_bn_eval},
 * TensorRT): the same layers and weights, with each convolution and the channel-wise layers after it run as one
 * step, the bare convolution plus a single pass over its output ({@link ConvolutionEpilogue}):
 *
 * <pre>
 *   [ZeroPadding2D] -> Conv2D | DepthwiseConv2D -> [BatchNormalization] -> [Add] -> [ReLU | relu | relu6]
 * </pre>
 *
 * In MobileNetV2 the passes over memory after a block's three convolutions (three batch norms, two ReLU6, the
 * residual add, the zero padding before a strided depthwise convolution) become three; in ResNet50 a
 * bottleneck's eleven (three bias adds, three batch norms, three ReLUs, the add and its ReLU) become three. The result equals {@link Model#predict} up to float rounding (the batch norm
 * is applied as one scale and shift per channel, computed in double).
 *
 * <p>Nested models are called through (the graph is {@link Model#wireInto} flattened), every call in inference
 * mode unless the graph fixed its mode ({@code layer.apply(x, true)}), as {@link Model#predict} runs it: a batch
 * norm fixed in training mode normalises with its batch's statistics and is not folded. A layer that is not part
 * of such a chain runs as in {@link Model#predict}; so does a chain whose intermediate value is read elsewhere (an
 * output, a second branch), which then cannot be skipped.
 *
 * <p><b>A snapshot of the per-channel values.</b> The convolution kernels are read live, but the scale and
 * shift of each step (from the biases and the batch norms' four vectors) are computed when this object is made:
 * after the weights change (training, {@link Weight#assign}), call {@link #refresh}. A move of the model to
 * another device ({@link Model#to}) is followed.
 */
public final class InferenceModel {
    private final Model flat;
    private final List<GraphStep> steps;
    private final List<ConvolutionEpilogue> epilogues;

    private InferenceModel(Model flat, List<GraphStep> steps, List<ConvolutionEpilogue> epilogues) {
        this.flat = flat;
        this.steps = List.copyOf(steps);
        this.epilogues = List.copyOf(epilogues);
    }

    /** Prepares {@code model} (one input, one output) for inference; reads its current weights. */
    public static InferenceModel of(Model model) {
        SymbolicTensor input = Input.of(model.input().layer().name(), model.input().shape());
        // each call keeps a training mode fixed in the graph (apply(x, true)), as Model.predict does
        Model flat = new Model(model.name() + "_inference", List.of(input), List.of(model.wireInto(input, null)));
        List<ConvolutionEpilogue> epilogues = new ArrayList<>();
        List<GraphStep> steps = new Planner(flat).plan(epilogues);
        return new InferenceModel(flat, steps, epilogues);
    }

    /** Inference on one batch {@code x (N, ...)}, as {@link Model#predict}: no tape, intermediates freed. */
    public Tensor predict(Tensor x) {
        try (NoGrad ignored = NoGrad.enter(); TensorScope scope = TensorScope.open()) {
            return scope.keep(flat.runSteps(steps, List.of(x), false).getFirst());
        }
    }

    /** Recomputes every step's scale and shift from the weights as they are now; returns this. */
    public InferenceModel refresh() {
        epilogues.forEach(ConvolutionEpilogue::refresh);
        return this;
    }

    /** Each fused step's layers, {@code "conv1_conv + conv1_bn + conv1_relu"}, in the order they run. */
    public List<String> fusedLayers() {
        return epilogues.stream().map(ConvolutionEpilogue::describe).toList();
    }

    /** How many batch normalisations were folded into a convolution's epilogue. */
    public long foldedBatchNorms() {
        return epilogues.stream().filter(ConvolutionEpilogue::foldsBatchNorm).count();
    }

    /** The flattened graph this runs: the source model's layers and weights. */
    public Model model() {
        return flat;
    }

    /** Finds the chains in a flattened graph and orders the steps. */
    private static final class Planner {
        private final List<LayerCall> calls;
        private final StepIndex<LayerCall> index;
        private final Set<LayerCall> taken = Collections.newSetFromMap(new IdentityHashMap<>());

        Planner(Model flat) {
            this.calls = flat.calls();
            this.index = new StepIndex<>(calls, flat.outputs());
        }

        /** The steps in graph order: each chain at the place of its last call, the other calls as they are. */
        List<GraphStep> plan(List<ConvolutionEpilogue> epilogues) {
            Map<LayerCall, ConvolutionEpilogue> byLastCall = new IdentityHashMap<>();
            for (LayerCall call : calls) {
                if (call.layer() instanceof FoldableConvolution conv && conv.isChannelsLast()) {
                    ConvolutionEpilogue e = chainFrom(call, conv);
                    if (e != null) {
                        epilogues.add(e);
                    }
                }
            }
            for (ConvolutionEpilogue e : epilogues) {
                byLastCall.put(index.producer(e.output()), e);
            }
            List<GraphStep> steps = new ArrayList<>();
            for (LayerCall call : calls) {
                ConvolutionEpilogue e = byLastCall.get(call);
                if (e != null) {
                    steps.add(e);
                } else if (!taken.contains(call)) {
                    steps.add(call);
                }
            }
            return steps;
        }

        /** The longest chain from this convolution, or null when there is nothing to fuse. */
        private ConvolutionEpilogue chainFrom(LayerCall convCall, FoldableConvolution conv) {
            float[] bounds = ClampBounds.ofName(conv.activation());
            if (bounds == null) {
                return null; // an activation the epilogue cannot apply (sigmoid, swish...)
            }
            List<LayerCall> chain = new ArrayList<>();
            SymbolicTensor input = convCall.inputs().getFirst();
            int[] pads = {0, 0, 0, 0};
            LayerCall padding = index.producer(input);
            if (padding != null && soleReader(input) == convCall && JoinedPadding.foldable(padding, convCall)) {
                chain.add(padding);
                pads = ((ZeroPadding2D) padding.layer()).padding();
                input = padding.inputs().getFirst();
            }
            chain.add(convCall);
            BatchNormalization batchNorm = null;
            SymbolicTensor residual = null;
            SymbolicTensor value = convCall.output();
            if (conv.activation().equals("linear")) {
                LayerCall next = soleReader(value);
                if (next != null && next.layer() instanceof BatchNormalization bn
                        && bn.normalisesLastAxis(value.shape().length + 1)
                        && !bn.usesBatchStatistics(next.training(false))) {
                    batchNorm = bn;
                    chain.add(next);
                    value = next.output();
                    next = soleReader(value);
                }
                if (next != null && next.layer() instanceof Add && next.inputs().size() == 2) {
                    SymbolicTensor other = next.inputs().get(next.inputs().get(0) == value ? 1 : 0);
                    if (other != value && Arrays.equals(other.shape(), value.shape())) {
                        residual = other;
                        chain.add(next);
                        value = next.output();
                        next = soleReader(value);
                    }
                }
                float[] after = next == null ? null : ClampBounds.of(next.layer());
                if (after != null) {
                    bounds = after;
                    chain.add(next);
                }
            }
            boolean gains = chain.size() > 1 || conv.biasWeight() != null || !conv.activation().equals("linear");
            if (!gains) {
                return null;
            }
            taken.addAll(chain);
            return new ConvolutionEpilogue(chain, convCall, input, pads, batchNorm, residual, bounds[0], bounds[1]);
        }

        /** {@link StepIndex#soleReader}, when no other chain has taken that reader. */
        private LayerCall soleReader(SymbolicTensor value) {
            LayerCall r = index.soleReader(value);
            return r == null || taken.contains(r) ? null : r;
        }
    }
}
