// gather.cu: index selection along one axis and its adjoint (Backend.gather / Backend.scatterAdd).
//
// x (contiguous) is viewed as (outer, axisSize, inner): outer = prod(shape[:axis]),
// inner = prod(shape[axis+1:]); indices (count) are int32 in [0, axisSize), uploaded by the backend,
// which checks the range on the host first (a bad index here would read or write out of bounds).
//
// Kernels (grid-stride, block (256,1,1), grid (min(ceil(n/256), cap),1,1)):
//   gather_f32(long long n, long long count, long long axisSize, long long inner, const int* indices,
//              const float* x, float* y)
//     x (outer, axisSize, inner) -> y (outer, count, inner), n = outer*count*inner:
//     y[(o*count + j)*inner + k] = x[(o*axisSize + indices[j])*inner + k] (NumPy take, index_select).
//   scatter_add_f32(long long n, long long count, long long axisSize, long long inner, const int* indices,
//                   const float* dy, float* dx)
//     the adjoint: dy (outer, count, inner) added into dx (outer, axisSize, inner), n = outer*count*inner:
//     dx[(o*axisSize + indices[j])*inner + k] += dy[(o*count + j)*inner + k]. dx must be zero-filled
//     first (fill_f32) for Backend.scatterAdd's result. Repeated indices meet in atomicAdd, so their
//     sum is in an unspecified order (the CPU adds in j order): equal up to float rounding.
//
// This file is self-contained (no local #include). Regenerate the PTX with kernels/scripts/build-ptx.sh.

// The offset in x (outer, axisSize, inner) of element i of y (outer, count, inner): gather_f32 reads
// there, scatter_add_f32 adds there. i = (o*count + j)*inner + k -> (o*axisSize + indices[j])*inner + k.
__device__ __forceinline__ long long t4j_indexed_offset(long long i, long long count, long long axisSize, long long inner,
                                                        const int* indices) {
    long long k = i % inner;
    long long t = i / inner;
    long long j = t % count;
    long long o = t / count;
    return (o * axisSize + indices[j]) * inner + k;
}

// gather_f32: x (outer, axisSize, inner) -> y (outer, count, inner). Grid-stride, block 256.
extern "C" __global__ void gather_f32(long long n, long long count, long long axisSize, long long inner,
                                      const int* indices, const float* x, float* y) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (long long)gridDim.x * blockDim.x) {
        y[i] = x[t4j_indexed_offset(i, count, axisSize, inner, indices)];
    }
}

// scatter_add_f32: dx (outer, axisSize, inner) += dy (outer, count, inner) at the indices. Grid-stride, block 256.
extern "C" __global__ void scatter_add_f32(long long n, long long count, long long axisSize, long long inner,
                                           const int* indices, const float* dy, float* dx) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (long long)gridDim.x * blockDim.x) {
        atomicAdd(dx + t4j_indexed_offset(i, count, axisSize, inner, indices), dy[i]);
    }
}
