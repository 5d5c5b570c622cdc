package org.transfer4j.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.transfer4j.nn.layers.Activation;
import org.transfer4j.nn.layers.FoldableConvolution;
import org.transfer4j.nn.layers.MaxPooling2D;
import org.transfer4j.nn.layers.ReLU;
import org.transfer4j.nn.layers.ZeroPadding2D;
import org.transfer4j.tensor.Tensor;

/**
 * A {@code ZeroPadding2D} and the window layer reading it run as one step, so the padded copy is never made:
 * <ul>
 *   <li>a convolution pads as it goes ({@link FoldableConvolution#forwardPadded}); same values, the padded zeros
 *       only ever added zero products. Keras' MobileNetV2 pads before each strided depthwise convolution; in
 *       training that copy was kept for the convolution's backward pass besides the unpadded activation the ReLU
 *       keeps (314 MB at batch 64 for block 1 alone);</li>
 *   <li>a {@code MaxPooling2D} whose input comes straight from a ReLU leaves the zeros out of its windows
 *       ({@link MaxPooling2D#poolZeroPadded}): with no negative input a zero never wins. Keras' ResNet50 pads
 *       before its first pooling (213 MB at batch 64).</li>
 * </ul>
 */
final class JoinedPadding implements GraphStep {
    private final LayerCall padding;
    private final LayerCall consumer; // the convolution or the max pooling
    private final int[] pads;

    private JoinedPadding(LayerCall padding, LayerCall consumer) {
        this.padding = padding;
        this.consumer = consumer;
        this.pads = ((ZeroPadding2D) padding.layer()).padding();
    }

    /** {@code calls} with each foldable padding and its convolution as one step, at the convolution's place. */
    static List<GraphStep> plan(List<LayerCall> calls, List<SymbolicTensor> outputs) {
        StepIndex<LayerCall> index = new StepIndex<>(calls, outputs);
        Set<LayerCall> folded = Collections.newSetFromMap(new IdentityHashMap<>());
        List<GraphStep> steps = new ArrayList<>();
        for (LayerCall call : calls) {
            LayerCall pad = call.inputs().size() == 1 ? index.producer(call.inputs().getFirst()) : null;
            if (pad != null && index.soleReader(pad.output()) == call && (foldable(pad, call)
                    || poolable(pad, call, index.producer(pad.inputs().getFirst())))) {
                folded.add(pad);
                steps.add(new JoinedPadding(pad, call));
            } else {
                steps.add(call);
            }
        }
        steps.removeIf(s -> s instanceof LayerCall c && folded.contains(c));
        return steps;
    }

    /**
     * Whether {@code pad}, a value only {@code conv} reads, can join it: a channels_last zero padding before a
     * channels_last convolution.
     */
    static boolean foldable(LayerCall pad, LayerCall conv) {
        return pad.layer() instanceof ZeroPadding2D zp && zp.dataFormat().equals("channels_last")
                && conv.layer() instanceof FoldableConvolution fc && fc.isChannelsLast();
    }

    /**
     * Whether {@code pad}, a value only {@code pool} reads, can join that max pooling: its input made by a ReLU
     * ({@code source}: never negative) and the pooling able to leave the zeros out.
     */
    static boolean poolable(LayerCall pad, LayerCall pool, LayerCall source) {
        return pad.layer() instanceof ZeroPadding2D zp && zp.dataFormat().equals("channels_last")
                && source != null && nonNegative(source.layer())
                && pool.layer() instanceof MaxPooling2D mp && mp.joinsZeroPadding(zp.padding());
    }

    /** A ReLU without threshold or negative slope (ReLU6 too), or Activation relu/relu6: outputs >= 0 or NaN. */
    private static boolean nonNegative(Layer layer) {
        return switch (layer) {
            case ReLU r -> r.threshold() == 0f && r.negativeSlope() == 0f;
            case Activation a -> a.activation().equals("relu") || a.activation().equals("relu6");
            default -> false;
        };
    }

    /** The convolution or pooling the padding joined. */
    LayerCall consumer() {
        return consumer;
    }

    /** The padding's {@code {top, bottom, left, right}}. */
    int[] pads() {
        return pads.clone();
    }

    @Override
    public List<SymbolicTensor> inputs() {
        return padding.inputs();
    }

    @Override
    public SymbolicTensor output() {
        return consumer.output();
    }

    @Override
    public Tensor run(List<Tensor> values, boolean modelTraining) {
        return consumer.layer() instanceof MaxPooling2D pool ? pool.poolZeroPadded(values.getFirst(), pads)
                : ((FoldableConvolution) consumer.layer()).forwardPadded(values.getFirst(), pads);
    }

    /** The convolution or pooling reads its (unpadded) input. */
    @Override
    public boolean backwardReadsInputs() {
        return true;
    }

    @Override
    public boolean backwardReadsOutput() {
        return consumer.backwardReadsOutput();
    }
}
