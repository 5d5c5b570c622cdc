package org.transfer4j.optim;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import org.transfer4j.autograd.NoGrad;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Weight;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * The learning-rate range test (Leslie Smith, "Cyclical Learning Rates"; fastai's {@code lr_find}): a short
 * mock training whose base rate grows exponentially from {@code startRate} (1e-7) to {@code endRate} (10)
 * over {@code batches} (100) batches, {@code rate_i = start * (end / start)^(i / (batches - 1))} (fastai divides
 * by {@code batches}, so its last rate stays just below the end), recording the
 * loss of every batch and its moving average (beta 0.98, bias-corrected as fastai's {@code AvgSmoothLoss}).
 * It stops early when the smoothed loss exceeds 4 times its minimum so far, or a loss is not finite (that
 * batch is not recorded). The result suggests the rate of steepest descent of the smoothed loss and the
 * rate of its minimum divided by 10 ({@link LrFindResult}).
 *
 * <p>Afterwards the training state is put back, so training starts from where it was: the weights of the
 * optimizer's groups (and of the whole model, moving statistics included, when {@link #restoring(Model)} is
 * given) bit for bit, the optimizer's state ({@link Optimizer#stateDict()}: slots, step counts, iterations),
 * its base rate and its schedule. The gradients of all those weights are cleared. Random streams are not
 * put back (as in fastai): dropout layers and data shuffling have drawn for every batch run, so the masks
 * and orders that follow differ from a run without the test.
 *
 * <p>The caller gives one function of the batch index that runs the forward pass in training mode and returns
 * the scalar loss <em>tensor</em>; the finder does the rest of each step ({@code zeroGrad}, {@code backward},
 * {@code step}), so no step can be forgotten or doubled. The base rate moves; groups with a rate multiplier
 * follow it, groups with an absolute rate keep theirs.
 *
 * <pre>
 * LrFindResult r = new LrFinder(optimizer).restoring(model)
 *         .run(i -&gt; loss.compute(model.call(images(i), true), labels(i)));
 * optimizer.setBaseLearningRate(r.suggestion());
 * </pre>
 */
public final class LrFinder {
    /** fastai's divergence test: stop when the smoothed loss exceeds this multiple of its minimum. */
    private static final double DIVERGENCE = 4.0;
    /** fastai's smoothing of the recorded loss. */
    private static final double BETA = 0.98;

    private final Optimizer optimizer;
    private Model model;
    private double startRate = 1e-7;
    private double endRate = 10;
    private int batches = 100;
    private boolean stopOnDivergence = true;

    public LrFinder(Optimizer optimizer) {
        this.optimizer = java.util.Objects.requireNonNull(optimizer, "optimizer");
    }

    /** Also restores every weight of {@code model} afterwards, frozen ones and moving statistics included. */
    public LrFinder restoring(Model value) {
        this.model = value;
        return this;
    }

    /** The first and last rates (fastai's {@code start_lr=1e-7, end_lr=10}). */
    public LrFinder range(double start, double end) {
        if (!(start > 0 && start < end) || Double.isInfinite(end)) {
            throw new IllegalArgumentException("LrFinder: the range needs 0 < start < end (finite), got start=" + start
                    + ", end=" + end);
        }
        this.startRate = start;
        this.endRate = end;
        return this;
    }

    /** How many batches the rate takes to reach the end rate (fastai's {@code num_it=100}). */
    public LrFinder batches(int n) {
        if (n < 2) {
            throw new IllegalArgumentException("LrFinder: the test needs at least 2 batches, got " + n);
        }
        this.batches = n;
        return this;
    }

    /** Whether to stop when the loss diverges (fastai's {@code stop_div=True}); non-finite losses always stop. */
    public LrFinder stopOnDivergence(boolean value) {
        this.stopOnDivergence = value;
        return this;
    }

    /** The base rate of batch {@code i}. */
    public double rate(int i) {
        return i == batches - 1 ? endRate : startRate * Math.pow(endRate / startRate, (double) i / (batches - 1));
    }

    /**
     * Runs the test. {@code lossOfBatch.apply(i)} runs batch {@code i}'s forward pass (training mode) and returns
     * its scalar loss; it is called for {@code i = 0, 1, ...} until the end or a divergence.
     */
    public LrFindResult run(IntFunction<Tensor> lossOfBatch) {
        Map<Weight, Tensor> weights = snapshotWeights();
        Map<String, Tensor> state = optimizer.stateDict();
        double baseRate = optimizer.baseLearningRate();
        LearningRateSchedule schedule = optimizer.schedule();
        List<double[]> points = new ArrayList<>();
        boolean stoppedEarly = false;
        try {
            optimizer.setSchedule(null);
            LossSmoother smoother = new LossSmoother(BETA);
            double best = Double.POSITIVE_INFINITY;
            for (int i = 0; i < batches; i++) {
                double rate = rate(i);
                optimizer.setBaseLearningRate(rate);
                optimizer.zeroGrad();
                Tensor loss = lossOfBatch.apply(i);
                if (loss.numel() != 1) {
                    throw ShapeMismatchException.of("LrFinder", "the loss of batch " + i + " must be a scalar",
                            loss.shape());
                }
                double value = loss.item();
                if (!Double.isFinite(value)) {
                    stoppedEarly = true;
                    break;
                }
                loss.backward();
                optimizer.step();
                double smoothed = smoother.add(value);
                points.add(new double[] {rate, value, smoothed});
                best = Math.min(best, smoothed);
                if (stopOnDivergence && smoothed > DIVERGENCE * best && i < batches - 1) {
                    stoppedEarly = true;
                    break;
                }
            }
        } finally {
            restore(weights, state, baseRate, schedule);
        }
        double[] rates = points.stream().mapToDouble(p -> p[0]).toArray();
        double[] losses = points.stream().mapToDouble(p -> p[1]).toArray();
        double[] smoothed = points.stream().mapToDouble(p -> p[2]).toArray();
        return LrFindResult.of(rates, losses, smoothed, batches, stoppedEarly);
    }

    /** Copies of the groups' weights and, with a model, of all its weights. */
    private Map<Weight, Tensor> snapshotWeights() {
        Set<Weight> all = new LinkedHashSet<>();
        optimizer.groups().forEach(g -> all.addAll(g.weights()));
        if (model != null) {
            all.addAll(model.weights());
        }
        Map<Weight, Tensor> copies = new IdentityHashMap<>();
        try (NoGrad ignored = NoGrad.enter()) {
            for (Weight w : all) {
                copies.put(w, w.value().detach().copy());
            }
        }
        return copies;
    }

    private void restore(Map<Weight, Tensor> weights, Map<String, Tensor> state, double baseRate,
                         LearningRateSchedule schedule) {
        weights.forEach(Weight::assign);
        // Also the model's weights outside the groups: a trainable layer the optimizer does not update still
        // collected a gradient from every batch.
        weights.keySet().forEach(w -> w.value().zeroGrad());
        optimizer.loadStateDict(state);
        // The state dict stores the base rate as float32; put back the exact double.
        optimizer.setBaseLearningRate(baseRate);
        optimizer.setSchedule(schedule);
    }
}
