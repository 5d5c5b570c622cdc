package org.transfer4j.cuda.backend;

import org.transfer4j.backend.Backend;
import org.transfer4j.backend.BatchNormChecks;
import org.transfer4j.cuda.driver.KernelArgs;
import org.transfer4j.cuda.kernels.Kernels;
import org.transfer4j.tensor.Tensor;

/**
 * Batch normalisation over the last axis with our kernels ({@code batchnorm.cu}): {@code x (..., C)} seen as
 * {@code (M, C)}, M the product of the other axes. Each op is a few launches: a per-channel reduction over
 * the M rows into partial sums per chunk of rows (doubles), a finalize kernel per channel, then one
 * elementwise pass; the chunking comes from {@link KernelGeometry#channelChunk} (about 8 blocks per SM). Up to
 * {@link #SINGLE_BLOCK_ROWS} rows each op is one launch instead ({@code batchnorm_training_single_f32},
 * {@code batchnorm_backward_single_f32}: the same arithmetic, one chunk, no temporaries).
 *
 * <p>What the SPI returns, as {@code CpuBatchNorm} computes it (the kernels mirror its expressions, see the
 * header of {@code batchnorm.cu}): the batch mean, the <i>biased</i> batch variance (core's
 * {@code BatchNorm.train} does Keras' moving update with it) and {@code invStd = 1/sqrt(var + eps)} (what the
 * backward pass reads); M = 1 gives variance 0.
 *
 * <p>A clamp after the batch norm in training (its ReLU or ReLU6: {@code low, high}) costs nothing extra: the forward
 * clamps in {@code scale_shift_f32}'s pass, and the backward masks dy with the clamped output y
 * ({@code low < y < high}) where its two passes read dy, bit for bit the batch norm then {@code clamp_f32}, and
 * {@code clamp_backward_f32} then the batch norm's backward, with neither the unclamped output nor the masked dy
 * written. The plain ops pass {@code -inf, +inf} and no y.
 *
 * <p>The moving statistics' update after a training batch norm ({@link #movingAverages}) is one launch over the
 * channels, where the composite (a bias added to the batch mean, two moving averages) made three.
 *
 * <p>Why not cuDNN: {@code cudnnBatchNormalizationForwardTraining}/{@code Backward} on NHWC activations
 * described as {@code (M, C, 1, 1)} took 6.6 ms and 3.0 ms per call in a MobileNetV2 training step at batch 64
 * on an H200 (79% of the step); {@code cudnnBatchNormalizationForwardInference} rejected that description
 * outright (see {@link #inference}).
 */
final class CudaBatchNorm {
    /**
     * Up to this many rows (M), training and its backward are one launch each ({@code batchnorm_*_single_f32}: a block
     * per 32 channels walks every row), where the chunked path makes three launches and up to four temporaries: a
     * dense head's batch norm over a batch of features, M = the batch, whose step is bound by host time per op.
     * Activations of convolutions have thousands of rows and take the chunked path, which spreads them over the GPU.
     */
    static final long SINGLE_BLOCK_ROWS = 256;

    private final CudaExec exec;
    private long singleBlockRows = SINGLE_BLOCK_ROWS;

    CudaBatchNorm(CudaExec exec) {
        this.exec = exec;
    }

