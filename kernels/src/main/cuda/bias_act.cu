// bias_act.cu: the epilogue after a GEMM or convolution: bias add and activation (relu, relu6), forward
// and backward with the bias gradient.
//
// Shapes: x (M, C) with M = N*H*W for NHWC (or the rows of a Dense output), bias (C), contiguous.
// Forward: y = act(x + bias[c]) with the NaN-propagating relu of elementwise.cu (relu(NaN) = NaN):
// the composite Arithmetic.add then Unary.clamp of the CPU backend, bit for bit.
// Backward from the saved output y (the forward does not keep x): dz = dy * act'(x + bias), where
// act' is 1 strictly inside (0, 6) for relu6, (0, +inf) for relu, else 0; since y = clamp(x + bias)
// lies strictly inside exactly when x + bias does, y gives the same mask (CpuUnaryKernels' CLAMP
// derivative, 0 at the bounds and for NaN). The bias gradient db[c] = sum over the M rows of dz[., c]
// comes out as partial sums per chunk of rows; reduce.cu reduce_cols_sum_f32 (outer 1, n = chunks,
// cols C) adds them (with chunk >= M there is one chunk and the partials are db). A layer without an
// activation gets db from reduce_cols_sum_f32 over dy directly.
//
// Kernels:
//   bias_add_f32 / bias_relu_f32 / bias_relu6_f32(long long n, long long c, const float* x,
//                                                 const float* bias, float* y)
//     x (M,C), bias (C) -> y (M,C), n = M*C. Grid-stride, block (256,1,1). y may be x (in place).
//   bias_relu_backward_f32 / bias_relu6_backward_f32(long long rows, long long c, long long chunk,
//                     const float* y, const float* dy, float* dz, float* dbPartial)
//     y (M,C), dy (M,C) -> dz (M,C), dbPartial (chunks, C) with chunks = ceil(M / chunk) <= 65535:
//     dbPartial[j,c] = sum of dz[r,c] over r in [j*chunk, min(M, (j+1)*chunk)), accumulated in double.
//     Launch: block (32,8,1), grid (ceil(C/32), chunks, 1): threadIdx.x picks a channel (coalesced),
//     threadIdx.y every 8th row; the 8 partials per channel meet in shared memory (8x32 doubles).
//     dz may be dy (in place).
//   scale_shift_clamp_f32(int n, int c, float* y, const float* scale, const float* shift, const float* residual,
//                         float low, float high)
//     In place on y (M,C), n = M*C <= 2^30 (the host launches bigger tensors in blocks of whole rows):
//     y = clamp(y * scale[c] + shift[c] + residual, low, high), each product and sum rounded (no FMA), scale
//     (C) or null (no product), residual (M,C) or null. The inference epilogue of a convolution with its bias
//     and batch norm folded in (Backend.scaleShiftActivation): low/high -inf/+inf, 0/+inf (relu) or 0/6 (relu6);
//     the clamp propagates NaN as elementwise.cu's clamp_f32. 32-bit indices: a 64-bit remainder per element
//     costs more than its memory traffic. Grid-stride, block 256.
//
// This file is self-contained (no local #include). Regenerate the PTX with kernels/scripts/build-ptx.sh.

__device__ __forceinline__ float t4j_max(float a, float b) {
    return (a != a || b != b) ? a + b : fmaxf(a, b);
}
__device__ __forceinline__ float t4j_min(float a, float b) {
    return (a != a || b != b) ? a + b : fminf(a, b);
}

struct Identity { __device__ float operator()(float v) const { return v; } };
struct Relu     { __device__ float operator()(float v) const { return t4j_max(v, 0.0f); } };
struct Relu6    { __device__ float operator()(float v) const { return t4j_min(t4j_max(v, 0.0f), 6.0f); } };
struct ReluMask  { __device__ bool operator()(float y) const { return y > 0.0f && y < INFINITY; } };
struct Relu6Mask { __device__ bool operator()(float y) const { return y > 0.0f && y < 6.0f; } };

template <typename A>
__device__ __forceinline__ void t4j_bias_act(long long n, long long c, const float* x, const float* bias, float* y, A act) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (long long)gridDim.x * blockDim.x) {
        y[i] = act(__fadd_rn(x[i], bias[i % c]));
    }
}

template <typename M>
__device__ __forceinline__ void t4j_bias_act_backward(long long rows, long long c, long long chunk, const float* y,
                                                      const float* dy, float* dz, float* dbPartial, M mask) {
    __shared__ double partial[8][32];
    long long start = (long long)blockIdx.y * chunk;
    long long end = start + chunk < rows ? start + chunk : rows;
    long long ch = (long long)blockIdx.x * 32 + threadIdx.x;
    double acc = 0.0;
    if (ch < c) {
        for (long long r = start + threadIdx.y; r < end; r += blockDim.y) {
            long long i = r * c + ch;
            float d = mask(y[i]) ? dy[i] : 0.0f;
            dz[i] = d;
            acc += (double)d;
        }
    }
    partial[threadIdx.y][threadIdx.x] = acc;
    __syncthreads();
    if (threadIdx.y == 0 && ch < c) {
        for (int k = 1; k < 8; ++k) {
            acc += partial[k][threadIdx.x];
        }
        dbPartial[blockIdx.y * c + ch] = (float)acc;
    }
}

// bias_add_f32: y = x + bias[c]. Grid-stride, block 256.
extern "C" __global__ void bias_add_f32(long long n, long long c, const float* x, const float* bias, float* y) {
    t4j_bias_act(n, c, x, bias, y, Identity());
}
// bias_relu_f32: y = max(x + bias[c], 0). Grid-stride, block 256.
extern "C" __global__ void bias_relu_f32(long long n, long long c, const float* x, const float* bias, float* y) {
    t4j_bias_act(n, c, x, bias, y, Relu());
}
// bias_relu6_f32: y = min(max(x + bias[c], 0), 6). Grid-stride, block 256.
extern "C" __global__ void bias_relu6_f32(long long n, long long c, const float* x, const float* bias, float* y) {
    t4j_bias_act(n, c, x, bias, y, Relu6());
}
// bias_relu_backward_f32: dz = dy where y > 0; dbPartial (chunks, C). Block (32,8), grid (ceil(C/32), chunks).
extern "C" __global__ void bias_relu_backward_f32(long long rows, long long c, long long chunk, const float* y,
                                                  const float* dy, float* dz, float* dbPartial) {
    t4j_bias_act_backward(rows, c, chunk, y, dy, dz, dbPartial, ReluMask());
}
// bias_relu6_backward_f32: dz = dy where 0 < y < 6; dbPartial (chunks, C). Block (32,8), grid (ceil(C/32), chunks).
extern "C" __global__ void bias_relu6_backward_f32(long long rows, long long c, long long chunk, const float* y,
                                                   const float* dy, float* dz, float* dbPartial) {
    t4j_bias_act_backward(rows, c, chunk, y, dy, dz, dbPartial, Relu6Mask());
}
// scale_shift_clamp_f32: y = clamp(y * scale[c] + shift[c] + residual, low, high) in place. Grid-stride, block 256.
extern "C" __global__ void scale_shift_clamp_f32(int n, int c, float* y, const float* scale, const float* shift,
                                                 const float* residual, float low, float high) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        int k = i % c;
        float v = __fadd_rn(scale != nullptr ? __fmul_rn(y[i], scale[k]) : y[i], shift[k]);
        if (residual != nullptr) {
            v = __fadd_rn(v, residual[i]);
        }
        y[i] = t4j_min(t4j_max(v, low), high);
    }
}
