// emulate_kernels.cpp: runs the kernels of kernels/src/main/cuda on the CPU through emulate.h and
// compares them with plain reference loops written from the formulas (the CPU backend's semantics),
// on small shapes with odd sizes, NaN and infinities. Each family is compiled into its own namespace.
// Usage: emulate_kernels <family>   prints "<family>: <k> checks passed" and exits 0, or prints each
//                                   mismatch and exits 1;
//        emulate_kernels random-values <seed> <counter> <n>   prints uniform_f32 (low -2, high 3) then
//                                   normal_f32 (mean 0.5, std 2) as float bits in hex, one per line,
//                                   for KernelEmulationTest to compare with core's Generator;
//        emulate_kernels dropout <seed> <counter> <n> <rate bits> <scale bits>   reads x (n) from stdin as
//                                   float bits in hex, runs dropout_f32 and prints y then the mask, for
//                                   KernelEmulationTest to compare with the CPU backend's dropout;
//        emulate_kernels batchnorm-inference <m> <c> <eps as float bits in hex>   reads x (m*c), gamma,
//                                   beta, mean, var (c each) from stdin as float bits in hex, runs
//                                   batchnorm_coefficients_f32 and scale_shift_f32 and prints scale (c),
//                                   shift (c) and y (m*c) the same way, for KernelEmulationTest to
//                                   compare with the CPU backend's batchNormInference;
//        emulate_kernels batchnorm-training <m> <c> <chunk> <eps bits>   reads x (m*c), gamma, beta (c each)
//                                   and dy (m*c), runs the training kernels (moments, finalize,
//                                   scale_shift) and then the backward ones with the mean and invStd
//                                   they produced, chunks of <chunk> rows, and prints mean, variance,
//                                   invStd (c each), y (m*c), dgamma, dbeta (c each) and dx (m*c), for
//                                   KernelEmulationTest to compare with batchNormTraining/Backward; with
//                                   <low bits> <high bits> after <eps bits>, the training clamps its output
//                                   to [low, high] and the backward masks dy by that output (the clamped
//                                   batchNormTraining/Backward).
//        emulate_kernels batchnorm-moving-averages <c> <momentum bits> bias|none   reads movingMean, batchMean,
//                                   the bias (with "bias" only), movingVariance and batchVariance (c each) from
//                                   stdin as float bits in hex, runs batchnorm_moving_averages_f32 and prints the
//                                   updated movingMean then movingVariance, for KernelEmulationTest to compare with
//                                   the CPU backend's batchNormMovingAverages.
#include "emulate.h"

#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace elementwise_k {
#include "../../main/cuda/elementwise.cu"
}
namespace unary_backward_k {
#include "../../main/cuda/unary_backward.cu"
}
namespace reduce_k {
#include "../../main/cuda/reduce.cu"
}
namespace softmax_xent_k {
#include "../../main/cuda/softmax_xent.cu"
}
namespace layout_k {
#include "../../main/cuda/layout.cu"
}
namespace gather_k {
#include "../../main/cuda/gather.cu"
}
namespace random_k {
#include "../../main/cuda/random.cu"
}
namespace optim_k {
#include "../../main/cuda/optim.cu"
}
namespace bias_act_k {
#include "../../main/cuda/bias_act.cu"
}
// The depthwise kernels' 32-bit index limit as a variable: testDepthwise sets it to -1 to run the 64-bit path.
static long long depthwiseIndex32Limit = 0x7FFFFFFFLL;
#define T4J_DEPTHWISE_INDEX32_LIMIT depthwiseIndex32Limit
namespace depthwise_k {
#include "../../main/cuda/depthwise.cu"
}
#undef T4J_DEPTHWISE_INDEX32_LIMIT
namespace depthwise_reference_k {
#include "depthwise_reference.cu"
}
namespace batchnorm_k {
#include "../../main/cuda/batchnorm.cu"
}

using Vec = std::vector<float>;
static int checks = 0;
static int failures = 0;
static const float NaN = std::numeric_limits<float>::quiet_NaN();
static const float Inf = std::numeric_limits<float>::infinity();

// Equal when both NaN, or both equal, or within rel*max(|a|,|b|) + abs.
static bool close(double got, double want, double rel, double abs) {
    if (std::isnan(got) || std::isnan(want)) {
        return std::isnan(got) && std::isnan(want);
    }
    if (std::isinf(got) || std::isinf(want)) {
        return got == want;
    }
    return std::fabs(got - want) <= rel * std::fmax(std::fabs(got), std::fabs(want)) + abs;
}

// Counts a check; false (a failure, printed) when the sizes differ.
static bool checkSizes(const std::string& what, size_t got, size_t want) {
    ++checks;
    if (got != want) {
        std::printf("FAIL %s: %zu values, expected %zu\n", what.c_str(), got, want);
        ++failures;
        return false;
    }
    return true;
}

static void expect(const std::string& what, const Vec& got, const std::vector<double>& want, double rel = 1e-5,
                   double abs = 1e-6) {
    if (!checkSizes(what, got.size(), want.size())) {
        return;
    }
    int shown = 0;
    for (size_t i = 0; i < got.size(); ++i) {
        if (!close(got[i], want[i], rel, abs)) {
            if (shown++ < 5) {
                std::printf("FAIL %s[%zu]: got %.9g, expected %.9g\n", what.c_str(), i, got[i], want[i]);
            }
        }
    }
    failures += shown > 0;
}

static void expectExact(const std::string& what, const Vec& got, const Vec& want) {
    std::vector<double> w(want.begin(), want.end());
    expect(what, got, w, 0.0, 0.0);
}

// Bit for bit: the same float bits, any NaN meeting any NaN (a GPU's NaN results carry no payload); -0 is not 0.
static void expectSameBits(const std::string& what, const Vec& got, const Vec& want) {
    if (!checkSizes(what, got.size(), want.size())) {
        return;
    }
    int shown = 0;
    for (size_t i = 0; i < got.size(); ++i) {
        uint32_t g, w;
        std::memcpy(&g, &got[i], 4);
        std::memcpy(&w, &want[i], 4);
        if (g != w && !(std::isnan(got[i]) && std::isnan(want[i])) && shown++ < 5) {
            std::printf("FAIL %s[%zu]: got %.9g (%08x), expected %.9g (%08x)\n", what.c_str(), i, got[i], g, want[i], w);
        }
    }
    failures += shown > 0;
}

// Deterministic values in [lo, hi).
static Vec values(size_t n, unsigned seed, float lo = -3.0f, float hi = 3.0f) {
    Vec v(n);
    unsigned s = seed * 2654435761u + 12345u;
    for (auto& x : v) {
        s = s * 1664525u + 1013904223u;
        x = lo + (hi - lo) * (float)((s >> 8) & 0xFFFFFF) / 16777216.0f;
    }
    return v;
}

static dim3 grid1(long long n, unsigned cap = 3) {   // a small cap so that the grid-stride loops wrap
    long long g = (n + 255) / 256;
    return dim3((unsigned)(g < cap ? (g < 1 ? 1 : g) : cap));
}

// ---- elementwise ------------------------------------------------------------------------------------
// add_clamp_f32 against add_f32 then clamp_f32, bit for bit (the composite Backend.addClamped defines): n odd, 1, and
// over the grid of 3 x 256 threads (its stride loop wraps); ReLU, ReLU6 and other bounds; NaN, infinities, -0 and
// sums exactly on the bounds; and in place (y the buffer of a), add_f32 too.
static void testAddClamp() {
    using namespace elementwise_k;
    const float pairs[][2] = {{NaN, 1.0f}, {2.0f, NaN}, {Inf, -Inf}, {Inf, 1.0f}, {-Inf, -1.0f}, {-0.0f, -0.0f},
                              {-0.0f, 0.0f}, {3.0f, -3.0f}, {4.0f, 2.0f}, {0.25f, -0.75f}, {0.25f, 0.25f}};
    const float bounds[][2] = {{0.0f, Inf}, {0.0f, 6.0f}, {-0.5f, 0.5f}, {-Inf, 0.0f}, {1.5f, 1.5f}};
    for (long long n : {1000LL, 1LL, 11LL, 2001LL}) {
        Vec a = values(n, 80, -8.0f, 8.0f), b = values(n, 81, -8.0f, 8.0f);
        for (size_t k = 0; k < sizeof(pairs) / sizeof(pairs[0]) && (long long)k < n; ++k) {
            long long i = (long long)(k * 9973 % n);
            a[i] = pairs[k][0];
            b[i] = pairs[k][1];
        }
        for (const auto& bound : bounds) {
            float lo = bound[0], hi = bound[1];
            std::string tag = " n " + std::to_string(n) + " [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
            Vec sum(n), composite(n), fused(n);
            T4J_LAUNCH_SEQ(add_f32, grid1(n), dim3(256), n, a.data(), b.data(), sum.data());
            T4J_LAUNCH_SEQ(clamp_f32, grid1(n), dim3(256), n, lo, hi, sum.data(), composite.data());
            T4J_LAUNCH_SEQ(add_clamp_f32, grid1(n), dim3(256), n, lo, hi, a.data(), b.data(), fused.data());
            expectSameBits("add_clamp_f32 against add_f32, clamp_f32" + tag, fused, composite);
            Vec inPlace = a;
            T4J_LAUNCH_SEQ(add_clamp_f32, grid1(n), dim3(256), n, lo, hi, inPlace.data(), b.data(), inPlace.data());
            expectSameBits("add_clamp_f32 in place" + tag, inPlace, composite);
            // add_f32 written over a: Backend.addInPlace (the backward pass's sum of a fork's two gradients)
            Vec into = a;
            T4J_LAUNCH_SEQ(add_f32, grid1(n), dim3(256), n, into.data(), b.data(), into.data());
            expectSameBits("add_f32 over its first input" + tag, into, sum);
        }
    }
    // by hand, clamp(a + b, 0, 6): 1 + 2 = 3; -5 + 1 = -4 -> 0; 4 + 4 = 8 -> 6; -0 + 0 = +0; NaN stays. (The sign of
    // max(-0, +0) is the platform's fmaxf here and PTX max.f32 on a GPU: the composite above shares it.)
    Vec a = {1.0f, -5.0f, 4.0f, -0.0f, NaN}, b = {2.0f, 1.0f, 4.0f, 0.0f, 1.0f}, y(5);
    T4J_LAUNCH_SEQ(add_clamp_f32, dim3(1), dim3(256), 5LL, 0.0f, 6.0f, a.data(), b.data(), y.data());
    expectSameBits("add_clamp_f32 by hand", y, {3.0f, 0.0f, 6.0f, 0.0f, NaN});
}

static void testElementwise() {
    using namespace elementwise_k;
    Vec x = values(1000, 1);
    x[3] = NaN;
    x[4] = Inf;
    x[5] = 0.0f;
    long long n = (long long)x.size();
    Vec y(n);
    std::vector<double> want(n);
    T4J_LAUNCH_SEQ(relu6_f32, grid1(n), dim3(256), n, x.data(), y.data());
    for (long long i = 0; i < n; ++i) want[i] = std::isnan(x[i]) ? NAN : std::min(std::max((double)x[i], 0.0), 6.0);
    expect("relu6_f32", y, want, 0, 0);
    T4J_LAUNCH_SEQ(clamp_f32, grid1(n), dim3(256), n, -0.5f, 1.5f, x.data(), y.data());
    for (long long i = 0; i < n; ++i) want[i] = std::isnan(x[i]) ? NAN : std::min(std::max((double)x[i], -0.5), 1.5);
    expect("clamp_f32", y, want, 0, 0);
    T4J_LAUNCH_SEQ(leaky_relu_f32, grid1(n), dim3(256), n, 0.2f, x.data(), y.data());
    for (long long i = 0; i < n; ++i) want[i] = x[i] > 0 ? x[i] : 0.2f * x[i];
    expect("leaky_relu_f32", y, want, 0, 0);
    T4J_LAUNCH_SEQ(pow_scalar_f32, grid1(n), dim3(256), n, 3.0f, x.data(), y.data());
    for (long long i = 0; i < n; ++i) want[i] = std::pow((double)x[i], 3.0);
    expect("pow_scalar_f32", y, want, 1e-6, 0);
    T4J_LAUNCH_SEQ(erf_f32, grid1(n), dim3(256), n, x.data(), y.data());
    for (long long i = 0; i < n; ++i) want[i] = std::erf((double)x[i]);
    expect("erf_f32", y, want, 1e-6, 1e-7);
    // a (2,3,5) + b (3,1): broadcast strides right-aligned in 6 dimensions
    Vec a = values(30, 2), b = values(3, 3);
    Broadcast6 s = {{1, 1, 1, 2, 3, 5}, {0, 0, 0, 15, 5, 1}, {0, 0, 0, 0, 1, 0}};
    Vec yb(30);
    std::vector<double> wb(30);
    T4J_LAUNCH_SEQ(sub_bcast_f32, grid1(30), dim3(256), 30LL, s, a.data(), b.data(), yb.data());
    for (int i = 0; i < 2; ++i) for (int j = 0; j < 3; ++j) for (int k = 0; k < 5; ++k)
        wb[(i * 3 + j) * 5 + k] = a[(i * 3 + j) * 5 + k] - b[j];
    expect("sub_bcast_f32", yb, wb, 0, 0);
    T4J_LAUNCH_SEQ(ge_bcast_f32, grid1(30), dim3(256), 30LL, s, a.data(), b.data(), yb.data());
    for (int i = 0; i < 30; ++i) wb[i] = a[i] >= b[(i / 5) % 3] ? 1 : 0;
    expect("ge_bcast_f32", yb, wb, 0, 0);
    Vec p(3), q = {2.0f, 0.5f, 2.0f}, base = {-1.5f, 4.0f, 3.0f};
    T4J_LAUNCH_SEQ(pow_f32, dim3(1), dim3(256), 3LL, base.data(), q.data(), p.data());
    expect("pow_f32", p, {2.25, 2.0, 9.0}, 0, 0);
    testAddClamp();
}

