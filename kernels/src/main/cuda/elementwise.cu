// elementwise.cu: float32 elementwise kernels (unary, binary with broadcasting, fill, copy). Their
// gradients are in unary_backward.cu.
//
// Conventions shared by every kernel in this file:
// - Tensors are dense float32 buffers in device memory; n is the element count of the output, a
//   64-bit value so that tensors beyond 2^31 elements index correctly.
// - Launch geometry: 1-D grid-stride loop, block (256,1,1), grid (min(ceil(n/256), cap),1,1), where
//   the cap (org.transfer4j.cuda.LaunchGeometry) bounds the grid and each thread then handles
//   several elements i, i + gridDim.x*blockDim.x, ...; any grid >= 1 gives the same result.
// - No shared memory, no dynamic shared memory, no block synchronisation.
// - Output pointers carry no __restrict__: y may be the same buffer as an input of the same shape
//   (in-place), each element is read before it is written by the same thread.
// - Arithmetic uses the round-to-nearest intrinsics (__fadd_rn, __fmul_rn, ...) so that nvcc never
//   contracts a*x + b into one fused multiply-add: results match the CPU backend's float arithmetic.
// - Semantics follow the CPU backend (core, CpuUnaryKernels / CpuBinaryKernels): max and min
//   propagate NaN as Java's Math.max/min do (CUDA's fmaxf/fminf would drop it), so relu(NaN) is NaN.
//
// This file is self-contained (no local #include): its PTX header records the SHA-256 of this file
// alone, and PtxUpToDateTest compares it. Regenerate with kernels/scripts/build-ptx.sh.

// Largest rank the broadcasting binary kernels accept.
#define T4J_MAX_RANK 6

// Broadcast geometry of a binary op, passed by value as a kernel parameter (144 bytes, 8-aligned).
// Dimensions are right-aligned: a tensor of rank r uses the last r entries; the leading unused
// entries have shape 1 and stride 0. shape is the output shape (row-major, contiguous output);
// aStride/bStride are the input strides in elements, 0 along a dimension that input broadcasts.
struct Broadcast6 {
    long long shape[T4J_MAX_RANK];
    long long aStride[T4J_MAX_RANK];
    long long bStride[T4J_MAX_RANK];
};

// max/min that return NaN when either operand is NaN (Java Math.max/min, torch.maximum/minimum).
__device__ __forceinline__ float t4j_max(float a, float b) {
    return (a != a || b != b) ? a + b : fmaxf(a, b);
}
__device__ __forceinline__ float t4j_min(float a, float b) {
    return (a != a || b != b) ? a + b : fminf(a, b);
}

// 1 / (1 + e^-x) without overflow: for x < 0 use e^x / (1 + e^x) (CpuUnaryKernels.sigmoid).
__device__ __forceinline__ float t4j_sigmoid(float x) {
    if (x >= 0.0f) {
        return 1.0f / (1.0f + expf(-x));
    }
    float e = expf(x);
    return e / (1.0f + e);
}

// ---------------------------------------------------------------------------------------------
// Shared loops. Each kernel below is one line that picks a loop and a functor, so every kernel
// name appears literally after extern "C" (PtxUpToDateTest reads them from this file).
// ---------------------------------------------------------------------------------------------

// y[i] = f(x[i]) for i in [0, n), grid-stride with a 64-bit index.
template <typename F>
__device__ __forceinline__ void t4j_unary(long long n, const float* x, float* y, F f) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (long long)gridDim.x * blockDim.x) {
        y[i] = f(x[i]);
    }
}

// y[i] = f(a[i], b[i]) for i in [0, n), all three contiguous with the same shape.
template <typename F>
__device__ __forceinline__ void t4j_binary(long long n, const float* a, const float* b, float* y, F f) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (long long)gridDim.x * blockDim.x) {
        y[i] = f(a[i], b[i]);
    }
}

