// layout.cu: copies that move data between layouts (Backend.copy/fill over views, pad, concat,
// transpose/permute).
//
// Conventions: float32, element counts and offsets 64-bit. The 1-D kernels use a grid-stride loop,
// block (256,1,1), grid (min(ceil(n/256), cap),1,1); any grid >= 1 gives the same result.
// Source and destination must not overlap (except where a kernel says otherwise).
//
// Kernels:
//   strided_copy_f32(long long n, Strided6 s, const float* x, float* y)
//     y[sum_d c_d*s.yStride[d]] = x[sum_d c_d*s.xStride[d]] for every coordinate c of shape s.shape
//     (rank <= 6, right-aligned, leading entries shape 1 / stride 0), n = prod(s.shape). Both sides
//     may be any view: a strided view to contiguous (yStride row-major), a tensor into a window of a
//     bigger one (pad interior, concat slice), a permutation (xStride permuted: transpose of any rank).
//     The pointers are the views' first elements (the backend adds the storage offset).
//   strided_fill_f32(long long n, Strided6 s, float value, float* y)
//     y[sum_d c_d*s.yStride[d]] = value over shape s.shape (s.xStride is not read). Grid-stride.
//   pad_nhwc_f32(long long n, int h, int w, int c, int oh, int ow, int top, int left, float value,
//                const float* x, float* y)
//     x (N,H,W,C) -> y (N,OH,OW,C), n = N*OH*OW*C: y[b,oy,ox,ch] = x[b,oy-top,ox-left,ch] inside,
//     value outside (Keras ZeroPadding2D: value 0, OH = top + H + bottom). Every y element is written.
//   crop_nhwc_f32(long long n, int h, int w, int c, int oh, int ow, int top, int left,
//                 const float* dy, float* dx)
//     the adjoint of pad: dy (N,OH,OW,C) -> dx (N,H,W,C), n = N*H*W*C: dx[b,iy,ix,ch] = dy[b,iy+top,ix+left,ch].
//   concat_f32(long long n, long long xInner, long long yInner, long long offset, const float* x, float* y)
//     one input of a concatenation along an axis: x viewed as (outer, xInner), y as (outer, yInner)
//     with xInner = x.shape[axis]*prod(shape[axis+1:]), yInner likewise for y, offset = (sum of the
//     earlier inputs' shape[axis])*prod(shape[axis+1:]); n = outer*xInner:
//     y[o*yInner + offset + k] = x[o*xInner + k]. One launch per input.
//   slice_f32(long long n, long long xInner, long long yInner, long long offset, const float* x, float* y)
//     the adjoint of concat (the gradient of one input): y[o*yInner + k] = x[o*xInner + offset + k],
//     k < yInner, n = outer*yInner.
//   transpose_f32(long long batch, int rows, int cols, const float* x, float* y)
//     x (B,R,C) -> y (B,C,R): y[b,j,i] = x[b,i,j]. Tiled through shared memory so that reads and
//     writes are both coalesced: block (32,8,1), grid (ceil(C/32), ceil(R/32), min(B, 65535)) with a
//     grid-stride over B in z; a 32x33 tile (padded against bank conflicts), each thread moving 4
//     elements. R must be at most 65535*32 (gridDim.y). Permutations other than swapping two
//     groups of axes go through strided_copy_f32.
//
// This file is self-contained (no local #include). Regenerate the PTX with kernels/scripts/build-ptx.sh.

#define T4J_MAX_RANK 6

// Geometry of a strided copy, passed by value (144 bytes, 8-aligned; the same layout as elementwise.cu's
// Broadcast6 with a = x, b = y). Right-aligned: rank r uses the last r entries.
struct Strided6 {
    long long shape[T4J_MAX_RANK];
    long long xStride[T4J_MAX_RANK];
    long long yStride[T4J_MAX_RANK];
};

// strided_copy_f32: any view x -> any view y of the same shape s.shape. Grid-stride, block 256.
extern "C" __global__ void strided_copy_f32(long long n, const Strided6 s, const float* x, float* y) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (long long)gridDim.x * blockDim.x) {
        long long rem = i;
        long long ix = 0;
        long long iy = 0;
#pragma unroll
        for (int d = T4J_MAX_RANK - 1; d >= 0; --d) {
            if (rem == 0) {
                break;
            }
            long long extent = s.shape[d];
            long long c = rem % extent;
            rem /= extent;
            ix += c * s.xStride[d];
            iy += c * s.yStride[d];
        }
        y[iy] = x[ix];
    }
}

