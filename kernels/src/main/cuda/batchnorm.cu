// batchnorm.cu: batch normalisation over the last axis, as the CPU backend's CpuBatchNorm computes it:
// training (batch statistics), its backward pass, inference with given statistics (a frozen
// BatchNormalization layer), and training's update of the moving statistics. The per-channel coefficients
// are folded first, then every element is one multiply-add (two for dx).
//
// Shapes: x, dy, y, dx (M, C) with M = N*H*W for NHWC (the product of all axes but the last),
// contiguous, M >= 1; gamma, beta, mean, var, invStd, scale, shift, a, b, d (C); partial (chunks, 2, C)
// doubles.
//
// Inference coefficients, per channel in double (bit for bit the CPU's: IEEE round-to-nearest double
// division, square root, product and difference, spelled as _rn intrinsics so that nvcc cannot contract
// beta - mean*s into an FMA; one rounding to float at the end):
//   s = gamma / sqrt(var + eps),  scale = (float) s,  shift = (float) (beta - mean * s).
// Then y = fmaf(x, scale[c], shift[c]): the CPU's vector loop is an FMA too (its scalar tail over the
// last C mod vector-length channels rounds the product first, at most an ulp of x*scale apart).
//
// Training (CpuBatchNorm.training): one pass over x for the moments shifted by the first row,
// v = x - x0 (a float subtraction, as the CPU's), s1 = sum v, s2 = sum v^2 per channel; the shift keeps
// E[v^2] - E[v]^2 from cancelling when |mean| is large against the spread. Every term goes into a
// double (the CPU adds runs of 64 rows in float first: this is at least as accurate, so the two agree
// to the CPU's float-run error, ~1e-6 relative). Then, per channel in double with _rn intrinsics, the
// CPU's expressions in its order:
//   d = s1/M, var = max(s2/M - d*d, 0) (NaN kept), mu = x0 + d, inv = 1/sqrt(var + eps),
//   mean = (float) mu, variance = (float) var (biased), invStd = (float) inv,
//   scale = (float) (gamma*inv), shift = (float) (beta - mu*gamma*inv);
// y = scale_shift_f32 (fmaf). M = 1 gives s1 = s2 = 0: variance 0, mean x0.
// A clamp after the batch norm (the ReLU (0, +inf) or ReLU6 (0, 6) of a training step:
// Backend.batchNormTraining with low, high) is applied in scale_shift_f32's pass,
// y = min(max(fmaf(...), low), high), NaN kept, bit for bit elementwise.cu's clamp_f32 on the unclamped
// output (the same t4j_max/t4j_min); -inf, +inf is the identity (NaN and -0 included), which inference and
// the unclamped training pass. Its backward masks dy where it is read, in backward_sums and backward_dx:
// with y (the clamped output) not null, dy is read as (low < y < high ? dy : 0), bit for bit
// unary_backward.cu's clamp_backward_f32 (a select: a NaN y gives 0, and so does a NaN or infinite dy
// where the mask is 0) followed by the unmasked backward; y null is no mask. Neither the unclamped output nor the masked dy is ever written.
// Backward (CpuBatchNorm.backward), with the saved mean and invStd: one pass for s1 = sum dy and
// s2 = sum dy*(x - mean) (x - mean a float subtraction, the product exact in double), then per channel
//   dbeta = s1, dgamma = s2*inv, a = gamma*inv, b = -a*inv*dgamma/M, d = -a*s1/M - b*mean
// (all in double, rounded once to float), and dx = fmaf(dy, a, fmaf(x, b, d)) as the CPU's vector loop:
// this is gamma*inv/M * (M*dy - dbeta - xhat*dgamma) with xhat = (x - mean)*inv.
// Why our own kernels rather than cuDNN: cudnnBatchNormalizationForwardTraining / Backward on the
// (M, C, 1, 1) description of NHWC activations took 6.6 ms / 3.0 ms per call for MobileNetV2 at batch 64
// on an H200 (54% and 25% of a training step), far from the memory bound; inference was rejected with
// CUDNN_STATUS_NOT_SUPPORTED on that description (cuDNN 9.14, x (64,112,112,32)).
//
// The per-channel sums (moments, backward sums) use the layout of bias_act.cu's bias gradient: block
// (32,8,1), grid (ceil(C/32), chunks, 1); threadIdx.x picks a channel (a warp reads 32 consecutive
// floats of a row: coalesced), threadIdx.y every 8th row of the chunk [j*chunk, min(M, (j+1)*chunk)),
// four rows in flight per thread; the 8 partials per channel meet in shared memory and block
// (x, j) writes partial[j, 0, c] = s1 and partial[j, 1, c] = s2 of its chunk. The finalize kernels add
// the chunks' partials per channel in a fixed order (block (32,32,1), grid (ceil(C/32),1,1): threadIdx.y
// strides the chunks, then shared memory), so results do not vary from run to run. The caller picks the
// chunk length so that the grid fills the GPU (KernelGeometry.channelChunk).
//
// Kernels:
//   batchnorm_coefficients_f32(long long c, float eps, const float* gamma, const float* beta,
//                              const float* mean, const float* var, float* scale, float* shift)
//     gamma, beta, mean, var (C) -> scale, shift (C). Grid-stride over the C channels, block (256,1,1).
//   scale_shift_f32(long long n, long long c, const float* x, const float* scale, const float* shift,
//                   float* y, float low, float high)
//     x (M,C), scale (C), shift (C) -> y (M,C), n = M*C:
//     y[i] = min(max(fmaf(x[i], scale[i % C], shift[i % C]), low), high) (NaN-propagating, as clamp_f32);
//     low <= high, -inf/+inf for no clamp. Grid-stride, block (256,1,1). y may be x (in place). The
//     channel is computed once per thread and then advanced by (grid stride mod C): one 64-bit remainder
//     per thread instead of one per element.
//   batchnorm_moments_f32(long long rows, long long c, long long chunk, const float* x, double* partial)
//     x (M,C) -> partial (chunks,2,C), chunks = ceil(M/chunk) <= 65535: sums of v and v^2, v = x - x[0,c].
//     Block (32,8,1), grid (ceil(C/32), chunks, 1); __launch_bounds__(256, 8): at most 32 registers, so
//     8 blocks (2048 threads) fit an SM of compute capability 8.0 or 9.0 (on targets with fewer threads
//     per SM the minimum is ignored; ptxas says so when it assembles the sm75 PTX).
//   batchnorm_training_finalize_f32(long long rows, long long c, long long chunks, float eps,
//                                   const float* x, const double* partial, const float* gamma,
//                                   const float* beta, float* mean, float* var, float* invStd,
//                                   float* scale, float* shift, float momentum, const float* bias,
//                                   float* movingMean, float* movingVariance)
//     partial (chunks,2,C), x's first row, gamma, beta (C) -> mean, var (biased), invStd, scale, shift (C); and
//     unless movingMean is null, movingMean and movingVariance (C) updated in place as batchnorm_moving_averages_f32
//     updates them from this mean (plus bias, unless null) and var, bit for bit (the moving statistics in the pass
//     that computes the batch's: a launch fewer per batch norm and step). Block (32,32,1), grid (ceil(C/32),1,1).
//   batchnorm_backward_sums_f32(long long rows, long long c, long long chunk, const float* x,
//                               const float* dy, const float* mean, const float* y, float low, float high,
//                               double* partial)
//     x, dy (M,C), mean (C), y (M,C) or null -> partial (chunks,2,C): sums of g and g*(x - mean), with
//     g = dy, or (low < y < high ? dy : 0) when y is not null (the clamp's mask, see above).
//     Block (32,8,1), grid (ceil(C/32), chunks, 1), __launch_bounds__(256, 8) as the moments.
//   batchnorm_backward_finalize_f32(long long rows, long long c, long long chunks, const double* partial,
//                                   const float* gamma, const float* mean, const float* invStd,
//                                   float* dGamma, float* dBeta, float* a, float* b, float* d)
//     partial (chunks,2,C), gamma, mean, invStd (C) -> dGamma, dBeta and the dx coefficients a, b, d (C).
//     Block (32,32,1), grid (ceil(C/32),1,1).
//   batchnorm_backward_dx_f32(long long n, long long c, const float* x, const float* dy, const float* a,
//                             const float* b, const float* d, const float* y, float low, float high, float* dx)
//     x, dy (M,C), a, b, d (C), y (M,C) or null -> dx (M,C), n = M*C: dx = fmaf(g, a[c], fmaf(x, b[c], d[c]))
//     with g as in the sums (dy, or dy masked by the clamp when y is not null). Grid-stride, block
//     (256,1,1), channel advanced as in scale_shift_f32. dx may be dy, x or y.
// The mask's y, low, high come last before the output pointer in both backward kernels.
//   batchnorm_training_single_f32(long long rows, long long c, float eps, const float* x, const float* gamma,
//                                 const float* beta, float* mean, float* var, float* invStd, float* y, float low,
//                                 float high, float momentum, const float* bias, float* movingMean,
//                                 float* movingVariance)
//     x (M,C), gamma, beta (C) -> mean, var (biased), invStd (C), y (M,C) clamped to [low, high], and the moving
//     statistics as the finalize updates them: moments, finalize and scale_shift in one launch, bit for bit them with
//     one chunk of M rows. Block (32,8,1), grid (ceil(C/32),1,1);
//     for few rows (CudaBatchNorm.SINGLE_BLOCK_ROWS), as each block walks all of them.
//   batchnorm_backward_single_f32(long long rows, long long c, const float* x, const float* dy, const float* gamma,
//                                 const float* mean, const float* invStd, const float* y, float low, float high,
//                                 float* dGamma, float* dBeta, float* dx)
//     x, dy (M,C), gamma, mean, invStd (C), y (M,C) or null -> dGamma, dBeta (C) and dx (M,C) unless dx is null:
//     sums, finalize and dx in one launch, bit for bit them with one chunk. Block (32,8,1), grid (ceil(C/32),1,1).
//   batchnorm_moving_averages_f32(long long c, float momentum, const float* batchMean, const float* bias,
//                                 const float* batchVariance, float* movingMean, float* movingVariance)
//     batchMean, bias (or null), batchVariance (C) -> movingMean, movingVariance (C), in place:
//     movingMean = momentum*movingMean + (1-momentum)*(batchMean + bias) (batchMean alone when bias is null),
//     movingVariance = momentum*movingVariance + (1-momentum)*batchVariance. Grid-stride over the C channels,
//     block (256,1,1).
//
// Moving statistics (Backend.batchNormMovingAverages): a training step's update of each batch norm's moving
// mean and variance from the batch's, in one launch where the composite makes three (add_f32 of the batch
// mean and a convolution's skipped bias, then elementwise.cu's moving_average_f32 twice), bit for bit theirs:
// the same _rn operations in the same order, rest = 1 - momentum rounded once, each product rounded, then
// their sum (no FMA), as CpuBackend's loop.
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