    /**
     * x (..., C) -> y (..., C) normalised with the batch statistics and clamped to {@code [low, high]}
     * ({@code -inf, +inf}: no clamp); mean, biased variance, invStd (C) of x. Launches
     * {@code batchnorm_moments_f32} (sums of {@code x - x[0]} and its square per chunk),
     * {@code batchnorm_training_finalize_f32} (statistics and the coefficients scale, shift) and
     * {@code scale_shift_f32} (with the clamp): two passes over x, one over y. With {@code moving} (else null) the
     * finalize also updates those moving statistics from the batch's ({@link Backend#batchNormTrainingWithMovingAverages}).
     */
    Backend.BatchNormForward training(Tensor x, Tensor gamma, Tensor beta, float epsilon, float low, float high,
                                      Backend.MovingStatistics moving) {
        BatchNormChecks.clamp("batchNormTraining", x, null, low, high);
        CudaExec.requireContiguous("batchNormTraining", x, gamma, beta);
        int c = BatchNormChecks.channels("batchNormTraining", x, gamma, beta);
        long m = x.numel() / c;
        Tensor y = exec.empty(x.shape());
        Tensor mean = exec.empty(c);
        Tensor variance = exec.empty(c);
        Tensor invStd = exec.empty(c);
        if (moving != null) {
            BatchNormChecks.movingAverages(moving.mean(), mean, moving.bias(), moving.variance(), variance);
            CudaExec.requireContiguous("batchNormMovingAverages", moving.mean(), moving.variance(), moving.bias());
        }
        if (m <= singleBlockRows) {
            exec.launch(Kernels.BATCHNORM_TRAINING_SINGLE, KernelGeometry.channelSingle(c), movingArguments(moving,
                    KernelArgs.create().i64(m).i64(c).f32(epsilon).pointer(exec.address(x)).pointer(exec.address(gamma))
                            .pointer(exec.address(beta)).pointer(exec.address(mean)).pointer(exec.address(variance))
                            .pointer(exec.address(invStd)).pointer(exec.address(y)).f32(low).f32(high)));
            return new Backend.BatchNormForward(y, mean, variance, invStd);
        }
        try (Temporaries temps = new Temporaries()) {
            long chunk = chunk(m, c);
            long chunks = Math.ceilDiv(m, chunk);
            long partial = partials(chunks, c, temps);
            Tensor scale = temps.add(exec.empty(c));
            Tensor shift = temps.add(exec.empty(c));
            exec.launch(Kernels.BATCHNORM_MOMENTS, KernelGeometry.channelSums(c, chunks),
                    KernelArgs.create().i64(m).i64(c).i64(chunk).pointer(exec.address(x)).pointer(partial));
            exec.launch(Kernels.BATCHNORM_TRAINING_FINALIZE, KernelGeometry.channelFinalize(c), movingArguments(moving,
                    KernelArgs.create().i64(m).i64(c).i64(chunks).f32(epsilon).pointer(exec.address(x)).pointer(partial)
                            .pointer(exec.address(gamma)).pointer(exec.address(beta)).pointer(exec.address(mean))
                            .pointer(exec.address(variance)).pointer(exec.address(invStd)).pointer(exec.address(scale))
                            .pointer(exec.address(shift))));
            scaleShift(x, c, scale, shift, y, low, high);
        }
        return new Backend.BatchNormForward(y, mean, variance, invStd);
    }

    /**
     * The training kernels' last four arguments: {@code momentum, bias, movingMean, movingVariance}, the moving
     * statistics they update from the batch's ({@code batchnorm_moving_averages_f32}'s arithmetic), or
     * {@code 0, null, null, null} for none.
     */
    private KernelArgs movingArguments(Backend.MovingStatistics moving, KernelArgs args) {
        if (moving == null) {
            return args.f32(0f).pointer(0).pointer(0).pointer(0);
        }
        return args.f32(moving.momentum()).pointer(exec.addressOrNull(moving.bias())).pointer(exec.address(moving.mean()))
                .pointer(exec.address(moving.variance()));
    }

