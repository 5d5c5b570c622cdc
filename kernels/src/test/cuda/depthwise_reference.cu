// depthwise_reference.cu: the depthwise 3x3 kernels of kernels/src/main/cuda/depthwise.cu as they were
// before the 32-bit index and stride-specialised rewrite (commit c60edf8), kept verbatim but for the
// names (reference_ prefix, so that both versions link into emulate_kernels), as the bit-for-bit
// reference of the current ones: same taps, same fmaf order, 64-bit indices everywhere, 1-D
// grid-stride launch for forward and backward data (one element per thread, channel fastest).
// The coordinates of element i of a contiguous (N,height,width,C) tensor: image b, row y, column x, channel ch.
struct T4jPixel {
    long long b;
    int y;
    int x;
    int ch;
};

__device__ __forceinline__ T4jPixel t4j_nhwc_pixel(long long i, int height, int width, int c) {
    T4jPixel p;
    p.ch = (int)(i % c);
    long long t = i / c;
    p.x = (int)(t % width);
    t /= width;
    p.y = (int)(t % height);
    p.b = t / height;
    return p;
}

// reference_depthwise3x3_forward_f32: x (N,H,W,C), k (3,3,C) -> y (N,OH,OW,C). Grid-stride, block 256.
extern "C" __global__ void reference_depthwise3x3_forward_f32(long long n, int h, int w, int c, int oh, int ow, int strideH,
                                                    int strideW, int padTop, int padLeft, const float* x,
                                                    const float* k, float* y) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (long long)gridDim.x * blockDim.x) {
        T4jPixel out = t4j_nhwc_pixel(i, oh, ow, c);
        int ch = out.ch;
        int ox = out.x;
        int oy = out.y;
        long long b = out.b;
        const float* xb = x + b * h * w * c + ch;
        float sum = 0.0f;
#pragma unroll
        for (int ky = 0; ky < 3; ++ky) {
            int iy = oy * strideH - padTop + ky;
            if (iy < 0 || iy >= h) {
                continue;
            }
#pragma unroll
            for (int kx = 0; kx < 3; ++kx) {
                int ix = ox * strideW - padLeft + kx;
                if (ix >= 0 && ix < w) {
                    sum = fmaf(xb[((long long)iy * w + ix) * c], k[(ky * 3 + kx) * c + ch], sum);
                }
            }
        }
        y[i] = sum;
    }
}

// reference_depthwise3x3_backward_data_f32: dy (N,OH,OW,C), k (3,3,C) -> dx (N,H,W,C). Grid-stride, block 256.
extern "C" __global__ void reference_depthwise3x3_backward_data_f32(long long n, int h, int w, int c, int oh, int ow,
                                                          int strideH, int strideW, int padTop, int padLeft,
                                                          const float* dy, const float* k, float* dx) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (long long)gridDim.x * blockDim.x) {
        T4jPixel in = t4j_nhwc_pixel(i, h, w, c);
        int ch = in.ch;
        int ix = in.x;
        int iy = in.y;
        long long b = in.b;
        const float* dyb = dy + b * oh * ow * c + ch;
        float sum = 0.0f;
#pragma unroll
        for (int ky = 0; ky < 3; ++ky) {
            int sy = iy + padTop - ky;          // = oy * strideH
            if (sy < 0 || sy % strideH != 0 || sy / strideH >= oh) {
                continue;
            }
            int oy = sy / strideH;
#pragma unroll
            for (int kx = 0; kx < 3; ++kx) {
                int sx = ix + padLeft - kx;     // = ox * strideW
                if (sx >= 0 && sx % strideW == 0 && sx / strideW < ow) {
                    sum = fmaf(dyb[((long long)oy * ow + sx / strideW) * c], k[(ky * 3 + kx) * c + ch], sum);
                }
            }
        }
        dx[i] = sum;
    }
}

// reference_depthwise3x3_backward_filter_f32: x, dy -> dkPartial (chunks,3,3,C). Block (32,8), grid (ceil(C/32), chunks).
extern "C" __global__ void reference_depthwise3x3_backward_filter_f32(long long pixels, int h, int w, int c, int oh, int ow,
                                                            int strideH, int strideW, int padTop, int padLeft,
                                                            long long chunk, const float* x, const float* dy,
                                                            float* dkPartial) {
    __shared__ float partial[8][9][32];
    long long start = (long long)blockIdx.y * chunk;
    long long end = start + chunk < pixels ? start + chunk : pixels;
    int ch = blockIdx.x * 32 + threadIdx.x;
    float acc[9];
#pragma unroll
    for (int t = 0; t < 9; ++t) {
        acc[t] = 0.0f;
    }
    if (ch < c) {
        for (long long p = start + threadIdx.y; p < end; p += blockDim.y) {
            int ox = (int)(p % ow);
            long long t = p / ow;
            int oy = (int)(t % oh);
            long long b = t / oh;
            float d = dy[p * c + ch];
            const float* xb = x + b * h * w * c + ch;
#pragma unroll
            for (int ky = 0; ky < 3; ++ky) {
                int iy = oy * strideH - padTop + ky;
#pragma unroll
                for (int kx = 0; kx < 3; ++kx) {
                    int ix = ox * strideW - padLeft + kx;
                    if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                        acc[ky * 3 + kx] = fmaf(xb[((long long)iy * w + ix) * c], d, acc[ky * 3 + kx]);
                    }
                }
            }
        }
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