// ---- unary_backward -----------------------------------------------------------------------------
static void testUnaryBackward() {
    using namespace unary_backward_k;
    Vec x = values(777, 4, -4.0f, 4.0f);
    x[0] = 0.0f;
    x[1] = 6.0f;
    x[2] = NaN;
    Vec xp = values(777, 5, 0.1f, 5.0f);   // positive inputs for log, sqrt, pow
    Vec dy = values(777, 6);
    long long n = 777;
    using K = void (*)(long long, float, float, const float*, const float*, float*);
    struct Case { const char* name; K k; float alpha, beta; bool positive; std::function<double(double, double, double)> d; };
    std::vector<Case> cases = {
        {"neg", neg_backward_f32, 0, 0, false, [](double, double, double) { return -1.0; }},
        {"exp", exp_backward_f32, 0, 0, false, [](double v, double, double) { return std::exp(v); }},
        {"log", log_backward_f32, 0, 0, true, [](double v, double, double) { return 1 / v; }},
        {"sqrt", sqrt_backward_f32, 0, 0, true, [](double v, double, double) { return 0.5 / std::sqrt(v); }},
        {"abs", abs_backward_f32, 0, 0, false, [](double v, double, double) { return v > 0 ? 1.0 : v < 0 ? -1.0 : 0.0; }},
        {"erf", erf_backward_f32, 0, 0, false, [](double v, double, double) { return 2 / std::sqrt(M_PI) * std::exp(-v * v); }},
        {"tanh", tanh_backward_f32, 0, 0, false, [](double v, double, double) { double t = std::tanh(v); return 1 - t * t; }},
        {"sigmoid", sigmoid_backward_f32, 0, 0, false, [](double v, double, double) { double s = 1 / (1 + std::exp(-v)); return s * (1 - s); }},
        {"clamp", clamp_backward_f32, 0, 6, false, [](double v, double a, double b) { return v > a && v < b ? 1.0 : 0.0; }},
        {"leaky_relu", leaky_relu_backward_f32, 0.3f, 0, false, [](double v, double a, double) { return v > 0 ? 1.0 : a; }},
        {"pow_scalar", pow_scalar_backward_f32, 2.5f, 0, true, [](double v, double a, double) { return a * std::pow(v, a - 1); }},
        {"pow_scalar2", pow_scalar_backward_f32, 2.0f, 0, false, [](double v, double, double) { return 2 * v; }},
        {"affine", affine_backward_f32, -1.5f, 7, false, [](double, double a, double) { return a; }},
    };
    for (auto& c : cases) {
        const Vec& in = c.positive ? xp : x;
        Vec dx(n);
        std::vector<double> want(n);
        T4J_LAUNCH_SEQ(c.k, grid1(n), dim3(256), n, c.alpha, c.beta, in.data(), dy.data(), dx.data());
        for (long long i = 0; i < n; ++i) {
            double v = in[i];
            // a NaN input: NaN for the smooth functions; the masks (abs, clamp) give 0, leaky_relu alpha,
            // neg and affine their constant, as the comparisons in the lambdas do (CpuUnaryKernels.derivative)
            want[i] = dy[i] * c.d(v, c.alpha, c.beta);
        }
        expect(std::string(c.name) + "_backward_f32", dx, want, 1e-5, 1e-7);
    }
    // the clamp's backward is a select (as the CPU's and PyTorch's threshold_backward): where the clamp is flat
    // an infinite or NaN dy gives +0, not NaN, and a negative dy +0, not -0
    {
        Vec xs = {-1.0f, 7.0f, 0.0f, 6.0f, NaN, 3.0f}, g = {Inf, NaN, -2.0f, -Inf, Inf, -2.0f}, out(6);
        T4J_LAUNCH_SEQ(clamp_backward_f32, dim3(1), dim3(256), 6LL, 0.0f, 6.0f, xs.data(), g.data(), out.data());
        Vec want = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, -2.0f};
        expectSameBits("clamp_backward_f32 selects dy (flat: +0 even for inf and NaN dy)", out, want);
    }
}

// ---- reduce -----------------------------------------------------------------------------------------
static double combine(int op, double a, double b) {
    if (op == 0) return a + b;
    if (std::isnan(a) || std::isnan(b)) return NAN;
    return op == 1 ? std::max(a, b) : std::min(a, b);
}
static double identity(int op) { return op == 0 ? 0.0 : op == 1 ? -INFINITY : INFINITY; }

// reduce_rows_sum_scaled_f32 and reduce_cols_sum_scaled_f32 (a mean's last pass) against the plain sum kernel then
// elementwise.cu's affine_f32 (a = scale, b = 0), bit for bit: one pass and the second pass over partials, a NaN, a
// row of -0 (its sum is +0: the accumulation starts at +0), scales 1/3 and 1/1000.
static void testReduceSumScaled() {
    for (float scale : {1.0f / 3.0f, 1.0f / 1000.0f}) {
        std::string tag = " scale " + std::to_string(scale);
        {
            long long rows = 4, n = 1000;
            Vec x = values(rows * n, 9);
            x[1 * n + 17] = NaN;
            for (long long i = 0; i < n; ++i) x[2 * n + i] = -0.0f;   // row 2: all -0
            for (long long chunk : {n, 96LL}) {
                long long chunks = (n + chunk - 1) / chunk;
                Vec sum(rows * chunks), want(rows), got(rows);
                {
                    using namespace reduce_k;
                    T4J_LAUNCH(reduce_rows_sum_f32, dim3(3, chunks), dim3(64), rows, n, chunk, x.data(), sum.data());
                    Vec partial = sum;
                    if (chunks > 1) {   // the plain first pass, then the scaled pass over the partials
                        sum = Vec(rows);
                        T4J_LAUNCH(reduce_rows_sum_f32, dim3(2, 1), dim3(64), rows, chunks, chunks, partial.data(), sum.data());
                        T4J_LAUNCH(reduce_rows_sum_scaled_f32, dim3(2, 1), dim3(64), rows, chunks, chunks, scale,
                                   partial.data(), got.data());
                    } else {
                        T4J_LAUNCH(reduce_rows_sum_scaled_f32, dim3(3, 1), dim3(64), rows, n, chunk, scale, x.data(),
                                   got.data());
                    }
                }
                {
                    using namespace elementwise_k;
                    T4J_LAUNCH_SEQ(affine_f32, dim3(1), dim3(256), rows, scale, 0.0f, sum.data(), want.data());
                }
                expectSameBits("reduce_rows_sum_scaled_f32 against sum then affine_f32 chunk " + std::to_string(chunk) + tag,
                               got, want);
            }
        }
        {
            long long outer = 2, n = 1000, cols = 37;
            Vec x = values(outer * n * cols, 10);
            x[17 * cols + 3] = NaN;
            for (long long chunk : {n, 128LL}) {
                long long chunks = (n + chunk - 1) / chunk;
                dim3 g((unsigned)((cols + 31) / 32), (unsigned)chunks, (unsigned)outer);
                dim3 g1((unsigned)((cols + 31) / 32), 1, (unsigned)outer);
                Vec sum(outer * chunks * cols), want(outer * cols), got(outer * cols);
                {
                    using namespace reduce_k;
                    T4J_LAUNCH(reduce_cols_sum_f32, g, dim3(32, 8), outer, n, cols, chunk, x.data(), sum.data());
                    Vec partial = sum;
                    if (chunks > 1) {
                        sum = Vec(outer * cols);
                        T4J_LAUNCH(reduce_cols_sum_f32, g1, dim3(32, 8), outer, chunks, cols, chunks, partial.data(),
                                   sum.data());
                        T4J_LAUNCH(reduce_cols_sum_scaled_f32, g1, dim3(32, 8), outer, chunks, cols, chunks, scale,
                                   partial.data(), got.data());
                    } else {
                        T4J_LAUNCH(reduce_cols_sum_scaled_f32, g1, dim3(32, 8), outer, n, cols, chunk, scale, x.data(),
                                   got.data());
                    }
                }
                {
                    using namespace elementwise_k;
                    T4J_LAUNCH_SEQ(affine_f32, dim3(1), dim3(256), outer * cols, scale, 0.0f, sum.data(), want.data());
                }
                expectSameBits("reduce_cols_sum_scaled_f32 against sum then affine_f32 chunk " + std::to_string(chunk) + tag,
                               got, want);
            }
        }
    }
}

static void testReduce() {
    using namespace reduce_k;
    using RowsK = void (*)(long long, long long, long long, const float*, float*);
    using ColsK = void (*)(long long, long long, long long, long long, const float*, float*);
    RowsK rowsK[3] = {reduce_rows_sum_f32, reduce_rows_max_f32, reduce_rows_min_f32};
    ColsK colsK[3] = {reduce_cols_sum_f32, reduce_cols_max_f32, reduce_cols_min_f32};
    const char* names[3] = {"sum", "max", "min"};
    struct Shape { long long rows, n, chunk; };
    for (Shape sh : {Shape{5, 1000, 1000}, Shape{3, 37, 37}, Shape{4, 1, 1}, Shape{2, 1000, 96}}) {
        Vec x = values(sh.rows * sh.n, 7);
        if (sh.n > 100) x[1 * sh.n + 17] = NaN;   // row 1 has a NaN: sum and max/min give NaN
        for (int op = 0; op < 3; ++op) {
            long long chunks = (sh.n + sh.chunk - 1) / sh.chunk;
            Vec y(sh.rows * chunks);
            T4J_LAUNCH(rowsK[op], dim3(sh.rows > 3 ? 3 : sh.rows, chunks), dim3(64), sh.rows, sh.n, sh.chunk, x.data(), y.data());
            if (chunks > 1) {   // second pass over the partials
                Vec y2(sh.rows);
                T4J_LAUNCH(rowsK[op], dim3(2, 1), dim3(64), sh.rows, chunks, chunks, y.data(), y2.data());
                y = y2;
            }
            std::vector<double> want(sh.rows);
            for (long long r = 0; r < sh.rows; ++r) {
                double acc = identity(op);
                for (long long i = 0; i < sh.n; ++i) acc = combine(op, acc, x[r * sh.n + i]);
                want[r] = acc;
            }
            expect(std::string("reduce_rows_") + names[op] + "_f32 rows=" + std::to_string(sh.rows) + " n="
                   + std::to_string(sh.n) + " chunk=" + std::to_string(sh.chunk), y, want, 1e-6, 1e-5);
        }
    }
    struct CShape { long long outer, n, cols, chunk; };
    for (CShape sh : {CShape{3, 77, 45, 77}, CShape{1, 1000, 5, 128}, CShape{2, 1, 33, 1}}) {
        Vec x = values(sh.outer * sh.n * sh.cols, 8);
        if (sh.n > 100) x[17 * sh.cols + 3] = NaN;   // column 3 has a NaN
        for (int op = 0; op < 3; ++op) {
            long long chunks = (sh.n + sh.chunk - 1) / sh.chunk;
            dim3 g((unsigned)((sh.cols + 31) / 32), (unsigned)chunks, (unsigned)(sh.outer > 2 ? 2 : sh.outer));
            Vec y(sh.outer * chunks * sh.cols);
            T4J_LAUNCH(colsK[op], g, dim3(32, 8), sh.outer, sh.n, sh.cols, sh.chunk, x.data(), y.data());
            if (chunks > 1) {
                Vec y2(sh.outer * sh.cols);
                dim3 g2((unsigned)((sh.cols + 31) / 32), 1, (unsigned)sh.outer);
                T4J_LAUNCH(colsK[op], g2, dim3(32, 8), sh.outer, chunks, sh.cols, chunks, y.data(), y2.data());
                y = y2;
            }
            std::vector<double> want(sh.outer * sh.cols);
            for (long long o = 0; o < sh.outer; ++o)
                for (long long c = 0; c < sh.cols; ++c) {
                    double acc = identity(op);
                    for (long long r = 0; r < sh.n; ++r) acc = combine(op, acc, x[(o * sh.n + r) * sh.cols + c]);
                    want[o * sh.cols + c] = acc;
                }
            expect(std::string("reduce_cols_") + names[op] + "_f32 outer=" + std::to_string(sh.outer) + " n="
                   + std::to_string(sh.n) + " cols=" + std::to_string(sh.cols), y, want, 1e-6, 1e-5);
        }
    }
    testReduceSumScaled();
}