// strided_fill_f32: value -> any view y of shape s.shape (strides s.yStride). Grid-stride, block 256.
extern "C" __global__ void strided_fill_f32(long long n, const Strided6 s, float value, float* y) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (long long)gridDim.x * blockDim.x) {
        long long rem = i;
        long long iy = 0;
#pragma unroll
        for (int d = T4J_MAX_RANK - 1; d >= 0; --d) {
            if (rem == 0) {
                break;
            }
            long long extent = s.shape[d];
            iy += (rem % extent) * s.yStride[d];
            rem /= extent;
        }
        y[iy] = value;
    }
}

// The coordinates of element i of a contiguous (N,height,width,C) tensor: image b, row y, column x, channel ch.
struct T4jPixel {
    long long b;
    long long y;
    long long x;
    long long ch;
};

__device__ __forceinline__ T4jPixel t4j_nhwc_pixel(long long i, int height, int width, int c) {
    T4jPixel p;
    p.ch = i % c;
    long long t = i / c;
    p.x = t % width;
    t /= width;
    p.y = t % height;
    p.b = t / height;
    return p;
}

// pad_nhwc_f32: x (N,H,W,C) -> y (N,OH,OW,C), value outside the window at (top, left). Grid-stride, block 256.
extern "C" __global__ void pad_nhwc_f32(long long n, int h, int w, int c, int oh, int ow, int top, int left,
                                        float value, const float* x, float* y) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (long long)gridDim.x * blockDim.x) {
        T4jPixel out = t4j_nhwc_pixel(i, oh, ow, c);
        long long iy = out.y - top;
        long long ix = out.x - left;
        y[i] = (iy >= 0 && iy < h && ix >= 0 && ix < w) ? x[((out.b * h + iy) * w + ix) * c + out.ch] : value;
    }
}

// crop_nhwc_f32: dy (N,OH,OW,C) -> dx (N,H,W,C), the window at (top, left). Grid-stride, block 256.
extern "C" __global__ void crop_nhwc_f32(long long n, int h, int w, int c, int oh, int ow, int top, int left,
                                         const float* dy, float* dx) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (long long)gridDim.x * blockDim.x) {
        T4jPixel in = t4j_nhwc_pixel(i, h, w, c);
        dx[i] = dy[((in.b * oh + in.y + top) * ow + in.x + left) * c + in.ch];
    }
}

// concat_f32: x (outer, xInner) -> y (outer, yInner) at column offset. Grid-stride, block 256.
extern "C" __global__ void concat_f32(long long n, long long xInner, long long yInner, long long offset,
                                      const float* x, float* y) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (long long)gridDim.x * blockDim.x) {
        long long o = i / xInner;
        y[o * yInner + offset + (i - o * xInner)] = x[i];
    }
}

// slice_f32: x (outer, xInner) columns [offset, offset + yInner) -> y (outer, yInner). Grid-stride, block 256.
extern "C" __global__ void slice_f32(long long n, long long xInner, long long yInner, long long offset,
                                     const float* x, float* y) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (long long)gridDim.x * blockDim.x) {
        long long o = i / yInner;
        y[i] = x[o * xInner + offset + (i - o * yInner)];
    }
}

// transpose_f32: x (B,R,C) -> y (B,C,R). Block (32,8), grid (ceil(C/32), ceil(R/32), min(B,65535)).
extern "C" __global__ void transpose_f32(long long batch, int rows, int cols, const float* x, float* y) {
    __shared__ float tile[32][33];
    const int i0 = blockIdx.y * 32;   // first row of x in this tile
    const int j0 = blockIdx.x * 32;   // first column of x in this tile
    const long long plane = (long long)rows * cols;
    for (long long b = blockIdx.z; b < batch; b += gridDim.z) {
        const float* xb = x + b * plane;
        float* yb = y + b * plane;
        for (int k = threadIdx.y; k < 32; k += 8) {
            int i = i0 + k;
            int j = j0 + threadIdx.x;
            if (i < rows && j < cols) {
                tile[k][threadIdx.x] = xb[(long long)i * cols + j];
            }
        }
        __syncthreads();
        for (int k = threadIdx.y; k < 32; k += 8) {
            int j = j0 + k;              // row of y
            int i = i0 + threadIdx.x;    // column of y
            if (j < cols && i < rows) {
                yb[(long long)j * rows + i] = tile[threadIdx.x][k];
            }
        }
        __syncthreads();
    }
}