// max/min that return NaN when either operand is NaN (Java Math.max/min), as elementwise.cu's: the clamp
// t4j_min(t4j_max(v, low), high) is its clamp_f32 bit for bit, and the identity for -inf, +inf.
__device__ __forceinline__ float t4j_max(float a, float b) {
    return (a != a || b != b) ? a + b : fmaxf(a, b);
}
__device__ __forceinline__ float t4j_min(float a, float b) {
    return (a != a || b != b) ? a + b : fminf(a, b);
}

// scale_shift_f32: y = clamp(fmaf(x, scale[c], shift[c]), low, high) over x (M, C). Grid-stride, block 256; y may be x.
extern "C" __global__ void scale_shift_f32(long long n, long long c, const float* x, const float* scale,
                                           const float* shift, float* y, float low, float high) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    long long stride = (long long)gridDim.x * blockDim.x;
    long long k = i % c;            // the channel of element i
    long long step = stride % c;    // how far the channel moves per grid stride, < C
    for (; i < n; i += stride) {
        y[i] = t4j_min(t4j_max(fmaf(x[i], scale[k], shift[k]), low), high);
        k += step;
        if (k >= c) {
            k -= c;
        }
    }
}

// ---- training and backward: per-channel sums over the rows, then a finalize per channel ----------------