// ---- softmax_xent -----------------------------------------------------------------------------------
// softmax_xent_backward_f32 against the composite it replaces in the CUDA backend, bit for bit: sub_f32, mul_bcast_f32
// by the row weights (N,1) and by the loss's gradient (), affine_f32 (scale, 0); and against the formula in double.
// With and without row weights (one of them 0, so that d * w * g is a signed zero that the affine's + 0 makes +0), and
// a gradient of either sign.
static void testSoftmaxXentBackward(long long rows, long long classes, const Vec& probs, const Vec& t) {
    namespace ew = elementwise_k;
    long long n = rows * classes;
    Vec w = values(rows, 10, 0.25f, 3.0f);
    w[rows - 1] = 0.0f;
    float scale = 1.0f / (float)rows;
    ew::Broadcast6 byRow = {{1, 1, 1, 1, rows, classes}, {0, 0, 0, 0, classes, 1}, {0, 0, 0, 0, 1, 0}};
    ew::Broadcast6 byScalar = {{1, 1, 1, 1, rows, classes}, {0, 0, 0, 0, classes, 1}, {0, 0, 0, 0, 0, 0}};
    for (float gv : {0.37f, -0.37f}) {
        for (bool weighted : {false, true}) {
            std::string what = "softmax_xent_backward_f32 C=" + std::to_string(classes) + " g=" + std::to_string(gv)
                               + (weighted ? " weighted" : "");
            Vec g = {gv}, d(n), dw(n), dg(n), composite(n), fused(n, 7.0f);
            T4J_LAUNCH_SEQ(ew::sub_f32, grid1(n), dim3(256), n, probs.data(), t.data(), d.data());
            if (weighted) {
                T4J_LAUNCH_SEQ(ew::mul_bcast_f32, grid1(n), dim3(256), n, byRow, d.data(), w.data(), dw.data());
            }
            T4J_LAUNCH_SEQ(ew::mul_bcast_f32, grid1(n), dim3(256), n, byScalar, weighted ? dw.data() : d.data(),
                           g.data(), dg.data());
            T4J_LAUNCH_SEQ(ew::affine_f32, grid1(n), dim3(256), n, scale, 0.0f, dg.data(), composite.data());
            T4J_LAUNCH_SEQ(softmax_xent_k::softmax_xent_backward_f32, grid1(n), dim3(256), n, classes, scale, g.data(),
                           probs.data(), t.data(), weighted ? w.data() : nullptr, fused.data());
            expectSameBits(what + " against the composite", fused, composite);
            std::vector<double> want(n);
            for (long long i = 0; i < n; ++i) {
                want[i] = ((double)probs[i] - t[i]) * (weighted ? w[i / classes] : 1.0) * gv * scale;
            }
            expect(what, fused, want, 1e-6, 1e-9);
        }
    }
    // p == t: +0 - +0 = +0, times a negative g -0, and + 0 gives +0 (the composite's affine); a NaN stays NaN
    Vec p = {0.5f, NaN, 0.25f}, tt = {0.5f, 0.0f, 0.75f}, g = {-2.0f}, y(3);
    T4J_LAUNCH_SEQ(softmax_xent_k::softmax_xent_backward_f32, dim3(1), dim3(256), 3LL, 3LL, 0.5f, g.data(), p.data(),
                   tt.data(), (const float*)nullptr, y.data());
    expectSameBits("softmax_xent_backward_f32 signed zero and NaN", y, {0.0f, NaN, 0.5f});   // (0.25-0.75)*-2*0.5
}

static void testSoftmaxXent() {
    using namespace softmax_xent_k;
    for (long long classes : {37LL, 1000LL, 1LL}) {
        long long rows = 7;
        Vec z = values(rows * classes, 9, -20.0f, 20.0f), t(rows * classes, 0.0f);
        for (long long r = 0; r < rows; ++r) {
            t[r * classes + (r * 5) % classes] = 0.75f;                      // a soft target
            t[r * classes + (r * 5 + 1) % classes] += 0.25f;
        }
        if (classes > 2) {
            z[2 * classes + 20 % classes] = -Inf;   // masked logit, target 0 there: finite loss
            t[2 * classes + 20 % classes] = 0.0f;
            t[2 * classes + 10] = 1.0f - t[2 * classes + 0] - t[2 * classes + 1];
        }
        Vec loss(rows), probs(rows * classes);
        T4J_LAUNCH(softmax_xent_forward_f32, dim3(1), dim3(128), rows, classes, z.data(), t.data(), loss.data(), probs.data());
        std::vector<double> wl(rows), wp(rows * classes);
        for (long long r = 0; r < rows; ++r) {
            double m = -INFINITY, sum = 0, l = 0;
            for (long long c = 0; c < classes; ++c) m = std::max(m, (double)z[r * classes + c]);
            for (long long c = 0; c < classes; ++c) sum += std::exp(z[r * classes + c] - m);
            for (long long c = 0; c < classes; ++c) {
                double logp = z[r * classes + c] - m - std::log(sum);
                wp[r * classes + c] = std::exp(logp);
                if (t[r * classes + c] != 0) l -= t[r * classes + c] * logp;
            }
            wl[r] = l;
        }
        expect("softmax_xent_forward_f32 loss C=" + std::to_string(classes), loss, wl, 1e-6, 1e-6);
        expect("softmax_xent_forward_f32 probs C=" + std::to_string(classes), probs, wp, 1e-6, 1e-9);
        testSoftmaxXentBackward(rows, classes, probs, t);
    }
    Vec z = {1.0f, NaN, 2.0f}, t = {0, 0, 1}, loss(1), probs(3);
    T4J_LAUNCH(softmax_xent_forward_f32, dim3(1), dim3(32), 1LL, 3LL, z.data(), t.data(), loss.data(), probs.data());
    expect("softmax_xent_forward_f32 NaN logit", {loss[0], probs[0], probs[2]}, {NAN, NAN, NAN});
}

// ---- layout -----------------------------------------------------------------------------------------
static void testLayout() {
    using namespace layout_k;
    // permute x (2,3,4) to y (4,2,3): y[k,i,j] = x[i,j,k] through strided_copy_f32 (source strides permuted)
    Vec x = values(24, 11), y(24);
    Strided6 s = {{1, 1, 1, 4, 2, 3}, {0, 0, 0, 1, 12, 4}, {0, 0, 0, 6, 3, 1}};
    T4J_LAUNCH_SEQ(strided_copy_f32, dim3(1), dim3(256), 24LL, s, x.data(), y.data());
    Vec want(24);
    for (int i = 0; i < 2; ++i) for (int j = 0; j < 3; ++j) for (int k = 0; k < 4; ++k) want[(k * 2 + i) * 3 + j] = x[(i * 3 + j) * 4 + k];
    expectExact("strided_copy_f32 permute", y, want);
    // fill the interior window [1,3) x [1,4) of a (4,5) tensor
    Vec f(20, 0.0f);
    Strided6 w = {{1, 1, 1, 1, 2, 3}, {0}, {0, 0, 0, 0, 5, 1}};
    T4J_LAUNCH_SEQ(strided_fill_f32, dim3(1), dim3(256), 6LL, w, 7.0f, f.data() + 6);
    Vec wf(20, 0.0f);
    for (int r = 1; r < 3; ++r) for (int c = 1; c < 4; ++c) wf[r * 5 + c] = 7.0f;
    expectExact("strided_fill_f32 window", f, wf);
    // pad (2,3,4,5) by top 1, bottom 2, left 0, right 3 with value -1, then crop back
    int N = 2, H = 3, W = 4, C = 5, top = 1, left = 0, OH = H + 3, OW = W + 3;
    Vec xin = values(N * H * W * C, 12), padded(N * OH * OW * C), back(N * H * W * C);
    long long np = (long long)padded.size(), nx = (long long)xin.size();
    T4J_LAUNCH_SEQ(pad_nhwc_f32, grid1(np), dim3(256), np, H, W, C, OH, OW, top, left, -1.0f, xin.data(), padded.data());
    Vec wp(np);
    for (int b = 0; b < N; ++b) for (int oy = 0; oy < OH; ++oy) for (int ox = 0; ox < OW; ++ox) for (int c = 0; c < C; ++c) {
        int iy = oy - top, ix = ox - left;
        wp[((b * OH + oy) * OW + ox) * C + c] = iy >= 0 && iy < H && ix >= 0 && ix < W ? xin[((b * H + iy) * W + ix) * C + c] : -1.0f;
    }
    expectExact("pad_nhwc_f32", padded, wp);
    T4J_LAUNCH_SEQ(crop_nhwc_f32, grid1(nx), dim3(256), nx, H, W, C, OH, OW, top, left, padded.data(), back.data());
    expectExact("crop_nhwc_f32", back, xin);
    // concat a (2,3,5) and b (2,4,5) along axis 1 -> (2,7,5), then slice b back out
    Vec a = values(30, 13), bb = values(40, 14), cat(70), sl(40);
    T4J_LAUNCH_SEQ(concat_f32, dim3(1), dim3(256), 30LL, 15LL, 35LL, 0LL, a.data(), cat.data());
    T4J_LAUNCH_SEQ(concat_f32, dim3(1), dim3(256), 40LL, 20LL, 35LL, 15LL, bb.data(), cat.data());
    Vec wc(70);
    for (int o = 0; o < 2; ++o) for (int j = 0; j < 7; ++j) for (int k = 0; k < 5; ++k)
        wc[(o * 7 + j) * 5 + k] = j < 3 ? a[(o * 3 + j) * 5 + k] : bb[(o * 4 + j - 3) * 5 + k];
    expectExact("concat_f32", cat, wc);
    T4J_LAUNCH_SEQ(slice_f32, dim3(1), dim3(256), 40LL, 35LL, 20LL, 15LL, cat.data(), sl.data());
    expectExact("slice_f32", sl, bb);
    // transpose (3,37,45) -> (3,45,37): tiles at the edges, grid-stride over the batch (grid z = 2)
    int B = 3, R = 37, Cc = 45;
    Vec tx = values(B * R * Cc, 15), ty(B * R * Cc), wt(B * R * Cc);
    T4J_LAUNCH(transpose_f32, dim3((Cc + 31) / 32, (R + 31) / 32, 2), dim3(32, 8), (long long)B, R, Cc, tx.data(), ty.data());
    for (int b = 0; b < B; ++b) for (int i = 0; i < R; ++i) for (int j = 0; j < Cc; ++j) wt[(b * Cc + j) * R + i] = tx[(b * R + i) * Cc + j];
    expectExact("transpose_f32", ty, wt);
}

// ---- gather -----------------------------------------------------------------------------------------
static void testGather() {
    using namespace gather_k;
    // x (3,5,4) along axis 1, indices {4,0,4,2}: y (3,4,4); scatter_add back with the repeated index 4
    long long outer = 3, size = 5, inner = 4, count = 4;
    std::vector<int> idx = {4, 0, 4, 2};
    Vec x = values(outer * size * inner, 16), y(outer * count * inner);
    long long n = outer * count * inner;
    T4J_LAUNCH_SEQ(gather_f32, grid1(n), dim3(256), n, count, size, inner, idx.data(), x.data(), y.data());
    Vec wy(n);
    for (long long o = 0; o < outer; ++o) for (long long j = 0; j < count; ++j) for (long long k = 0; k < inner; ++k)
        wy[(o * count + j) * inner + k] = x[(o * size + idx[j]) * inner + k];
    expectExact("gather_f32", y, wy);
    Vec dy = values(n, 17), dx(outer * size * inner, 0.0f);
    T4J_LAUNCH(scatter_add_f32, dim3(1), dim3(64), n, count, size, inner, idx.data(), dy.data(), dx.data());
    std::vector<double> wd(dx.size(), 0.0);
    for (long long o = 0; o < outer; ++o) for (long long j = 0; j < count; ++j) for (long long k = 0; k < inner; ++k)
        wd[(o * size + idx[j]) * inner + k] += dy[(o * count + j) * inner + k];
    expect("scatter_add_f32", dx, wd, 1e-6, 1e-7);
}

