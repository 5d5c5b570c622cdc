// optim.cu: fused optimizer updates over one weight (Backend.sgdUpdate / adamUpdate / rmspropUpdate) or a
// list of weights (the *UpdateGroup forms), and the count of non-finite gradient elements (nonFiniteCount).
//
// p (n) is the weight, g (n) its gradient (read only), the other arrays its state slots, all contiguous
// with n elements, updated in place. The formulas are those of the Backend methods, computed term by term
// in float in the order CpuOptimizers writes them, each product and sum rounded once (the _rn
// intrinsics stop nvcc from contracting a*b + c into an FMA): the result is bit-identical to the CPU
// backend. The scalars arrive as floats the backend rounds once from the doubles it is given; the
// complements 1 - beta1, 1 - beta2, 1 - rho are formed in double on the host and passed rounded
// (in float, 1 - 0.999f keeps only 4 correct digits). Every update first applies both weight decays,
// from the weight before the call:
//   g' = g + l2 * p          (coupled L2)
//   p  = p - decay * p       (decoupled, AdamW and Keras; the caller passes lr * wd)
//
// Kernels (grid-stride, block (256,1,1), grid (min(ceil(n/256), cap),1,1); a slot pointer that is
// optional may be 0, it is then not used):
//   sgd_update_f32(long long n, float momentum, float gradScale, float stepScale, int nesterov, float l2,
//                  float decay, float* p, const float* g, float* u)
//     u == 0: p += stepScale * (gradScale * g');
//     else:   u = momentum * u + gradScale * g'; p += stepScale * (nesterov ? momentum * u + gradScale * g' : u).
//   adam_update_f32(long long n, float beta1, float beta2, float oneMinusBeta1, float oneMinusBeta2,
//                   float stepSize, float epsHat, float l2, float decay, float* p, const float* g,
//                   float* m, float* v)
//     m = beta1*m + (1-beta1)*g'; v = beta2*v + (1-beta2)*g'*g'; p -= stepSize * m / (sqrt(v) + epsHat).
//   rmsprop_update_f32(long long n, float rho, float oneMinusRho, float momentum, float epsInside,
//                      float epsOutside, float gradScale, float stepScale, float l2, float decay,
//                      float* p, const float* g, float* s, float* a, float* u)
//     s = rho*s + (1-rho)*g'*g'; a (optional, centred) = rho*a + (1-rho)*g', s~ = s - a*a (else s~ = s);
//     inc = gradScale * g' / (sqrt(s~ + epsInside) + epsOutside);
//     u (optional) = momentum*u + inc, p += stepScale * u; else p += stepScale * inc.
//
// Multi-tensor forms (Backend.*UpdateGroup: one launch for up to T4J_MULTI_MAX weights that share the
// scalars, as PyTorch's multi_tensor_apply): the same scalars, then a TensorList32 by value (1808 bytes,
// well under the 4 KiB kernel-parameter limit) instead of n and the pointers:
//   sgd_update_multi_f32(float momentum, float gradScale, float stepScale, int nesterov, float l2,
//                        float decay, TensorList32 l)               s0 = u
//   adam_update_multi_f32(float beta1, float beta2, float oneMinusBeta1, float oneMinusBeta2,
//                         float stepSize, float epsHat, float l2, float decay, TensorList32 l)   s0 = m, s1 = v
//   rmsprop_update_multi_f32(float rho, float oneMinusRho, float momentum, float epsInside, float epsOutside,
//                            float gradScale, float stepScale, float l2, float decay, TensorList32 l)
//                                                                   s0 = s, s1 = a, s2 = u
// The finite check of the gradients before an update (Backend.nonFiniteCount), over the same lists:
//   count_nonfinite_multi_f32(TensorList32 l, unsigned long long* count)
//     *count += the elements of the tensors g[i], i < l.count, that are NaN or infinite (isfinite false);
//     p and the slots are not read (0 there). Each thread counts its elements, the block adds the counts in shared memory
//     (block (256,1,1) exactly: the tree halves T4J_COUNT_BLOCK) and thread 0 adds the block's total to
//     *count with one atomicAdd, none when it is 0. The caller zeroes *count before the first launch;
//     several launches (more than T4J_MULTI_MAX tensors) add into the same counter.
// Tensor i is cut into ceil(n[i] / T4J_MULTI_CHUNK) chunks, numbered from firstChunk[i] on; block b takes
// chunks b, b + gridDim.x, ... (grid (min(chunks, cap),1,1), block (256,1,1)), finds each chunk's tensor
// by binary search over firstChunk and walks its elements with stride blockDim.x. An empty tensor has no
// chunk. Every element goes through the same __device__ function as in the single kernels: bit-identical.
//
// This file is self-contained (no local #include). Regenerate the PTX with kernels/scripts/build-ptx.sh.

#define T4J_ADD(a, b) __fadd_rn((a), (b))
#define T4J_SUB(a, b) __fsub_rn((a), (b))
#define T4J_MUL(a, b) __fmul_rn((a), (b))

