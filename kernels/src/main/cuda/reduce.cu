// reduce.cu: sum / max / min over axes of a contiguous tensor (Backend.reduce, ReduceOp).
//
// Decomposition (the backend's job, as CpuReduce does it): merge neighbouring axes that are both
// reduced or both kept and drop axes of size 1. What is left is one of
//   rows:    x (rows, n)          -> y (rows)          reduce the inner axis (softmax-like, GAP in NCHW)
//   columns: x (outer, n, cols)   -> y (outer, cols)   reduce a middle axis (bias gradient over N*H*W,
//                                                       global pooling over H*W in NHWC)
// and any other pattern (reduced axes interleaved with kept ones) is first permuted so that the
// reduced axes come last (layout.cu strided_copy_f32 with permuted strides), which makes it "rows".
// Sizes 0 are the backend's: an empty reduction is the identity (0, -inf, +inf) filled directly.
//
// Long reductions run in two passes through the chunk parameter: pass 1 reduces each run of at most
// `chunk` elements into a partial result, pass 2 reduces the partials with the same kernel
// (chunk >= number of partials, so one partial each). With chunk >= n pass 1 alone gives y.
// chunks = ceil(n / chunk) must be at most 65535 (it is gridDim.y).
//
// Semantics follow the CPU backend: SUM accumulates in double (as CpuReduce) and rounds once to float
// per written value; the order of the additions is a tree, not the CPU's sequence, so a sum differs
// from the CPU by rounding only. MAX and MIN propagate NaN (Java's Math.max/min; fmaxf would drop it).
//
// Kernels (op in sum, max, min):
//   reduce_rows_<op>_f32(long long rows, long long n, long long chunk, const float* x, float* y)
//     x (rows, n) -> y (rows, chunks): y[r*chunks + j] = op over x[r*n + i], i in [j*chunk, min(n, (j+1)*chunk)).
//     Launch: block (256,1,1) (a multiple of 32, at most 1024), grid (min(rows, 2^31-1), chunks, 1); a
//     block reduces one row chunk at a time (grid-stride over rows): per-thread strided accumulation,
//     warp shuffles, then one value per warp through shared memory (static, 32 slots: 8 bytes each).
//   reduce_cols_<op>_f32(long long outer, long long n, long long cols, long long chunk, const float* x, float* y)
//     x (outer, n, cols) -> y (outer, chunks, cols): y[(o*chunks + j)*cols + c] = op over x[(o*n + r)*cols + c],
//     r in [j*chunk, min(n, (j+1)*chunk)). Launch: block (32,8,1), grid (ceil(cols/32), chunks,
//     min(outer, 65535)), grid-stride over outer in z. threadIdx.x picks a column (coalesced loads),
//     threadIdx.y every 8th row; the 8 partials per column meet in shared memory (8x32 doubles).
//   reduce_rows_sum_scaled_f32(long long rows, long long n, long long chunk, float scale, const float* x, float* y)
//   reduce_cols_sum_scaled_f32(long long outer, long long n, long long cols, long long chunk, float scale,
//                              const float* x, float* y)
//     as the sums, each value written as __fadd_rn(__fmul_rn(scale, (float)sum), 0.0f), which is elementwise.cu's
//     affine_f32 (a = scale, b = 0) of the written sum, bit for bit: a mean's last pass (Backend.reduceSumScaled),
//     where the sum and its scaling took two launches. Earlier passes of a long reduction use the plain sums.
//
// This file is self-contained (no local #include). Regenerate the PTX with kernels/scripts/build-ptx.sh.

// max/min that return NaN when either operand is NaN (Java Math.max/min).
template <typename T>
__device__ __forceinline__ T t4j_max(T a, T b) {
    return (a != a || b != b) ? a + b : (a > b ? a : b);
}
template <typename T>
__device__ __forceinline__ T t4j_min(T a, T b) {
    return (a != a || b != b) ? a + b : (a < b ? a : b);
}

// The three reductions: accumulator type, identity, combine.
struct SumOp {
    typedef double Acc;
    __device__ static Acc identity() { return 0.0; }
    __device__ static Acc combine(Acc a, Acc b) { return a + b; }
};
struct MaxOp {
    typedef float Acc;
    __device__ static Acc identity() { return -INFINITY; }
    __device__ static Acc combine(Acc a, Acc b) { return t4j_max(a, b); }
};
struct MinOp {
    typedef float Acc;
    __device__ static Acc identity() { return INFINITY; }
    __device__ static Acc combine(Acc a, Acc b) { return t4j_min(a, b); }
};

// Reduces v over the 32 lanes of a full warp; lane 0 holds the result.
template <typename Op>
__device__ __forceinline__ typename Op::Acc t4j_warp_reduce(typename Op::Acc v) {
#pragma unroll
    for (int offset = 16; offset > 0; offset >>= 1) {
        v = Op::combine(v, __shfl_down_sync(0xffffffffu, v, offset));
    }
    return v;
}

// Reduces v over a 1-D block (blockDim.x a multiple of 32); thread 0 holds the result. Every thread
// of the block must call it (it synchronises twice, so the slots can be reused on the next call).
template <typename Op>
__device__ __forceinline__ typename Op::Acc t4j_block_reduce(typename Op::Acc v) {
    __shared__ typename Op::Acc warpSums[32];
    int lane = threadIdx.x & 31;
    int warp = threadIdx.x >> 5;
    v = t4j_warp_reduce<Op>(v);
    if (lane == 0) {
        warpSums[warp] = v;
    }
    __syncthreads();
    if (warp == 0) {
        int warps = blockDim.x >> 5;
        v = lane < warps ? warpSums[lane] : Op::identity();
        v = t4j_warp_reduce<Op>(v);
    }
    __syncthreads();
    return v;
}