// ---- optim: reference loops transcribed from the Backend Javadoc, in float ---------------------------
static void testOptim() {
    using namespace optim_k;
    long long n = 301;
    Vec g = values(n, 18);
    g[7] = 0.0f;
    for (int variant = 0; variant < 3; ++variant) {   // no buffer; momentum; nesterov
        Vec p = values(n, 19), u = values(n, 20, -0.1f, 0.1f), pr = p, ur = u;
        float mu = 0.9f, a = -0.01f, st = 1.0f, l2 = 1e-3f, d = 2e-4f;
        T4J_LAUNCH_SEQ(sgd_update_f32, grid1(n), dim3(256), n, mu, a, st, variant == 2 ? 1 : 0, l2, d, p.data(), g.data(),
                       variant == 0 ? nullptr : u.data());
        for (long long i = 0; i < n; ++i) {
            float gi = g[i] + l2 * pr[i];                       // g' = g + l2 p
            float pi = pr[i] - d * pr[i];                       // p = p - decay p
            if (variant == 0) {
                pi = pi + st * (a * gi);
            } else {
                ur[i] = mu * ur[i] + a * gi;                    // u = momentum u + gradScale g'
                pi = pi + st * (variant == 2 ? mu * ur[i] + a * gi : ur[i]);
            }
            pr[i] = pi;
        }
        expectExact("sgd_update_f32 p variant " + std::to_string(variant), p, pr);
        if (variant > 0) expectExact("sgd_update_f32 u variant " + std::to_string(variant), u, ur);
    }
    {
        Vec p = values(n, 21), m = values(n, 22, -0.1f, 0.1f), v = values(n, 23, 0.0f, 0.01f);
        Vec pr = p, mr = m, vr = v;
        float b1 = 0.9f, b2 = 0.999f, c1 = (float)(1 - 0.9), c2 = (float)(1 - 0.999), step = 1e-3f, eps = 1e-7f, l2 = 0, d = 1e-5f;
        T4J_LAUNCH_SEQ(adam_update_f32, grid1(n), dim3(256), n, b1, b2, c1, c2, step, eps, l2, d, p.data(), g.data(), m.data(), v.data());
        for (long long i = 0; i < n; ++i) {
            float gi = g[i] + l2 * pr[i];
            float pi = pr[i] - d * pr[i];
            mr[i] = b1 * mr[i] + c1 * gi;                       // m = beta1 m + (1-beta1) g'
            vr[i] = b2 * vr[i] + c2 * gi * gi;                  // v = beta2 v + (1-beta2) g'^2
            pr[i] = pi - step * mr[i] / (sqrtf(vr[i]) + eps);   // p -= stepSize m / (sqrt v + epsHat)
        }
        expectExact("adam_update_f32 p", p, pr);
        expectExact("adam_update_f32 m", m, mr);
        expectExact("adam_update_f32 v", v, vr);
    }
    for (int centred = 0; centred < 2; ++centred) {
        Vec p = values(n, 24), s = values(n, 25, 0.0f, 0.02f), a = values(n, 26, -0.01f, 0.01f), u = values(n, 27, -0.1f, 0.1f);
        Vec pr = p, sr = s, ar = a, ur = u;
        float rho = 0.9f, c = (float)(1 - 0.9), mu = centred ? 0.5f : 0.0f, ei = 1e-7f, eo = 0, ga = 0.01f, st = -1, l2 = 1e-4f, d = 0;
        T4J_LAUNCH_SEQ(rmsprop_update_f32, grid1(n), dim3(256), n, rho, c, mu, ei, eo, ga, st, l2, d, p.data(), g.data(), s.data(),
                       centred ? a.data() : nullptr, centred ? u.data() : nullptr);
        for (long long i = 0; i < n; ++i) {
            float gi = g[i] + l2 * pr[i];
            float pi = pr[i] - d * pr[i];
            sr[i] = rho * sr[i] + c * gi * gi;
            float sc = sr[i];
            if (centred) { ar[i] = rho * ar[i] + c * gi; sc = sr[i] - ar[i] * ar[i]; }
            float inc = ga * gi / (sqrtf(sc + ei) + eo);
            if (centred) { ur[i] = mu * ur[i] + inc; pi += st * ur[i]; } else { pi += st * inc; }
            pr[i] = pi;
        }
        expectExact("rmsprop_update_f32 p centred=" + std::to_string(centred), p, pr);
        expectExact("rmsprop_update_f32 s centred=" + std::to_string(centred), s, sr);
        if (centred) { expectExact("rmsprop_update_f32 a", a, ar); expectExact("rmsprop_update_f32 u", u, ur); }
    }
}

// ---- optim multi-tensor: each tensor of a TensorList32 ends as the single kernel leaves it --------------
static void testOptimMulti() {
    using namespace optim_k;
    const std::vector<long long> sizes = {301, 0, 1, 4097, 9000, 256};   // odd sizes, an empty one, > 1 chunk
    const size_t k = sizes.size();
    auto list = [&](std::vector<Vec>& p, std::vector<Vec>& g, std::vector<Vec>* s0, std::vector<Vec>* s1,
                    std::vector<Vec>* s2) {
        TensorList32 l;
        std::memset(&l, 0, sizeof l);
        long long first = 0;
        for (size_t t = 0; t < k; ++t) {
            l.n[t] = sizes[t];
            l.firstChunk[t] = first;
            first += (sizes[t] + T4J_MULTI_CHUNK - 1) / T4J_MULTI_CHUNK;
            l.p[t] = p[t].data();
            l.g[t] = g[t].data();
            l.s0[t] = s0 ? (*s0)[t].data() : nullptr;
            l.s1[t] = s1 ? (*s1)[t].data() : nullptr;
            l.s2[t] = s2 ? (*s2)[t].data() : nullptr;
        }
        l.count = (long long)k;
        l.chunks = first;
        return l;
    };
    auto fresh = [&](unsigned seed, float lo, float hi) {
        std::vector<Vec> v;
        for (size_t t = 0; t < k; ++t) v.push_back(values(sizes[t], seed + 7 * (unsigned)t, lo, hi));
        return v;
    };
    std::vector<Vec> g = fresh(40, -3.0f, 3.0f);
    for (int withBuffer = 0; withBuffer < 2; ++withBuffer) {
        std::vector<Vec> p = fresh(41, -3.0f, 3.0f), u = fresh(42, -0.1f, 0.1f), pr = p, ur = u;
        TensorList32 l = list(p, g, withBuffer ? &u : nullptr, nullptr, nullptr);
        T4J_LAUNCH_SEQ(sgd_update_multi_f32, dim3(2), dim3(256), 0.9f, -0.01f, 1.0f, 1, 1e-3f, 2e-4f, l);
        for (size_t t = 0; t < k; ++t) {
            T4J_LAUNCH_SEQ(sgd_update_f32, grid1(sizes[t]), dim3(256), sizes[t], 0.9f, -0.01f, 1.0f, 1, 1e-3f, 2e-4f,
                           pr[t].data(), g[t].data(), withBuffer ? ur[t].data() : nullptr);
            expectExact("sgd_update_multi_f32 p tensor " + std::to_string(t), p[t], pr[t]);
            expectExact("sgd_update_multi_f32 u tensor " + std::to_string(t), u[t], ur[t]);
        }
    }
    {
        std::vector<Vec> p = fresh(43, -3.0f, 3.0f), m = fresh(44, -0.1f, 0.1f), v = fresh(45, 0.0f, 0.01f);
        std::vector<Vec> pr = p, mr = m, vr = v;
        float c1 = (float)(1 - 0.9), c2 = (float)(1 - 0.999);
        TensorList32 l = list(p, g, &m, &v, nullptr);
        T4J_LAUNCH_SEQ(adam_update_multi_f32, dim3(3), dim3(256), 0.9f, 0.999f, c1, c2, 1e-3f, 1e-7f, 1e-4f, 1e-5f, l);
        for (size_t t = 0; t < k; ++t) {
            T4J_LAUNCH_SEQ(adam_update_f32, grid1(sizes[t]), dim3(256), sizes[t], 0.9f, 0.999f, c1, c2, 1e-3f, 1e-7f,
                           1e-4f, 1e-5f, pr[t].data(), g[t].data(), mr[t].data(), vr[t].data());
            expectExact("adam_update_multi_f32 p tensor " + std::to_string(t), p[t], pr[t]);
            expectExact("adam_update_multi_f32 m tensor " + std::to_string(t), m[t], mr[t]);
            expectExact("adam_update_multi_f32 v tensor " + std::to_string(t), v[t], vr[t]);
        }
    }
    for (int centred = 0; centred < 2; ++centred) {
        std::vector<Vec> p = fresh(46, -3.0f, 3.0f), s = fresh(47, 0.0f, 0.02f), a = fresh(48, -0.01f, 0.01f),
                         u = fresh(49, -0.1f, 0.1f);
        std::vector<Vec> pr = p, sr = s, ar = a, ur = u;
        float c = (float)(1 - 0.9), mu = centred ? 0.5f : 0.0f;
        TensorList32 l = list(p, g, &s, centred ? &a : nullptr, centred ? &u : nullptr);
        T4J_LAUNCH_SEQ(rmsprop_update_multi_f32, dim3(1), dim3(256), 0.9f, c, mu, 1e-7f, 0.0f, 0.01f, -1.0f, 1e-4f,
                       0.0f, l);
        for (size_t t = 0; t < k; ++t) {
            T4J_LAUNCH_SEQ(rmsprop_update_f32, grid1(sizes[t]), dim3(256), sizes[t], 0.9f, c, mu, 1e-7f, 0.0f, 0.01f,
                           -1.0f, 1e-4f, 0.0f, pr[t].data(), g[t].data(), sr[t].data(),
                           centred ? ar[t].data() : nullptr, centred ? ur[t].data() : nullptr);
            std::string tag = " tensor " + std::to_string(t) + " centred=" + std::to_string(centred);
            expectExact("rmsprop_update_multi_f32 p" + tag, p[t], pr[t]);
            expectExact("rmsprop_update_multi_f32 s" + tag, s[t], sr[t]);
            expectExact("rmsprop_update_multi_f32 a" + tag, a[t], ar[t]);
            expectExact("rmsprop_update_multi_f32 u" + tag, u[t], ur[t]);
        }
    }
}

// ---- optim count_nonfinite_multi_f32: launched as CudaOptimizers.nonFiniteCount does ---------------------
// One zeroed counter; per T4J_MULTI_MAX tensors a TensorList32 with the tensors in g (p and the slots 0, so
// a kernel that read them would crash) and a launch of min(chunks, cap) blocks of 256 threads.
static unsigned long long countNonFinite(const std::vector<Vec>& tensors, unsigned cap) {
    using namespace optim_k;
    unsigned long long counter = 0;
    for (size_t from = 0; from < tensors.size(); from += T4J_MULTI_MAX) {
        size_t to = std::min(tensors.size(), from + (size_t)T4J_MULTI_MAX);
        TensorList32 l;
        std::memset(&l, 0, sizeof l);
        long long first = 0;
        for (size_t t = from; t < to; ++t) {
            long long n = (long long)tensors[t].size();
            l.n[t - from] = n;
            l.firstChunk[t - from] = first;
            first += (n + T4J_MULTI_CHUNK - 1) / T4J_MULTI_CHUNK;
            l.g[t - from] = tensors[t].data();
        }
        l.count = (long long)(to - from);
        l.chunks = first;
        if (first > 0) {
            unsigned blocks = (unsigned)(first < cap ? first : cap);
            T4J_LAUNCH(count_nonfinite_multi_f32, dim3(blocks), dim3(T4J_COUNT_BLOCK), l, &counter);
        }
    }
    return counter;
}

static void expectCount(const std::string& what, unsigned long long got, unsigned long long want) {
    ++checks;
    if (got != want) {
        std::printf("FAIL %s: counted %llu, expected %llu\n", what.c_str(), got, want);
        ++failures;
    }
}

static void testNonFiniteCount() {
    // 40 tensors (two launches: 32 + 8) of odd sizes, empty ones, one-element ones and some of several chunks
    // (T4J_MULTI_CHUNK = 4096); values in [-3, 3), then NaN, +Inf and -Inf placed by hand
    std::vector<Vec> ts;
    for (int t = 0; t < 40; ++t) {
        long long n = t == 10 ? 4097 : t == 33 ? 9001 : t % 13 == 8 ? 0 : t % 7 == 3 ? 1 : 17 + 37 * t;
        ts.push_back(values((size_t)n, 100 + (unsigned)t));
    }
    long long placed = 0;
    auto put = [&](int t, size_t i, float v) {
        ts[t][i] = v;
        ++placed;
    };
    put(0, 0, NaN);                              // the first element of the first tensor
    put(39, ts[39].size() - 1, -Inf);            // the last element of the last tensor
    put(10, 0, Inf);                             // first and last of a tensor of two chunks ...
    put(10, 4096, NaN);                          // ... its second chunk's only element
    put(31, 0, Inf);                             // the last tensor of the first launch (one element)
    put(32, 0, -Inf);                            // the first of the second launch
    put(33, 4095, NaN);                          // around a chunk boundary of a 3-chunk tensor
    put(33, 4096, NaN);
    put(33, 9000, Inf);
    put(3, 0, NaN);                              // a one-element tensor
    put(20, 300, -NaN);                          // a NaN with the sign bit set
    for (unsigned cap : {1u, 3u, 1000u}) {       // blocks that walk many chunks, a few, one chunk each
        std::string tag = " cap " + std::to_string(cap);
        expectCount("count_nonfinite_multi_f32 of 40 tensors" + tag, countNonFinite(ts, cap), (unsigned long long)placed);
        expectCount("count_nonfinite_multi_f32 tensor 33 alone" + tag, countNonFinite({ts[33]}, cap), 3);
        expectCount("count_nonfinite_multi_f32 tensor 0 alone" + tag, countNonFinite({ts[0]}, cap), 1);
        expectCount("count_nonfinite_multi_f32 tensor 39 alone" + tag, countNonFinite({ts[39]}, cap), 1);
    }
    // finite extremes count nothing: the largest float, values whose sum overflows, the smallest subnormal
    std::vector<Vec> big = {Vec(5000, 3e38f), Vec(3, -std::numeric_limits<float>::max()),
                            Vec(7, std::numeric_limits<float>::denorm_min()), Vec(0), Vec(1, -0.0f)};
    expectCount("count_nonfinite_multi_f32 of finite extremes", countNonFinite(big, 2), 0);
    expectCount("count_nonfinite_multi_f32 of empty tensors", countNonFinite({Vec(0), Vec(0)}, 2), 0);
}

