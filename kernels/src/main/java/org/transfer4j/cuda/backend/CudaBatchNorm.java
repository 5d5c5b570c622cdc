package org.transfer4j.cuda.backend;

import org.transfer4j.backend.Backend;
import org.transfer4j.backend.BatchNormChecks;
import org.transfer4j.cuda.driver.KernelArgs;
import org.transfer4j.cuda.kernels.Kernels;
import org.transfer4j.tensor.Tensor;

/**
 * Batch normalisation over the last axis: training and backward with cuDNN ({@code CudnnLayers},
 * {@code BATCHNORM_SPATIAL}), {@code x (..., C)} described to cuDNN as NHWC {@code (M, C, 1, 1)}, M the
 * product of the other axes; inference with our kernels ({@code batchnorm.cu}, see {@link #inference}).
 *
 * <p>What the SPI returns, as {@code CpuBatchNorm}: the batch mean, the <i>biased</i> batch variance
 * (core's {@code BatchNorm.train} does Keras' moving update with it) and {@code invStd = 1/sqrt(var + eps)}
 * (what the backward pass reads). cuDNN saves the mean and invStd itself; it does not hand out the
 * biased variance, only a running variance updated with the <i>unbiased</i> one. So the training call
 * passes zeroed running buffers with {@code exponentialAverageFactor = 1} (running = batch unbiased
 * variance) and this class rescales by {@link #biasedFactor} = (M-1)/M. Recovering it as
 * {@code invStd^-2 - eps} instead would cancel badly when the variance is small against epsilon.
 */
final class CudaBatchNorm {
    /**
     * The epsilon cuDNN's backward call is given. cuDNN uses it only to recompute invStd when no saved
     * statistics are passed; this class always passes the saved mean and invStd (the SPI's arguments).
     */
    static final double BACKWARD_EPSILON = 1e-5;

    private final CudaExec exec;

    CudaBatchNorm(CudaExec exec) {
        this.exec = exec;
    }

    /** The factor turning the unbiased variance of M > 1 values into the biased one: (M-1)/M. */
    static float biasedFactor(long m) {
        if (m < 2) {
            throw new IllegalArgumentException("the unbiased variance needs at least 2 values, got " + m);
        }
        return (float) ((m - 1) / (double) m);
    }

    Backend.BatchNormForward training(Tensor x, Tensor gamma, Tensor beta, float epsilon) {
        CudaExec.requireContiguous("batchNormTraining", x, gamma, beta);
        int c = BatchNormChecks.channels("batchNormTraining", x, gamma, beta);
        int m = x.numel() / c;
        Tensor y = exec.empty(x.shape());
        Tensor mean = exec.empty(c);
        Tensor invStd = exec.empty(c);
        Tensor variance = exec.zeros(c);
        try (Temporaries temps = new Temporaries()) {
            Tensor runningMean = temps.add(exec.zeros(c));
            exec.layers.batchNormTraining(exec.streamAddress, m, 1, 1, c, exec.address(x), exec.address(y),
                    exec.address(gamma), exec.address(beta), 1.0, exec.address(runningMean), exec.address(variance),
                    epsilon, exec.address(mean), exec.address(invStd));
        }
        if (m == 1) { // cuDNN's unbiased variance of one value divides by 0; the biased one is 0
            exec.memsetZero(exec.address(variance), c);
            return new Backend.BatchNormForward(y, mean, variance, invStd);
        }
        // variance = (M-1)/M * unbiased, in place (affine_f32 allows y == x)
        exec.launch(Kernels.AFFINE, KernelGeometry.elementwise(c), KernelArgs.create().i64(c).f32(biasedFactor(m)).f32(0f)
                .pointer(exec.address(variance)).pointer(exec.address(variance)));
        return new Backend.BatchNormForward(y, mean, variance, invStd);
    }

    /**
     * {@code y = x * scale[c] + shift[c]} with {@code scale = gamma/sqrt(var + eps)} and
     * {@code shift = beta - mean*scale}, folded per channel in double ({@code batchnorm.cu}, as
     * {@code CpuBatchNorm.inference}). Not cuDNN: cuDNN 9.14's {@code cudnnBatchNormalizationForwardInference}
     * answers {@code CUDNN_STATUS_NOT_SUPPORTED} for x described as {@code (M, C, 1, 1)} with real activation
     * sizes (M = 64*112*112, C = 32 on an H200), while training and backward accept the same description.
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
            long n = x.numel();
            exec.launch(Kernels.SCALE_SHIFT, KernelGeometry.elementwise(n), KernelArgs.create().i64(n).i64(c)
                    .pointer(exec.address(x)).pointer(exec.address(scale)).pointer(exec.address(shift)).pointer(exec.address(y)));
        }
        return y;
    }

    Backend.BatchNormGradients backward(Tensor x, Tensor gradY, Tensor gamma, Tensor mean, Tensor invStd) {
        CudaExec.requireContiguous("batchNormBackward", x, gradY, gamma, mean, invStd);
        int c = BatchNormChecks.backwardChannels(x, gradY, gamma, mean, invStd);
        Tensor dx = exec.empty(x.shape());
        Tensor dGamma = exec.empty(c);
        Tensor dBeta = exec.empty(c);
        exec.layers.batchNormBackward(exec.streamAddress, x.numel() / c, 1, 1, c, exec.address(x), exec.address(gradY),
                exec.address(dx), exec.address(gamma), exec.address(dGamma), exec.address(dBeta), BACKWARD_EPSILON,
                exec.address(mean), exec.address(invStd));
        return new Backend.BatchNormGradients(dx, dGamma, dBeta);
    }
}
