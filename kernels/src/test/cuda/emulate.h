// emulate.h: compiles a kernels/src/main/cuda/<family>.cu as host C++ (g++ -std=c++20) so that the
// kernels' logic can be checked on a machine without a GPU (KernelEmulationTest). Not a CUDA
// implementation: just enough of the language for this project's kernels.
// - __global__/__device__/__forceinline__/__launch_bounds__ vanish; __shared__ becomes static, which
//   is shared memory exactly because blocks run one after another (never two at once).
// - threadIdx, blockIdx, blockDim, gridDim are thread_local. launch() runs the grid block by block;
//   with threaded = true each thread of a block is a std::thread, __syncthreads() is a std::barrier
//   over the block and the warp shuffles (__shfl_down_sync, __shfl_xor_sync) exchange through a
//   per-warp slot array between two barriers of the warp (all 32 lanes must take part, as in CUDA
//   with a full mask). With threaded = false the threads run one after another on the caller's thread
//   (fast, for kernels that never synchronise); a __syncthreads or shuffle there aborts.
// - The _rn intrinsics are the plain IEEE operations (compile with -ffp-contract=off: no FMA
//   contraction; fmaf is the C library's fused one), atomicAdd is std::atomic_ref<float or unsigned long
//   long>::fetch_add.
#pragma once
#include <math.h>
#include <atomic>
#include <barrier>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

struct dim3 {
    unsigned x, y, z;
    constexpr dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
};

inline thread_local dim3 threadIdx;
inline thread_local dim3 blockIdx;
inline thread_local dim3 blockDim;
inline thread_local dim3 gridDim;

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __shared__ static
#define __launch_bounds__(...)

namespace t4j_emu {
struct Warp {
    std::barrier<> bar;
    uint64_t slots[32];
    explicit Warp(int lanes) : bar(lanes) {}
};
inline thread_local std::barrier<>* blockBarrier = nullptr;
inline thread_local Warp* warp = nullptr;
inline thread_local int lane = 0;

[[noreturn]] inline void die(const char* what) {
    std::fprintf(stderr, "emulate.h: %s in a kernel launched with threaded = false\n", what);
    std::abort();
}

template <typename T>
T exchange(T v, int src) {
    static_assert(sizeof(T) <= 8, "shuffle of at most 8 bytes");
    if (warp == nullptr) {
        die("warp shuffle");
    }
    uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof(T));
    warp->slots[lane] = bits;
    warp->bar.arrive_and_wait();
    T r = v;
    if (src >= 0 && src < 32) {
        std::memcpy(&r, &warp->slots[src], sizeof(T));
    }
    warp->bar.arrive_and_wait();
    return r;
}

// Runs body() once per thread of every block of grid (blocks in order x, then y, then z).
template <typename F>
void launch(dim3 grid, dim3 block, bool threaded, F body) {
    const int n = (int)(block.x * block.y * block.z);
    for (unsigned bz = 0; bz < grid.z; ++bz) {
        for (unsigned by = 0; by < grid.y; ++by) {
            for (unsigned bx = 0; bx < grid.x; ++bx) {
                auto setup = [&](int tid) {
                    gridDim = grid;
                    blockDim = block;
                    blockIdx = dim3(bx, by, bz);
                    threadIdx = dim3(tid % block.x, (tid / block.x) % block.y, tid / (block.x * block.y));
                    lane = tid % 32;
                };
                if (!threaded) {
                    for (int tid = 0; tid < n; ++tid) {
                        setup(tid);
                        blockBarrier = nullptr;
                        warp = nullptr;
                        body();
                    }
                    continue;
                }
                std::barrier<> bar(n);
                std::vector<std::unique_ptr<Warp>> warps;
                for (int w = 0; w * 32 < n; ++w) {
                    warps.emplace_back(new Warp(n - w * 32 < 32 ? n - w * 32 : 32));
                }
                std::vector<std::thread> threads;
                threads.reserve(n);
                for (int tid = 0; tid < n; ++tid) {
                    threads.emplace_back([&, tid] {
                        setup(tid);
                        blockBarrier = &bar;
                        warp = warps[tid / 32].get();
                        body();
                    });
                }
                for (auto& t : threads) {
                    t.join();
                }
            }
        }
    }
}
}  // namespace t4j_emu

inline void __syncthreads() {
    if (t4j_emu::blockBarrier == nullptr) {
        t4j_emu::die("__syncthreads");
    }
    t4j_emu::blockBarrier->arrive_and_wait();
}
template <typename T>
T __shfl_down_sync(unsigned, T v, int delta) { return t4j_emu::exchange(v, t4j_emu::lane + delta); }
template <typename T>
T __shfl_xor_sync(unsigned, T v, int mask) { return t4j_emu::exchange(v, t4j_emu::lane ^ mask); }

inline float __fadd_rn(float a, float b) { return a + b; }
inline float __fsub_rn(float a, float b) { return a - b; }
inline float __fmul_rn(float a, float b) { return a * b; }
inline float __fdiv_rn(float a, float b) { return a / b; }
inline float __fsqrt_rn(float a) { return sqrtf(a); }
inline int __float_as_int(float v) { int i; std::memcpy(&i, &v, sizeof i); return i; }
inline float __int_as_float(int i) { float v; std::memcpy(&v, &i, sizeof v); return v; }
inline double __dadd_rn(double a, double b) { return a + b; }
inline double __dsub_rn(double a, double b) { return a - b; }
inline double __dmul_rn(double a, double b) { return a * b; }
inline double __ddiv_rn(double a, double b) { return a / b; }
inline double __dsqrt_rn(double a) { return sqrt(a); }
inline float atomicAdd(float* p, float v) { return std::atomic_ref<float>(*p).fetch_add(v); }
inline unsigned long long atomicAdd(unsigned long long* p, unsigned long long v) {
    return std::atomic_ref<unsigned long long>(*p).fetch_add(v);
}

// Launch a kernel: T4J_LAUNCH(kernel, grid, block, args...) with threads (shared memory, barriers,
// shuffles); T4J_LAUNCH_SEQ for kernels that never synchronise.
#define T4J_LAUNCH(kernel, grid, block, ...) t4j_emu::launch((grid), (block), true, [&] { kernel(__VA_ARGS__); })
#define T4J_LAUNCH_SEQ(kernel, grid, block, ...) t4j_emu::launch((grid), (block), false, [&] { kernel(__VA_ARGS__); })
