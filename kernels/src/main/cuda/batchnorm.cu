// batchnorm.cu: batch normalisation over the last axis with given statistics (inference, a frozen
// BatchNormalization layer), as the CPU backend's CpuBatchNorm.inference computes it: the per-channel
// coefficients are folded first, then every element is one multiply-add.
//
// Shapes: x (M, C) with M = N*H*W for NHWC (the product of all axes but the last), contiguous;
// gamma, beta, mean, var, scale, shift (C).
// Coefficients, per channel in double (bit for bit the CPU's: IEEE round-to-nearest double division,
// square root, product and difference, spelled as _rn intrinsics so that nvcc cannot contract
// beta - mean*s into an FMA; one rounding to float at the end):
//   s = gamma / sqrt(var + eps),  scale = (float) s,  shift = (float) (beta - mean * s).
// Then y = fmaf(x, scale[c], shift[c]): the CPU's vector loop is an FMA too (its scalar tail over the
// last C mod vector-length channels rounds the product first, at most an ulp of x*scale apart).
// Why a family of its own rather than bias_act.cu: the coefficient fold is batch-norm arithmetic
// (epsilon, statistics, double precision), not a GEMM epilogue; cuDNN 9's
// cudnnBatchNormalizationForwardInference rejects the (M, C, 1, 1) description of real NHWC
// activations with CUDNN_STATUS_NOT_SUPPORTED (seen with cuDNN 9.14 for x (64,112,112,32)), so this
// family replaces it.
//
// Kernels:
//   batchnorm_coefficients_f32(long long c, float eps, const float* gamma, const float* beta,
//                              const float* mean, const float* var, float* scale, float* shift)
//     gamma, beta, mean, var (C) -> scale, shift (C). Grid-stride over the C channels, block (256,1,1).
//   scale_shift_f32(long long n, long long c, const float* x, const float* scale, const float* shift,
//                   float* y)
//     x (M,C), scale (C), shift (C) -> y (M,C), n = M*C: y[i] = fmaf(x[i], scale[i % C], shift[i % C]).
//     Grid-stride, block (256,1,1). y may be x (in place). The channel is computed once per thread and
//     then advanced by (grid stride mod C): one 64-bit remainder per thread instead of one per element.
//
// This file is self-contained (no local #include). Regenerate the PTX with kernels/scripts/build-ptx.sh.

// batchnorm_coefficients_f32: scale = gamma/sqrt(var+eps), shift = beta - mean*scale (in double). Grid-stride, block 256.
extern "C" __global__ void batchnorm_coefficients_f32(long long c, float eps, const float* gamma, const float* beta,
                                                      const float* mean, const float* var, float* scale, float* shift) {
    for (long long k = (long long)blockIdx.x * blockDim.x + threadIdx.x; k < c;
         k += (long long)gridDim.x * blockDim.x) {
        double s = __ddiv_rn((double)gamma[k], __dsqrt_rn(__dadd_rn((double)var[k], (double)eps)));
        scale[k] = (float)s;
        shift[k] = (float)__dsub_rn((double)beta[k], __dmul_rn((double)mean[k], s));
    }
}

// scale_shift_f32: y = fmaf(x, scale[c], shift[c]) over x (M, C). Grid-stride, block 256; y may be x.
extern "C" __global__ void scale_shift_f32(long long n, long long c, const float* x, const float* scale,
                                           const float* shift, float* y) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    long long stride = (long long)gridDim.x * blockDim.x;
    long long k = i % c;            // the channel of element i
    long long step = stride % c;    // how far the channel moves per grid stride, < C
    for (; i < n; i += stride) {
        y[i] = fmaf(x[i], scale[k], shift[k]);
        k += step;
        if (k >= c) {
            k -= c;
        }
    }
}
