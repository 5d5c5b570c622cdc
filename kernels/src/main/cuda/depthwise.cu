// depthwise.cu: depthwise 3x3 convolution in NHWC, depth multiplier 1, dilation 1, any stride >= 1 (1 and 2
// compiled specially), any explicit padding: forward, backward-data and backward-filter. cuDNN is slow here
// (docs/ARCHITECTURE.md: 0.419 ms against PyTorch's 0.246 ms on one MobileNet layer).
//
// Shapes (Keras layout, Conv2dSpec with groups = C, kernel (3,3,1,C) = (3,3,C) in memory):
//   x (N,H,W,C), k (3,3,C) -> y (N,OH,OW,C)
//   y[b,oy,ox,c] = sum_{ky,kx in 0..2} x[b, oy*strideH - padTop + ky, ox*strideW - padLeft + kx, c] * k[ky,kx,c]
// with taps outside the image skipped (zero padding). padTop/padLeft and OH/OW come from the resolved
// Conv2dSpec (Padding.SAME puts the odd pixel at the bottom/right, as TensorFlow); the bottom/right
// padding is implied by OH/OW. Sums run over ky then kx, accumulating with fmaf in float.
//
// Kernels (batch = N; every kernel takes the same shape arguments):
//   depthwise3x3_forward_f32(long long batch, int h, int w, int c, int oh, int ow, int strideH, int strideW,
//                            int padTop, int padLeft, const float* x, const float* k, float* y)
//     y (N,OH,OW,C). Launch: block (32,8,1), grid (ceil(C/32), P, 1) with 1 <= P <= 65535: threadIdx.x
//     picks a channel (a warp reads 32 consecutive floats), threadIdx.y and blockIdx.y a pixel, pixels
//     grid-stride by 8P. Each thread keeps its channel's nine weights in registers.
//   depthwise3x3_backward_data_f32(long long batch, int h, int w, int c, int oh, int ow, int strideH,
//                                  int strideW, int padTop, int padLeft, const float* dy, const float* k,
//                                  float* dx)
//     dy (N,OH,OW,C), k -> dx (N,H,W,C), one input pixel and channel per thread and step (a gather, no
//     atomics): dx[b,iy,ix,c] = sum over taps (ky,kx) with oy = (iy + padTop - ky)/strideH and ox likewise
//     integral and inside the output of dy[b,oy,ox,c] * k[ky,kx,c]. Launch as the forward, the pixels
//     being the N*H*W input pixels. Every dx element is written.
//   depthwise3x3_backward_filter_f32(long long batch, int h, int w, int c, int oh, int ow, int strideH,
//                                    int strideW, int padTop, int padLeft, long long chunk,
//                                    const float* x, const float* dy, float* dkPartial)
//     x (N,H,W,C), dy (N,OH,OW,C) -> dkPartial (chunks,3,3,C), pixels = N*OH*OW, chunks = ceil(pixels/chunk)
//     <= 65535: dkPartial[j,ky,kx,c] = sum over output pixels p in [j*chunk, min(pixels,(j+1)*chunk)) of
//     x[b,iy,ix,c] * dy[p,c] (taps inside the image). reduce.cu reduce_cols_sum_f32 (outer 1, n = chunks,
//     cols 9*C) adds the partials into dk (3,3,1,C); with chunk >= pixels the partials are dk.
//     Launch: block (32,8,1), grid (ceil(C/32), chunks, 1): threadIdx.x picks a channel (coalesced),
//     threadIdx.y every 8th pixel of the chunk, nine float accumulators per thread; the 8 partials per
//     tap and channel meet in shared memory (8x9x32 floats), added in threadIdx.y order.
//
// Why it is written this way (the first version took 0.14/0.34/0.22 ms per call on an H200 where the
// bytes take ~0.03 ms: it was bound by integer instructions, not memory):
// - No division per element. A thread decomposes its first pixel into (image, row, column) and its pixel
//   step likewise, once, then advances with adds and one conditional subtraction per axis
//   (T4jPixelCursor); the channel is threadIdx.x, never a remainder.
// - 32-bit indices when every element offset of x and y fits below 2^31 (all real shapes: 64x112x112x96 is
//   77M); the 64-bit path is compiled too and taken for larger tensors (64-bit multiplies and the two
//   initial divisions are then emulated; the test harness forces it with T4J_DEPTHWISE_INDEX32_LIMIT).
// - Forward and backward filter test the window once: where it lies inside the image (all pixels but
//   the border ones) the nine loads go out unconditionally, one after another.
// - Strides 1 and 2 (both axes equal) are template parameters, so backward data's "is this tap an output
//   pixel" test is a mask and its output index a shift; other strides take the run-time path (unsigned
//   division).
// - __launch_bounds__(256, 5) for forward and backward data (at most 48 registers on sm_90, 5 blocks = 1280
//   threads per SM), (256, 4) for the filter (64 registers: nine accumulators and nine loads in flight);
//   ptxas reports no spills. (Compute capability 7.5 has 1024 threads per SM: the minimum is ignored there.)
// The arithmetic is the first version's: the same taps accumulated with fmaf in the same order, so the
// results are bit for bit those of the 1-D one-element-per-thread kernels (kernels/src/test/cuda/
// depthwise_reference.cu is that version, emulate_kernels.cpp compares them).
//
// This file is self-contained (no local #include). Regenerate the PTX with kernels/scripts/build-ptx.sh.