// The terms of the moments: v = x - x0 (x0 the channel's first-row value), s1 += v, s2 += v*v. The
// product of two floats is exact in double, so a contracted FMA would give the same s2.
struct MomentTerms {
    const float* x;
    float x0;
    __device__ __forceinline__ void operator()(long long i, double& s1, double& s2) const {
        double v = (double)__fsub_rn(x[i], x0);
        s1 = __dadd_rn(s1, v);
        s2 = __dadd_rn(s2, __dmul_rn(v, v));
    }
};

// How the backward kernels read dy: as it is, or masked by the derivative of the clamp after the batch
// norm, read from its output y: lo < y < hi ? dy : 0, unary_backward.cu's clamp_backward_f32 bit for bit. Each kernel picks one once (y null or not), so the unmasked loop is the one it always was.
struct PlainGradient {
    const float* dy;
    __device__ __forceinline__ float operator()(long long i) const { return dy[i]; }
};
struct ClampedGradient {
    const float* dy;
    const float* y;
    float lo;
    float hi;
    __device__ __forceinline__ float operator()(long long i) const {
        float v = y[i];
        // the select as a bit mask (all bits kept, or none: +0): written as "inside ? dy : 0" it made ptxas spill
        // 68 bytes in the sums under their 32-register bound (sm_90), this way 8
        int keep = (v > lo && v < hi) ? -1 : 0;
        return __int_as_float(__float_as_int(dy[i]) & keep);
    }
};

