// softmax_xent.cu: fused, numerically stable softmax cross-entropy (Backend.softmaxCrossEntropy).
//
// N = rows (batch), C = classes. Per row r, with z = logits[r,:] - max_c logits[r,c] (so exp never
// overflows):
//   probs[r,c] = e^z_c / sum_c' e^z_c'
//   loss[r]    = sum_{c: t_c != 0} t_c * (log(sum_c' e^z_c') - z_c)       (= -sum_c t_c log probs[r,c])
// Terms with t_c == 0 are skipped, so a logit of -inf in a class the target does not name gives no
// 0 * inf = NaN (CpuSoftmaxCrossEntropy). The targets are a distribution per row (sum 1), as the op
// (ops/SoftmaxCrossEntropy) guarantees; label smoothing and class weights are applied there.
// Arithmetic as the CPU backend: z_c in float, e^z_c, the sum, the log and the loss in double;
// probs[r,c] = (float)((double)(float)e^z_c / sum) (the CPU stores e^z_c as float, then divides).
// A NaN logit makes the row's max, probabilities and loss NaN, as on the CPU.
//
// Kernels:
//   softmax_xent_forward_f32(long long rows, long long classes, const float* logits, const float* targets,
//                            float* loss, float* probs)
//     logits (N,C), targets (N,C) -> loss (N), probs (N,C); all contiguous.
//     Launch: one warp per row, block (128,1,1) = 4 rows at a time, grid (min(ceil(N/4), cap),1,1),
//     grid-stride over rows (row = (blockIdx.x + k*gridDim.x)*4 + warp). Lanes stride the classes;
//     max, sum and loss are combined across the warp with __shfl_xor_sync (every lane gets them).
//     No shared memory, no block synchronisation. blockDim.x must be a multiple of 32.
//   softmax_xent_backward_f32(long long n, long long classes, float scale, const float* gradLoss,
//                             const float* probs, const float* targets, const float* rowWeights,
//                             float* dlogits)
//     Backend.softmaxCrossEntropyBackward: probs (N,C), targets (N,C), rowWeights (N) (the op's (N,1)) or
//     null, gradLoss (1) in device memory (the loss's upstream gradient, never read on the host)
//     -> dlogits (N,C), n = N*C, all contiguous:
//       d = probs[r,c] - targets[r,c];  d = d * rowWeights[r] (when not null);  d = d * gradLoss[0];
//       dlogits[r,c] = scale * d + 0
//     bit for bit the composite it replaces (sub_f32, mul_bcast_f32 once or twice, affine_f32 of
//     elementwise.cu): the same _rn operations in the same order, so nvcc contracts nothing into an
//     FMA, and the affine's + 0 turns a -0 into +0. Grid-stride over the n elements, block (256,1,1),
//     grid (min(ceil(n/256), cap),1,1). dlogits may be probs or targets (in place).
//
// This file is self-contained (no local #include). Regenerate the PTX with kernels/scripts/build-ptx.sh.

__device__ __forceinline__ float t4j_max(float a, float b) {
    return (a != a || b != b) ? a + b : fmaxf(a, b);
}

__device__ __forceinline__ float t4j_warp_max(float v) {
#pragma unroll
    for (int m = 16; m > 0; m >>= 1) {
        v = t4j_max(v, __shfl_xor_sync(0xffffffffu, v, m));
    }
    return v;
}

__device__ __forceinline__ double t4j_warp_sum(double v) {
#pragma unroll
    for (int m = 16; m > 0; m >>= 1) {
        v += __shfl_xor_sync(0xffffffffu, v, m);
    }
    return v;
}

// softmax_xent_forward_f32: logits (N,C), targets (N,C) -> loss (N), probs (N,C). One warp per row,
// block 128 (4 rows), grid-stride over rows.
extern "C" __global__ void softmax_xent_forward_f32(long long rows, long long classes, const float* logits,
                                                    const float* targets, float* loss, float* probs) {
    const int lane = threadIdx.x & 31;
    const long long warpsPerBlock = blockDim.x >> 5;
    for (long long r = (long long)blockIdx.x * warpsPerBlock + (threadIdx.x >> 5); r < rows;
         r += (long long)gridDim.x * warpsPerBlock) {
        const float* z = logits + r * classes;
        const float* t = targets + r * classes;
        float* p = probs + r * classes;
        float max = -INFINITY;
        for (long long c = lane; c < classes; c += 32) {
            max = t4j_max(max, z[c]);
        }
        max = t4j_warp_max(max);
        double sum = 0.0;
        for (long long c = lane; c < classes; c += 32) {
            float e = (float)exp((double)__fsub_rn(z[c], max));
            p[c] = e;
            sum += (double)e;
        }
        sum = t4j_warp_sum(sum);
        double logSum = log(sum);
        double rowLoss = 0.0;
        for (long long c = lane; c < classes; c += 32) {
            p[c] = (float)((double)p[c] / sum);   // the lane reads back what it wrote
            float tc = t[c];
            if (tc != 0.0f) {
                rowLoss += (double)tc * (logSum - (double)__fsub_rn(z[c], max));
            }
        }
        rowLoss = t4j_warp_sum(rowLoss);
        if (lane == 0) {
            loss[r] = (float)rowLoss;
        }
    }
}

// softmax_xent_backward_f32: dlogits = scale * (((probs - targets) * rowWeights[row]) * gradLoss[0]) + 0,
// n = N*C, the row weight only when rowWeights is not null. Grid-stride, block 256.
extern "C" __global__ void softmax_xent_backward_f32(long long n, long long classes, float scale,
                                                     const float* gradLoss, const float* probs,
                                                     const float* targets, const float* rowWeights,
                                                     float* dlogits) {
    const float g = *gradLoss;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (long long)gridDim.x * blockDim.x) {
        float d = __fsub_rn(probs[i], targets[i]);
        if (rowWeights != nullptr) {
            d = __fmul_rn(d, rowWeights[i / classes]);
        }
        d = __fmul_rn(d, g);
        dlogits[i] = __fadd_rn(__fmul_rn(scale, d), 0.0f);   // affine_f32's a*x + b with b = 0
    }
}