// Element offsets at most this large take the 32-bit path (with a pixel step of at most 65535*8 on top
// of a pixel index below 2^31, no 32-bit unsigned index wraps).
#ifndef T4J_DEPTHWISE_INDEX32_LIMIT
#define T4J_DEPTHWISE_INDEX32_LIMIT 0x7FFFFFFFLL
#endif

// A walk over the pixels p, p + step, p + 2 step, ... of an (images, height, width) grid, p and step
// decomposed once (two divisions each) and then advanced without division: x and y carry at most once
// per step because the step's own column and row are below width and height.
template <typename I>
struct T4jPixelCursor {
    I b;     // image
    int y;   // row
    int x;   // column
    I stepB;
    int stepY;
    int stepX;
    int height;
    int width;

    __device__ __forceinline__ T4jPixelCursor(I p, I step, int height_, int width_) : height(height_), width(width_) {
        I t = p / (I)width;
        x = (int)(p - t * (I)width);
        b = t / (I)height;
        y = (int)(t - b * (I)height);
        t = step / (I)width;
        stepX = (int)(step - t * (I)width);
        stepB = t / (I)height;
        stepY = (int)(t - stepB * (I)height);
    }

    __device__ __forceinline__ void advance() {
        x += stepX;
        int carry = x >= width;
        x -= carry ? width : 0;
        y += stepY + carry;
        carry = y >= height;
        y -= carry ? height : 0;
        b += stepB + (I)carry;
    }
};

// The stride of an axis: the template's when it is 1 or 2, else the run-time one.
template <int S>
__device__ __forceinline__ int t4j_stride(int runtime) {
    return S == 0 ? runtime : S;
}

// Whether every element offset of x (batch,h,w,c) and y (batch,oh,ow,c) takes the 32-bit path.
__device__ __forceinline__ bool t4j_depthwise_index32(long long batch, int h, int w, int c, int oh, int ow) {
    long long in = batch * h * w * c;
    long long out = batch * oh * ow * c;
    return (in > out ? in : out) <= T4J_DEPTHWISE_INDEX32_LIMIT;
}

// Runs F::template run<I, S> with I = unsigned (32-bit path) or unsigned long long, S = 1, 2 (both strides
// equal) or 0 (run-time strides).
#define T4J_DEPTHWISE_DISPATCH(body, ...)                                                                     \
    do {                                                                                                      \
        bool index32 = t4j_depthwise_index32(batch, h, w, c, oh, ow);                                         \
        int s = strideH == strideW && (strideH == 1 || strideH == 2) ? strideH : 0;                          \
        if (index32) {                                                                                        \
            if (s == 1) body<unsigned, 1>(__VA_ARGS__);                                                       \
            else if (s == 2) body<unsigned, 2>(__VA_ARGS__);                                                  \
            else body<unsigned, 0>(__VA_ARGS__);                                                              \
        } else {                                                                                              \
            if (s == 1) body<unsigned long long, 1>(__VA_ARGS__);                                             \
            else if (s == 2) body<unsigned long long, 2>(__VA_ARGS__);                                        \
            else body<unsigned long long, 0>(__VA_ARGS__);                                                    \
        }                                                                                                     \
    } while (0)

