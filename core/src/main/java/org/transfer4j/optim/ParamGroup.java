package org.transfer4j.optim;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import org.transfer4j.nn.Weight;
import org.transfer4j.nn.layers.BatchNormalization;

/**
 * Weights trained with the same hyperparameters. The learning rate is either absolute (fixed; the
 * schedule does not move it) or a multiplier of the optimizer's base rate (which a schedule drives),
 * 1 by default. Weight decay, momentum and betas fall back to the optimizer's when not set here.
 *
 * <p>Batch-norm weights ({@code gamma}, {@code beta}) and biases get no weight decay unless
 * {@link #decayNormAndBias} asks for it, as in fastai and common AdamW practice.
 */
public final class ParamGroup {
    private final String name;
    private final List<Weight> weights;
    private OptionalDouble absoluteRate = OptionalDouble.empty();
    private double rateMultiplier = 1.0;
    private OptionalDouble weightDecay = OptionalDouble.empty();
    private OptionalDouble momentum = OptionalDouble.empty();
    private OptionalDouble beta1 = OptionalDouble.empty();
    private OptionalDouble beta2 = OptionalDouble.empty();
    private boolean decayNormAndBias;

    private ParamGroup(String name, List<Weight> weights) {
        this.name = name;
        this.weights = List.copyOf(weights);
    }

    /**
     * A group of trainable weights. Throws for an empty list (the message names the group), for a weight
     * listed twice and for weights that can never be trained (moving statistics). Frozen weights may be
     * listed: {@link Optimizer#step()} skips them until their layer is unfrozen.
     */
    public static ParamGroup of(String name, List<Weight> weights) {
        if (weights.isEmpty()) {
            throw new IllegalArgumentException("parameter group '" + name + "' is empty: no trainable weights"
                    + " (are its layers frozen?)");
        }
        Set<Weight> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Weight w : weights) {
            if (!w.isTrainableKind()) {
                throw new IllegalArgumentException("parameter group '" + name + "': weight " + w.path()
                        + " is a statistic, not a trainable weight");
            }
            if (!seen.add(w)) {
                throw new IllegalArgumentException("parameter group '" + name + "' lists weight " + w.path()
                        + " twice; a weight is updated once per step");
            }
        }
        return new ParamGroup(name, weights);
    }

    public String name() {
        return name;
    }

    public List<Weight> weights() {
        return weights;
    }

    /** A fixed learning rate for this group, which schedules do not change. */
    public ParamGroup learningRate(double rate) {
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("parameter group '" + name + "': learning rate must be finite and >= 0, got "
                    + rate);
        }
        this.absoluteRate = OptionalDouble.of(rate);
        return this;
    }

    /** This group's rate as a multiple of the optimizer's (scheduled) base rate. */
    public ParamGroup rateMultiplier(double multiplier) {
        if (!(multiplier >= 0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("parameter group '" + name + "': rate multiplier must be finite and >= 0, got "
                    + multiplier);
        }
        this.absoluteRate = OptionalDouble.empty();
        this.rateMultiplier = multiplier;
        return this;
    }

    public ParamGroup weightDecay(double decay) {
        if (!(decay >= 0) || Double.isInfinite(decay)) {
            throw new IllegalArgumentException("parameter group '" + name + "': weight decay must be finite and >= 0, got "
                    + decay);
        }
        this.weightDecay = OptionalDouble.of(decay);
        return this;
    }

    /** SGD's or RMSprop's momentum for this group, in [0, 1]. */
    public ParamGroup momentum(double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException("parameter group '" + name + "': momentum must be in [0, 1], got " + value);
        }
        this.momentum = OptionalDouble.of(value);
        return this;
    }

    /** Adam's betas for this group, each in [0, 1). */
    public ParamGroup betas(double b1, double b2) {
        if (!(b1 >= 0 && b1 < 1 && b2 >= 0 && b2 < 1)) {
            throw new IllegalArgumentException("parameter group '" + name + "': betas must be in [0, 1), got (" + b1
                    + ", " + b2 + ")");
        }
        this.beta1 = OptionalDouble.of(b1);
        this.beta2 = OptionalDouble.of(b2);
        return this;
    }

    /** Also decay batch-norm weights and biases (off by default). */
    public ParamGroup decayNormAndBias(boolean value) {
        this.decayNormAndBias = value;
        return this;
    }

    /** The rate this group uses when the optimizer's base rate is {@code baseRate}. */
    public double effectiveRate(double baseRate) {
        return absoluteRate.orElse(rateMultiplier * baseRate);
    }

    public double rateMultiplier() {
        return rateMultiplier;
    }

    public OptionalDouble absoluteRate() {
        return absoluteRate;
    }

    public OptionalDouble weightDecay() {
        return weightDecay;
    }

    public OptionalDouble momentum() {
        return momentum;
    }

    public OptionalDouble beta1() {
        return beta1;
    }

    public OptionalDouble beta2() {
        return beta2;
    }

    /** Whether weight decay applies to this weight: not to batch-norm weights and biases unless asked. */
    public boolean decays(Weight w) {
        return decayNormAndBias || !(w.layer() instanceof BatchNormalization || w.name().equals("bias"));
    }

    @Override
    public String toString() {
        return "ParamGroup(" + name + ", " + weights.size() + " weights, "
                + (absoluteRate.isPresent() ? "lr " + absoluteRate.getAsDouble() : "lr x" + rateMultiplier) + ")";
    }
}
