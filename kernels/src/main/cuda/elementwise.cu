// elementwise.cu: float32 elementwise kernels (unary, binary with broadcasting, fill, copy).
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

// The grid-stride loop header: i runs over [0, n) with a 64-bit index.
#define T4J_GRID_STRIDE_LOOP(i, n)                                                   \
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (n);    \
         i += (long long)gridDim.x * blockDim.x)

// ---------------------------------------------------------------------------------------------
// Unary kernels: x (n) -> y (n), y[i] = f(x[i]).
// Signature: name_f32(long long n, const float* x, float* y). Grid-stride, block 256.
// ---------------------------------------------------------------------------------------------
#define T4J_UNARY(name, expr)                                                        \
    extern "C" __global__ void name(long long n, const float* x, float* y) {         \
        T4J_GRID_STRIDE_LOOP(i, n) {                                                 \
            float v = x[i];                                                          \
            y[i] = (expr);                                                           \
        }                                                                            \
    }

// relu_f32:    x (n) -> y (n), y = max(x, 0) (NaN stays NaN). Grid-stride, block 256.
T4J_UNARY(relu_f32, t4j_max(v, 0.0f))
// relu6_f32:   x (n) -> y (n), y = min(max(x, 0), 6) (Keras ReLU(max_value=6)). Grid-stride, block 256.
T4J_UNARY(relu6_f32, t4j_min(t4j_max(v, 0.0f), 6.0f))
// sigmoid_f32: x (n) -> y (n), y = 1 / (1 + e^-x), stable for large |x|. Grid-stride, block 256.
T4J_UNARY(sigmoid_f32, t4j_sigmoid(v))
// tanh_f32:    x (n) -> y (n), y = tanh x. Grid-stride, block 256.
T4J_UNARY(tanh_f32, tanhf(v))
// exp_f32:     x (n) -> y (n), y = e^x (full-precision expf, not the __expf intrinsic). Grid-stride, block 256.
T4J_UNARY(exp_f32, expf(v))
// log_f32:     x (n) -> y (n), y = ln x (ln 0 = -inf, ln of a negative = NaN). Grid-stride, block 256.
T4J_UNARY(log_f32, logf(v))
// neg_f32:     x (n) -> y (n), y = -x. Grid-stride, block 256.
T4J_UNARY(neg_f32, -v)
// abs_f32:     x (n) -> y (n), y = |x|. Grid-stride, block 256.
T4J_UNARY(abs_f32, fabsf(v))
// sqrt_f32:    x (n) -> y (n), y = sqrt x (IEEE-rounded sqrtf). Grid-stride, block 256.
T4J_UNARY(sqrt_f32, sqrtf(v))

// affine_f32: x (n) -> y (n), y = a*x + b with scalars a, b (UnaryOp.AFFINE: scale and shift,
// Keras Rescaling). Computed as a*x then + b, two roundings like the CPU backend (no fused fmaf).
// Signature: affine_f32(long long n, float a, float b, const float* x, float* y). Grid-stride, block 256.
extern "C" __global__ void affine_f32(long long n, float a, float b, const float* x, float* y) {
    T4J_GRID_STRIDE_LOOP(i, n) {
        y[i] = __fadd_rn(__fmul_rn(a, x[i]), b);
    }
}

// ---------------------------------------------------------------------------------------------
// Binary kernels, two forms per op:
// - name_f32(long long n, const float* a, const float* b, float* y):
//     a (n), b (n) -> y (n), same shape, all contiguous; y[i] = a[i] op b[i].
// - name_bcast_f32(long long n, Broadcast6 s, const float* a, const float* b, float* y):
//     a, b broadcast to y (s.shape), rank <= 6, n = prod(s.shape); y contiguous row-major,
//     y[i] = a[sum_d c_d * s.aStride[d]] op b[sum_d c_d * s.bStride[d]] where c is the
//     coordinate of i in s.shape. y may alias a (or b) only if that input has y's shape and
//     contiguous strides.
// Both: grid-stride, block 256.
// ---------------------------------------------------------------------------------------------

// The offsets of output element i in a and b. Walks the dimensions from the last (fastest) one;
// once the remaining linear index is 0 every higher coordinate is 0, so the walk stops early
// (this also skips the padded leading dimensions of a low-rank op).
__device__ __forceinline__ void t4j_broadcast_offsets(long long i, const Broadcast6& s,
                                                      long long* ia, long long* ib) {
    long long rem = i;
    long long oa = 0;
    long long ob = 0;
#pragma unroll
    for (int d = T4J_MAX_RANK - 1; d >= 0; --d) {
        if (rem == 0) {
            break;
        }
        long long extent = s.shape[d];
        long long c = rem % extent;
        rem /= extent;
        oa += c * s.aStride[d];
        ob += c * s.bStride[d];
    }
    *ia = oa;
    *ib = ob;
}

#define T4J_BINARY(name, expr)                                                       \
    extern "C" __global__ void name##_f32(long long n, const float* a, const float* b, \
                                          float* y) {                                \
        T4J_GRID_STRIDE_LOOP(i, n) {                                                 \
            float u = a[i];                                                          \
            float v = b[i];                                                          \
            y[i] = (expr);                                                           \
        }                                                                            \
    }                                                                                \
    extern "C" __global__ void name##_bcast_f32(long long n, const Broadcast6 s,     \
                                                const float* a, const float* b,      \
                                                float* y) {                          \
        T4J_GRID_STRIDE_LOOP(i, n) {                                                 \
            long long ia;                                                            \
            long long ib;                                                            \
            t4j_broadcast_offsets(i, s, &ia, &ib);                                   \
            float u = a[ia];                                                         \
            float v = b[ib];                                                         \
            y[i] = (expr);                                                           \
        }                                                                            \
    }

// add_f32, add_bcast_f32: y = a + b.
T4J_BINARY(add, u + v)
// sub_f32, sub_bcast_f32: y = a - b.
T4J_BINARY(sub, u - v)
// mul_f32, mul_bcast_f32: y = a * b.
T4J_BINARY(mul, u * v)
// div_f32, div_bcast_f32: y = a / b (IEEE division: x/0 = +-inf, 0/0 = NaN).
T4J_BINARY(div, __fdiv_rn(u, v))
// max_f32, max_bcast_f32: y = max(a, b), NaN if either is NaN.
T4J_BINARY(max, t4j_max(u, v))
// min_f32, min_bcast_f32: y = min(a, b), NaN if either is NaN.
T4J_BINARY(min, t4j_min(u, v))

// ---------------------------------------------------------------------------------------------
// fill_f32: () -> y (n), y[i] = value.
// Signature: fill_f32(long long n, float value, float* y). Grid-stride, block 256.
// ---------------------------------------------------------------------------------------------
extern "C" __global__ void fill_f32(long long n, float value, float* y) {
    T4J_GRID_STRIDE_LOOP(i, n) {
        y[i] = value;
    }
}

// copy_f32: x (n) -> y (n), y[i] = x[i]; x and y must not overlap unless they are equal.
// Signature: copy_f32(long long n, const float* x, float* y). Grid-stride, block 256.
extern "C" __global__ void copy_f32(long long n, const float* x, float* y) {
    T4J_GRID_STRIDE_LOOP(i, n) {
        y[i] = x[i];
    }
}
