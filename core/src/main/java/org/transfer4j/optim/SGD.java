package org.transfer4j.optim;

import java.util.List;
import java.util.Set;
import org.transfer4j.nn.Weight;
import org.transfer4j.tensor.Tensor;

/**
 * Stochastic gradient descent with optional (Nesterov) momentum and weight decay. Defaults: no
 * momentum, no Nesterov, no decay, in both conventions. With learning rate {@code lr}, momentum
 * {@code m} and gradient {@code g}:
 * <ul>
 *   <li>{@link Convention#KERAS} ({@code keras.optimizers.SGD}): "velocity = momentum * velocity -
 *       learning_rate * g; w = w + velocity", with Nesterov "w = w + momentum * velocity -
 *       learning_rate * g"; without momentum "w = w - learning_rate * g". Weight decay is decoupled,
 *       before the update: {@code w = w - w * wd * lr}. Slot {@code momentum} holds the velocity.</li>
 *   <li>{@link Convention#PYTORCH} ({@code torch.optim.SGD}, dampening 0): "g_t ← g_t + λθ_{t-1}" (L2);
 *       "b_t ← μ b_{t-1} + g_t" ({@code b_1 = g_1}); Nesterov "g_t ← g_t + μ b_t", else "g_t ← b_t";
 *       "θ_t ← θ_{t-1} - γ g_t". Slot {@code momentum_buffer} holds b.</li>
 * </ul>
 * The two momentum forms agree while the rate is constant ({@code velocity = -lr * b}) and differ when
 * a schedule changes it: Keras' velocity keeps the old rates, PyTorch applies the new one to all of b.
 * Without momentum Nesterov has no effect. A group's {@code momentum} and {@code weightDecay} override these.
 */
public final class SGD extends Optimizer {
    private double momentum;
    private boolean nesterov;

    /** Keras' rules; {@code learningRate} is the base rate. */
    public SGD(List<ParamGroup> groups, double learningRate) {
        this(groups, learningRate, Convention.KERAS);
    }

    public SGD(List<ParamGroup> groups, double learningRate, Convention convention) {
        super(groups, learningRate, convention);
    }

    /** The momentum of groups that set none, in [0, 1]. */
    public SGD momentum(double value) {
        this.momentum = checkMomentum("SGD", value);
        return this;
    }

    public SGD nesterov(boolean value) {
        this.nesterov = value;
        return this;
    }

    /** The weight decay of groups that set none (decoupled under Keras, L2 under PyTorch). */
    public SGD weightDecay(double value) {
        setDefaultWeightDecay(value);
        return this;
    }

    @Override
    protected Set<String> slotNames(ParamGroup group) {
        return momentumOf(group) != 0 ? Set.of(bufferName()) : Set.of();
    }

    @Override
    protected void update(ParamGroup group, List<Weight> weights, List<Tensor> grads, double rate) {
        double m = momentumOf(group);
        // The weights of a group differ only in their decay (none for BN weights and biases).
        for (UpdateBatch<Double> b : UpdateBatch.split(weights, grads, w -> weightDecay(group, w))) {
            double wd = b.scalars();
            List<Tensor> buffers = m != 0 ? b.slots(w -> slot(w, bufferName())) : null;
            if (convention() == Convention.KERAS) {
                b.backend().sgdUpdateGroup(b.params(), b.grads(), buffers, m, -rate, 1, nesterov, 0, rate * wd);
            } else {
                b.backend().sgdUpdateGroup(b.params(), b.grads(), buffers, m, 1, -rate, nesterov, wd, 0);
            }
        }
    }

    private double momentumOf(ParamGroup group) {
        return group.momentum().orElse(momentum);
    }

    private String bufferName() {
        return convention() == Convention.KERAS ? "momentum" : "momentum_buffer";
    }

    static double checkMomentum(String owner, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(owner + ": momentum must be in [0, 1], got " + value);
        }
        return value;
    }
}