// y[i] = f(a[offset_a(i)], b[offset_b(i)]) for i in [0, n): y contiguous with shape s.shape, the
// offsets from the coordinate c of i: offset_a = sum_d c_d * s.aStride[d] (likewise b). The walk
// starts at the last (fastest) dimension; once the remaining linear index is 0 every higher
// coordinate is 0, so it stops early (this also skips the padded leading dimensions).
template <typename F>
__device__ __forceinline__ void t4j_binary_bcast(long long n, const Broadcast6& s, const float* a,
                                                 const float* b, float* y, F f) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (long long)gridDim.x * blockDim.x) {
        long long rem = i;
        long long ia = 0;
        long long ib = 0;
#pragma unroll
        for (int d = T4J_MAX_RANK - 1; d >= 0; --d) {
            if (rem == 0) {
                break;
            }
            long long extent = s.shape[d];
            long long c = rem % extent;
            rem /= extent;
            ia += c * s.aStride[d];
            ib += c * s.bStride[d];
        }
        y[i] = f(a[ia], b[ib]);
    }
}

// The functions, as functors so that the loops above inline them.
struct Relu    { __device__ float operator()(float x) const { return t4j_max(x, 0.0f); } };
struct Relu6   { __device__ float operator()(float x) const { return t4j_min(t4j_max(x, 0.0f), 6.0f); } };
struct Sigmoid { __device__ float operator()(float x) const { return t4j_sigmoid(x); } };
struct Tanh    { __device__ float operator()(float x) const { return tanhf(x); } };
struct Exp     { __device__ float operator()(float x) const { return expf(x); } };
struct Log     { __device__ float operator()(float x) const { return logf(x); } };
struct Neg     { __device__ float operator()(float x) const { return -x; } };
struct Abs     { __device__ float operator()(float x) const { return fabsf(x); } };
struct Sqrt    { __device__ float operator()(float x) const { return sqrtf(x); } };
// a*x then + b, two roundings like the CPU backend's alpha * x + beta (no fused multiply-add).
struct Affine {
    float a;
    float b;
    __device__ float operator()(float x) const { return __fadd_rn(__fmul_rn(a, x), b); }
};
// CLAMP with any bounds (relu and relu6 above are its common cases), NaN stays NaN.
struct Clamp {
    float lo;
    float hi;
    __device__ float operator()(float x) const { return t4j_min(t4j_max(x, lo), hi); }
};
struct LeakyRelu {
    float slope;
    __device__ float operator()(float x) const { return x > 0.0f ? x : __fmul_rn(slope, x); }
};
struct Erf { __device__ float operator()(float x) const { return erff(x); } };
// x^a; the exponent 2 is x*x exactly, as the CPU's fast path.
struct PowScalar {
    float a;
    __device__ float operator()(float x) const { return a == 2.0f ? __fmul_rn(x, x) : powf(x, a); }
};
struct Add { __device__ float operator()(float u, float v) const { return __fadd_rn(u, v); } };
struct Sub { __device__ float operator()(float u, float v) const { return __fsub_rn(u, v); } };
struct Mul { __device__ float operator()(float u, float v) const { return __fmul_rn(u, v); } };
struct Div { __device__ float operator()(float u, float v) const { return __fdiv_rn(u, v); } };
struct Max { __device__ float operator()(float u, float v) const { return t4j_max(u, v); } };
struct Min { __device__ float operator()(float u, float v) const { return t4j_min(u, v); } };
// u^v (v == 2: u*u exactly); the comparisons give 1 or 0 (masks, no gradient), false with a NaN.
struct Pow { __device__ float operator()(float u, float v) const { return v == 2.0f ? __fmul_rn(u, u) : powf(u, v); } };
struct Eq  { __device__ float operator()(float u, float v) const { return u == v ? 1.0f : 0.0f; } };
struct Gt  { __device__ float operator()(float u, float v) const { return u > v ? 1.0f : 0.0f; } };
struct Ge  { __device__ float operator()(float u, float v) const { return u >= v ? 1.0f : 0.0f; } };

// ---------------------------------------------------------------------------------------------
// Unary kernels: x (n) -> y (n), y[i] = f(x[i]).
// Signature: name(long long n, const float* x, float* y). Grid-stride, block 256.
// ---------------------------------------------------------------------------------------------

