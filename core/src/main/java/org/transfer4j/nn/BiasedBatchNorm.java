package org.transfer4j.nn;

import java.util.List;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.FoldableConvolution;
import org.transfer4j.tensor.Tensor;

/**
 * A convolution with a bias (and no activation) and the batch normalisation reading it, as one step: when the
 * batch norm normalises with the batch's statistics (training), the bias cancels in the normalisation, so the
 * step skips adding it ({@link BatchNormalization#forwardAfterBias}: the same output, the moving mean still moves
 * by the bias, the bias's gradient is exactly 0 instead of rounding noise). In Keras' ResNet50 that is 53 passes
 * over an activation and 53 gradient reductions less per training step. In inference, or for a frozen batch
 * norm, the step computes the two layers as they are. A zero padding joined to the convolution
 * ({@link JoinedPadding}) stays joined.
 */
final class BiasedBatchNorm implements GraphStep {
    private final GraphStep convolutionStep;
    private final FoldableConvolution convolution;
    private final int[] pads;
    private final LayerCall batchNorm;

    private BiasedBatchNorm(GraphStep convolutionStep, FoldableConvolution convolution, int[] pads, LayerCall batchNorm) {
        this.convolutionStep = convolutionStep;
        this.convolution = convolution;
        this.pads = pads;
        this.batchNorm = batchNorm;
    }

    /** {@code steps} with each such convolution and batch norm as one step, at the batch norm's place. */
    static List<GraphStep> plan(List<GraphStep> steps, List<SymbolicTensor> outputs) {
        return StepIndex.joinWithProducers(steps, outputs, BiasedBatchNorm::fuse);
    }

    /** The fused step of {@code conv} and {@code bn}, or null when they do not qualify. */
    private static BiasedBatchNorm fuse(GraphStep conv, LayerCall bn, StepIndex<GraphStep> index) {
        if (!(bn.layer() instanceof BatchNormalization norm) || index.soleReader(conv.output()) != bn) {
            return null;
        }
        LayerCall convCall = switch (conv) {
            case LayerCall c -> c;
            case JoinedPadding j -> j.consumer();
            default -> null;
        };
        if (convCall == null || !(convCall.layer() instanceof FoldableConvolution fc) || !fc.isChannelsLast()
                || fc.biasWeight() == null || !fc.activation().equals("linear")
                || !norm.normalisesLastAxis(conv.output().shape().length + 1)) {
            return null;
        }
        int[] pads = conv instanceof JoinedPadding j ? j.pads() : new int[] {0, 0, 0, 0};
        return new BiasedBatchNorm(conv, fc, pads, bn);
    }

    /** The batch norm's call. */
    LayerCall batchNormCall() {
        return batchNorm;
    }

    /**
     * The step in training with batch statistics, its output clamped to {@code [low, high]} in the batch norm's
     * pass ({@link BatchNormalization#forwardClamped}): for {@link ClampedBatchNorm}.
     */
    Tensor runClamped(List<Tensor> values, float low, float high) {
        Tensor z = convolution.convolveBare(values.getFirst(), pads);
        z.freeAfterBackward();
        return ((BatchNormalization) batchNorm.layer()).forwardClamped(z, convolution.biasWeight().value(), low, high);
    }

    @Override
    public List<SymbolicTensor> inputs() {
        return convolutionStep.inputs();
    }

    @Override
    public SymbolicTensor output() {
        return batchNorm.output();
    }

    @Override
    public Tensor run(List<Tensor> values, boolean modelTraining) {
        BatchNormalization norm = (BatchNormalization) batchNorm.layer();
        boolean training = batchNorm.training(modelTraining);
        // the convolution's output is this step's own: once a backward pass is past it, nothing reads it
        if (!norm.usesBatchStatistics(training)) {
            Tensor biased = convolution.forwardPadded(values.getFirst(), pads);
            biased.freeAfterBackward();
            return batchNorm.run(List.of(biased), modelTraining);
        }
        Tensor z = convolution.convolveBare(values.getFirst(), pads);
        z.freeAfterBackward();
        return norm.forwardAfterBias(z, convolution.biasWeight().value());
    }

    /** The convolution reads its input. */
    @Override
    public boolean backwardReadsInputs() {
        return true;
    }

    /** The batch norm reads its input (the convolution's output, inside this step), not its output. */
    @Override
    public boolean backwardReadsOutput() {
        return false;
    }
}
