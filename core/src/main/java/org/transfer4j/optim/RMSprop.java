package org.transfer4j.optim;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.transfer4j.nn.Weight;
import org.transfer4j.tensor.Tensor;

/**
 * RMSprop (Hinton's lecture 6e), optionally centered and with momentum. With rate {@code lr}:
 * <ul>
 *   <li>{@link Convention#KERAS} ({@code keras.optimizers.RMSprop.update_step}; defaults {@code rho = 0.9},
 *       {@code epsilon = 1e-7}): {@code v = rho*v + (1-rho)*g^2}; centered {@code a = rho*a + (1-rho)*g},
 *       {@code denominator = v - a^2 + epsilon}, else {@code v + epsilon};
 *       {@code increment = lr * g / sqrt(denominator)}; with momentum {@code u = momentum*u + increment},
 *       {@code w -= u}, else {@code w -= increment}. Weight decay is decoupled ({@code w -= w * wd * lr} first).
 *       Slots {@code velocity}, {@code average_gradient}, {@code momentum}.</li>
 *   <li>{@link Convention#PYTORCH} ({@code torch.optim.RMSprop}; defaults {@code alpha = 0.99},
 *       {@code eps = 1e-8}): "g_t ← g_t + λθ_{t-1}" (L2); "v_t ← α v_{t-1} + (1 - α) g_t^2";
 *       centered "g^ave_t ← g^ave_{t-1} α + (1-α) g_t", "ṽ_t ← v_t - (g^ave_t)^2"; with momentum
 *       "b_t ← μ b_{t-1} + g_t/(sqrt(ṽ_t) + ε)", "θ_t ← θ_{t-1} - γ b_t", else
 *       "θ_t ← θ_{t-1} - γ g_t/(sqrt(ṽ_t) + ε)". Slots {@code square_avg}, {@code grad_avg}, {@code momentum_buffer}.</li>
 * </ul>
 * Momentum defaults to 0 and centering to off in both. A group's {@code momentum} and {@code weightDecay}
 * override these.
 */
public final class RMSprop extends Optimizer {
    private double rho;
    private double epsilon;
    private double momentum;
    private boolean centered;

    /** Keras' rules; {@code learningRate} is the base rate. */
    public RMSprop(List<ParamGroup> groups, double learningRate) {
        this(groups, learningRate, Convention.KERAS);
    }

    public RMSprop(List<ParamGroup> groups, double learningRate, Convention convention) {
        super(groups, learningRate, convention);
        this.rho = convention == Convention.KERAS ? 0.9 : 0.99;
        this.epsilon = convention == Convention.KERAS ? 1e-7 : 1e-8;
    }

    /** The discount of the square average: Keras' {@code rho}, PyTorch's {@code alpha}; in [0, 1). */
    public RMSprop rho(double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException("RMSprop: rho (alpha) must be in [0, 1), got " + value);
        }
        this.rho = value;
        return this;
    }

    public RMSprop epsilon(double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("RMSprop: epsilon must be finite and >= 0, got " + value);
        }
        this.epsilon = value;
        return this;
    }

    /** The momentum of groups that set none, in [0, 1]. */
    public RMSprop momentum(double value) {
        this.momentum = SGD.checkMomentum("RMSprop", value);
        return this;
    }

    /** Normalise by the estimated variance of the gradient instead of its second moment. */
    public RMSprop centered(boolean value) {
        this.centered = value;
        return this;
    }

    /** The weight decay of groups that set none (decoupled under Keras, L2 under PyTorch). */
    public RMSprop weightDecay(double value) {
        setDefaultWeightDecay(value);
        return this;
    }

    @Override
    protected Set<String> slotNames(ParamGroup group) {
        Set<String> names = new HashSet<>(Set.of(squareAvgName()));
        if (centered) {
            names.add(gradAvgName());
        }
        if (momentumOf(group) > 0) {
            names.add(bufferName());
        }
        return names;
    }

    @Override
    protected void update(ParamGroup group, List<Weight> weights, List<Tensor> grads, double rate) {
        double m = momentumOf(group);
        // The weights of a group differ only in their decay (none for BN weights and biases).
        for (UpdateBatch<Double> b : UpdateBatch.split(weights, grads, w -> weightDecay(group, w))) {
            double wd = b.scalars();
            List<Tensor> squareAvgs = b.slots(w -> slot(w, squareAvgName()));
            List<Tensor> gradAvgs = centered ? b.slots(w -> slot(w, gradAvgName())) : null;
            List<Tensor> buffers = m > 0 ? b.slots(w -> slot(w, bufferName())) : null;
            if (convention() == Convention.KERAS) {
                b.backend().rmspropUpdateGroup(b.params(), b.grads(), squareAvgs, gradAvgs, buffers, rho, m, epsilon, 0,
                        rate, -1, 0, rate * wd);
            } else {
                b.backend().rmspropUpdateGroup(b.params(), b.grads(), squareAvgs, gradAvgs, buffers, rho, m, 0, epsilon,
                        1, -rate, wd, 0);
            }
        }
    }

    private double momentumOf(ParamGroup group) {
        return group.momentum().orElse(momentum);
    }

    private String squareAvgName() {
        return convention() == Convention.KERAS ? "velocity" : "square_avg";
    }

    private String gradAvgName() {
        return convention() == Convention.KERAS ? "average_gradient" : "grad_avg";
    }

    private String bufferName() {
        return convention() == Convention.KERAS ? "momentum" : "momentum_buffer";
    }
}