// relu_f32: x (n) -> y (n), y = max(x, 0), NaN stays NaN. Grid-stride, block 256.
extern "C" __global__ void relu_f32(long long n, const float* x, float* y) { t4j_unary(n, x, y, Relu()); }
// relu6_f32: x (n) -> y (n), y = min(max(x, 0), 6) (Keras ReLU(max_value=6)). Grid-stride, block 256.
extern "C" __global__ void relu6_f32(long long n, const float* x, float* y) { t4j_unary(n, x, y, Relu6()); }
// sigmoid_f32: x (n) -> y (n), y = 1 / (1 + e^-x), no overflow for large |x|. Grid-stride, block 256.
extern "C" __global__ void sigmoid_f32(long long n, const float* x, float* y) { t4j_unary(n, x, y, Sigmoid()); }
// tanh_f32: x (n) -> y (n), y = tanh x. Grid-stride, block 256.
extern "C" __global__ void tanh_f32(long long n, const float* x, float* y) { t4j_unary(n, x, y, Tanh()); }
// exp_f32: x (n) -> y (n), y = e^x (full-precision expf, not __expf). Grid-stride, block 256.
extern "C" __global__ void exp_f32(long long n, const float* x, float* y) { t4j_unary(n, x, y, Exp()); }
// log_f32: x (n) -> y (n), y = ln x (ln 0 = -inf, ln of a negative = NaN). Grid-stride, block 256.
extern "C" __global__ void log_f32(long long n, const float* x, float* y) { t4j_unary(n, x, y, Log()); }
// neg_f32: x (n) -> y (n), y = -x. Grid-stride, block 256.
extern "C" __global__ void neg_f32(long long n, const float* x, float* y) { t4j_unary(n, x, y, Neg()); }
// abs_f32: x (n) -> y (n), y = |x|. Grid-stride, block 256.
extern "C" __global__ void abs_f32(long long n, const float* x, float* y) { t4j_unary(n, x, y, Abs()); }
// sqrt_f32: x (n) -> y (n), y = sqrt x (IEEE-rounded sqrtf). Grid-stride, block 256.
extern "C" __global__ void sqrt_f32(long long n, const float* x, float* y) { t4j_unary(n, x, y, Sqrt()); }

// affine_f32: x (n) -> y (n), y = a*x + b with scalars a, b (UnaryOp.AFFINE: scale and shift, as in
// Keras Rescaling). Signature: affine_f32(long long n, float a, float b, const float* x, float* y).
// Grid-stride, block 256.
extern "C" __global__ void affine_f32(long long n, float a, float b, const float* x, float* y) {
    t4j_unary(n, x, y, Affine{a, b});
}

// moving_average_f32: value (n), average (n) -> average, in place: average = momentum*average +
// (1-momentum)*value, each product rounded, then the sum (batch normalisation's moving statistics;
// CpuBackend.movingAverage). Signature: moving_average_f32(long long n, float momentum,
// const float* value, float* average). Grid-stride, block 256.
extern "C" __global__ void moving_average_f32(long long n, float momentum, const float* value, float* average) {
    float rest = __fsub_rn(1.0f, momentum);
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (long long)gridDim.x * blockDim.x) {
        average[i] = __fadd_rn(__fmul_rn(momentum, average[i]), __fmul_rn(rest, value[i]));
    }
}

