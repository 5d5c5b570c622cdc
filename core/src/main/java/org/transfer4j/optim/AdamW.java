package org.transfer4j.optim;

import java.util.List;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter, "Decoupled Weight Decay Regularization"):
 * before Adam's update, {@code w -= lr * wd * w} (PyTorch {@code torch.optim.AdamW}:
 * "θ_t ← θ_{t-1} - γλθ_{t-1}"; Keras {@code keras.optimizers.AdamW}: {@code w - w * wd * lr}), in both
 * conventions. Default decay: {@code 0.004} (Keras) or {@code 0.01} (PyTorch); everything else as
 * {@link Adam}. Batch-norm weights and biases are not decayed unless their group asks
 * ({@link ParamGroup#decayNormAndBias}).
 */
public final class AdamW extends Adam {
    /** Keras' rules; {@code learningRate} is the base rate. */
    public AdamW(List<ParamGroup> groups, double learningRate) {
        this(groups, learningRate, Convention.KERAS);
    }

    public AdamW(List<ParamGroup> groups, double learningRate, Convention convention) {
        super(groups, learningRate, convention);
        weightDecay(convention == Convention.KERAS ? 0.004 : 0.01);
    }

    @Override
    protected boolean decoupledDecay() {
        return true;
    }
}
