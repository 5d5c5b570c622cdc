package org.transfer4j.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.transfer4j.autograd.NoGrad;
import org.transfer4j.nn.Weight;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;
import org.transfer4j.tensor.TensorScope;

/**
 * Updates the weights of its {@link ParamGroup}s from their gradients. A step: a schedule, if set,
 * sets the base rate for this iteration; gradients are clipped, if configured; then every trainable
 * weight that has a gradient is updated in place (frozen and unused weights are skipped), each with
 * its group's rate, decay and momentum. Subclasses give the update rule in {@link #update}, through
 * fused backend primitives over a whole group (one call per group and step, or per set of its weights
 * whose scalars agree, see {@code UpdateBatch}), and keep per-weight state in lazily allocated
 * {@link #slot slots} on the weight's device.
 *
 * <p>Typical loop: {@code loss.backward(); opt.step(); opt.zeroGrad();}.
 */
public abstract class Optimizer {
    /** Step counts are stored as float32 in the state dict, which holds integers exactly up to 2^24. */
    private static final long MAX_STORED_COUNT = 1L << 24;

    private final List<ParamGroup> groups;
    private final Convention convention;
    private final Map<String, Weight> weightsByPath = new LinkedHashMap<>();
    private final Map<Weight, ParamGroup> groupOf = new IdentityHashMap<>();
    private final Map<Weight, Map<String, Tensor>> slots = new IdentityHashMap<>();
    private final Map<Weight, Long> weightSteps = new IdentityHashMap<>();
    private double baseLearningRate;
    private double weightDecay;
    private LearningRateSchedule schedule;
    private long iterations;
    private double clipNorm = Double.NaN;
    private double clipValue = Double.NaN;

    /** An optimizer following {@link Convention#KERAS}; {@code learningRate} is the base rate, groups non-empty. */
    protected Optimizer(List<ParamGroup> groups, double learningRate) {
        this(groups, learningRate, Convention.KERAS);
    }