template <typename I, int S>
__device__ __forceinline__ void t4j_depthwise_forward(long long batch, int h, int w, int c, int oh, int ow,
                                                      int strideH, int strideW, int padTop, int padLeft,
                                                      const float* x, const float* k, float* y) {
    const int ch = blockIdx.x * blockDim.x + threadIdx.x;
    if (ch >= c) {
        return;
    }
    const int sh = t4j_stride<S>(strideH);
    const int sw = t4j_stride<S>(strideW);
    float kr[9];
#pragma unroll
    for (int t = 0; t < 9; ++t) {
        kr[t] = k[t * c + ch];
    }
    const I pixels = (I)batch * (I)oh * (I)ow;
    const I step = (I)gridDim.y * blockDim.y;
    I p = (I)blockIdx.y * blockDim.y + threadIdx.y;
    for (T4jPixelCursor<I> at(p, step, oh, ow); p < pixels; p += step, at.advance()) {
        const int iy0 = at.y * sh - padTop;
        const int ix0 = at.x * sw - padLeft;
        const float* xb = x + at.b * (I)h * (I)w * (I)c + ch;
        float sum = 0.0f;
        if (iy0 >= 0 && iy0 + 2 < h && ix0 >= 0 && ix0 + 2 < w) {
            // the window inside the image (all but the border pixels): nine loads without a test each
            const float* xw = xb + ((I)iy0 * (I)w + (I)ix0) * (I)c;
            const I row = (I)w * (I)c;
            float v[9];
#pragma unroll
            for (int t = 0; t < 9; ++t) {
                v[t] = xw[(I)(t / 3) * row + (I)(t % 3) * (I)c];
            }
#pragma unroll
            for (int t = 0; t < 9; ++t) {
                sum = fmaf(v[t], kr[t], sum);
            }
            y[p * (I)c + ch] = sum;
            continue;
        }
#pragma unroll
        for (int ky = 0; ky < 3; ++ky) {
            int iy = iy0 + ky;
            if (iy < 0 || iy >= h) {
                continue;
            }
#pragma unroll
            for (int kx = 0; kx < 3; ++kx) {
                int ix = ix0 + kx;
                if (ix >= 0 && ix < w) {
                    sum = fmaf(xb[((I)iy * (I)w + (I)ix) * (I)c], kr[ky * 3 + kx], sum);
                }
            }
        }
        y[p * (I)c + ch] = sum;
    }
}

// depthwise3x3_forward_f32: x (N,H,W,C), k (3,3,C) -> y (N,OH,OW,C). Block (32,8), grid (ceil(C/32), P).
extern "C" __global__ void __launch_bounds__(256, 5) depthwise3x3_forward_f32(long long batch, int h, int w, int c, int oh, int ow, int strideH,
                                                    int strideW, int padTop, int padLeft, const float* x,
                                                    const float* k, float* y) {
    T4J_DEPTHWISE_DISPATCH(t4j_depthwise_forward, batch, h, w, c, oh, ow, strideH, strideW, padTop, padLeft, x, k, y);
}

// The output index o of the input position s = o * stride + tap offset along one axis, or -1 when no
// output pixel takes that position (s negative, not a multiple of the stride, or o >= limit).
template <int S>
__device__ __forceinline__ int t4j_output_index(int s, int stride, int limit) {
    if (s < 0) {
        return -1;
    }
    unsigned us = (unsigned)s;
    unsigned st = (unsigned)t4j_stride<S>(stride);   // a constant 1 or 2: a mask and a shift
    if (us % st != 0) {
        return -1;
    }
    int o = (int)(us / st);
    return o < limit ? o : -1;
}

template <typename I, int S>
__device__ __forceinline__ void t4j_depthwise_backward_data(long long batch, int h, int w, int c, int oh, int ow,
                                                            int strideH, int strideW, int padTop, int padLeft,
                                                            const float* dy, const float* k, float* dx) {
    const int ch = blockIdx.x * blockDim.x + threadIdx.x;
    if (ch >= c) {
        return;
    }
    float kr[9];
#pragma unroll
    for (int t = 0; t < 9; ++t) {
        kr[t] = k[t * c + ch];
    }
    const I pixels = (I)batch * (I)h * (I)w;
    const I step = (I)gridDim.y * blockDim.y;
    I p = (I)blockIdx.y * blockDim.y + threadIdx.y;
    for (T4jPixelCursor<I> at(p, step, h, w); p < pixels; p += step, at.advance()) {
        const float* dyb = dy + at.b * (I)oh * (I)ow * (I)c + ch;
        int ox[3];
#pragma unroll
        for (int kx = 0; kx < 3; ++kx) {
            ox[kx] = t4j_output_index<S>(at.x + padLeft - kx, strideW, ow);
        }
        float sum = 0.0f;
#pragma unroll
        for (int ky = 0; ky < 3; ++ky) {
            int oy = t4j_output_index<S>(at.y + padTop - ky, strideH, oh);
            if (oy < 0) {
                continue;
            }
#pragma unroll
            for (int kx = 0; kx < 3; ++kx) {
                if (ox[kx] >= 0) {
                    sum = fmaf(dyb[((I)oy * (I)ow + (I)ox[kx]) * (I)c], kr[ky * 3 + kx], sum);
                }
            }
        }
        dx[p * (I)c + ch] = sum;
    }
}