// The terms of the backward sums: s1 += g, s2 += g*(x - mean), g = dy as Gradient reads it.
template <typename Gradient>
struct GradientTerms {
    const float* x;
    Gradient dy;
    float mean;
    __device__ __forceinline__ void operator()(long long i, double& s1, double& s2) const {
        float g = dy(i);
        s1 = __dadd_rn(s1, (double)g);
        s2 = __dadd_rn(s2, __dmul_rn((double)g, (double)__fsub_rn(x[i], mean)));
    }
};

// Block (32,8): thread (x, 0) adds the 8 row-threads' sums s1, s2 of its channel ch and writes them to
// partial[blockIdx.y, 0..1, ch]. Not a template: a kernel that instantiates t4j_channel_sums for two kinds of
// terms still has one pair of shared arrays.
// Block (32,8): thread (x, 0) adds the 8 row-threads' sums s1, s2 of its channel, in row-thread order, when its
// channel exists (active; valid in thread y = 0 only).
__device__ __forceinline__ void t4j_block_sums(bool active, double& s1, double& s2) {
    __shared__ double p1[8][32];
    __shared__ double p2[8][32];
    p1[threadIdx.y][threadIdx.x] = s1;
    p2[threadIdx.y][threadIdx.x] = s2;
    __syncthreads();
    if (threadIdx.y == 0 && active) {
        for (int k = 1; k < 8; ++k) {
            s1 = __dadd_rn(s1, p1[k][threadIdx.x]);
            s2 = __dadd_rn(s2, p2[k][threadIdx.x]);
        }
    }
}

__device__ __forceinline__ void t4j_block_partials(long long c, long long ch, double s1, double s2, double* partial) {
    t4j_block_sums(ch < c, s1, s2);
    if (threadIdx.y == 0 && ch < c) {
        partial[((long long)blockIdx.y * 2) * c + ch] = s1;
        partial[((long long)blockIdx.y * 2 + 1) * c + ch] = s2;
    }
}

// Block (32,8): this thread's two sums of channel ch over the rows start + threadIdx.y, +8, ... below end.
template <typename Terms>
__device__ __forceinline__ void t4j_thread_sums(long long start, long long end, long long c, long long ch,
                                                const Terms& terms, double& s1, double& s2) {
    s1 = 0.0;
    s2 = 0.0;
    if (ch < c) {
        long long r = start + threadIdx.y;
        for (; r + 24 < end; r += 32) {   // four rows per iteration: four independent loads in flight
            terms(r * c + ch, s1, s2);
            terms((r + 8) * c + ch, s1, s2);
            terms((r + 16) * c + ch, s1, s2);
            terms((r + 24) * c + ch, s1, s2);
        }
        for (; r < end; r += 8) {
            terms(r * c + ch, s1, s2);
        }
    }
}

