// unary_backward.cu: gradients of the elementwise functions (Backend.unaryBackward, UnaryOp).
//
// One kernel per UnaryOp, all with the same signature so that the backend picks the kernel by name
// (<op>_backward_f32, the op in lower case):
//   <op>_backward_f32(long long n, float alpha, float beta, const float* x, const float* dy, float* dx)
//   x (n), dy (n) -> dx (n), dx[i] = dy[i] * f'(x[i]; alpha, beta)
// alpha and beta are the op's scalars (CLAMP: bounds, LEAKY_RELU: slope, POW_SCALAR: exponent,
// AFFINE: scale); ops without scalars ignore them. x, dy and dx are contiguous (the backend makes a
// strided view contiguous first, layout.cu strided_copy_f32); dx may be dy (in place).
//
// Launch geometry: 1-D grid-stride loop, block (256,1,1), grid (min(ceil(n/256), cap),1,1); any grid
// >= 1 gives the same result. No shared memory, no synchronisation.
//
// Semantics follow the CPU backend (core, CpuUnaryKernels.derivative): at a kink the derivative is 0
// (ReLU at 0, |x| at 0, a clamp bound), LEAKY_RELU at 0 has slope alpha, POW_SCALAR with exponent 2 is
// 2x exactly. The CPU evaluates exp/tanh/sqrt in double; here they are float (expf, sqrtf),
// within a few float ulps. The final product dy * f' is rounded once (__fmul_rn).
//
// This file is self-contained (no local #include). Regenerate the PTX with kernels/scripts/build-ptx.sh.

// dx[i] = dy[i] * d(x[i]) for i in [0, n), grid-stride with a 64-bit index.
template <typename D>
__device__ __forceinline__ void t4j_unary_backward(long long n, const float* x, const float* dy, float* dx, D d) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (long long)gridDim.x * blockDim.x) {
        dx[i] = __fmul_rn(dy[i], d(x[i]));
    }
}

// The derivatives f'(v), as functors so that the loop inlines them.
struct DNeg  { __device__ float operator()(float) const { return -1.0f; } };
struct DExp  { __device__ float operator()(float v) const { return expf(v); } };
struct DLog  { __device__ float operator()(float v) const { return __fdiv_rn(1.0f, v); } };
struct DSqrt { __device__ float operator()(float v) const { return __fdiv_rn(0.5f, sqrtf(v)); } };
struct DAbs  { __device__ float operator()(float v) const { return v > 0.0f ? 1.0f : (v < 0.0f ? -1.0f : 0.0f); } };
// erf'(v) = 2/sqrt(pi) e^(-v^2)
struct DErf  { __device__ float operator()(float v) const { return __fmul_rn(1.1283791670955126f, expf(-__fmul_rn(v, v))); } };
// tanh'(v) = 1 - tanh^2 v, formed as 4e / (1 + e)^2 with e = e^(-2|v|): 1 - t*t in float loses up to
// 5 digits where tanh v is near +-1 (the CPU forms it in double); this form keeps float accuracy.
struct DTanh {
    __device__ float operator()(float v) const {
        float e = expf(__fmul_rn(-2.0f, fabsf(v)));
        float d = __fadd_rn(1.0f, e);
        return __fdiv_rn(__fmul_rn(4.0f, e), __fmul_rn(d, d));
    }
};
// sigmoid'(v) = s (1 - s), formed as e / (1 + e)^2 with e = e^(-|v|) (the same function of |v|, as
// sigmoid' is even): s (1 - s) in float cancels where s is near 1 (v = 13: 1 - s = 2.3e-6 while s has an
// absolute rounding error up to 3e-8, so ~1% relative error); this form keeps float accuracy (a few ulps:
// expf, one add, one square, one divide).
struct DSigmoid {
    __device__ float operator()(float v) const {
        float e = expf(-fabsf(v));
        float d = __fadd_rn(1.0f, e);
        return __fdiv_rn(e, __fmul_rn(d, d));
    }
};
// CLAMP (relu is (0, +inf), relu6 (0, 6)): 1 strictly inside (alpha, beta), else 0; NaN gives 0.
struct DClamp {
    float lo;
    float hi;
    __device__ float operator()(float v) const { return (v > lo && v < hi) ? 1.0f : 0.0f; }
};
struct DLeakyRelu {
    float slope;
    __device__ float operator()(float v) const { return v > 0.0f ? 1.0f : slope; }
};
// x^a -> a x^(a-1); the exponent 2 is exact (2x), as the CPU's fast path.
struct DPowScalar {
    float a;
    __device__ float operator()(float v) const {
        return a == 2.0f ? __fmul_rn(2.0f, v) : __fmul_rn(a, powf(v, __fsub_rn(a, 1.0f)));
    }
};
struct DAffine {
    float a;
    __device__ float operator()(float) const { return a; }
};