// ---- bias_act ---------------------------------------------------------------------------------------
static void testBiasAct() {
    using namespace bias_act_k;
    long long M = 203, C = 37, n = M * C;
    Vec x = values(n, 28, -8.0f, 8.0f), bias = values(C, 29);
    x[5] = NaN;
    Vec y(n), y6(n);
    T4J_LAUNCH_SEQ(bias_relu_f32, grid1(n), dim3(256), n, C, x.data(), bias.data(), y.data());
    T4J_LAUNCH_SEQ(bias_relu6_f32, grid1(n), dim3(256), n, C, x.data(), bias.data(), y6.data());
    std::vector<double> wy(n), wy6(n);
    for (long long i = 0; i < n; ++i) {
        float z = x[i] + bias[i % C];
        wy[i] = std::isnan(z) ? NAN : std::max(z, 0.0f);
        wy6[i] = std::isnan(z) ? NAN : std::min(std::max(z, 0.0f), 6.0f);
    }
    expect("bias_relu_f32", y, wy, 0, 0);
    expect("bias_relu6_f32", y6, wy6, 0, 0);
    Vec dy = values(n, 30);
    long long chunk = 50, chunks = (M + chunk - 1) / chunk;
    Vec dz(n), part(chunks * C);
    T4J_LAUNCH(bias_relu6_backward_f32, dim3((C + 31) / 32, chunks), dim3(32, 8), M, C, chunk, y6.data(), dy.data(), dz.data(), part.data());
    std::vector<double> wz(n), wb(C, 0.0);
    for (long long i = 0; i < n; ++i) {
        float z = x[i] + bias[i % C];
        wz[i] = z > 0 && z < 6 ? dy[i] : 0.0;   // the CLAMP derivative at the pre-activation
        wb[i % C] += wz[i];
    }
    expect("bias_relu6_backward_f32 dz", dz, wz, 0, 0);
    Vec db(C, 0.0f);
    for (long long j = 0; j < chunks; ++j) for (long long c = 0; c < C; ++c) db[c] += part[j * C + c];
    expect("bias_relu6_backward_f32 db (sum of the partials)", db, wb, 1e-5, 1e-5);

    // the inference epilogue, in place: relu6 with a scale and a residual, a bias only, relu with a residual
    Vec residual = values(n, 31, -4.0f, 4.0f), scale = values(C, 32, -3.0f, 3.0f);
    residual[7] = INFINITY;
    residual[8] = -INFINITY;
    const float lows[3] = {0.0f, -INFINITY, 0.0f}, highs[3] = {6.0f, INFINITY, INFINITY};
    const char* names[3] = {"scale_shift_clamp_f32 relu6, scale, residual", "scale_shift_clamp_f32 shift only",
                            "scale_shift_clamp_f32 relu, scale, residual"};
    for (int variant = 0; variant < 3; ++variant) {
        bool full = variant != 1;
        Vec e = x;
        T4J_LAUNCH_SEQ(scale_shift_clamp_f32, grid1(n), dim3(256), (int)n, (int)C, e.data(),
                       full ? scale.data() : nullptr, bias.data(), full ? residual.data() : nullptr, lows[variant],
                       highs[variant]);
        std::vector<double> we(n);
        for (long long i = 0; i < n; ++i) {
            float v = full ? x[i] * scale[i % C] : x[i];
            v = v + bias[i % C];
            if (full) v = v + residual[i];
            we[i] = std::isnan(v) ? NAN : std::min(std::max(v, lows[variant]), highs[variant]);
        }
        expect(names[variant], e, we, 0, 0);
    }
}

// ---- depthwise: plain loops over the definition, and bit for bit the first version's kernels ----------
// Strides 1 and 2 (compiled specially), 3 and 1x2 (run-time path); padding on every side; channel counts
// below, at and above a warp tile; pixel grids of one block row (the cursor steps 8 pixels), a few (steps
// of more than a row) and one pixel per thread; chunks of 7 and 50 pixels and one chunk; both index paths.
static void testDepthwise() {
    using namespace depthwise_k;
    struct Case { int n, h, w, c, sh, sw, padTop, padBottom, padLeft, padRight; };
    for (Case cs : {Case{2, 7, 6, 5, 1, 1, 1, 1, 1, 1}, Case{1, 9, 8, 33, 2, 2, 1, 1, 0, 1}, Case{2, 6, 7, 3, 2, 2, 0, 0, 0, 0},
                    Case{1, 5, 5, 4, 1, 1, 0, 0, 0, 0}, Case{3, 10, 11, 7, 3, 3, 2, 0, 0, 2}, Case{2, 8, 9, 6, 1, 2, 1, 1, 1, 1},
                    Case{2, 5, 4, 40, 2, 2, 0, 2, 2, 0}, Case{1, 3, 3, 64, 1, 1, 2, 2, 2, 2}}) {
        int N = cs.n, H = cs.h, W = cs.w, C = cs.c, SH = cs.sh, SW = cs.sw, padTop = cs.padTop, padLeft = cs.padLeft;
        int oh = (H + cs.padTop + cs.padBottom - 3) / SH + 1, ow = (W + cs.padLeft + cs.padRight - 3) / SW + 1;
        std::string shape = " n" + std::to_string(N) + " " + std::to_string(H) + "x" + std::to_string(W) + " c"
                + std::to_string(C) + " s" + std::to_string(SH) + "x" + std::to_string(SW) + " pad " + std::to_string(cs.padTop)
                + "," + std::to_string(cs.padBottom) + "," + std::to_string(cs.padLeft) + "," + std::to_string(cs.padRight);
        Vec x = values((size_t)N * H * W * C, 31), k = values(9 * C, 32), dy = values((size_t)N * oh * ow * C, 33);
        auto inside = [&](int iy, int ix) { return iy >= 0 && iy < H && ix >= 0 && ix < W; };
        std::vector<double> wy((size_t)N * oh * ow * C, 0.0), wdx((size_t)N * H * W * C, 0.0), wdk(9 * C, 0.0);
        for (int b = 0; b < N; ++b) for (int oy = 0; oy < oh; ++oy) for (int ox = 0; ox < ow; ++ox) for (int c = 0; c < C; ++c)
            for (int ky = 0; ky < 3; ++ky) for (int kx = 0; kx < 3; ++kx) {
                int iy = oy * SH - padTop + ky, ix = ox * SW - padLeft + kx;
                if (!inside(iy, ix)) continue;
                size_t xi = (((size_t)b * H + iy) * W + ix) * C + c, yi = (((size_t)b * oh + oy) * ow + ox) * C + c;
                wy[yi] += (double)x[xi] * k[(ky * 3 + kx) * C + c];
                wdx[xi] += (double)dy[yi] * k[(ky * 3 + kx) * C + c];     // scatter form of the adjoint
                wdk[(ky * 3 + kx) * C + c] += (double)x[xi] * dy[yi];
            }
        long long ny = (long long)wy.size(), nx = (long long)wdx.size(), pixels = (long long)N * oh * ow;
        // the first version, 1-D over the elements with 64-bit indices: the bit-for-bit reference
        Vec ry(ny), rdx(nx);
        T4J_LAUNCH_SEQ(depthwise_reference_k::reference_depthwise3x3_forward_f32, grid1(ny), dim3(256), ny, H, W, C, oh, ow, SH, SW,
                       padTop, padLeft, x.data(), k.data(), ry.data());
        T4J_LAUNCH_SEQ(depthwise_reference_k::reference_depthwise3x3_backward_data_f32, grid1(nx), dim3(256), nx, H, W, C, oh, ow,
                       SH, SW, padTop, padLeft, dy.data(), k.data(), rdx.data());
        expect("reference forward" + shape, ry, wy, 1e-5, 1e-5);
        expect("reference backward data" + shape, rdx, wdx, 1e-5, 1e-5);
        dim3 tiles((C + 31) / 32);
        for (long long limit : {0x7FFFFFFFLL, -1LL}) {
            depthwiseIndex32Limit = limit;
            std::string tag = shape + (limit < 0 ? " index64" : " index32");
            long long inPixels = (long long)N * H * W;
            for (long long gy : {1LL, 3LL, (pixels + 7) / 8}) {
                Vec y(ny, NaN);
                T4J_LAUNCH_SEQ(depthwise3x3_forward_f32, dim3(tiles.x, (unsigned)gy), dim3(32, 8), N, H, W, C, oh, ow, SH, SW,
                               padTop, padLeft, x.data(), k.data(), y.data());
                expectExact("depthwise3x3_forward_f32" + tag + " grid.y " + std::to_string(gy), y, ry);
            }
            for (long long gy : {1LL, 3LL, (inPixels + 7) / 8}) {
                Vec dx(nx, NaN);
                T4J_LAUNCH_SEQ(depthwise3x3_backward_data_f32, dim3(tiles.x, (unsigned)gy), dim3(32, 8), N, H, W, C, oh, ow, SH,
                               SW, padTop, padLeft, dy.data(), k.data(), dx.data());
                expectExact("depthwise3x3_backward_data_f32" + tag + " grid.y " + std::to_string(gy), dx, rdx);
            }
            for (long long chunk : {7LL, 50LL, pixels}) {
                long long chunks = (pixels + chunk - 1) / chunk;
                Vec part(chunks * 9 * C, NaN), refPart(chunks * 9 * C, NaN), dk(9 * C, 0.0f);
                T4J_LAUNCH(depthwise3x3_backward_filter_f32, dim3(tiles.x, chunks), dim3(32, 8), N, H, W, C, oh, ow, SH, SW,
                           padTop, padLeft, chunk, x.data(), dy.data(), part.data());
                T4J_LAUNCH(depthwise_reference_k::reference_depthwise3x3_backward_filter_f32, dim3(tiles.x, chunks), dim3(32, 8),
                           pixels, H, W, C, oh, ow, SH, SW, padTop, padLeft, chunk, x.data(), dy.data(), refPart.data());
                std::string what = "depthwise3x3_backward_filter_f32" + tag + " chunk " + std::to_string(chunk);
                expectExact(what + " partials", part, refPart);
                for (long long j = 0; j < chunks; ++j) for (int t = 0; t < 9 * C; ++t) dk[t] += part[j * 9 * C + t];
                expect(what, dk, wdk, 1e-5, 1e-5);
            }
        }
        depthwiseIndex32Limit = 0x7FFFFFFFLL;
    }
}