// ---- per element: the arithmetic of both forms -----------------------------------------------------

__device__ __forceinline__ void t4j_sgd_element(long long i, float momentum, float gradScale, float stepScale,
                                                int nesterov, float l2, float decay, float* p, const float* g,
                                                float* u) {
    float pi = p[i];
    float gi = T4J_ADD(g[i], T4J_MUL(l2, pi));
    pi = T4J_SUB(pi, T4J_MUL(decay, pi));
    if (u == 0) {
        pi = T4J_ADD(pi, T4J_MUL(stepScale, T4J_MUL(gradScale, gi)));
    } else {
        float ui = T4J_ADD(T4J_MUL(momentum, u[i]), T4J_MUL(gradScale, gi));
        u[i] = ui;
        float step = nesterov ? T4J_ADD(T4J_MUL(momentum, ui), T4J_MUL(gradScale, gi)) : ui;
        pi = T4J_ADD(pi, T4J_MUL(stepScale, step));
    }
    p[i] = pi;
}

__device__ __forceinline__ void t4j_adam_element(long long i, float beta1, float beta2, float oneMinusBeta1,
                                                 float oneMinusBeta2, float stepSize, float epsHat, float l2,
                                                 float decay, float* p, const float* g, float* m, float* v) {
    float pi = p[i];
    float gi = T4J_ADD(g[i], T4J_MUL(l2, pi));
    pi = T4J_SUB(pi, T4J_MUL(decay, pi));
    float mi = T4J_ADD(T4J_MUL(beta1, m[i]), T4J_MUL(oneMinusBeta1, gi));
    float vi = T4J_ADD(T4J_MUL(beta2, v[i]), T4J_MUL(T4J_MUL(oneMinusBeta2, gi), gi));
    m[i] = mi;
    v[i] = vi;
    p[i] = T4J_SUB(pi, __fdiv_rn(T4J_MUL(stepSize, mi), T4J_ADD(__fsqrt_rn(vi), epsHat)));
}

__device__ __forceinline__ void t4j_rmsprop_element(long long i, float rho, float oneMinusRho, float momentum,
                                                    float epsInside, float epsOutside, float gradScale,
                                                    float stepScale, float l2, float decay, float* p, const float* g,
                                                    float* s, float* a, float* u) {
    float pi = p[i];
    float gi = T4J_ADD(g[i], T4J_MUL(l2, pi));
    pi = T4J_SUB(pi, T4J_MUL(decay, pi));
    float si = T4J_ADD(T4J_MUL(rho, s[i]), T4J_MUL(T4J_MUL(oneMinusRho, gi), gi));
    s[i] = si;
    float centred = si;
    if (a != 0) {
        float ai = T4J_ADD(T4J_MUL(rho, a[i]), T4J_MUL(oneMinusRho, gi));
        a[i] = ai;
        centred = T4J_SUB(si, T4J_MUL(ai, ai));
    }
    float inc = __fdiv_rn(T4J_MUL(gradScale, gi), T4J_ADD(__fsqrt_rn(T4J_ADD(centred, epsInside)), epsOutside));
    if (u != 0) {
        float ui = T4J_ADD(T4J_MUL(momentum, u[i]), inc);
        u[i] = ui;
        pi = T4J_ADD(pi, T4J_MUL(stepScale, ui));
    } else {
        pi = T4J_ADD(pi, T4J_MUL(stepScale, inc));
    }
    p[i] = pi;
}

// ---- one weight per launch ----------------------------------------------------------------------------

// sgd_update_f32: p, u (optional) from g, in place. Grid-stride, block 256.
extern "C" __global__ void sgd_update_f32(long long n, float momentum, float gradScale, float stepScale, int nesterov,
                                          float l2, float decay, float* p, const float* g, float* u) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (long long)gridDim.x * blockDim.x) {
        t4j_sgd_element(i, momentum, gradScale, stepScale, nesterov, l2, decay, p, g, u);
    }
}

// adam_update_f32: p, m, v from g, in place. Grid-stride, block 256.
extern "C" __global__ void adam_update_f32(long long n, float beta1, float beta2, float oneMinusBeta1,
                                           float oneMinusBeta2, float stepSize, float epsHat, float l2, float decay,
                                           float* p, const float* g, float* m, float* v) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (long long)gridDim.x * blockDim.x) {
        t4j_adam_element(i, beta1, beta2, oneMinusBeta1, oneMinusBeta2, stepSize, epsHat, l2, decay, p, g, m, v);
    }
}

// rmsprop_update_f32: p, s, a (optional), u (optional) from g, in place. Grid-stride, block 256.
extern "C" __global__ void rmsprop_update_f32(long long n, float rho, float oneMinusRho, float momentum, float epsInside,
                                              float epsOutside, float gradScale, float stepScale, float l2, float decay,
                                              float* p, const float* g, float* s, float* a, float* u) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (long long)gridDim.x * blockDim.x) {
        t4j_rmsprop_element(i, rho, oneMinusRho, momentum, epsInside, epsOutside, gradScale, stepScale, l2, decay, p,
                            g, s, a, u);
    }
}