// ---------------------------------------------------------------------------------------------
// Kernels: x (n), dy (n) -> dx (n). Signature of each:
//   (long long n, float alpha, float beta, const float* x, const float* dy, float* dx)
// Grid-stride, block 256.
// ---------------------------------------------------------------------------------------------

// neg_backward_f32: dx = -dy (x must be a valid buffer of n floats).
extern "C" __global__ void neg_backward_f32(long long n, float alpha, float beta, const float* x, const float* dy, float* dx) {
    t4j_unary_backward(n, x, dy, dx, DNeg());
}
// exp_backward_f32: dx = dy * e^x.
extern "C" __global__ void exp_backward_f32(long long n, float alpha, float beta, const float* x, const float* dy, float* dx) {
    t4j_unary_backward(n, x, dy, dx, DExp());
}
// log_backward_f32: dx = dy * (1 / x).
extern "C" __global__ void log_backward_f32(long long n, float alpha, float beta, const float* x, const float* dy, float* dx) {
    t4j_unary_backward(n, x, dy, dx, DLog());
}
// sqrt_backward_f32: dx = dy * 0.5 / sqrt x.
extern "C" __global__ void sqrt_backward_f32(long long n, float alpha, float beta, const float* x, const float* dy, float* dx) {
    t4j_unary_backward(n, x, dy, dx, DSqrt());
}
// abs_backward_f32: dx = dy * sign x (0 at 0).
extern "C" __global__ void abs_backward_f32(long long n, float alpha, float beta, const float* x, const float* dy, float* dx) {
    t4j_unary_backward(n, x, dy, dx, DAbs());
}
// erf_backward_f32: dx = dy * 2/sqrt(pi) e^(-x^2).
extern "C" __global__ void erf_backward_f32(long long n, float alpha, float beta, const float* x, const float* dy, float* dx) {
    t4j_unary_backward(n, x, dy, dx, DErf());
}
// tanh_backward_f32: dx = dy * (1 - tanh^2 x).
extern "C" __global__ void tanh_backward_f32(long long n, float alpha, float beta, const float* x, const float* dy, float* dx) {
    t4j_unary_backward(n, x, dy, dx, DTanh());
}
// sigmoid_backward_f32: dx = dy * s (1 - s), s = sigmoid x.
extern "C" __global__ void sigmoid_backward_f32(long long n, float alpha, float beta, const float* x, const float* dy, float* dx) {
    t4j_unary_backward(n, x, dy, dx, DSigmoid());
}
// clamp_backward_f32: dx = dy where alpha < x < beta, else 0 (relu: alpha 0, beta +inf; relu6: 0, 6). A select,
// not dy * DClamp: a NaN or infinite dy where the clamp is flat gives 0 (not NaN), and a negative one +0, as the
// CPU backend and PyTorch's threshold_backward (and bias_act.cu's masks).
extern "C" __global__ void clamp_backward_f32(long long n, float alpha, float beta, const float* x, const float* dy, float* dx) {
    DClamp inside{alpha, beta};
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (long long)gridDim.x * blockDim.x) {
        dx[i] = inside(x[i]) != 0.0f ? dy[i] : 0.0f;
    }
}
// leaky_relu_backward_f32: dx = dy where x > 0, else alpha * dy.
extern "C" __global__ void leaky_relu_backward_f32(long long n, float alpha, float beta, const float* x, const float* dy, float* dx) {
    t4j_unary_backward(n, x, dy, dx, DLeakyRelu{alpha});
}
// pow_scalar_backward_f32: dx = dy * alpha x^(alpha-1) (2x when alpha is 2).
extern "C" __global__ void pow_scalar_backward_f32(long long n, float alpha, float beta, const float* x, const float* dy, float* dx) {
    t4j_unary_backward(n, x, dy, dx, DPowScalar{alpha});
}
// affine_backward_f32: dx = dy * alpha (x must still be a valid buffer of n floats: common signature).
extern "C" __global__ void affine_backward_f32(long long n, float alpha, float beta, const float* x, const float* dy, float* dx) {
    t4j_unary_backward(n, x, dy, dx, DAffine{alpha});
}