// ---- batchnorm: coefficients against the formula in double, y against the definition ------------------
static void testBatchNorm() {
    using namespace batchnorm_k;
    struct Case { long long m, c; unsigned coefficientCap; };
    // grid-stride wraps: 768 threads over 203*37 elements (stride mod C = 28) and over C = 1001 > 768
    for (Case cs : {Case{203, 37, 3}, Case{5, 1001, 3}, Case{7, 1, 1}, Case{1, 300, 1}}) {
        long long M = cs.m, C = cs.c, n = M * C;
        std::string tag = " M" + std::to_string(M) + " C" + std::to_string(C);
        float eps = 1e-3f;
        Vec x = values(n, 34, -4.0f, 6.0f), gamma = values(C, 35, 0.5f, 1.5f), beta = values(C, 36, -1.0f, 1.0f),
            mean = values(C, 37, -2.0f, 2.0f), var = values(C, 38, 0.0f, 2.0f);
        var[0] = 0.0f;   // epsilon alone under the root
        if (n > 6) {
            x[5] = NaN;
            x[6] = -Inf;
        }
        Vec scale(C), shift(C), y(n);
        T4J_LAUNCH_SEQ(batchnorm_coefficients_f32, grid1(C, cs.coefficientCap), dim3(256), C, eps, gamma.data(), beta.data(),
                       mean.data(), var.data(), scale.data(), shift.data());
        // s = gamma / sqrt(var + eps) in double, each coefficient rounded once to float
        Vec ws(C), wt(C);
        for (long long k = 0; k < C; ++k) {
            double sk = (double)gamma[k] / std::sqrt((double)var[k] + (double)eps);
            ws[k] = (float)sk;
            wt[k] = (float)((double)beta[k] - (double)mean[k] * sk);
        }
        expectExact("batchnorm_coefficients_f32 scale" + tag, scale, ws);
        expectExact("batchnorm_coefficients_f32 shift" + tag, shift, wt);
        T4J_LAUNCH_SEQ(scale_shift_f32, grid1(n), dim3(256), n, C, x.data(), scale.data(), shift.data(), y.data(), -Inf, Inf);
        // exactly one fused multiply-add per element, with the coefficients of its channel i mod C ...
        Vec wf(n);
        for (long long i = 0; i < n; ++i) wf[i] = std::fmaf(x[i], scale[i % C], shift[i % C]);
        expectExact("scale_shift_f32 (fmaf of channel i mod C)" + tag, y, wf);
        // ... and the definition (x - mean) * gamma / sqrt(var + eps) + beta, within float rounding of the
        // tensor's scale (the values near 0 come from cancellation)
        std::vector<double> wd(n);
        double largest = 0;
        for (long long i = 0; i < n; ++i) {
            long long k = i % C;
            wd[i] = ((double)x[i] - mean[k]) * gamma[k] / std::sqrt((double)var[k] + (double)eps) + beta[k];
            if (std::isfinite(wd[i])) largest = std::fmax(largest, std::fabs(wd[i]));
        }
        expect("scale_shift_f32 against the definition" + tag, y, wd, 0, 1e-6 * largest);
        Vec inPlace = x;   // y may be x
        T4J_LAUNCH_SEQ(scale_shift_f32, grid1(n), dim3(256), n, C, inPlace.data(), scale.data(), shift.data(), inPlace.data(),
                       -Inf, Inf);
        expectExact("scale_shift_f32 in place" + tag, inPlace, y);
    }
    // low -inf, high +inf is no clamp, bit for bit: -0 stays -0 (fmaf(-0, 1, -0)), NaN and the infinities pass, and a
    // sum that cancels is +0
    Vec x = {-0.0f, NaN, Inf, -Inf, 1.5f}, scale = {1.0f, 1.0f, 1.0f, 1.0f, 1.0f}, shift = {-0.0f, 0.0f, 0.0f, 0.0f, -1.5f};
    Vec y(5), want(5);
    T4J_LAUNCH_SEQ(scale_shift_f32, dim3(1), dim3(256), 5LL, 5LL, x.data(), scale.data(), shift.data(), y.data(), -Inf, Inf);
    for (int i = 0; i < 5; ++i) want[i] = std::fmaf(x[i], scale[i], shift[i]);
    expectSameBits("scale_shift_f32 without a clamp is the bare fmaf", y, want);
    expectSameBits("scale_shift_f32 without a clamp: the expected fmaf values", want, {-0.0f, NaN, Inf, -Inf, 0.0f});
}

// ---- batchnorm training and backward: the emulated kernels in the order CudaBatchNorm launches them -----
struct BnTraining { Vec mean, var, invStd, scale, shift, y; };
struct BnBackward { Vec dGamma, dBeta, a, b, d, dx; };

// The moving statistics a training kernel updates in its pass (or none: movingMean null).
struct BnMoving { float momentum; const float* bias; float* movingMean; float* movingVariance; };

static BnTraining runBnTraining(long long M, long long C, long long chunk, float eps, const Vec& x, const Vec& gamma,
                                const Vec& beta, float low = -Inf, float high = Inf,
                                BnMoving moving = {0.0f, nullptr, nullptr, nullptr}) {
    using namespace batchnorm_k;
    long long chunks = (M + chunk - 1) / chunk, n = M * C;
    std::vector<double> partial(chunks * 2 * C, std::numeric_limits<double>::quiet_NaN());   // every slot written
    BnTraining t{Vec(C), Vec(C), Vec(C), Vec(C), Vec(C), Vec(n)};
    dim3 tiles((unsigned)((C + 31) / 32));
    T4J_LAUNCH(batchnorm_moments_f32, dim3(tiles.x, (unsigned)chunks), dim3(32, 8), M, C, chunk, x.data(), partial.data());
    T4J_LAUNCH(batchnorm_training_finalize_f32, tiles, dim3(32, 32), M, C, chunks, eps, x.data(), partial.data(),
               gamma.data(), beta.data(), t.mean.data(), t.var.data(), t.invStd.data(), t.scale.data(), t.shift.data(),
               moving.momentum, moving.bias, moving.movingMean, moving.movingVariance);
    T4J_LAUNCH_SEQ(scale_shift_f32, grid1(n), dim3(256), n, C, x.data(), t.scale.data(), t.shift.data(), t.y.data(), low,
                   high);
    return t;
}

// y: the clamped output whose mask (low < y < high) applies to dy, or null
static BnBackward runBnBackward(long long M, long long C, long long chunk, const Vec& x, const Vec& dy, const Vec& gamma,
                                const Vec& mean, const Vec& invStd, const float* y = nullptr, float low = 0.0f,
                                float high = 0.0f) {
    using namespace batchnorm_k;
    long long chunks = (M + chunk - 1) / chunk, n = M * C;
    std::vector<double> partial(chunks * 2 * C, std::numeric_limits<double>::quiet_NaN());
    BnBackward g{Vec(C), Vec(C), Vec(C), Vec(C), Vec(C), Vec(n)};
    dim3 tiles((unsigned)((C + 31) / 32));
    T4J_LAUNCH(batchnorm_backward_sums_f32, dim3(tiles.x, (unsigned)chunks), dim3(32, 8), M, C, chunk, x.data(), dy.data(),
               mean.data(), y, low, high, partial.data());
    T4J_LAUNCH(batchnorm_backward_finalize_f32, tiles, dim3(32, 32), M, C, chunks, partial.data(), gamma.data(), mean.data(),
               invStd.data(), g.dGamma.data(), g.dBeta.data(), g.a.data(), g.b.data(), g.d.data());
    T4J_LAUNCH_SEQ(batchnorm_backward_dx_f32, grid1(n), dim3(256), n, C, x.data(), dy.data(), g.a.data(), g.b.data(),
                   g.d.data(), y, low, high, g.dx.data());
    return g;
}

// Training statistics against two-pass double loops, y and dx against the definitions within a bound of
// the magnitudes that cancel, and y, dx against exactly one (two) fmaf per element with the kernels' own
// coefficients. Shapes: M not a multiple of the chunk or of the 8 row-threads, C odd, C < 32 and C > 32
// (two and three channel tiles, the last partly idle), M = 1 and 2, one chunk (the four-row loop) and 43
// chunks of 7 rows (more chunks than the finalize's 32 row-threads: its stride loop wraps), a grid of
// 3 x 256 threads for the elementwise passes (their stride loops wrap); a NaN in one channel stays there.
static void testBatchNormTraining() {
    struct Case { long long m, c, chunk; float lo, hi; };
    for (Case cs : {Case{203, 37, 50, 2.0f, 5.0f}, Case{1, 5, 32, -3.0f, 3.0f}, Case{2, 40, 32, -3.0f, 3.0f},
                    Case{300, 16, 7, 2.0f, 5.0f}, Case{130, 70, 130, -3.0f, 3.0f}}) {
        long long M = cs.m, C = cs.c, n = M * C;
        std::string tag = " M" + std::to_string(M) + " C" + std::to_string(C) + " chunk" + std::to_string(cs.chunk);
        float eps = 1e-3f;
        Vec x = values(n, 40, cs.lo, cs.hi), gamma = values(C, 41, 0.5f, 1.5f), beta = values(C, 42, -1.0f, 1.0f),
            dy = values(n, 43, -1.0f, 1.0f);
        bool withNaN = M > 5 && C > 3;
        if (withNaN) x[5 * C + 3] = NaN;   // channel 3 only
        BnTraining t = runBnTraining(M, C, cs.chunk, eps, x, gamma, beta);
        std::vector<double> wm(C), wv(C), wi(C), ws(C);
        for (long long k = 0; k < C; ++k) {
            double mu = 0, var = 0;
            for (long long r = 0; r < M; ++r) mu += x[r * C + k];
            mu /= M;
            for (long long r = 0; r < M; ++r) var += ((double)x[r * C + k] - mu) * ((double)x[r * C + k] - mu);
            var /= M;   // biased
            wm[k] = mu;
            wv[k] = var;
            wi[k] = 1 / std::sqrt(var + eps);
            ws[k] = gamma[k] * wi[k];
        }
        // x - x0 is a float subtraction: the mean is within a few u of |x| (more than of |mean| near 0)
        double xmax = std::fmax(std::fabs(cs.lo), std::fabs(cs.hi));
        expect("batchnorm training mean" + tag, t.mean, wm, 1e-6, 4 * 0x1p-24 * xmax);
        expect("batchnorm training biased variance" + tag, t.var, wv, 1e-5, 1e-7);
        expect("batchnorm training invStd" + tag, t.invStd, wi, 1e-6, 0);
        expect("batchnorm training scale" + tag, t.scale, ws, 1e-6, 0);
        Vec wf(n);
        for (long long i = 0; i < n; ++i) wf[i] = std::fmaf(x[i], t.scale[i % C], t.shift[i % C]);
        expectExact("batchnorm training y = fmaf(x, scale, shift)" + tag, t.y, wf);
        // y = (x - mean) gamma invStd + beta, within 16 u of the magnitudes that cancel:
        // (|x| + |mean|) invStd |gamma| + |beta|
        ++checks;
        int bad = 0;
        for (long long i = 0; i < n; ++i) {
            long long k = i % C;
            double want = ((double)x[i] - wm[k]) * wi[k] * gamma[k] + beta[k];
            double mag = (std::fabs((double)x[i]) + std::fabs(wm[k])) * wi[k] * std::fabs(gamma[k]) + std::fabs(beta[k]);
            if (!close(t.y[i], want, 0, 16 * 0x1p-24 * mag) && bad++ < 5) {
                std::printf("FAIL batchnorm training y%s[%lld]: got %.9g, expected %.9g\n", tag.c_str(), i, t.y[i], want);
            }
        }
        failures += bad > 0;
        if (withNaN) {
            continue;   // the backward below needs finite statistics in every channel
        }
        BnBackward g = runBnBackward(M, C, cs.chunk, x, dy, gamma, t.mean, t.invStd);
        std::vector<double> wdb(C, 0.0), wdg(C, 0.0), sumAbsDy(C, 0.0), sumAbsDyXhat(C, 0.0);
        for (long long i = 0; i < n; ++i) {
            long long k = i % C;
            double xhat = ((double)x[i] - t.mean[k]) * t.invStd[k];
            wdb[k] += dy[i];
            wdg[k] += dy[i] * xhat;
            sumAbsDy[k] += std::fabs((double)dy[i]);
            sumAbsDyXhat[k] += std::fabs(dy[i] * xhat);
        }
        // the sums lose at most ~M u of the sum of |terms| in double; well within 1e-7 of it
        std::vector<double> gotDb(g.dBeta.begin(), g.dBeta.end()), gotDg(g.dGamma.begin(), g.dGamma.end());
        ++checks;
        bad = 0;
        for (long long k = 0; k < C; ++k) {
            if (!(std::fabs(gotDb[k] - wdb[k]) <= 1e-7 * sumAbsDy[k] + 0x1p-24 * std::fabs(wdb[k])
                  && std::fabs(gotDg[k] - wdg[k]) <= 1e-7 * sumAbsDyXhat[k] + 0x1p-24 * std::fabs(wdg[k])) && bad++ < 5) {
                std::printf("FAIL batchnorm backward%s channel %lld: dbeta %.9g vs %.9g, dgamma %.9g vs %.9g\n", tag.c_str(),
                            k, gotDb[k], wdb[k], gotDg[k], wdg[k]);
            }
        }
        failures += bad > 0;
        Vec wfx(n);
        for (long long i = 0; i < n; ++i) {
            long long k = i % C;
            wfx[i] = std::fmaf(dy[i], g.a[k], std::fmaf(x[i], g.b[k], g.d[k]));
        }
        expectExact("batchnorm backward dx = fmaf(dy, a, fmaf(x, b, d))" + tag, g.dx, wfx);
        // dx = gamma invStd / M (M dy - dbeta - xhat dgamma), within 16 u of the magnitudes that cancel,
        // |gamma invStd / M| (M |dy| + |dbeta| + (|x| + |mean|) invStd |dgamma|): b x + d folds x - mean, so
        // the float roundings of b and d are relative to |x| and |mean|, not to |x - mean|
        ++checks;
        bad = 0;
        for (long long i = 0; i < n; ++i) {
            long long k = i % C;
            double inv = t.invStd[k], xhat = ((double)x[i] - t.mean[k]) * inv, f = gamma[k] * inv / M;
            double want = f * (M * (double)dy[i] - wdb[k] - xhat * wdg[k]);
            double mag = std::fabs(f) * (M * std::fabs((double)dy[i]) + std::fabs(wdb[k])
                    + (std::fabs((double)x[i]) + std::fabs((double)t.mean[k])) * inv * std::fabs(wdg[k]));
            if (!close(g.dx[i], want, 0, 16 * 0x1p-24 * mag) && bad++ < 5) {
                std::printf("FAIL batchnorm backward dx%s[%lld]: got %.9g, expected %.9g\n", tag.c_str(), i, g.dx[i], want);
            }
        }
        failures += bad > 0;
    }
}