// ---- up to T4J_MULTI_MAX weights per launch ------------------------------------------------------------

#define T4J_MULTI_MAX 32
#define T4J_MULTI_CHUNK 4096

// The weights of one multi-tensor launch (CudaOptimizers writes it byte for byte: 8-byte fields, no padding).
struct TensorList32 {
    long long n[T4J_MULTI_MAX];           // elements of tensor i
    long long firstChunk[T4J_MULTI_MAX];  // its first chunk: the sum over j < i of ceil(n[j] / T4J_MULTI_CHUNK)
    float* p[T4J_MULTI_MAX];              // the weights
    const float* g[T4J_MULTI_MAX];        // their gradients
    float* s0[T4J_MULTI_MAX];             // state slots, 0 where not used (see the kernels)
    float* s1[T4J_MULTI_MAX];
    float* s2[T4J_MULTI_MAX];
    long long count;                      // tensors in the list, 1..T4J_MULTI_MAX
    long long chunks;                     // chunks of all tensors
};

// The tensor of chunk c: the last i < count with firstChunk[i] <= c (empty tensors own no chunk).
__device__ __forceinline__ int t4j_tensor_of(const TensorList32& l, long long c) {
    int lo = 0;
    int hi = (int)l.count - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (l.firstChunk[mid] <= c) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    return lo;
}

// Runs element(t, i) for every element i of every tensor t of l, chunk by chunk (see the header).
#define T4J_FOR_EACH_CHUNK(l, element)                                                                  \
    for (long long c = blockIdx.x; c < (l).chunks; c += gridDim.x) {                                    \
        int t = t4j_tensor_of((l), c);                                                                  \
        long long start = (c - (l).firstChunk[t]) * T4J_MULTI_CHUNK;                                    \
        long long end = start + T4J_MULTI_CHUNK < (l).n[t] ? start + T4J_MULTI_CHUNK : (l).n[t];        \
        for (long long i = start + threadIdx.x; i < end; i += blockDim.x) {                             \
            element;                                                                                    \
        }                                                                                               \
    }

// sgd_update_multi_f32: sgd_update_f32 of every tensor of l (s0 = u, optional per tensor).
extern "C" __global__ void sgd_update_multi_f32(float momentum, float gradScale, float stepScale, int nesterov, float l2,
                                                float decay, const TensorList32 l) {
    T4J_FOR_EACH_CHUNK(l, t4j_sgd_element(i, momentum, gradScale, stepScale, nesterov, l2, decay, l.p[t], l.g[t],
                                          l.s0[t]))
}

// adam_update_multi_f32: adam_update_f32 of every tensor of l (s0 = m, s1 = v).
extern "C" __global__ void adam_update_multi_f32(float beta1, float beta2, float oneMinusBeta1, float oneMinusBeta2,
                                                 float stepSize, float epsHat, float l2, float decay,
                                                 const TensorList32 l) {
    T4J_FOR_EACH_CHUNK(l, t4j_adam_element(i, beta1, beta2, oneMinusBeta1, oneMinusBeta2, stepSize, epsHat, l2, decay,
                                           l.p[t], l.g[t], l.s0[t], l.s1[t]))
}

// rmsprop_update_multi_f32: rmsprop_update_f32 of every tensor of l (s0 = s, s1 = a and s2 = u optional).
extern "C" __global__ void rmsprop_update_multi_f32(float rho, float oneMinusRho, float momentum, float epsInside,
                                                    float epsOutside, float gradScale, float stepScale, float l2,
                                                    float decay, const TensorList32 l) {
    T4J_FOR_EACH_CHUNK(l, t4j_rmsprop_element(i, rho, oneMinusRho, momentum, epsInside, epsOutside, gradScale,
                                              stepScale, l2, decay, l.p[t], l.g[t], l.s0[t], l.s1[t], l.s2[t]))
}

#define T4J_COUNT_BLOCK 256

// count_nonfinite_multi_f32: *count += the non-finite elements of every g[i], i < l.count. Block (256,1,1).
extern "C" __global__ void __launch_bounds__(T4J_COUNT_BLOCK) count_nonfinite_multi_f32(const TensorList32 l,
                                                                                      unsigned long long* count) {
    __shared__ unsigned long long partial[T4J_COUNT_BLOCK];
    unsigned long long mine = 0;
    T4J_FOR_EACH_CHUNK(l, mine += isfinite(l.g[t][i]) ? 0ULL : 1ULL)
    partial[threadIdx.x] = mine;
    __syncthreads();
    for (unsigned half = T4J_COUNT_BLOCK / 2; half > 0; half /= 2) {
        if (threadIdx.x < half) {
            partial[threadIdx.x] += partial[threadIdx.x + half];
        }
        __syncthreads();
    }
    if (threadIdx.x == 0 && partial[0] != 0) {
        atomicAdd(count, partial[0]);
    }
}
