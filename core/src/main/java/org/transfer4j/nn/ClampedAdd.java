package org.transfer4j.nn;

import java.util.Arrays;
import java.util.List;
import org.transfer4j.nn.layers.Add;
import org.transfer4j.ops.Arithmetic;
import org.transfer4j.tensor.Tensor;

/**
 * A two-input {@code Add} and the ReLU or ReLU6 that alone reads it, as one step: the sum is clamped in its own pass
 * ({@link Arithmetic#addClamped}), the values and gradients of the two layers bit for bit with one pass over the
 * activation fewer forward (the ReLU's), and the sum never made. An Add has no training mode, so the step is the
 * same in training and in inference ({@code predict}). Keras' ResNet50 ends each of its 16 bottlenecks so (the
 * shortcut's sum, then the block's ReLU); MobileNetV2's Adds have no activation after them.
 *
 * <p>The inputs must have one shape (no broadcasting); the op still computes a view among them as the two ops
 * apart.
 */
final class ClampedAdd implements GraphStep {
    private final LayerCall add;
    private final LayerCall activation;
    private final float low;
    private final float high;

    private ClampedAdd(LayerCall add, LayerCall activation, float[] bounds) {
        this.add = add;
        this.activation = activation;
        this.low = bounds[0];
        this.high = bounds[1];
    }

    /** {@code steps} with each such Add and activation as one step, at the activation's place. */
    static List<GraphStep> plan(List<GraphStep> steps, List<SymbolicTensor> outputs) {
        return StepIndex.joinWithProducers(steps, outputs, ClampedAdd::fuse);
    }

    /** The fused step of {@code sum} and {@code act}, or null when they do not qualify. */
    private static ClampedAdd fuse(GraphStep sum, LayerCall act, StepIndex<GraphStep> index) {
        // Add itself: a subclass may compute something else
        if (!(sum instanceof LayerCall call) || call.layer().getClass() != Add.class || call.inputs().size() != 2
                || index.soleReader(call.output()) != act
                || !Arrays.equals(call.inputs().get(0).shape(), call.inputs().get(1).shape())) {
            return null;
        }
        float[] bounds = ClampBounds.of(act.layer());
        if (bounds == null || !ClampBounds.clamps(bounds)) {
            return null;
        }
        return new ClampedAdd(call, act, bounds);
    }

    @Override
    public List<SymbolicTensor> inputs() {
        return add.inputs();
    }

    @Override
    public SymbolicTensor output() {
        return activation.output();
    }

    @Override
    public Tensor run(List<Tensor> values, boolean modelTraining) {
        return Arithmetic.addClamped(values.get(0), values.get(1), low, high);
    }

    /** A sum's gradient is its output's, for both inputs: no values are read. */
    @Override
    public boolean backwardReadsInputs() {
        return false;
    }

    /** The clamp's derivative is read from the output. */
    @Override
    public boolean backwardReadsOutput() {
        return true;
    }
}