// ---- batchnorm with a clamp (ReLU, ReLU6) in training: the fused kernels against the composite -----------
// The forward with low, high against the forward without a clamp then elementwise.cu's clamp_f32, the backward
// with y against unary_backward.cu's clamp_backward_f32 on y then the unmasked backward: bit for bit (the
// statistics, dgamma, dbeta, the dx coefficients and dx), on the shapes of testBatchNormTraining, with outputs
// on both bounds (every clamped element) and a NaN in x (its channel's statistics and outputs are NaN); the
// backward runs with finite statistics, y the clamped output but for a NaN and a value just inside each bound,
// and an infinite dy where y is on the low bound (the mask is a select: that element's gradient is 0, not NaN). Each emulated block runs a thread per CUDA thread: the runs are shared where they can be.
static void testBatchNormClamp() {
    struct Case { long long m, c, chunk; };
    struct Bounds { float low, high; const char* name; };
    for (Case cs : {Case{203, 37, 50}, Case{1, 5, 32}, Case{2, 40, 32}, Case{300, 16, 7}, Case{130, 70, 130}}) {
        long long M = cs.m, C = cs.c, n = M * C;
        std::string shape = " M" + std::to_string(M) + " C" + std::to_string(C) + " chunk" + std::to_string(cs.chunk);
        float eps = 1e-3f;
        // gamma and beta up to 3: outputs beyond 6 as well as below 0
        Vec x = values(n, 60, -4.0f, 8.0f), gamma = values(C, 61, 0.5f, 3.0f), beta = values(C, 62, -1.0f, 3.0f),
            dy0 = values(n, 63, -1.0f, 1.0f);
        Vec xNaN = x;
        if (M > 5 && C > 3) xNaN[4 * C + 1] = NaN;   // channel 1: NaN statistics and outputs, which the clamp keeps
        BnTraining plainNaN = runBnTraining(M, C, cs.chunk, eps, xNaN, gamma, beta);
        BnTraining plain = runBnTraining(M, C, cs.chunk, eps, x, gamma, beta);
        for (Bounds b : {Bounds{0.0f, Inf, "relu"}, Bounds{0.0f, 6.0f, "relu6"}}) {
            std::string tag = std::string(" ") + b.name + shape;
            BnTraining fused = runBnTraining(M, C, cs.chunk, eps, xNaN, gamma, beta, b.low, b.high);
            Vec clamped(n);
            {
                using namespace elementwise_k;
                T4J_LAUNCH_SEQ(clamp_f32, grid1(n), dim3(256), n, b.low, b.high, plainNaN.y.data(), clamped.data());
            }
            expectSameBits("batchnorm training clamped y = clamp_f32 of the plain y" + tag, fused.y, clamped);
            expectSameBits("batchnorm training clamped: mean" + tag, fused.mean, plainNaN.mean);
            expectSameBits("batchnorm training clamped: variance" + tag, fused.var, plainNaN.var);
            expectSameBits("batchnorm training clamped: invStd" + tag, fused.invStd, plainNaN.invStd);
            long long onLow = 0, onHigh = 0, inside = 0;
            for (float v : fused.y) {
                onLow += v == b.low;
                onHigh += v == b.high;
                inside += v > b.low && v < b.high;
            }
            // not vacuous: with more than one row, outputs on the low bound and inside, and for ReLU6 with more than
            // two rows (two rows normalise to about -1 and 1: at most gamma + beta = 6) outputs on the high bound
            ++checks;
            if (M > 1 && !(onLow > 0 && inside > 0 && (b.high == Inf || M == 2 || onHigh > 0))) {
                std::printf("FAIL batchnorm clamp%s: %lld outputs on the low bound, %lld on the high one, %lld inside\n",
                            tag.c_str(), onLow, onHigh, inside);
                ++failures;
            }

            // the backward, with the finite statistics of x and y its clamped output (clamp_f32 of the plain one, equal
            // to the fused one as checked above) but for a NaN and values just inside the bounds
            Vec y(n), dy = dy0;
            {
                using namespace elementwise_k;
                T4J_LAUNCH_SEQ(clamp_f32, grid1(n), dim3(256), n, b.low, b.high, plain.y.data(), y.data());
            }
            if (n > 3) {
                y[0] = NaN;
                y[1] = std::nextafter(b.low, Inf);
                if (b.high != Inf) y[2] = std::nextafter(b.high, 0.0f);
            }
            long long infinite = -1;
            for (long long i = C + 2; i < n; i += C) {   // one element of channel 2
                if (y[i] == b.low) {
                    dy[i] = Inf;
                    infinite = i;
                    break;
                }
            }
            Vec masked(n);
            {
                using namespace unary_backward_k;
                T4J_LAUNCH_SEQ(clamp_backward_f32, grid1(n), dim3(256), n, b.low, b.high, y.data(), dy.data(), masked.data());
            }
            ++checks;
            if (infinite >= 0 && !(masked[infinite] == 0.0f && !std::signbit(masked[infinite]))) {
                std::printf("FAIL clamp_backward_f32%s: an infinite dy where y is on the bound gave %.9g, not +0\n",
                            tag.c_str(), masked[infinite]);
                ++failures;
            }
            BnBackward apart = runBnBackward(M, C, cs.chunk, x, masked, gamma, plain.mean, plain.invStd);
            BnBackward together = runBnBackward(M, C, cs.chunk, x, dy, gamma, plain.mean, plain.invStd, y.data(), b.low,
                                                b.high);
            expectSameBits("batchnorm backward masked by y: dgamma" + tag, together.dGamma, apart.dGamma);
            expectSameBits("batchnorm backward masked by y: dbeta" + tag, together.dBeta, apart.dBeta);
            expectSameBits("batchnorm backward masked by y: a" + tag, together.a, apart.a);
            expectSameBits("batchnorm backward masked by y: b" + tag, together.b, apart.b);
            expectSameBits("batchnorm backward masked by y: d" + tag, together.d, apart.d);
            expectSameBits("batchnorm backward masked by y: dx" + tag, together.dx, apart.dx);
            // dx may be y: every element is read before it is written, by the same thread
            Vec inPlace = y;
            {
                using namespace batchnorm_k;
                T4J_LAUNCH_SEQ(batchnorm_backward_dx_f32, grid1(n), dim3(256), n, C, x.data(), dy.data(), together.a.data(),
                               together.b.data(), together.d.data(), inPlace.data(), b.low, b.high, inPlace.data());
            }
            expectSameBits("batchnorm backward masked dx written over y" + tag, inPlace, together.dx);
        }
    }
}

// ---- batchnorm on few rows: the single-block kernels against the three kernels with one chunk ------------
// batchnorm_training_single_f32 against moments, finalize and scale_shift with chunk = M; batchnorm_backward_single_f32
// against sums, finalize and dx with chunk = M: bit for bit, plain and clamped (ReLU6), with a NaN in one channel's x
// (its statistics and outputs NaN), M = 1, 2, fewer rows than the 8 row-threads, not a multiple of them, and more
// than the four-row loop's 32; C < 32, odd, and over two and three channel tiles; dx left out (null) gives the same
// dgamma and dbeta.
static void testBatchNormSingleBlock() {
    using namespace batchnorm_k;
    struct Case { long long m, c; };
    for (Case cs : {Case{1, 5}, Case{2, 40}, Case{7, 37}, Case{64, 70}, Case{203, 37}}) {
        long long M = cs.m, C = cs.c, n = M * C;
        dim3 tiles((unsigned)((C + 31) / 32));
        Vec x = values(n, 80, -4.0f, 8.0f), gamma = values(C, 81, 0.5f, 3.0f), beta = values(C, 82, -1.0f, 3.0f),
            dy = values(n, 83, -1.0f, 1.0f);
        if (M > 5 && C > 3) x[4 * C + 1] = NaN;   // channel 1
        for (float high : {Inf, 6.0f}) {
            float low = high == Inf ? -Inf : 0.0f;
            std::string tag = " M" + std::to_string(M) + " C" + std::to_string(C) + (high == Inf ? " plain" : " relu6");
            BnTraining three = runBnTraining(M, C, M, 1e-3f, x, gamma, beta, low, high);
            BnTraining one{Vec(C), Vec(C), Vec(C), Vec(), Vec(), Vec(n)};
            T4J_LAUNCH(batchnorm_training_single_f32, tiles, dim3(32, 8), M, C, 1e-3f, x.data(), gamma.data(), beta.data(),
                       one.mean.data(), one.var.data(), one.invStd.data(), one.y.data(), low, high, 0.0f,
                       (const float*)nullptr, (float*)nullptr, (float*)nullptr);
            expectSameBits("batchnorm_training_single_f32 mean" + tag, one.mean, three.mean);
            expectSameBits("batchnorm_training_single_f32 variance" + tag, one.var, three.var);
            expectSameBits("batchnorm_training_single_f32 invStd" + tag, one.invStd, three.invStd);
            expectSameBits("batchnorm_training_single_f32 y" + tag, one.y, three.y);

            // the backward with the clamped output as the mask (relu6) or none, and the statistics of the forward
            const float* y = high == Inf ? nullptr : three.y.data();
            BnBackward apart = runBnBackward(M, C, M, x, dy, gamma, three.mean, three.invStd, y, low, high);
            BnBackward single{Vec(C), Vec(C), Vec(), Vec(), Vec(), Vec(n)};
            T4J_LAUNCH(batchnorm_backward_single_f32, tiles, dim3(32, 8), M, C, x.data(), dy.data(), gamma.data(),
                       three.mean.data(), three.invStd.data(), y, low, high, single.dGamma.data(), single.dBeta.data(),
                       single.dx.data());
            expectSameBits("batchnorm_backward_single_f32 dgamma" + tag, single.dGamma, apart.dGamma);
            expectSameBits("batchnorm_backward_single_f32 dbeta" + tag, single.dBeta, apart.dBeta);
            expectSameBits("batchnorm_backward_single_f32 dx" + tag, single.dx, apart.dx);
            BnBackward noDx{Vec(C), Vec(C), Vec(), Vec(), Vec(), Vec()};
            T4J_LAUNCH(batchnorm_backward_single_f32, tiles, dim3(32, 8), M, C, x.data(), dy.data(), gamma.data(),
                       three.mean.data(), three.invStd.data(), y, low, high, noDx.dGamma.data(), noDx.dBeta.data(),
                       (float*)nullptr);
            expectSameBits("batchnorm_backward_single_f32 without dx: dgamma" + tag, noDx.dGamma, apart.dGamma);
            expectSameBits("batchnorm_backward_single_f32 without dx: dbeta" + tag, noDx.dBeta, apart.dBeta);
        }
    }
}

// ---- batchnorm training that updates the moving statistics in its pass ------------------------------------
// The finalize (chunked path, chunks of 7 rows: more chunks than its 32 row-threads) and the single-block kernel with
// movingMean/movingVariance against the same kernels without them then batchnorm_moving_averages_f32, bit for bit,
// with and without a bias, momentum 0.99 and 0.9, a NaN in one channel's x (its moving statistics turn NaN alike); the
// batch statistics and y are those of the run without.
static void testBatchNormTrainingMovingStatistics() {
    using namespace batchnorm_k;
    long long M = 203, C = 37, n = M * C;
    dim3 tiles((unsigned)((C + 31) / 32));
    Vec x = values(n, 90, -4.0f, 8.0f), gamma = values(C, 91, 0.5f, 3.0f), beta = values(C, 92, -1.0f, 3.0f),
        bias = values(C, 93, -1.0f, 1.0f), movingMean0 = values(C, 94, -2.0f, 2.0f), movingVar0 = values(C, 95, 0.5f, 2.0f);
    x[4 * C + 1] = NaN;
    for (bool biased : {false, true}) {
        for (float momentum : {0.99f, 0.9f}) {
            std::string tag = std::string(biased ? " bias" : "") + " momentum " + std::to_string(momentum);
            const float* b = biased ? bias.data() : nullptr;
            BnTraining plain = runBnTraining(M, C, 7, 1e-3f, x, gamma, beta);
            Vec wantMean = movingMean0, wantVar = movingVar0;
            T4J_LAUNCH_SEQ(batchnorm_moving_averages_f32, grid1(C), dim3(256), C, momentum, plain.mean.data(), b,
                           plain.var.data(), wantMean.data(), wantVar.data());

            Vec mm = movingMean0, mv = movingVar0;
            BnTraining chunked = runBnTraining(M, C, 7, 1e-3f, x, gamma, beta, -Inf, Inf,
                                               BnMoving{momentum, b, mm.data(), mv.data()});
            expectSameBits("batchnorm_training_finalize_f32 moving mean" + tag, mm, wantMean);
            expectSameBits("batchnorm_training_finalize_f32 moving variance" + tag, mv, wantVar);
            expectSameBits("batchnorm_training_finalize_f32 with moving statistics: mean" + tag, chunked.mean, plain.mean);
            expectSameBits("batchnorm_training_finalize_f32 with moving statistics: y" + tag, chunked.y, plain.y);

            BnTraining singlePlain = runBnTraining(M, C, M, 1e-3f, x, gamma, beta);
            Vec wantMean1 = movingMean0, wantVar1 = movingVar0;
            T4J_LAUNCH_SEQ(batchnorm_moving_averages_f32, grid1(C), dim3(256), C, momentum, singlePlain.mean.data(), b,
                           singlePlain.var.data(), wantMean1.data(), wantVar1.data());
            Vec sm = movingMean0, sv = movingVar0, mean(C), var(C), invStd(C), y(n);
            T4J_LAUNCH(batchnorm_training_single_f32, tiles, dim3(32, 8), M, C, 1e-3f, x.data(), gamma.data(), beta.data(),
                       mean.data(), var.data(), invStd.data(), y.data(), -Inf, Inf, momentum, b, sm.data(), sv.data());
            expectSameBits("batchnorm_training_single_f32 moving mean" + tag, sm, wantMean1);
            expectSameBits("batchnorm_training_single_f32 moving variance" + tag, sv, wantVar1);
            expectSameBits("batchnorm_training_single_f32 with moving statistics: y" + tag, y, singlePlain.y);
        }
    }
}