    protected Optimizer(List<ParamGroup> groups, double learningRate, Convention convention) {
        if (groups == null || groups.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " needs at least one parameter group");
        }
        this.groups = List.copyOf(groups);
        this.convention = Objects.requireNonNull(convention, "convention");
        for (ParamGroup g : this.groups) {
            for (Weight w : g.weights()) {
                ParamGroup other = groupOf.put(w, g);
                if (other != null) {
                    throw new IllegalArgumentException("weight " + w.path() + " is in parameter groups '" + other.name()
                            + "' and '" + g.name() + "'; a weight belongs to one group");
                }
                Weight sameName = weightsByPath.put(w.path(), w);
                if (sameName != null) {
                    throw new IllegalArgumentException("two different weights are named " + w.path()
                            + "; the optimizer state names weights by path, so give their layers distinct names");
                }
            }
        }
        setBaseLearningRate(learningRate);
    }

    // ---- configuration ----------------------------------------------------------------------------

    public List<ParamGroup> groups() {
        return groups;
    }

    public Convention convention() {
        return convention;
    }

    public double baseLearningRate() {
        return baseLearningRate;
    }

    /** Sets the base rate; with a {@link #schedule()}, the next {@link #step()} replaces it with the schedule's. */
    public final void setBaseLearningRate(double rate) {
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": learning rate must be finite and >= 0, got "
                    + rate);
        }
        this.baseLearningRate = rate;
    }

    /** {@code null} for none; otherwise {@link #step()} first sets the base rate to {@code schedule.rate(iterations())}. */
    public void setSchedule(LearningRateSchedule schedule) {
        this.schedule = schedule;
    }

    /** The schedule {@link #step()} follows, or {@code null} for none. */
    public LearningRateSchedule schedule() {
        return schedule;
    }

    /** Steps taken so far. */
    public long iterations() {
        return iterations;
    }

    /** The rate group {@code g} uses at the current base rate. */
    public double currentRate(ParamGroup g) {
        return g.effectiveRate(baseLearningRate);
    }

    /**
     * Scales all gradients together so their global L2 norm is at most {@code maxGlobalNorm}
     * (PyTorch {@code clip_grad_norm_}, Keras {@code global_clipnorm}; the formula follows the
     * convention, see {@link GradientClipping#normScale}). The weights' {@code grad()} are not changed.
     */
    public Optimizer clipNorm(double maxGlobalNorm) {
        this.clipNorm = GradientClipping.checkLimit("clipNorm", maxGlobalNorm);
        return this;
    }

    /** Clamps every gradient element to {@code [-maxAbs, maxAbs]} (Keras {@code clipvalue}, PyTorch {@code clip_grad_value_}); before norm clipping when both are set. */
    public Optimizer clipValue(double maxAbs) {
        this.clipValue = GradientClipping.checkLimit("clipValue", maxAbs);
        return this;
    }

    /** For the subclasses' fluent {@code weightDecay(...)}: the decay of groups that set none. */
    protected final void setDefaultWeightDecay(double decay) {
        if (!(decay >= 0) || Double.isInfinite(decay)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": weight decay must be finite and >= 0, got "
                    + decay);
        }
        this.weightDecay = decay;
    }

    /** The decay for weight {@code w} of group {@code g}: the group's or the default, and 0 where {@link ParamGroup#decays} says no. */
    protected final double weightDecay(ParamGroup g, Weight w) {
        return g.decays(w) ? g.weightDecay().orElse(weightDecay) : 0.0;
    }

    // ---- training -----------------------------------------------------------------------------------

    /**
     * One update of every trainable weight that has a gradient; then {@link #iterations()} grows by one.
     * A schedule's rate and every gradient's shape are checked before any weight changes.
     */
    public void step() {
        if (schedule != null) {
            double rate = schedule.rate(iterations);
            if (!(rate >= 0) || Double.isInfinite(rate)) {
                throw new IllegalArgumentException(getClass().getSimpleName() + ": schedule " + schedule
                        + " gave the rate " + rate + " for step " + iterations + "; a rate must be finite and >= 0");
            }
            setBaseLearningRate(rate);
        }
        List<Weight> weights = new ArrayList<>();
        List<Tensor> grads = new ArrayList<>();
        for (ParamGroup g : groups) {
            for (Weight w : g.weights()) {
                Tensor grad = w.value().grad();
                if (w.isTrainable() && grad != null) {
                    if (!Arrays.equals(grad.shape(), w.shape())) {
                        throw ShapeMismatchException.of(getClass().getSimpleName() + ".step",
                                "the gradient of weight " + w.path() + " (group '" + g.name()
                                        + "') does not have the weight's shape", w.shape(), grad.shape());
                    }
                    weights.add(w);
                    grads.add(grad);
                }
            }
        }
        try (NoGrad ignored = NoGrad.enter()) {
            if (!Double.isNaN(clipValue)) {
                grads = GradientClipping.clipByValue(grads, clipValue);
            }
            if (!Double.isNaN(clipNorm)) {
                grads = GradientClipping.clipByGlobalNorm(grads, clipNorm, convention);
            }
            // One update call per group (weights were collected group by group, in group order).
            int from = 0;
            while (from < weights.size()) {
                ParamGroup g = groupOf.get(weights.get(from));
                int to = from;
                while (to < weights.size() && groupOf.get(weights.get(to)) == g) {
                    weightSteps.merge(weights.get(to), 1L, Long::sum);
                    to++;
                }
                update(g, weights.subList(from, to), grads.subList(from, to), currentRate(g));
                from = to;
            }
        }
        iterations++;
    }

    /** Clears the gradient of every weight of every group. */
    public void zeroGrad() {
        for (ParamGroup g : groups) {
            for (Weight w : g.weights()) {
                w.value().zeroGrad();
            }
        }
    }

    // ---- the subclass contract ----------------------------------------------------------------------

    /**
     * Updates the {@code weights} of {@code group} that take part in this step (trainable, with a
     * gradient; in group order) in place from {@code grads} (in parallel, each of its weight's shape,
     * already clipped), outside the tape, at learning rate {@code rate}. {@link #weightStep} already
     * counts this update. Implementations call one fused group update per {@code UpdateBatch} (weights
     * with equal scalars), so a group costs one or a few calls (kernel launches on a GPU), not one per weight.
     */
    protected abstract void update(ParamGroup group, List<Weight> weights, List<Tensor> grads, double rate);

    /** The slot names {@link #update} may allocate for the weights of {@code group}: what a state dict may hold. */
    protected abstract Set<String> slotNames(ParamGroup group);

    /**
     * The slot {@code name} of {@code w}: zeros of its shape on its device the first time. A slot made before
     * the model moved ({@code Model.to}) moves to the weight's device here, once, so the fused update never
     * meets tensors of two devices.
     */
    protected final Tensor slot(Weight w, String name) {
        Map<String, Tensor> named = slots.computeIfAbsent(w, k -> new LinkedHashMap<>());
        // Made lazily, often inside a training step's TensorScope, but the optimizer's for good.
        Tensor s = named.computeIfAbsent(name, k -> TensorScope.outside(() -> Tensor.zeros(w.value().device(), w.shape())));
        if (!s.device().equals(w.value().device())) {
            try (NoGrad ignored = NoGrad.enter()) {
                s = s.to(w.value().device());
            }
            named.put(name, s);
        }
        return s;
    }

    /** How many updates {@code w} has had, the current one included (1 on its first). */
    protected final long weightStep(Weight w) {
        return weightSteps.getOrDefault(w, 0L);
    }

    // ---- state ----------------------------------------------------------------------------------------

    /**
     * Copies of the state: scalars {@code iterations} and {@code base_learning_rate}, and per weight
     * that has been updated {@code <weight path>/step} (its update count) and {@code <weight path>/<slot>}
     * for each slot that its group's current settings use ({@link #slotNames}).
     */
    public Map<String, Tensor> stateDict() {
        if (iterations >= MAX_STORED_COUNT) {
            throw new IllegalStateException("the optimizer state stores step counts as float32, exact up to "
                    + MAX_STORED_COUNT + " steps; this optimizer has taken " + iterations);
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put(OptimizerState.ITERATIONS, Tensor.scalar((float) iterations));
        out.put(OptimizerState.BASE_LEARNING_RATE, Tensor.scalar((float) baseLearningRate));
        try (NoGrad ignored = NoGrad.enter()) {
            for (Weight w : weightsByPath.values()) {
                Long steps = weightSteps.get(w);
                if (steps != null) {
                    out.put(w.path() + "/" + OptimizerState.STEP, Tensor.scalar((float) steps));
                }
                // Only the slots the current settings use: a momentum buffer left from before a group's
                // momentum was set to 0 is not state any more, and loadStateDict would refuse its name.
                Set<String> used = slotNames(groupOf.get(w));
                for (Map.Entry<String, Tensor> s : slots.getOrDefault(w, Map.of()).entrySet()) {
                    if (used.contains(s.getKey())) {
                        out.put(w.path() + "/" + s.getKey(), s.getValue().copy());
                    }
                }
            }
        }
        return out;
    }

    /**
     * Replaces the state with {@code state} (as {@link #stateDict} wrote it). Every entry is checked
     * first (names, shapes, counts; a weight with slots must have a step count, at most the iterations),
     * so on error the optimizer is unchanged. Slots absent from
     * {@code state} start again from zeros. The base rate is stored as float32: a current base rate
     * that rounds to the stored one is kept, so a restored optimizer built with the same rate repeats
     * its updates bit for bit.
     */
    public void loadStateDict(Map<String, Tensor> state) {
        OptimizerState staged = OptimizerState.validate(state, weightsByPath, w -> slotNames(groupOf.get(w)),
                getClass().getSimpleName());
        iterations = staged.iterations();
        if ((float) baseLearningRate != staged.baseLearningRate()) {
            setBaseLearningRate(staged.baseLearningRate());
        }
        slots.clear();
        weightSteps.clear();
        weightSteps.putAll(staged.weightSteps());
        staged.slots().forEach((w, named) -> named.forEach((name, values) ->
                slots.computeIfAbsent(w, k -> new LinkedHashMap<>())
                        .put(name, Tensor.of(w.value().device(), values, w.shape()))));
    }
}