// What a kernel writes of its float result: the value itself, or scale * value + 0 rounded as elementwise.cu's
// affine_f32 computes it (a mean: a sum's last pass, Backend.reduceSumScaled).
struct Unscaled {
    __device__ float operator()(float v) const { return v; }
};
struct Scaled {
    float a;
    __device__ float operator()(float v) const { return __fadd_rn(__fmul_rn(a, v), 0.0f); }
};

template <typename Op, typename Finish = Unscaled>
__device__ __forceinline__ void t4j_reduce_rows(long long rows, long long n, long long chunk, const float* x, float* y,
                                                Finish finish = Finish()) {
    long long chunks = gridDim.y;
    long long j = blockIdx.y;
    long long start = j * chunk;
    long long end = start + chunk < n ? start + chunk : n;
    for (long long r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* row = x + r * n;
        typename Op::Acc acc = Op::identity();
        for (long long i = start + threadIdx.x; i < end; i += blockDim.x) {
            acc = Op::combine(acc, (typename Op::Acc)row[i]);
        }
        acc = t4j_block_reduce<Op>(acc);
        if (threadIdx.x == 0) {
            y[r * chunks + j] = finish((float)acc);
        }
    }
}

template <typename Op, typename Finish = Unscaled>
__device__ __forceinline__ void t4j_reduce_cols(long long outer, long long n, long long cols, long long chunk,
                                                const float* x, float* y, Finish finish = Finish()) {
    __shared__ typename Op::Acc partial[8][32];
    long long chunks = gridDim.y;
    long long j = blockIdx.y;
    long long start = j * chunk;
    long long end = start + chunk < n ? start + chunk : n;
    long long c = (long long)blockIdx.x * 32 + threadIdx.x;
    for (long long o = blockIdx.z; o < outer; o += gridDim.z) {
        typename Op::Acc acc = Op::identity();
        if (c < cols) {
            const float* block = x + o * n * cols + c;
            for (long long r = start + threadIdx.y; r < end; r += blockDim.y) {
                acc = Op::combine(acc, (typename Op::Acc)block[r * cols]);
            }
        }
        partial[threadIdx.y][threadIdx.x] = acc;
        __syncthreads();
        if (threadIdx.y == 0 && c < cols) {
            for (int k = 1; k < 8; ++k) {
                acc = Op::combine(acc, partial[k][threadIdx.x]);
            }
            y[(o * chunks + j) * cols + c] = finish((float)acc);
        }
        __syncthreads();
    }
}

// reduce_rows_sum_f32: x (rows, n) -> y (rows, chunks), sums (double accumulation). Block 256, grid (rows, chunks).
extern "C" __global__ void reduce_rows_sum_f32(long long rows, long long n, long long chunk, const float* x, float* y) {
    t4j_reduce_rows<SumOp>(rows, n, chunk, x, y);
}
// reduce_rows_max_f32: x (rows, n) -> y (rows, chunks), maxima, NaN propagates. Block 256, grid (rows, chunks).
extern "C" __global__ void reduce_rows_max_f32(long long rows, long long n, long long chunk, const float* x, float* y) {
    t4j_reduce_rows<MaxOp>(rows, n, chunk, x, y);
}
// reduce_rows_min_f32: x (rows, n) -> y (rows, chunks), minima, NaN propagates. Block 256, grid (rows, chunks).
extern "C" __global__ void reduce_rows_min_f32(long long rows, long long n, long long chunk, const float* x, float* y) {
    t4j_reduce_rows<MinOp>(rows, n, chunk, x, y);
}
// reduce_cols_sum_f32: x (outer, n, cols) -> y (outer, chunks, cols), sums. Block (32,8), grid (ceil(cols/32), chunks, outer).
extern "C" __global__ void reduce_cols_sum_f32(long long outer, long long n, long long cols, long long chunk,
                                               const float* x, float* y) {
    t4j_reduce_cols<SumOp>(outer, n, cols, chunk, x, y);
}
// reduce_cols_max_f32: x (outer, n, cols) -> y (outer, chunks, cols), maxima. Block (32,8), grid (ceil(cols/32), chunks, outer).
extern "C" __global__ void reduce_cols_max_f32(long long outer, long long n, long long cols, long long chunk,
                                               const float* x, float* y) {
    t4j_reduce_cols<MaxOp>(outer, n, cols, chunk, x, y);
}
// reduce_cols_min_f32: x (outer, n, cols) -> y (outer, chunks, cols), minima. Block (32,8), grid (ceil(cols/32), chunks, outer).
extern "C" __global__ void reduce_cols_min_f32(long long outer, long long n, long long cols, long long chunk,
                                               const float* x, float* y) {
    t4j_reduce_cols<MinOp>(outer, n, cols, chunk, x, y);
}
// reduce_rows_sum_scaled_f32: as reduce_rows_sum_f32, each written sum then scaled (scale * sum + 0, affine_f32's
// rounding): the last pass of a mean. Block 256, grid (rows, chunks).
extern "C" __global__ void reduce_rows_sum_scaled_f32(long long rows, long long n, long long chunk, float scale,
                                                      const float* x, float* y) {
    t4j_reduce_rows<SumOp>(rows, n, chunk, x, y, Scaled{scale});
}
// reduce_cols_sum_scaled_f32: as reduce_cols_sum_f32, each written sum then scaled. Block (32,8), grid (ceil(cols/32),
// chunks, outer).
extern "C" __global__ void reduce_cols_sum_scaled_f32(long long outer, long long n, long long cols, long long chunk,
                                                      float scale, const float* x, float* y) {
    t4j_reduce_cols<SumOp>(outer, n, cols, chunk, x, y, Scaled{scale});
}