// clamp_f32: x (n) -> y (n), y = min(max(x, lo), hi) (UnaryOp.CLAMP), NaN stays NaN.
// Signature: clamp_f32(long long n, float lo, float hi, const float* x, float* y). Grid-stride, block 256.
extern "C" __global__ void clamp_f32(long long n, float lo, float hi, const float* x, float* y) {
    t4j_unary(n, x, y, Clamp{lo, hi});
}
// add_clamp_f32: a (n), b (n) -> y (n), y = min(max(a + b, lo), hi): a residual sum and the ReLU (lo 0, hi +inf)
// or ReLU6 (0, 6) after it in one pass (Backend.addClamped), the sum never written. The sum rounded (__fadd_rn)
// then Clamp, NaN kept: bit for bit add_f32 then clamp_f32. a, b and y contiguous, of one shape; y may be a or b.
// Signature: add_clamp_f32(long long n, float lo, float hi, const float* a, const float* b, float* y).
// Grid-stride, block 256.
struct AddClamp {
    float lo;
    float hi;
    __device__ float operator()(float u, float v) const { return Clamp{lo, hi}(__fadd_rn(u, v)); }
};
extern "C" __global__ void add_clamp_f32(long long n, float lo, float hi, const float* a, const float* b, float* y) {
    t4j_binary(n, a, b, y, AddClamp{lo, hi});
}
// leaky_relu_f32: x (n) -> y (n), y = x if x > 0 else alpha*x (UnaryOp.LEAKY_RELU).
// Signature: leaky_relu_f32(long long n, float alpha, const float* x, float* y). Grid-stride, block 256.
extern "C" __global__ void leaky_relu_f32(long long n, float alpha, const float* x, float* y) {
    t4j_unary(n, x, y, LeakyRelu{alpha});
}
// erf_f32: x (n) -> y (n), y = erf x (CUDA's erff, within 2 ulps; the CPU's fit is within 1.2e-7
// relative). Grid-stride, block 256.
extern "C" __global__ void erf_f32(long long n, const float* x, float* y) { t4j_unary(n, x, y, Erf()); }
// pow_scalar_f32: x (n) -> y (n), y = x^a (UnaryOp.POW_SCALAR; a = 2 is x*x exactly).
// Signature: pow_scalar_f32(long long n, float a, const float* x, float* y). Grid-stride, block 256.
extern "C" __global__ void pow_scalar_f32(long long n, float a, const float* x, float* y) {
    t4j_unary(n, x, y, PowScalar{a});
}

// ---------------------------------------------------------------------------------------------
// Binary kernels, two forms per op, both grid-stride with block 256:
// - op_f32(long long n, const float* a, const float* b, float* y):
//     a (n), b (n) -> y (n), same shape, all contiguous: y[i] = a[i] op b[i].
// - op_bcast_f32(long long n, Broadcast6 s, const float* a, const float* b, float* y):
//     a and b broadcast to y (shape s.shape, rank <= 6, right-aligned), n = prod(s.shape), y
//     contiguous row-major: y[i] = a[sum_d c_d * s.aStride[d]] op b[sum_d c_d * s.bStride[d]],
//     c the coordinate of i. y may be a (or b) only if that input has y's shape and contiguous
//     strides. Example: a (N,H,W,C) + bias b (C): shape {1,1,N,H,W,C}, aStride {0,0,HWC,WC,C,1},
//     bStride {0,0,0,0,0,1}.
// ---------------------------------------------------------------------------------------------

// add_f32: y = a + b, same shape.
extern "C" __global__ void add_f32(long long n, const float* a, const float* b, float* y) { t4j_binary(n, a, b, y, Add()); }
// sub_f32: y = a - b, same shape.
extern "C" __global__ void sub_f32(long long n, const float* a, const float* b, float* y) { t4j_binary(n, a, b, y, Sub()); }
// mul_f32: y = a * b, same shape.
extern "C" __global__ void mul_f32(long long n, const float* a, const float* b, float* y) { t4j_binary(n, a, b, y, Mul()); }
// div_f32: y = a / b, same shape (IEEE: x/0 = +-inf, 0/0 = NaN).
extern "C" __global__ void div_f32(long long n, const float* a, const float* b, float* y) { t4j_binary(n, a, b, y, Div()); }
// max_f32: y = max(a, b), same shape, NaN if either is NaN.
extern "C" __global__ void max_f32(long long n, const float* a, const float* b, float* y) { t4j_binary(n, a, b, y, Max()); }
// min_f32: y = min(a, b), same shape, NaN if either is NaN.
extern "C" __global__ void min_f32(long long n, const float* a, const float* b, float* y) { t4j_binary(n, a, b, y, Min()); }