// depthwise3x3_backward_data_f32: dy (N,OH,OW,C), k (3,3,C) -> dx (N,H,W,C). Block (32,8), grid (ceil(C/32), P).
extern "C" __global__ void __launch_bounds__(256, 5) depthwise3x3_backward_data_f32(long long batch, int h, int w, int c, int oh, int ow,
                                                          int strideH, int strideW, int padTop, int padLeft,
                                                          const float* dy, const float* k, float* dx) {
    T4J_DEPTHWISE_DISPATCH(t4j_depthwise_backward_data, batch, h, w, c, oh, ow, strideH, strideW, padTop, padLeft,
                           dy, k, dx);
}

// The nine per-thread partial sums of the filter gradient over this thread's pixels of chunk blockIdx.y.
template <typename I, int S>
__device__ __forceinline__ void t4j_depthwise_filter_sums(long long batch, int h, int w, int c, int oh, int ow,
                                                          int strideH, int strideW, int padTop, int padLeft,
                                                          long long chunk, const float* x, const float* dy,
                                                          int ch, float* acc) {
    const int sh = t4j_stride<S>(strideH);
    const int sw = t4j_stride<S>(strideW);
    const long long pixels = batch * oh * ow;
    const long long start = (long long)blockIdx.y * chunk;
    if (start >= pixels) {
        return;
    }
    const I end = (I)(start + chunk < pixels ? start + chunk : pixels);
    const I step = (I)blockDim.y;
    I p = (I)start + threadIdx.y;
    for (T4jPixelCursor<I> at(p, step, oh, ow); p < end; p += step, at.advance()) {
        const float d = dy[p * (I)c + ch];
        const float* xb = x + at.b * (I)h * (I)w * (I)c + ch;
        const int iy0 = at.y * sh - padTop;
        const int ix0 = at.x * sw - padLeft;
        if (iy0 >= 0 && iy0 + 2 < h && ix0 >= 0 && ix0 + 2 < w) {   // the window inside: no test per tap
            const float* xw = xb + ((I)iy0 * (I)w + (I)ix0) * (I)c;
            const I row = (I)w * (I)c;
#pragma unroll
            for (int t = 0; t < 9; ++t) {
                acc[t] = fmaf(xw[(I)(t / 3) * row + (I)(t % 3) * (I)c], d, acc[t]);
            }
            continue;
        }
#pragma unroll
        for (int ky = 0; ky < 3; ++ky) {
            int iy = iy0 + ky;
#pragma unroll
            for (int kx = 0; kx < 3; ++kx) {
                int ix = ix0 + kx;
                if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                    acc[ky * 3 + kx] = fmaf(xb[((I)iy * (I)w + (I)ix) * (I)c], d, acc[ky * 3 + kx]);
                }
            }
        }
    }
}

// depthwise3x3_backward_filter_f32: x, dy -> dkPartial (chunks,3,3,C). Block (32,8), grid (ceil(C/32), chunks).
extern "C" __global__ void __launch_bounds__(256, 4) depthwise3x3_backward_filter_f32(long long batch, int h, int w, int c, int oh, int ow,
                                                            int strideH, int strideW, int padTop, int padLeft,
                                                            long long chunk, const float* x, const float* dy,
                                                            float* dkPartial) {
    __shared__ float partial[8][9][32];
    const int ch = blockIdx.x * 32 + threadIdx.x;
    float acc[9];
#pragma unroll
    for (int t = 0; t < 9; ++t) {
        acc[t] = 0.0f;
    }
    if (ch < c) {
        T4J_DEPTHWISE_DISPATCH(t4j_depthwise_filter_sums, batch, h, w, c, oh, ow, strideH, strideW, padTop, padLeft,
                               chunk, x, dy, ch, acc);
    }
#pragma unroll
    for (int t = 0; t < 9; ++t) {
        partial[threadIdx.y][t][threadIdx.x] = acc[t];
    }
    __syncthreads();
    if (threadIdx.y == 0 && ch < c) {
        for (int t = 0; t < 9; ++t) {
            float s = acc[t];
            for (int k = 1; k < 8; ++k) {
                s += partial[k][t][threadIdx.x];
            }
            dkPartial[((long long)blockIdx.y * 9 + t) * c + ch] = s;
        }
    }
}
