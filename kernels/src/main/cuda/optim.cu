// optim.cu: fused optimizer updates over one weight (Backend.sgdUpdate / adamUpdate / rmspropUpdate).
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
// One launch per weight, as the SPI is one weight per call; a multi-tensor form (one launch for a whole
// parameter group) would take arrays of pointers and is left for when the backend batches updates.
//
// This file is self-contained (no local #include). Regenerate the PTX with kernels/scripts/build-ptx.sh.

#define T4J_ADD(a, b) __fadd_rn((a), (b))
#define T4J_SUB(a, b) __fsub_rn((a), (b))
#define T4J_MUL(a, b) __fmul_rn((a), (b))

// sgd_update_f32: p, u (optional) from g, in place. Grid-stride, block 256.
extern "C" __global__ void sgd_update_f32(long long n, float momentum, float gradScale, float stepScale, int nesterov,
                                          float l2, float decay, float* p, const float* g, float* u) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (long long)gridDim.x * blockDim.x) {
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
}

// adam_update_f32: p, m, v from g, in place. Grid-stride, block 256.
extern "C" __global__ void adam_update_f32(long long n, float beta1, float beta2, float oneMinusBeta1,
                                           float oneMinusBeta2, float stepSize, float epsHat, float l2, float decay,
                                           float* p, const float* g, float* m, float* v) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (long long)gridDim.x * blockDim.x) {
        float pi = p[i];
        float gi = T4J_ADD(g[i], T4J_MUL(l2, pi));
        pi = T4J_SUB(pi, T4J_MUL(decay, pi));
        float mi = T4J_ADD(T4J_MUL(beta1, m[i]), T4J_MUL(oneMinusBeta1, gi));
        float vi = T4J_ADD(T4J_MUL(beta2, v[i]), T4J_MUL(T4J_MUL(oneMinusBeta2, gi), gi));
        m[i] = mi;
        v[i] = vi;
        p[i] = T4J_SUB(pi, __fdiv_rn(T4J_MUL(stepSize, mi), T4J_ADD(__fsqrt_rn(vi), epsHat)));
    }
}

// rmsprop_update_f32: p, s, a (optional), u (optional) from g, in place. Grid-stride, block 256.
extern "C" __global__ void rmsprop_update_f32(long long n, float rho, float oneMinusRho, float momentum, float epsInside,
                                              float epsOutside, float gradScale, float stepScale, float l2, float decay,
                                              float* p, const float* g, float* s, float* a, float* u) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (long long)gridDim.x * blockDim.x) {
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
}
