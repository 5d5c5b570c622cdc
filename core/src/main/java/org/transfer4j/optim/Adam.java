package org.transfer4j.optim;

import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.transfer4j.nn.Weight;
import org.transfer4j.tensor.Tensor;

/**
 * Adam (Kingma and Ba, 2014). Defaults: {@code beta1 = 0.9}, {@code beta2 = 0.999}, no weight decay;
 * epsilon {@code 1e-7} (Keras) or {@code 1e-8} (PyTorch). With rate {@code lr} and step {@code t}:
 * <ul>
 *   <li>{@link Convention#KERAS} ({@code keras.optimizers.Adam.update_step}):
 *       {@code alpha = lr * sqrt(1 - beta2^t) / (1 - beta1^t)}; {@code m += (g - m) * (1 - beta1)};
 *       {@code v += (g^2 - v) * (1 - beta2)}; {@code w -= alpha * m / (sqrt(v) + epsilon)}, where epsilon
 *       is "epsilon hat" of the paper. Weight decay is decoupled ({@code w -= w * wd * lr} first), as for
 *       every Keras 3 optimizer. Slots {@code momentum}, {@code velocity}.</li>
 *   <li>{@link Convention#PYTORCH} ({@code torch.optim.Adam}): "g_t ← g_t + λθ_{t-1}" (L2);
 *       "m_t ← β1 m_{t-1} + (1 - β1) g_t"; "v_t ← β2 v_{t-1} + (1 - β2) g_t^2";
 *       "m̂_t ← m_t/(1 - β1^t)"; "v̂_t ← v_t/(1 - β2^t)"; "θ_t ← θ_{t-1} - γ m̂_t/(sqrt(v̂_t) + ε)".
 *       Slots {@code exp_avg}, {@code exp_avg_sq}.</li>
 * </ul>
 * Both run as {@code w -= stepSize * m / (sqrt(v) + epsHat)} with {@code stepSize = lr * sqrt(bc2) / bc1};
 * PyTorch's epsilon sits inside the bias correction, so its {@code epsHat = eps * sqrt(bc2)}.
 * A group's {@code betas} and {@code weightDecay} override these. No AMSGrad.
 *
 * <p>In both conventions t counts this weight's own updates, 1 on its first (PyTorch's per-parameter
 * {@code state['step']}). Keras writes {@code t = iterations + 1}, the same for a weight updated at every
 * step; a weight that starts late (unfrozen for fine-tuning) never meets Keras' rule, since Keras needs a
 * new optimizer, starting at t = 1, for variables it was not built with. With the optimizer's count such a
 * weight would start from zero moments at a large t, where the bias correction no longer scales them up:
 * its steps would be several times the rate for dozens of updates.
 */
public class Adam extends Optimizer {
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double epsilon;

    /** Keras' rules; {@code learningRate} is the base rate. */
    public Adam(List<ParamGroup> groups, double learningRate) {
        this(groups, learningRate, Convention.KERAS);
    }

    public Adam(List<ParamGroup> groups, double learningRate, Convention convention) {
        super(groups, learningRate, convention);
        this.epsilon = convention == Convention.KERAS ? 1e-7 : 1e-8;
    }

    /** The betas of groups that set none, each in [0, 1). */
    public Adam betas(double b1, double b2) {
        this.beta1 = checkBeta("Adam beta1", b1);
        this.beta2 = checkBeta("Adam beta2", b2);
        return this;
    }

    public Adam epsilon(double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("Adam: epsilon must be finite and >= 0, got " + value);
        }
        this.epsilon = value;
        return this;
    }

    /** The weight decay of groups that set none: see the class comment for its form. */
    public Adam weightDecay(double value) {
        setDefaultWeightDecay(value);
        return this;
    }

    /** Whether weight decay is decoupled ({@code w -= lr * wd * w}) rather than L2 on the gradient. */
    protected boolean decoupledDecay() {
        return convention() == Convention.KERAS;
    }

    @Override
    protected Set<String> slotNames(ParamGroup group) {
        return Set.of(firstMoment(), secondMoment());
    }

    /** The scalars of one Adam update: equal for the weights of a group with the same step count and decay. */
    private record Scalars(double beta1, double beta2, double stepSize, double epsHat, double l2, double decay) {
    }

    @Override
    protected void update(ParamGroup group, List<Weight> weights, List<Tensor> grads, double rate) {
        double b1 = group.beta1().orElse(beta1);
        double b2 = group.beta2().orElse(beta2);
        boolean keras = convention() == Convention.KERAS;
        // Per weight: t (weights unfrozen later have fewer updates) and the decay (none for BN and biases).
        Function<Weight, Scalars> scalars = weight -> {
            long t = weightStep(weight);
            double bc1 = 1 - Math.pow(b1, t);
            double sqrtBc2 = Math.sqrt(1 - Math.pow(b2, t));
            double stepSize = rate * sqrtBc2 / bc1;
            double epsHat = keras ? epsilon : epsilon * sqrtBc2;
            double wd = weightDecay(group, weight);
            double l2 = decoupledDecay() ? 0 : wd;
            double decay = decoupledDecay() ? rate * wd : 0;
            return new Scalars(b1, b2, stepSize, epsHat, l2, decay);
        };
        for (UpdateBatch<Scalars> b : UpdateBatch.split(weights, grads, scalars)) {
            Scalars s = b.scalars();
            b.backend().adamUpdateGroup(b.params(), b.grads(), b.slots(w -> slot(w, firstMoment())),
                    b.slots(w -> slot(w, secondMoment())), s.beta1(), s.beta2(), s.stepSize(), s.epsHat(), s.l2(),
                    s.decay());
        }
    }

    private String firstMoment() {
        return convention() == Convention.KERAS ? "momentum" : "exp_avg";
    }

    private String secondMoment() {
        return convention() == Convention.KERAS ? "velocity" : "exp_avg_sq";
    }

    private static double checkBeta(String what, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(what + " must be in [0, 1), got " + value);
        }
        return value;
    }
}
