package org.transfer4j.train;

import java.util.SplittableRandom;
import org.transfer4j.autograd.NoGrad;
import org.transfer4j.ops.Gather;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/**
 * mixup (Zhang et al., "mixup: Beyond Empirical Risk Minimization", 2018): trains on convex combinations
 * of pairs of samples and of their one-hot labels. It regularises a network that fits its few training
 * images too well, the usual state of fine-tuning on a small folder of photos.
 * <pre>
 *   lambda ~ Beta(alpha, alpha), folded to max(lambda, 1 - lambda): each sample stays the larger part
 *   j      = pair(i), a random permutation of the batch
 *   x'_i   = lambda x_i + (1 - lambda) x_j                     x (N, ...)
 *   t'_i   = lambda onehot(y_i) + (1 - lambda) onehot(y_j)     t (N, C)
 * </pre>
 * The cross-entropy is linear in its targets, so training on {@code t'} is training on
 * {@code lambda loss(y_i) + (1 - lambda) loss(y_j)}. One lambda per batch, as in the paper's code.
 * The draws are keyed on (run seed, epoch, step), not on a running generator, so a run resumed from a
 * checkpoint mixes its batches as the uninterrupted run did.
 *
 * @param alpha the Beta distribution's parameter, &gt; 0: small values (0.1–0.4) mix little on most
 *              batches; 1 draws lambda uniformly
 */
public record MixUp(double alpha) {

    public MixUp {
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("mixup: alpha must be finite and > 0, got " + alpha);
        }
    }

    /** A mixed batch: inputs {@code x (N, ...)}, soft targets {@code (N, C)}, and the weight of the sample itself. */
    record Mixed(Tensor x, Tensor targets, double lambda) {
    }

    /** Mixes {@code batch} (labels in {@code [0, classes)}) with the draws of (seed, epoch, step). */
    Mixed apply(Batch batch, int classes, long seed, int epoch, int step) {
        SplittableRandom random = new SplittableRandom(
                Generator.mix64(seed ^ Generator.mix64(0x313C0DEL + epoch) ^ Generator.mix64(step)));
        double lambda = beta(random, alpha);
        lambda = Math.max(lambda, 1 - lambda);
        int n = batch.size();
        int[] pair = EpochOrder.permutation(n, random.nextLong());

        int[] otherLabels = new int[n];
        for (int i = 0; i < n; i++) {
            otherLabels[i] = batch.labels()[pair[i]];
        }
        float a = (float) lambda;
        float b = (float) (1 - lambda);
        try (NoGrad ignored = NoGrad.enter()) {
            // On the inputs' device: x' = a x + b x[pair], each product rounded to float, then the sum.
            Tensor x = batch.x();
            Tensor mixed = x.mul(a).add(Gather.gather(x, 0, pair).mul(b));
            Tensor own = Gather.oneHot(x.device(), batch.labels(), classes);
            Tensor partner = Gather.oneHot(x.device(), otherLabels, classes);
            Tensor targets = own.mul(a).add(partner.mul(b));
            return new Mixed(mixed, targets, lambda);
        }
    }

    /** Beta(a, a) as G1 / (G1 + G2) with G1, G2 ~ Gamma(a, 1). */
    static double beta(SplittableRandom random, double a) {
        double g1 = gamma(random, a);
        double g2 = gamma(random, a);
        return g1 + g2 == 0 ? 0.5 : g1 / (g1 + g2);
    }

    /**
     * Gamma(shape, 1) by Marsaglia and Tsang's squeeze method (2000); for shape &lt; 1 it draws Gamma(shape + 1)
     * and scales by {@code U^(1/shape)}.
     */
    static double gamma(SplittableRandom random, double shape) {
        if (shape < 1) {
            double u = 1 - random.nextDouble(); // (0, 1]
            return gamma(random, shape + 1) * Math.pow(u, 1 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double z = random.nextGaussian();
            double v = 1 + c * z;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = 1 - random.nextDouble();
            if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) {
                return d * v;
            }
        }
    }
}
