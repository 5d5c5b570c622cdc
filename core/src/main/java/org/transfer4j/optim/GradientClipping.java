package org.transfer4j.optim;

import java.util.List;
import org.transfer4j.autograd.NoGrad;
import org.transfer4j.ops.Concat;
import org.transfer4j.tensor.Tensor;

/**
 * Gradient clipping over a list of gradients, returning new tensors (the inputs are not changed).
 * {@link Optimizer#clipNorm} and {@link Optimizer#clipValue} apply it to all the gradients of one step.
 */
public final class GradientClipping {
    private GradientClipping() {
    }

    /**
     * {@code sqrt(sum of g^2 over every element of every gradient)}: the L2 norm of all of them as one vector.
     * Each gradient's sum of squares is formed on its device (float32), the sums are gathered there into one
     * tensor and downloaded together, once per step rather than once per weight, then added in double.
     */
    public static double globalNorm(List<Tensor> grads) {
        if (grads.isEmpty()) {
            return 0;
        }
        float[] sums;
        try (NoGrad ignored = NoGrad.enter()) {
            Tensor[] each = grads.stream().map(g -> g.mul(g).sum().reshape(1)).toArray(Tensor[]::new);
            sums = (each.length == 1 ? each[0] : Concat.concat(0, each)).toArray();
        }
        double sumSquares = 0;
        for (float s : sums) {
            sumSquares += s;
        }
        return Math.sqrt(sumSquares);
    }

    /**
     * The factor that brings a global norm {@code norm} down to {@code maxNorm}:
     * Keras {@code clip_by_global_norm}: {@code maxNorm / max(norm, maxNorm)} (Keras writes it
     * {@code maxNorm * min(1/norm, 1/maxNorm)}); PyTorch {@code clip_grad_norm_}:
     * {@code min(1, maxNorm / (norm + 1e-6))}. 1 when the norm is within the limit. A non-finite norm:
     * Keras adds {@code norm - norm} to the scale, so infinity gives NaN as NaN does; PyTorch gives 0 for
     * infinity (every finite gradient zeroed, every infinite one NaN) and NaN for NaN.
     */
    public static double normScale(double norm, double maxNorm, Convention convention) {
        return switch (convention) {
            case KERAS -> maxNorm / Math.max(norm, maxNorm) + (norm - norm);
            case PYTORCH -> Math.min(1.0, maxNorm / (norm + 1e-6));
        };
    }

    /** Every gradient times {@link #normScale} of their global norm; the same tensors when no scaling is needed. */
    public static List<Tensor> clipByGlobalNorm(List<Tensor> grads, double maxNorm, Convention convention) {
        checkLimit("clipByGlobalNorm", maxNorm);
        double scale = normScale(globalNorm(grads), maxNorm, convention);
        if (scale == 1.0) {
            return grads;
        }
        try (NoGrad ignored = NoGrad.enter()) {
            return grads.stream().map(g -> g.mul((float) scale)).toList();
        }
    }

    /** Every element clamped to {@code [-maxAbs, maxAbs]}. */
    public static List<Tensor> clipByValue(List<Tensor> grads, double maxAbs) {
        checkLimit("clipByValue", maxAbs);
        try (NoGrad ignored = NoGrad.enter()) {
            return grads.stream().map(g -> g.clamp((float) -maxAbs, (float) maxAbs)).toList();
        }
    }

    static double checkLimit(String what, double limit) {
        if (!(limit > 0) || Double.isInfinite(limit)) {
            throw new IllegalArgumentException(what + ": the limit must be finite and > 0, got " + limit);
        }
        return limit;
    }
}
