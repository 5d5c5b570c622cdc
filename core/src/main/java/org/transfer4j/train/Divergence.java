package org.transfer4j.train;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.transfer4j.autograd.NoGrad;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Weight;
import org.transfer4j.ops.Arithmetic;
import org.transfer4j.ops.Reduce;
import org.transfer4j.tensor.Tensor;

/**
 * The finite-value checks of the training loop. A tensor is checked through the sum of its elements, on
 * its device, so a step downloads one scalar for all gradients together: a NaN or an infinity makes the sum
 * non-finite. (So does a sum past float's range, 3.4e38, which for a gradient is divergence anyway.) Only
 * when the total is not finite are the tensors checked one by one, in model order, to name the first.
 */
final class Divergence {
    private Divergence() {
    }

    /** Throws when a trainable weight's gradient is not finite, naming the first such weight in model order. */
    static void checkGradients(Model model, int epoch, int step, double loss) {
        List<Weight> withGrad = model.weights().stream()
                .filter(w -> w.isTrainable() && w.value().grad() != null).toList();
        String bad = firstNonFinite(withGrad, w -> w.value().grad());
        if (bad != null) {
            throw new TrainingDivergedException("training diverged in epoch " + epoch + ", step " + step
                    + ": the gradient of " + bad + " is not finite (the batch's loss was " + loss
                    + "); the weights were not updated from it. Try a smaller learning rate or gradient clipping",
                    epoch, step, bad);
        }
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
        return null; // only the total overflowed: each tensor is finite
    }

    /** Whether every element of every tensor is finite, from one downloaded scalar. */
    static boolean allFinite(List<Tensor> tensors) {
        try (NoGrad ignored = NoGrad.enter()) {
            Tensor total = null;
            for (Tensor t : tensors) {
                Tensor s = Reduce.sum(t.detach(), null, false);
                total = total == null ? s : Arithmetic.add(total, s);
            }
            return total == null || Float.isFinite(total.item());
        }
    }
}
