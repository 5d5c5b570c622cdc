package org.transfer4j.ops;

import java.util.Arrays;
import org.transfer4j.autograd.Autograd;
import org.transfer4j.autograd.Node;
import org.transfer4j.backend.Backend;
import org.transfer4j.backend.BatchNormChecks;
import org.transfer4j.tensor.Shape;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * Batch normalisation over the last axis (channels), as Keras {@code BatchNormalization(axis=-1)}:
 * {@code x (..., C)} (NHWC images or {@code (N,C)} features), {@code gamma, beta, movingMean,
 * movingVariance (C)} {@code -> y} of x's shape, {@code y = gamma * (x - mean) / sqrt(var + epsilon) + beta}.
 *
 * <p>{@link #train} uses the batch statistics (mean and biased variance over every axis but the last)
 * and updates the moving statistics in place. {@link #infer} uses the moving statistics; it is what a
 * frozen BN layer runs during fine-tuning, so it is still differentiable with respect to x (and to
 * gamma and beta, should they be trained while the statistics stay fixed).
 */
public final class BatchNorm {
    private BatchNorm() {
    }

    /**
     * Normalises with batch statistics; records the backward for x, gamma and beta. Then, unrecorded
     * ({@link Backend#batchNormMovingAverages}), overwrites the moving statistics with Keras' update
     * {@code moving = moving * momentum + batch * (1 - momentum)} (Keras default momentum 0.99).
     * As in Keras 3, the batch variance in that update is the biased one (divided by M, the number of
     * values per channel); PyTorch would use the unbiased {@code M / (M - 1)} times it.
     *
     * <p>Backward (saved: x, batch mean, invStd = 1/sqrt(var + epsilon)), with {@code xhat = (x - mean) * invStd}:
     * {@code dbeta = sum dy}, {@code dgamma = sum dy*xhat},
     * {@code dx = gamma*invStd/M * (M*dy - dbeta - xhat*dgamma)} (the batch statistics depend on x too).
     */
    public static Tensor train(Tensor x, Tensor gamma, Tensor beta, Tensor movingMean, Tensor movingVariance,
                               float momentum, float epsilon) {
        return trainShifted("batchNorm.train", x, null, gamma, beta, movingMean, movingVariance, momentum, epsilon,
                Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
    }

    /**
     * Normalises with the moving statistics. Backward (saved: x; the statistics are constants):
     * {@code dx = dy * gamma * invStd}, {@code dgamma = sum dy * (x - movingMean) * invStd},
     * {@code dbeta = sum dy}, with {@code invStd = 1/sqrt(movingVariance + epsilon)}.
     */
    public static Tensor infer(Tensor x, Tensor gamma, Tensor beta, Tensor movingMean, Tensor movingVariance,
                               float epsilon) {
        check("batchNorm.infer", x, gamma, beta, movingMean, movingVariance, epsilon);
        Tensor input = contiguous(x);
        Tensor y = x.backend().batchNormInference(input, contiguous(gamma), contiguous(beta),
                contiguous(movingMean), contiguous(movingVariance), epsilon);
        return Autograd.record("batchNorm.infer", y, dy -> {
            Tensor invStd = Unary.pow(Unary.affine(movingVariance.detach(), 1f, epsilon), -0.5f);
            int[] rows = allButLast(x.rank());
            return new Tensor[] {
                x.requiresGrad() ? Arithmetic.mul(dy, Arithmetic.mul(gamma.detach(), invStd)) : null,
                gamma.requiresGrad()
                        ? Reduce.sum(Arithmetic.mul(dy, Arithmetic.mul(Arithmetic.sub(input, movingMean.detach()), invStd)),
                                rows, false)
                        : null,
                beta.requiresGrad() ? Reduce.sum(dy, rows, false) : null};
        }, x, gamma, beta);
    }

    /**
     * {@link #train} of {@code z + bias} without forming the sum: with batch statistics a per-channel shift
     * before the normalisation cancels, {@code (z + b - mean(z + b)) / std(z + b) = (z - mean(z)) / std(z)}, so
     * the output is that of z; only the moving mean follows {@code mean(z) + bias}, as it would follow the batch
     * mean of {@code z + bias}. The bias's gradient is exactly 0 (the sum over the batch of dx, which the
     * normalisation makes 0 per channel; computed, it is rounding noise). A convolution's bias before a batch
     * norm in training (Keras' ResNet50) then costs no pass over the activation and no gradient reduction.
     * {@code z (..., C)}, {@code bias (C)}.
     */
    public static Tensor trainAfterBias(Tensor z, Tensor bias, Tensor gamma, Tensor beta, Tensor movingMean,
                                        Tensor movingVariance, float momentum, float epsilon) {
        return trainShifted("batchNorm.trainAfterBias", z, bias, gamma, beta, movingMean, movingVariance, momentum,
                epsilon, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
    }

    /**
     * {@link #train} (or {@link #trainAfterBias} when {@code bias} is not null) followed by
     * {@code clamp(y, low, high)}, as one op: a batch norm and the ReLU ({@code 0, +inf}) or ReLU6 ({@code 0, 6})
     * after it in training. The same values and gradients as the two ops, bit for bit, but the backend clamps in the
     * batch norm's output pass and masks dy as its backward pass reads it, so neither the unclamped output nor the
     * masked gradient is ever written: a pass over the activation fewer each way. Backward (saved: x, the batch mean,
     * invStd and the clamped output y): {@code dy} counts where {@code low < y < high}, as {@link Unary#clamp}'s.
     */
    public static Tensor trainClamped(Tensor x, Tensor bias, Tensor gamma, Tensor beta, Tensor movingMean,
                                      Tensor movingVariance, float momentum, float epsilon, float low, float high) {
        BatchNormChecks.clamp("batchNorm.trainClamped", x, null, low, high);
        return trainShifted("batchNorm.trainClamped", x, bias, gamma, beta, movingMean, movingVariance, momentum,
                epsilon, low, high);
    }

    /**
     * {@link #train} of x, or {@link #trainAfterBias} of x and {@code bias} when it is not null; its output clamped to
     * {@code [low, high]} unless they are {@code -inf, +inf}.
     */
    private static Tensor trainShifted(String op, Tensor x, Tensor bias, Tensor gamma, Tensor beta, Tensor movingMean,
                                       Tensor movingVariance, float momentum, float epsilon, float low, float high) {
        check(op, x, gamma, beta, movingMean, movingVariance, epsilon);
        if (bias != null) {
            OpChecks.sameDevice(op, x, bias);
            if (bias.numel() != x.shape(-1)) {
                throw ShapeMismatchException.of(op, "the bias must have one value per channel", x.shape(), bias.shape());
            }
        }
        if (!(momentum >= 0f && momentum <= 1f)) {
            throw new IllegalArgumentException(op + ": momentum must be in [0, 1], got " + momentum);
        }
        Backend backend = x.backend();
        Tensor input = contiguous(x);
        Tensor g = contiguous(gamma);
        boolean clamped = low != Float.NEGATIVE_INFINITY || high != Float.POSITIVE_INFINITY;
        // and moving = moving * momentum + batch * (1 - momentum), the mean's batch value shifted by the bias, in the
        // moving statistics' own storage, in the same primitive (on a GPU, in the pass that computes the batch's); a
        // backend op records nothing
        Backend.BatchNormForward f = backend.batchNormTrainingWithMovingAverages(input, g, contiguous(beta), epsilon,
                low, high, new Backend.MovingStatistics(movingMean, movingVariance, bias == null ? null : contiguous(bias),
                        momentum));
        boolean gradX = x.requiresGrad(); // not when x is a frozen base's features under a new head
        Node.BackwardFn backward = dy -> {
            Tensor y = clamped ? f.output() : null;
            Backend.BatchNormGradients d = !gradX
                    ? backend.batchNormParameterGradients(input, dy, g, f.mean(), f.invStd(), y, low, high)
                    : clamped ? backend.batchNormBackward(input, dy, g, f.mean(), f.invStd(), y, low, high)
                    : backend.batchNormBackward(input, dy, g, f.mean(), f.invStd());
            if (bias == null) {
                return new Tensor[] {d.gradX(), d.gradGamma(), d.gradBeta()};
            }
            return new Tensor[] {d.gradX(), d.gradGamma(), d.gradBeta(),
                bias.requiresGrad() ? Tensor.zeros(x.device(), bias.shape()) : null};
        };
        return bias == null ? Autograd.record(op, f.output(), backward, x, gamma, beta)
                : Autograd.record(op, f.output(), backward, x, gamma, beta, bias);
    }

    private static void check(String op, Tensor x, Tensor gamma, Tensor beta, Tensor mean, Tensor variance,
                              float epsilon) {
        OpChecks.sameDevice(op, x, gamma, beta, mean, variance);
        if (x.rank() < 2 || Shape.numel(x.shape()) == 0) {
            throw ShapeMismatchException.of(op, "x must be a non-empty (..., C) tensor of rank 2 or more", x.shape());
        }
        int[] channels = {x.shape(-1)};
        Tensor[] perChannel = {gamma, beta, mean, variance};
        String[] names = {"gamma", "beta", "moving mean", "moving variance"};
        for (int i = 0; i < perChannel.length; i++) {
            if (!Arrays.equals(perChannel[i].shape(), channels)) {
                throw ShapeMismatchException.of(op, names[i] + " must be (C) with C = " + channels[0]
                        + " channels (x, " + names[i] + ")", x.shape(), perChannel[i].shape());
            }
        }
        if (!(epsilon > 0f)) {
            throw new IllegalArgumentException(op + ": epsilon must be positive, got " + epsilon);
        }
    }

    private static int[] allButLast(int rank) {
        int[] axes = new int[rank - 1];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i;
        }
        return axes;
    }

    /** A detached contiguous tensor with t's values: what the backend primitives read (not recorded). */
    private static Tensor contiguous(Tensor t) {
        return t.detach().contiguous();
    }
}
