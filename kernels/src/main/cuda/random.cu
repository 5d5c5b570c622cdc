// random.cu: uniform and normal fills from core's counter-based stream (org.transfer4j.tensor.Generator),
// for Backend.randomUniform / Backend.randomNormal.
//
// Number k of stream `seed` is a pure function of (seed, k), so the GPU draws the numbers the CPU draws:
//   mix64(z)   = splitmix64's finaliser: z ^= z>>30; z *= 0xBF58476D1CE4E5B9; z ^= z>>27; z *= 0x94D049BB133111EB; z ^= z>>31
//   bits(s, k) = mix64(mix64(s) + (k + 1) * 0x9E3779B97F4A7C15)            (64-bit wrapping arithmetic)
//   uniform    = (bits >> 40) * 2^-24                     in [0, 1), 24 bits, exact in float
//   open01     = ((bits >> 11) + 1) * 2^-53               in (0, 1], exact in double
//   normal     = sqrt(-2 ln open01(k)) * cos(2 pi open01(k+1))   in double, rounded to float
// Java's >>> is the unsigned shift: the arithmetic here is on unsigned long long. seed and counter
// are passed as the Java longs' bits.
//
// Kernels (grid-stride, block (256,1,1), grid (min(ceil(n/256), cap),1,1); y contiguous, n elements):
//   uniform_f32(long long n, long long seed, long long counter, float low, float high, float* y)
//     y[i] = low + (high - low) * uniform(seed, counter + i), in float with two roundings (no FMA), then
//     kept below high as CpuElementwise.randomUniform does (v < high || !(high > low) ? v : nextDown(high)):
//     bit-identical to the CPU backend.
//   normal_f32(long long n, long long seed, long long counter, float mean, float std, float* y)
//     y[i] = mean + std * normal(seed, counter + 2i) (element i uses counters counter+2i and counter+2i+1).
//     The normal is formed in double as on the CPU; CUDA's log/cos/sqrt are within 1-2 double ulps of
//     Java's, so after rounding to float the values are equal except, rarely, in the last float bit.
//
//   dropout_f32(long long n, long long seed, long long counter, float rate, float scale, const float* x,
//               float* y, float* mask)
//     mask[i] = uniform(seed, counter + i) >= rate ? scale : 0 and y[i] = x[i] * mask[i], one rounding
//     (Backend.dropout): the numbers uniform_f32 draws for [0, 1) (low + range * u is u itself there),
//     compared and scaled as the composite x * affine(u >= rate; scale, 0) did, so bit-identical to the CPU
//     backend. x, y and mask contiguous; the backward pass multiplies dy by the mask.
//
// This file is self-contained (no local #include). Regenerate the PTX with kernels/scripts/build-ptx.sh.

__device__ __forceinline__ unsigned long long t4j_mix64(unsigned long long z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

__device__ __forceinline__ unsigned long long t4j_bits(unsigned long long seed, unsigned long long k) {
    return t4j_mix64(t4j_mix64(seed) + (k + 1ull) * 0x9E3779B97F4A7C15ull);
}

__device__ __forceinline__ float t4j_uniform(unsigned long long seed, unsigned long long k) {
    return __fmul_rn((float)(t4j_bits(seed, k) >> 40), 5.9604644775390625e-8f);   // 2^-24
}

__device__ __forceinline__ double t4j_open01(unsigned long long seed, unsigned long long k) {
    return __dmul_rn((double)((t4j_bits(seed, k) >> 11) + 1ull), 1.1102230246251565e-16);   // 2^-53
}

// uniform_f32: y (n) uniform in [low, high) from counters counter .. counter+n-1. Grid-stride, block 256.
extern "C" __global__ void uniform_f32(long long n, long long seed, long long counter, float low, float high, float* y) {
    float range = __fsub_rn(high, low);
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (long long)gridDim.x * blockDim.x) {
        float u = t4j_uniform((unsigned long long)seed, (unsigned long long)counter + (unsigned long long)i);
        float v = __fadd_rn(low, __fmul_rn(range, u));
        y[i] = (v < high || !(high > low)) ? v : nextafterf(high, -INFINITY);
    }
}

// normal_f32: y (n) normal(mean, std), element i from counters counter+2i, counter+2i+1. Grid-stride, block 256.
extern "C" __global__ void normal_f32(long long n, long long seed, long long counter, float mean, float std, float* y) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (long long)gridDim.x * blockDim.x) {
        unsigned long long k = (unsigned long long)counter + 2ull * (unsigned long long)i;
        double u1 = t4j_open01((unsigned long long)seed, k);
        double u2 = t4j_open01((unsigned long long)seed, k + 1ull);
        double z = __dmul_rn(sqrt(__dmul_rn(-2.0, log(u1))), cos(__dmul_rn(6.283185307179586, u2)));
        y[i] = __fadd_rn(mean, __fmul_rn(std, (float)z));
    }
}

// dropout_f32: mask (n) drawn from counters counter .. counter+n-1, y (n) = x * mask. Grid-stride, block 256.
extern "C" __global__ void dropout_f32(long long n, long long seed, long long counter, float rate, float scale,
                                       const float* x, float* y, float* mask) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (long long)gridDim.x * blockDim.x) {
        float u = t4j_uniform((unsigned long long)seed, (unsigned long long)counter + (unsigned long long)i);
        float m = u >= rate ? scale : 0.0f;
        mask[i] = m;
        y[i] = __fmul_rn(x[i], m);
    }
}