    /**
     * {@code y = x * scale[c] + shift[c]} with {@code scale = gamma/sqrt(var + eps)} and
     * {@code shift = beta - mean*scale}, folded per channel in double ({@code batchnorm.cu}, as
     * {@code CpuBatchNorm.inference}). Not cuDNN: cuDNN 9.14's {@code cudnnBatchNormalizationForwardInference}
     * answers {@code CUDNN_STATUS_NOT_SUPPORTED} for x described as {@code (M, C, 1, 1)} with real activation
     * sizes (M = 64*112*112, C = 32 on an H200).
     */
    Tensor inference(Tensor x, Tensor gamma, Tensor beta, Tensor mean, Tensor variance, float epsilon) {
        CudaExec.requireContiguous("batchNormInference", x, gamma, beta, mean, variance);
        int c = BatchNormChecks.channels("batchNormInference", x, gamma, beta, mean, variance);
        Tensor y = exec.empty(x.shape());
        try (Temporaries temps = new Temporaries()) {
            Tensor scale = temps.add(exec.empty(c));
            Tensor shift = temps.add(exec.empty(c));
            exec.launch(Kernels.BATCHNORM_COEFFICIENTS, KernelGeometry.elementwise(c), KernelArgs.create().i64(c).f32(epsilon)
                    .pointer(exec.address(gamma)).pointer(exec.address(beta)).pointer(exec.address(mean))
                    .pointer(exec.address(variance)).pointer(exec.address(scale)).pointer(exec.address(shift)));
            scaleShift(x, c, scale, shift, y, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
        }
        return y;
    }

    /** {@code y = clamp(x * scale[c] + shift[c], low, high)} ({@code scale_shift_f32}, one fmaf per element). */
    private void scaleShift(Tensor x, int c, Tensor scale, Tensor shift, Tensor y, float low, float high) {
        long n = x.numel();
        exec.launch(Kernels.SCALE_SHIFT, KernelGeometry.elementwise(n), KernelArgs.create().i64(n).i64(c)
                .pointer(exec.address(x)).pointer(exec.address(scale)).pointer(exec.address(shift)).pointer(exec.address(y))
                .f32(low).f32(high));
    }

    /**
     * dx (..., C), dGamma, dBeta (C) from x, dy (..., C) and the saved mean and invStd (C): launches
     * {@code batchnorm_backward_sums_f32} (sums of dy and {@code dy*(x - mean)} per chunk),
     * {@code batchnorm_backward_finalize_f32} (dGamma, dBeta and the coefficients of
     * {@code dx = a*dy + b*x + d}) and {@code batchnorm_backward_dx_f32}. With y (..., C), the output of the
     * clamp to {@code [low, high]} after the batch norm (else null), both passes read dy as
     * {@code low < y < high ? dy : 0} (a select, as {@code clamp_backward_f32}). Without {@code withGradX} the dx
     * launch and tensor are skipped ({@link Backend#batchNormParameterGradients}) and its gradient is null.
     */
    Backend.BatchNormGradients backward(Tensor x, Tensor gradY, Tensor gamma, Tensor mean, Tensor invStd, Tensor y,
                                        float low, float high, boolean withGradX) {
        if (y != null) {
            BatchNormChecks.clamp("batchNormBackward", x, y, low, high);
        }
        CudaExec.requireContiguous("batchNormBackward", x, gradY, gamma, mean, invStd, y);
        int c = BatchNormChecks.backwardChannels(x, gradY, gamma, mean, invStd);
        long py = exec.addressOrNull(y);
        long m = x.numel() / c;
        Tensor dx = withGradX ? exec.empty(x.shape()) : null;
        Tensor dGamma = exec.empty(c);
        Tensor dBeta = exec.empty(c);
        if (m <= singleBlockRows) {
            exec.launch(Kernels.BATCHNORM_BACKWARD_SINGLE, KernelGeometry.channelSingle(c), KernelArgs.create().i64(m)
                    .i64(c).pointer(exec.address(x)).pointer(exec.address(gradY)).pointer(exec.address(gamma))
                    .pointer(exec.address(mean)).pointer(exec.address(invStd)).pointer(py).f32(low).f32(high)
                    .pointer(exec.address(dGamma)).pointer(exec.address(dBeta)).pointer(exec.addressOrNull(dx)));
            return new Backend.BatchNormGradients(dx, dGamma, dBeta);
        }
        try (Temporaries temps = new Temporaries()) {
            long chunk = chunk(m, c);
            long chunks = Math.ceilDiv(m, chunk);
            long partial = partials(chunks, c, temps);
            Tensor a = temps.add(exec.empty(c));
            Tensor b = temps.add(exec.empty(c));
            Tensor d = temps.add(exec.empty(c));
            exec.launch(Kernels.BATCHNORM_BACKWARD_SUMS, KernelGeometry.channelSums(c, chunks), KernelArgs.create().i64(m)
                    .i64(c).i64(chunk).pointer(exec.address(x)).pointer(exec.address(gradY)).pointer(exec.address(mean))
                    .pointer(py).f32(low).f32(high).pointer(partial));
            exec.launch(Kernels.BATCHNORM_BACKWARD_FINALIZE, KernelGeometry.channelFinalize(c), KernelArgs.create().i64(m)
                    .i64(c).i64(chunks).pointer(partial).pointer(exec.address(gamma)).pointer(exec.address(mean))
                    .pointer(exec.address(invStd)).pointer(exec.address(dGamma)).pointer(exec.address(dBeta))
                    .pointer(exec.address(a)).pointer(exec.address(b)).pointer(exec.address(d)));
            if (dx == null) {
                return new Backend.BatchNormGradients(null, dGamma, dBeta);
            }
            long n = x.numel();
            exec.launch(Kernels.BATCHNORM_BACKWARD_DX, KernelGeometry.elementwise(n), KernelArgs.create().i64(n).i64(c)
                    .pointer(exec.address(x)).pointer(exec.address(gradY)).pointer(exec.address(a)).pointer(exec.address(b))
                    .pointer(exec.address(d)).pointer(py).f32(low).f32(high).pointer(exec.address(dx)));
        }
        return new Backend.BatchNormGradients(dx, dGamma, dBeta);
    }

    /**
     * {@link Backend#batchNormMovingAverages}: the moving mean and variance (C) updated in place from the batch mean
     * (plus the bias (C) when not null) and the batch variance (C), all contiguous, in one launch of
     * {@code batchnorm_moving_averages_f32} (grid-stride over the channels, block 256): bit for bit the composite
     * {@code add_f32} and twice {@code moving_average_f32} it replaces.
     */
    void movingAverages(Tensor movingMean, Tensor batchMean, Tensor bias, Tensor movingVariance, Tensor batchVariance,
                        float momentum) {
        BatchNormChecks.movingAverages(movingMean, batchMean, bias, movingVariance, batchVariance);
        CudaExec.requireContiguous("batchNormMovingAverages", movingMean, batchMean, bias, movingVariance,
                batchVariance);
        long c = movingMean.numel();
        if (c == 0) {
            return;
        }
        exec.launch(Kernels.BATCHNORM_MOVING_AVERAGES, KernelGeometry.elementwise(c), KernelArgs.create().i64(c)
                .f32(momentum).pointer(exec.address(batchMean)).pointer(exec.addressOrNull(bias))
                .pointer(exec.address(batchVariance)).pointer(exec.address(movingMean))
                .pointer(exec.address(movingVariance)));
    }

    /**
     * The most rows that take the single-block kernels ({@link #SINGLE_BLOCK_ROWS}); 0 sends every batch norm through
     * the chunked kernels. For the tests that compare the two paths on the device.
     */
    void singleBlockRows(long rows) {
        singleBlockRows = rows;
    }

    /** Rows per block of the per-channel sums on this device. */
    private long chunk(long m, int c) {
        return KernelGeometry.channelChunk(m, c, exec.context.device().multiprocessors());
    }

    /** A scratch buffer for the partial sums (chunks, 2, C) in double, closed with {@code temps}. */
    private long partials(long chunks, int c, Temporaries temps) {
        return exec.workspace(Math.multiplyExact(chunks * 2 * c, (long) Double.BYTES), temps);
    }
}