// Block (32,8), grid (ceil(C/32), chunks): the two sums of channel ch over the rows of chunk blockIdx.y,
// written to partial[blockIdx.y, 0..1, ch].
template <typename Terms>
__device__ __forceinline__ void t4j_channel_sums(long long rows, long long c, long long chunk, long long ch,
                                                 const Terms& terms, double* partial) {
    long long start = (long long)blockIdx.y * chunk;
    long long end = start + chunk < rows ? start + chunk : rows;
    double s1, s2;
    t4j_thread_sums(start, end, c, ch, terms, s1, s2);
    t4j_block_partials(c, ch, s1, s2, partial);
}

// Block (32,32), grid (ceil(C/32)): s1, s2 = the sums over the chunks of partial[., 0..1, ch], in a fixed
// order (thread y adds chunks y, y+32, ...; then thread y = 0 adds the 32 results in order). Valid in
// thread y = 0 only.
__device__ __forceinline__ void t4j_sum_partials(long long c, long long chunks, long long ch, const double* partial,
                                                 double& s1, double& s2) {
    __shared__ double q1[32][32];
    __shared__ double q2[32][32];
    s1 = 0.0;
    s2 = 0.0;
    if (ch < c) {
        for (long long j = threadIdx.y; j < chunks; j += 32) {
            s1 = __dadd_rn(s1, partial[(j * 2) * c + ch]);
            s2 = __dadd_rn(s2, partial[(j * 2 + 1) * c + ch]);
        }
    }
    q1[threadIdx.y][threadIdx.x] = s1;
    q2[threadIdx.y][threadIdx.x] = s2;
    __syncthreads();
    if (threadIdx.y == 0) {
        for (int k = 1; k < 32; ++k) {
            s1 = __dadd_rn(s1, q1[k][threadIdx.x]);
            s2 = __dadd_rn(s2, q2[k][threadIdx.x]);
        }
    }
}

// batchnorm_moments_f32: partial (chunks,2,C) = sums of v and v^2, v = x - x[0,c]. Block (32,8), grid (ceil(C/32), chunks).
extern "C" __global__ void __launch_bounds__(256, 8) batchnorm_moments_f32(long long rows, long long c,
                                                                          long long chunk, const float* x,
                                                                          double* partial) {
    long long ch = (long long)blockIdx.x * 32 + threadIdx.x;
    MomentTerms terms{x, ch < c ? x[ch] : 0.0f};
    t4j_channel_sums(rows, c, chunk, ch, terms, partial);
}

// Channel k's moving statistics updated in place from its batch mean (plus bias[k] unless bias is null) and batch
// variance: momentum*moving + (1-momentum)*batch, rest = 1 - momentum rounded once, each product rounded, then their
// sum (no FMA), as CpuBackend.movingAverage and elementwise.cu's moving_average_f32; the mean's sum with the bias is
// add_f32's. Shared by batchnorm_moving_averages_f32 and the training kernels that update the statistics in the pass
// that computes the batch's.
__device__ __forceinline__ void t4j_moving_averages(long long k, float momentum, float batchMean, const float* bias,
                                                   float batchVariance, float* movingMean, float* movingVariance) {
    float rest = __fsub_rn(1.0f, momentum);
    float mean = bias == nullptr ? batchMean : __fadd_rn(batchMean, bias[k]);
    movingMean[k] = __fadd_rn(__fmul_rn(momentum, movingMean[k]), __fmul_rn(rest, mean));
    movingVariance[k] = __fadd_rn(__fmul_rn(momentum, movingVariance[k]), __fmul_rn(rest, batchVariance));
}