// ---- batchnorm moving statistics: the fused kernel against the composite it replaces --------------------
// batchnorm_moving_averages_f32 against add_f32 (batch mean + bias) and moving_average_f32 twice, bit for bit, and
// against the formula in float (rest = 1 - momentum rounded once, each product rounded, then the sum; the driver is
// compiled with -ffp-contract=off); C odd, 1, and over the grid of 3 x 256 threads (its stride loop wraps); with and
// without a bias, momentum 0.99 and 0.9; a NaN and infinities in each input stay in their own channel.
static void testBatchNormMovingAverages() {
    for (long long C : {37LL, 1LL, 1001LL}) {
        for (bool biased : {false, true}) {
            for (float momentum : {0.99f, 0.9f}) {
                std::string tag = " C" + std::to_string(C) + (biased ? " bias" : "") + " momentum "
                        + std::to_string(momentum);
                Vec movingMean = values(C, 70, -3.0f, 3.0f), batchMean = values(C, 71, -3.0f, 3.0f),
                    bias = values(C, 72, -1.0f, 1.0f), movingVar = values(C, 73, 0.0f, 4.0f),
                    batchVar = values(C, 74, 0.0f, 4.0f);
                if (C > 5) {
                    batchMean[1] = NaN;
                    bias[2] = Inf;
                    movingVar[3] = NaN;
                    movingMean[4] = -Inf;
                    batchVar[5] = Inf;
                }
                Vec sum(C), compositeMean = movingMean, compositeVar = movingVar;
                {
                    using namespace elementwise_k;
                    if (biased) {
                        T4J_LAUNCH_SEQ(add_f32, grid1(C), dim3(256), C, batchMean.data(), bias.data(), sum.data());
                    }
                    T4J_LAUNCH_SEQ(moving_average_f32, grid1(C), dim3(256), C, momentum,
                                   biased ? sum.data() : batchMean.data(), compositeMean.data());
                    T4J_LAUNCH_SEQ(moving_average_f32, grid1(C), dim3(256), C, momentum, batchVar.data(),
                                   compositeVar.data());
                }
                Vec fusedMean = movingMean, fusedVar = movingVar;
                {
                    using namespace batchnorm_k;
                    T4J_LAUNCH_SEQ(batchnorm_moving_averages_f32, grid1(C), dim3(256), C, momentum, batchMean.data(),
                                   biased ? bias.data() : (const float*)nullptr, batchVar.data(), fusedMean.data(),
                                   fusedVar.data());
                }
                expectSameBits("batchnorm_moving_averages_f32 mean against add_f32, moving_average_f32" + tag,
                               fusedMean, compositeMean);
                expectSameBits("batchnorm_moving_averages_f32 variance against moving_average_f32" + tag, fusedVar,
                               compositeVar);
                Vec wantMean(C), wantVar(C);
                float rest = 1.0f - momentum;
                for (long long k = 0; k < C; ++k) {
                    float m = biased ? batchMean[k] + bias[k] : batchMean[k];
                    wantMean[k] = momentum * movingMean[k] + rest * m;
                    wantVar[k] = momentum * movingVar[k] + rest * batchVar[k];
                }
                expectSameBits("batchnorm_moving_averages_f32 mean against the formula" + tag, fusedMean, wantMean);
                expectSameBits("batchnorm_moving_averages_f32 variance against the formula" + tag, fusedVar, wantVar);
                ++checks;
                if (C > 5 && !(std::isnan(fusedMean[1]) && std::isnan(fusedVar[3]) && !std::isnan(fusedMean[3])
                               && std::isinf(fusedVar[5]) && fusedMean[4] == -Inf
                               && (!biased || fusedMean[2] == Inf))) {
                    std::printf("FAIL batchnorm_moving_averages_f32%s: a NaN or an infinity left its channel\n",
                                tag.c_str());
                    ++failures;
                }
            }
        }
    }
}

static Vec readHexFloats(long long count) {
    Vec v(count);
    for (auto& f : v) {
        unsigned bits;
        if (std::scanf("%x", &bits) != 1) {
            std::fprintf(stderr, "expected %lld float bit patterns in hex on stdin\n", count);
            std::exit(2);
        }
        std::memcpy(&f, &bits, 4);
    }
    return v;
}

static void printHexFloats(const Vec& v) {
    for (float f : v) {
        uint32_t bits;
        std::memcpy(&bits, &f, 4);
        std::printf("%08x\n", bits);
    }
}

static void printBatchNormInference(long long m, long long c, unsigned epsBits) {
    using namespace batchnorm_k;
    float eps;
    std::memcpy(&eps, &epsBits, 4);
    long long n = m * c;
    Vec x = readHexFloats(n), gamma = readHexFloats(c), beta = readHexFloats(c), mean = readHexFloats(c),
        var = readHexFloats(c);
    Vec scale(c), shift(c), y(n);
    T4J_LAUNCH_SEQ(batchnorm_coefficients_f32, grid1(c), dim3(256), c, eps, gamma.data(), beta.data(), mean.data(),
                   var.data(), scale.data(), shift.data());
    T4J_LAUNCH_SEQ(scale_shift_f32, grid1(n), dim3(256), n, c, x.data(), scale.data(), shift.data(), y.data(), -Inf, Inf);
    printHexFloats(scale);
    printHexFloats(shift);
    printHexFloats(y);
}

// clamped: the forward clamps to [low, high] and the backward masks dy by its output y
static void printBatchNormTraining(long long m, long long c, long long chunk, unsigned epsBits, bool clamped = false,
                                   unsigned lowBits = 0, unsigned highBits = 0) {
    float eps, low, high;
    std::memcpy(&eps, &epsBits, 4);
    std::memcpy(&low, &lowBits, 4);
    std::memcpy(&high, &highBits, 4);
    long long n = m * c;
    Vec x = readHexFloats(n), gamma = readHexFloats(c), beta = readHexFloats(c), dy = readHexFloats(n);
    BnTraining t = clamped ? runBnTraining(m, c, chunk, eps, x, gamma, beta, low, high)
                           : runBnTraining(m, c, chunk, eps, x, gamma, beta);
    BnBackward g = clamped ? runBnBackward(m, c, chunk, x, dy, gamma, t.mean, t.invStd, t.y.data(), low, high)
                           : runBnBackward(m, c, chunk, x, dy, gamma, t.mean, t.invStd);
    for (const Vec* v : {&t.mean, &t.var, &t.invStd, &t.y, &g.dGamma, &g.dBeta, &g.dx}) {
        printHexFloats(*v);
    }
}

// the fused moving statistics for the Java side, which compares them with the CPU backend's batchNormMovingAverages
static void printBatchNormMovingAverages(long long c, unsigned momentumBits, bool biased) {
    using namespace batchnorm_k;
    float momentum;
    std::memcpy(&momentum, &momentumBits, 4);
    Vec movingMean = readHexFloats(c), batchMean = readHexFloats(c), bias = biased ? readHexFloats(c) : Vec(),
        movingVar = readHexFloats(c), batchVar = readHexFloats(c);
    T4J_LAUNCH_SEQ(batchnorm_moving_averages_f32, grid1(c), dim3(256), c, momentum, batchMean.data(),
                   biased ? bias.data() : (const float*)nullptr, batchVar.data(), movingMean.data(), movingVar.data());
    printHexFloats(movingMean);
    printHexFloats(movingVar);
}

// ---- random: values for the Java side, which compares them with core's Generator ------------------------
static void printRandomValues(long long seed, long long counter, long long n) {
    using namespace random_k;
    Vec u(n), z(n);
    T4J_LAUNCH_SEQ(uniform_f32, grid1(n), dim3(256), n, seed, counter, -2.0f, 3.0f, u.data());
    T4J_LAUNCH_SEQ(normal_f32, grid1(n), dim3(256), n, seed, counter, 0.5f, 2.0f, z.data());
    printHexFloats(u);
    printHexFloats(z);
}

// ---- dropout: the fused mask for the Java side, which compares it with the CPU backend's dropout ----------
static void printDropout(long long seed, long long counter, long long n, unsigned rateBits, unsigned scaleBits) {
    using namespace random_k;
    float rate, scale;
    std::memcpy(&rate, &rateBits, sizeof rate);
    std::memcpy(&scale, &scaleBits, sizeof scale);
    Vec x = readHexFloats(n), y(n), mask(n);
    T4J_LAUNCH_SEQ(dropout_f32, grid1(n), dim3(256), n, seed, counter, rate, scale, x.data(), y.data(), mask.data());
    printHexFloats(y);
    printHexFloats(mask);
}

int main(int argc, char** argv) {
    if (argc == 5 && std::string(argv[1]) == "random-values") {
        printRandomValues(std::stoll(argv[2]), std::stoll(argv[3]), std::stoll(argv[4]));
        return 0;
    }
    if (argc == 7 && std::string(argv[1]) == "dropout") {
        printDropout(std::stoll(argv[2]), std::stoll(argv[3]), std::stoll(argv[4]),
                     (unsigned)std::stoul(argv[5], nullptr, 16), (unsigned)std::stoul(argv[6], nullptr, 16));
        return 0;
    }
    if (argc == 5 && std::string(argv[1]) == "batchnorm-inference") {
        printBatchNormInference(std::stoll(argv[2]), std::stoll(argv[3]), (unsigned)std::stoul(argv[4], nullptr, 16));
        return 0;
    }
    if ((argc == 6 || argc == 8) && std::string(argv[1]) == "batchnorm-training") {
        printBatchNormTraining(std::stoll(argv[2]), std::stoll(argv[3]), std::stoll(argv[4]),
                               (unsigned)std::stoul(argv[5], nullptr, 16), argc == 8,
                               argc == 8 ? (unsigned)std::stoul(argv[6], nullptr, 16) : 0,
                               argc == 8 ? (unsigned)std::stoul(argv[7], nullptr, 16) : 0);
        return 0;
    }
    if (argc == 5 && std::string(argv[1]) == "batchnorm-moving-averages") {
        printBatchNormMovingAverages(std::stoll(argv[2]), (unsigned)std::stoul(argv[3], nullptr, 16),
                                     std::string(argv[4]) == "bias");
        return 0;
    }
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s <family> | random-values <seed> <counter> <n> | dropout <seed> <counter> <n> <rate bits>"
                     " <scale bits> | batchnorm-inference <m> <c> <eps bits>"
                     " | batchnorm-training <m> <c> <chunk> <eps bits> [<low bits> <high bits>]"
                     " | batchnorm-moving-averages <c> <momentum bits> bias|none\n", argv[0]);
        return 2;
    }
    std::string family = argv[1];
    if (family == "elementwise") testElementwise();
    else if (family == "unary_backward") testUnaryBackward();
    else if (family == "reduce") testReduce();
    else if (family == "softmax_xent") testSoftmaxXent();
    else if (family == "layout") testLayout();
    else if (family == "gather") testGather();
    else if (family == "optim") { testOptim(); testOptimMulti(); testNonFiniteCount(); }
    else if (family == "bias_act") testBiasAct();
    else if (family == "depthwise") testDepthwise();
    else if (family == "batchnorm") {
        testBatchNorm();
        testBatchNormTraining();
        testBatchNormClamp();
        testBatchNormSingleBlock();
        testBatchNormMovingAverages();
        testBatchNormTrainingMovingStatistics();
    }
    else {
        std::fprintf(stderr, "unknown family %s\n", family.c_str());
        return 2;
    }
    std::printf("%s: %d checks, %d failed\n", family.c_str(), checks, failures);
    return failures == 0 && checks > 0 ? 0 : 1;
}