// add_bcast_f32: y = a + b, broadcast by s.
extern "C" __global__ void add_bcast_f32(long long n, const Broadcast6 s, const float* a, const float* b, float* y) {
    t4j_binary_bcast(n, s, a, b, y, Add());
}
// sub_bcast_f32: y = a - b, broadcast by s.
extern "C" __global__ void sub_bcast_f32(long long n, const Broadcast6 s, const float* a, const float* b, float* y) {
    t4j_binary_bcast(n, s, a, b, y, Sub());
}
// mul_bcast_f32: y = a * b, broadcast by s.
extern "C" __global__ void mul_bcast_f32(long long n, const Broadcast6 s, const float* a, const float* b, float* y) {
    t4j_binary_bcast(n, s, a, b, y, Mul());
}
// div_bcast_f32: y = a / b, broadcast by s.
extern "C" __global__ void div_bcast_f32(long long n, const Broadcast6 s, const float* a, const float* b, float* y) {
    t4j_binary_bcast(n, s, a, b, y, Div());
}
// max_bcast_f32: y = max(a, b), broadcast by s, NaN if either is NaN.
extern "C" __global__ void max_bcast_f32(long long n, const Broadcast6 s, const float* a, const float* b, float* y) {
    t4j_binary_bcast(n, s, a, b, y, Max());
}
// min_bcast_f32: y = min(a, b), broadcast by s, NaN if either is NaN.
extern "C" __global__ void min_bcast_f32(long long n, const Broadcast6 s, const float* a, const float* b, float* y) {
    t4j_binary_bcast(n, s, a, b, y, Min());
}

// pow_f32: y = a^b, same shape (b == 2: a*a exactly).
extern "C" __global__ void pow_f32(long long n, const float* a, const float* b, float* y) { t4j_binary(n, a, b, y, Pow()); }
// eq_f32: y = a == b ? 1 : 0, same shape.
extern "C" __global__ void eq_f32(long long n, const float* a, const float* b, float* y) { t4j_binary(n, a, b, y, Eq()); }
// gt_f32: y = a > b ? 1 : 0, same shape.
extern "C" __global__ void gt_f32(long long n, const float* a, const float* b, float* y) { t4j_binary(n, a, b, y, Gt()); }
// ge_f32: y = a >= b ? 1 : 0, same shape.
extern "C" __global__ void ge_f32(long long n, const float* a, const float* b, float* y) { t4j_binary(n, a, b, y, Ge()); }
// pow_bcast_f32: y = a^b, broadcast by s.
extern "C" __global__ void pow_bcast_f32(long long n, const Broadcast6 s, const float* a, const float* b, float* y) {
    t4j_binary_bcast(n, s, a, b, y, Pow());
}
// eq_bcast_f32: y = a == b ? 1 : 0, broadcast by s.
extern "C" __global__ void eq_bcast_f32(long long n, const Broadcast6 s, const float* a, const float* b, float* y) {
    t4j_binary_bcast(n, s, a, b, y, Eq());
}
// gt_bcast_f32: y = a > b ? 1 : 0, broadcast by s.
extern "C" __global__ void gt_bcast_f32(long long n, const Broadcast6 s, const float* a, const float* b, float* y) {
    t4j_binary_bcast(n, s, a, b, y, Gt());
}
// ge_bcast_f32: y = a >= b ? 1 : 0, broadcast by s.
extern "C" __global__ void ge_bcast_f32(long long n, const Broadcast6 s, const float* a, const float* b, float* y) {
    t4j_binary_bcast(n, s, a, b, y, Ge());
}

// ---------------------------------------------------------------------------------------------
// Fill and copy.
// ---------------------------------------------------------------------------------------------

// fill_f32: () -> y (n), y[i] = value. Signature: fill_f32(long long n, float value, float* y).
// Grid-stride, block 256.
extern "C" __global__ void fill_f32(long long n, float value, float* y) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (long long)gridDim.x * blockDim.x) {
        y[i] = value;
    }
}

// copy_f32: x (n) -> y (n), y[i] = x[i]; x and y are equal or do not overlap.
// Signature: copy_f32(long long n, const float* x, float* y). Grid-stride, block 256.
struct Identity { __device__ float operator()(float x) const { return x; } };
extern "C" __global__ void copy_f32(long long n, const float* x, float* y) { t4j_unary(n, x, y, Identity()); }