// Channel statistics from the sums s1 of x - x0 and s2 of its square over the rows: mean, biased variance and invStd
// written, scale and shift returned (the finalize's arithmetic, shared with the single-block kernel); then, unless
// movingMean is null, the channel's moving statistics updated from the mean and variance just written.
__device__ __forceinline__ void t4j_training_statistics(long long rows, long long ch, float eps, float x0, double s1,
                                                       double s2, float gamma, float beta, float* mean, float* var,
                                                       float* invStd, float& scale, float& shift, float momentum,
                                                       const float* bias, float* movingMean, float* movingVariance) {
    double m = (double)rows;
    double d = __ddiv_rn(s1, m);
    double v = __dsub_rn(__ddiv_rn(s2, m), __dmul_rn(d, d));
    v = v < 0.0 ? 0.0 : v;   // rounding can dip just below 0 (Java's Math.max: NaN stays NaN)
    double mu = __dadd_rn((double)x0, d);
    double inv = __ddiv_rn(1.0, __dsqrt_rn(__dadd_rn(v, (double)eps)));
    double g = (double)gamma;
    float meanF = (float)mu;
    float varF = (float)v;
    mean[ch] = meanF;
    var[ch] = varF;
    invStd[ch] = (float)inv;
    scale = (float)__dmul_rn(g, inv);
    shift = (float)__dsub_rn((double)beta, __dmul_rn(__dmul_rn(mu, g), inv));
    if (movingMean != nullptr) {
        t4j_moving_averages(ch, momentum, meanF, bias, varF, movingMean, movingVariance);
    }
}

// batchnorm_training_finalize_f32: mean, biased var, invStd, scale, shift (C). Block (32,32), grid (ceil(C/32)).
extern "C" __global__ void batchnorm_training_finalize_f32(long long rows, long long c, long long chunks, float eps,
                                                           const float* x, const double* partial, const float* gamma,
                                                           const float* beta, float* mean, float* var, float* invStd,
                                                           float* scale, float* shift, float momentum,
                                                           const float* bias, float* movingMean,
                                                           float* movingVariance) {
    long long ch = (long long)blockIdx.x * 32 + threadIdx.x;
    double s1, s2;
    t4j_sum_partials(c, chunks, ch, partial, s1, s2);
    if (threadIdx.y == 0 && ch < c) {
        float sc, sh;
        t4j_training_statistics(rows, ch, eps, x[ch], s1, s2, gamma[ch], beta[ch], mean, var, invStd, sc, sh, momentum,
                                bias, movingMean, movingVariance);
        scale[ch] = sc;
        shift[ch] = sh;
    }
}

// batchnorm_backward_sums_f32: partial (chunks,2,C) = sums of g and g*(x - mean), g = dy masked by the clamp
// where y is not null. Block (32,8), grid (ceil(C/32), chunks).
extern "C" __global__ void __launch_bounds__(256, 8) batchnorm_backward_sums_f32(long long rows, long long c,
                                                                                long long chunk, const float* x,
                                                                                const float* dy, const float* mean,
                                                                                const float* y, float low, float high,
                                                                                double* partial) {
    // Each path finds its own channel and mean: computed once before the branch, they stayed live into the
    // masked loop and ptxas spilled 48 bytes under the 32-register bound (sm_90); this way, with the mask as a
    // bit mask (ClampedGradient), the kernel spills 8.
    if (y == nullptr) {
        long long ch = (long long)blockIdx.x * 32 + threadIdx.x;
        GradientTerms<PlainGradient> terms{x, PlainGradient{dy}, ch < c ? mean[ch] : 0.0f};
        t4j_channel_sums(rows, c, chunk, ch, terms, partial);
        return;
    }
    long long ch = (long long)blockIdx.x * 32 + threadIdx.x;
    GradientTerms<ClampedGradient> terms{x, ClampedGradient{dy, y, low, high}, ch < c ? mean[ch] : 0.0f};
    t4j_channel_sums(rows, c, chunk, ch, terms, partial);
}

