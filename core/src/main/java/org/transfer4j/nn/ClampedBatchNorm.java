package org.transfer4j.nn;

import java.util.List;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.tensor.Tensor;
import org.transfer4j.tensor.TensorScope;

/**
 * A batch norm and the ReLU or ReLU6 that alone reads it, as one step. In training, with batch statistics, the batch
 * norm clamps its output in its own output pass and its backward pass masks the gradient as it reads it
 * ({@link BatchNormalization#forwardClamped}): the values and gradients of the two layers bit for bit, with one pass
 * over the activation fewer forward (the ReLU's) and one fewer backward (the ReLU's gradient). PyTorch eager runs
 * the two apart. Keras' ResNet50 has 49 such pairs, MobileNetV2 35. In inference, or for a frozen batch norm, the two
 * layers run as they are, and the batch norm's output is freed as soon as the activation has read it, as the graph
 * runner would free it.
 *
 * <p>The batch norm step is its layer's call, normalising the last axis, or a {@link BiasedBatchNorm} (a biased
 * convolution and the batch norm after it).
 */
final class ClampedBatchNorm implements GraphStep {
    private final GraphStep batchNormStep;
    private final LayerCall batchNormCall;
    private final LayerCall activation;
    private final float low;
    private final float high;

    private ClampedBatchNorm(GraphStep batchNormStep, LayerCall batchNormCall, LayerCall activation, float[] bounds) {
        this.batchNormStep = batchNormStep;
        this.batchNormCall = batchNormCall;
        this.activation = activation;
        this.low = bounds[0];
        this.high = bounds[1];
    }

    /** {@code steps} with each such batch norm and activation as one step, at the activation's place. */
    static List<GraphStep> plan(List<GraphStep> steps, List<SymbolicTensor> outputs) {
        return StepIndex.joinWithProducers(steps, outputs, ClampedBatchNorm::fuse);
    }

    /** The fused step of {@code norm} and {@code act}, or null when they do not qualify. */
    private static ClampedBatchNorm fuse(GraphStep norm, LayerCall act, StepIndex<GraphStep> index) {
        if (index.soleReader(norm.output()) != act) {
            return null;
        }
        float[] bounds = ClampBounds.of(act.layer());
        if (bounds == null || !ClampBounds.clamps(bounds)) {
            return null;
        }
        LayerCall call = switch (norm) {
            case LayerCall c -> c;
            case BiasedBatchNorm b -> b.batchNormCall();
            default -> null;
        };
        if (call == null || !(call.layer() instanceof BatchNormalization bn)
                || !bn.normalisesLastAxis(norm.output().shape().length + 1)) {
            return null;
        }
        return new ClampedBatchNorm(norm, call, act, bounds);
    }

    @Override
    public List<SymbolicTensor> inputs() {
        return batchNormStep.inputs();
    }

    @Override
    public SymbolicTensor output() {
        return activation.output();
    }

    @Override
    public Tensor run(List<Tensor> values, boolean modelTraining) {
        BatchNormalization norm = (BatchNormalization) batchNormCall.layer();
        if (norm.usesBatchStatistics(batchNormCall.training(modelTraining))) {
            return switch (batchNormStep) {
                case BiasedBatchNorm biased -> biased.runClamped(values, low, high);
                default -> norm.forwardClamped(values.getFirst(), null, low, high);
            };
        }
        Tensor normalised = batchNormStep.run(values, modelTraining);
        Tensor y = activation.run(List.of(normalised), modelTraining);
        // no backward pass reads it: the batch norm reads its input, the clamp its output
        TensorScope scope = TensorScope.current();
        if (scope != null) {
            scope.freeWhereOwnedUnlessUsed(normalised.storage(), List.of(y));
        }
        return y;
    }

    /** The batch norm reads its input (or the convolution inside a {@link BiasedBatchNorm} reads its own). */
    @Override
    public boolean backwardReadsInputs() {
        return true;
    }

    /** The clamp's derivative is read from the output. */
    @Override
    public boolean backwardReadsOutput() {
        return true;
    }
}
