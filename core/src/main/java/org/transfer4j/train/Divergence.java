package org.transfer4j.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.transfer4j.backend.Backend;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Weight;
import org.transfer4j.tensor.Tensor;

/**
 * The finite-value checks of the training loop. The tensors are checked with
 * {@link org.transfer4j.backend.Backend#nonFiniteCount}, once per device they are on (normally one: a model's
 * weights share a device), so a step downloads one count for all gradients together, on a GPU one kernel
 * launch per 32 tensors; the training loop reads that count together with the loss and the scores
 * ({@link #readAndCountNonFiniteGradients}). A count, unlike a sum of the elements, stays 0 when the elements are finite but
 * large (gradients around 1e38 would sum past float's range). Only when the count is not 0 are the tensors
 * checked one by one, in model order, to name the first.
 */
final class Divergence {
    private Divergence() {
    }

    /** Throws when a trainable weight's gradient is not finite, naming the first such weight in model order. */
    static void checkGradients(Model model, int epoch, int step, double loss) {
        List<Weight> withGrad = withGradient(model);
        String bad = firstNonFinite(withGrad, w -> w.value().grad());
        if (bad != null) {
            throw ofGradient(epoch, step, loss, bad);
        }
    }

    /** The trainable weights that have a gradient, in model order: what {@link #checkGradients} checks. */
    static List<Weight> withGradient(Model model) {
        List<Weight> all = model.weights();
        List<Weight> withGrad = new ArrayList<>(all.size());
        for (Weight w : all) {
            if (w.isTrainable() && w.value().grad() != null) {
                withGrad.add(w);
            }
        }
        return withGrad;
    }

    /**
     * The exception for gradients {@link #readAndCountNonFiniteGradients} found not finite, naming the first such weight of
     * {@code withGrad} (in model order).
     */
    static TrainingDivergedException ofGradients(List<Weight> withGrad, int epoch, int step, double loss) {
        String bad = firstNonFinite(withGrad, w -> w.value().grad());
        if (bad == null) {
            throw new IllegalStateException("the gradients held non-finite elements, then none");
        }
        return ofGradient(epoch, step, loss, bad);
    }

    private static TrainingDivergedException ofGradient(int epoch, int step, double loss, String bad) {
        return new TrainingDivergedException("training diverged in epoch " + epoch + ", step " + step
                + ": the gradient of " + bad + " is not finite (the batch's loss was " + loss
                + "); the weights were not updated from it. Try a smaller learning rate or gradient clipping",
                epoch, step, bad);
    }

    /**
     * Reads {@code reads} into {@code dst} one after another and returns the number of non-finite elements of the
     * gradients of {@code withGrad}: with one {@link Backend#downloadAndCountNonFinite} (on a GPU, one wait) when
     * every tensor is on one backend, else a download per tensor and a count per backend (then the result is 0 or
     * 1: whether any element is not finite).
     */
    static long readAndCountNonFiniteGradients(List<Tensor> reads, float[] dst, List<Weight> withGrad) {
        List<Tensor> grads = new ArrayList<>(withGrad.size());
        for (Weight w : withGrad) {
            grads.add(w.value().grad());
        }
        Backend backend = reads.getFirst().backend();
        boolean one = true;
        for (Tensor t : reads) {
            one &= t.backend() == backend;
        }
        for (Tensor t : grads) {
            one &= t.backend() == backend;
        }
        if (one) {
            return backend.downloadAndCountNonFinite(reads, dst, grads);
        }
        int at = 0;
        for (Tensor t : reads) {
            t.backend().download(t, dst, at);
            at += t.numel();
        }
        return allFinite(grads) ? 0 : 1;
    }

    /** The exception for a non-finite loss, naming the first non-finite weight (statistics included) if any. */
    static TrainingDivergedException ofLoss(Model model, int epoch, int step, double loss, Batch batch) {
        String bad = firstNonFinite(model.weights(), Weight::value);
        String where = bad != null
                ? "; the first non-finite weight in model order is " + bad
                : "; every weight is finite, so the inputs or the activations overflowed (samples "
                        + Arrays.toString(Arrays.copyOf(batch.indices(), Math.min(8, batch.size())))
                        + (batch.size() > 8 ? "..." : "") + ")";
        return new TrainingDivergedException("training diverged in epoch " + epoch + ", step " + step + ": the loss is "
                + loss + where, epoch, step, bad);
    }

    /** The path of the first weight whose tensor is not finite, or null when all are. */
    static String firstNonFinite(List<Weight> weights, Function<Weight, Tensor> tensor) {
        if (weights.isEmpty() || allFinite(weights.stream().map(tensor).toList())) {
            return null;
        }
        for (Weight w : weights) {
            if (!allFinite(List.of(tensor.apply(w)))) {
                return w.path();
            }
        }
        throw new IllegalStateException("the weights held non-finite elements together but none alone");
    }

    /** Whether every element of every tensor is finite: one count per backend the tensors are on. */
    static boolean allFinite(List<Tensor> tensors) {
        Map<Backend, List<Tensor>> byBackend = new LinkedHashMap<>();
        for (Tensor t : tensors) {
            byBackend.computeIfAbsent(t.backend(), b -> new ArrayList<>()).add(t);
        }
        for (Map.Entry<Backend, List<Tensor>> e : byBackend.entrySet()) {
            if (e.getKey().nonFiniteCount(e.getValue()) != 0) {
                return false;
            }
        }
        return true;
    }
}