// dGamma, dBeta written and dx's coefficients a, b, d returned from the sums s1 of dy and s2 of dy*(x - mean) over
// the rows (the finalize's arithmetic, shared with the single-block kernel).
__device__ __forceinline__ void t4j_backward_coefficients(long long rows, double s1, double s2, float gamma, float mean,
                                                         float invStd, float* dGamma, float* dBeta, float& a, float& b,
                                                         float& d) {
    double m = (double)rows;
    double inv = (double)invStd;
    double sumDyXhat = __dmul_rn(s2, inv);
    double ak = __dmul_rn((double)gamma, inv);
    double bk = __ddiv_rn(__dmul_rn(__dmul_rn(-ak, inv), sumDyXhat), m);   // from -a * xhat * dgamma / M
    *dGamma = (float)sumDyXhat;
    *dBeta = (float)s1;
    a = (float)ak;
    b = (float)bk;
    d = (float)__dsub_rn(__ddiv_rn(__dmul_rn(-ak, s1), m), __dmul_rn(bk, (double)mean));
}

// batchnorm_backward_finalize_f32: dGamma, dBeta and dx's a, b, d (C). Block (32,32), grid (ceil(C/32)).
extern "C" __global__ void batchnorm_backward_finalize_f32(long long rows, long long c, long long chunks,
                                                           const double* partial, const float* gamma, const float* mean,
                                                           const float* invStd, float* dGamma, float* dBeta, float* a,
                                                           float* b, float* d) {
    long long ch = (long long)blockIdx.x * 32 + threadIdx.x;
    double s1, s2;
    t4j_sum_partials(c, chunks, ch, partial, s1, s2);
    if (threadIdx.y == 0 && ch < c) {
        t4j_backward_coefficients(rows, s1, s2, gamma[ch], mean[ch], invStd[ch], dGamma + ch, dBeta + ch, a[ch], b[ch],
                                  d[ch]);
    }
}

// dx = fmaf(g, a[c], fmaf(x, b[c], d[c])), g = dy as Gradient reads it. Grid-stride.
template <typename Gradient>
__device__ __forceinline__ void t4j_backward_dx(long long n, long long c, const float* x, const Gradient& dy,
                                                const float* a, const float* b, const float* d, float* dx) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    long long stride = (long long)gridDim.x * blockDim.x;
    long long k = i % c;
    long long step = stride % c;
    for (; i < n; i += stride) {
        dx[i] = fmaf(dy(i), a[k], fmaf(x[i], b[k], d[k]));
        k += step;
        if (k >= c) {
            k -= c;
        }
    }
}

// batchnorm_backward_dx_f32: dx = fmaf(g, a[c], fmaf(x, b[c], d[c])), g = dy masked by the clamp where y is not
// null. Grid-stride, block 256.
extern "C" __global__ void batchnorm_backward_dx_f32(long long n, long long c, const float* x, const float* dy,
                                                     const float* a, const float* b, const float* d, const float* y,
                                                     float low, float high, float* dx) {
    if (y == nullptr) {
        t4j_backward_dx(n, c, x, PlainGradient{dy}, a, b, d, dx);
    } else {
        t4j_backward_dx(n, c, x, ClampedGradient{dy, y, low, high}, a, b, d, dx);
    }
}

// ---- few rows: each op in one launch ----------------------------------------------------------------------
// With few rows (a dense head's batch norm over a batch of features, x (64, 1280)) the three launches of training
// (moments, finalize, scale_shift) and of the backward (sums, finalize, dx) cost the host more time than the device
// spends. These kernels do each op in one launch: block (32,8) owns 32 channels and every row; its threads sum as
// the chunked kernels' single chunk [0, rows) does and thread y = 0 adds the row-threads' sums in the same order;
// the finalize's sum over one chunk's partials only adds +0.0s to them, which changes nothing (a sum that starts at
// +0.0 is never -0.0), so thread y = 0 goes on with the finalize's arithmetic; the channel's coefficients go through
// shared memory, and the block writes y (dx) for its channels. Bit for bit the three kernels with one chunk of all
// the rows.

// batchnorm_training_single_f32: x (M,C) -> y (M,C) clamped to [low, high] and mean, biased var, invStd (C).
// Block (32,8), grid (ceil(C/32)).
extern "C" __global__ void batchnorm_training_single_f32(long long rows, long long c, float eps, const float* x,
                                                         const float* gamma, const float* beta, float* mean, float* var,
                                                         float* invStd, float* y, float low, float high, float momentum,
                                                         const float* bias, float* movingMean, float* movingVariance) {
    __shared__ float scale[32];
    __shared__ float shift[32];
    long long ch = (long long)blockIdx.x * 32 + threadIdx.x;
    MomentTerms terms{x, ch < c ? x[ch] : 0.0f};
    double s1, s2;
    t4j_thread_sums(0, rows, c, ch, terms, s1, s2);
    t4j_block_sums(ch < c, s1, s2);
    if (threadIdx.y == 0 && ch < c) {
        t4j_training_statistics(rows, ch, eps, x[ch], s1, s2, gamma[ch], beta[ch], mean, var, invStd,
                                scale[threadIdx.x], shift[threadIdx.x], momentum, bias, movingMean, movingVariance);
    }
    __syncthreads();
    if (ch < c) {
        float sc = scale[threadIdx.x];
        float sh = shift[threadIdx.x];
        for (long long r = threadIdx.y; r < rows; r += 8) {
            long long i = r * c + ch;
            y[i] = t4j_min(t4j_max(fmaf(x[i], sc, sh), low), high);   // scale_shift_f32's element
        }
    }
}

// The single-block backward for one way of reading dy: sums, coefficients, then dx (when not null) for the block's
// channels.
template <typename Gradient>
__device__ __forceinline__ void t4j_backward_single(long long rows, long long c, const float* x, const Gradient& dy,
                                                    const float* gamma, const float* mean, const float* invStd,
                                                    float* dGamma, float* dBeta, float* dx) {
    __shared__ float a[32];
    __shared__ float b[32];
    __shared__ float d[32];
    long long ch = (long long)blockIdx.x * 32 + threadIdx.x;
    GradientTerms<Gradient> terms{x, dy, ch < c ? mean[ch] : 0.0f};
    double s1, s2;
    t4j_thread_sums(0, rows, c, ch, terms, s1, s2);
    t4j_block_sums(ch < c, s1, s2);
    if (threadIdx.y == 0 && ch < c) {
        t4j_backward_coefficients(rows, s1, s2, gamma[ch], mean[ch], invStd[ch],
                                  dGamma + ch, dBeta + ch, a[threadIdx.x], b[threadIdx.x], d[threadIdx.x]);
    }
    __syncthreads();
    if (dx != nullptr && ch < c) {
        float ak = a[threadIdx.x];
        float bk = b[threadIdx.x];
        float dk = d[threadIdx.x];
        for (long long r = threadIdx.y; r < rows; r += 8) {
            long long i = r * c + ch;
            dx[i] = fmaf(dy(i), ak, fmaf(x[i], bk, dk));   // batchnorm_backward_dx_f32's element
        }
    }
}

// batchnorm_backward_single_f32: dGamma, dBeta (C) and, when dx is not null, dx (M,C), with dy masked by the clamp
// where y is not null. Block (32,8), grid (ceil(C/32)).
extern "C" __global__ void batchnorm_backward_single_f32(long long rows, long long c, const float* x, const float* dy,
                                                         const float* gamma, const float* mean, const float* invStd,
                                                         const float* y, float low, float high, float* dGamma,
                                                         float* dBeta, float* dx) {
    if (y == nullptr) {
        t4j_backward_single(rows, c, x, PlainGradient{dy}, gamma, mean, invStd, dGamma, dBeta, dx);
    } else {
        t4j_backward_single(rows, c, x, ClampedGradient{dy, y, low, high}, gamma, mean, invStd, dGamma, dBeta, dx);
    }
}

// batchnorm_moving_averages_f32: movingMean = momentum*movingMean + (1-momentum)*(batchMean + bias), bias may be
// null; movingVariance = momentum*movingVariance + (1-momentum)*batchVariance; in place, all (C). Grid-stride,
// block 256.
extern "C" __global__ void batchnorm_moving_averages_f32(long long c, float momentum, const float* batchMean,
                                                         const float* bias, const float* batchVariance,
                                                         float* movingMean, float* movingVariance) {
    for (long long k = (long long)blockIdx.x * blockDim.x + threadIdx.x; k < c;
         k += (long long)gridDim.x * blockDim.x) {
        t4j_moving_averages(k, momentum, batchMean[k], bias, batchVariance[k], movingMean, movingVariance);
    }
}
