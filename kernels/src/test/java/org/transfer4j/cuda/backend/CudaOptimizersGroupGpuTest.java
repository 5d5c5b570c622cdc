package org.transfer4j.cuda.backend;

import static org.transfer4j.cuda.backend.GpuParity.assertClose;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.transfer4j.backend.Backend;
import org.transfer4j.cuda.GpuTest;
import org.transfer4j.tensor.Tensor;

/**
 * The multi-tensor updates ({@code *_update_multi_f32}, through {@code Backend.*UpdateGroup}) equal the CPU
 * backend's group updates within the optimizer tolerance of CudaBackendLayersGpuTest (1e-6 relative; the
 * kernels are written to be bit-identical). 40 weights of odd sizes, an empty one and ones over a chunk,
 * so that a group takes two launches (32 weights each at most) and chunks of several tensors share a grid.
 */
@GpuTest
class CudaOptimizersGroupGpuTest {
    private static final int[] SIZES = {301, 0, 1, 4097, 9000, 256, 17, 5000};

    /** One list of 40 tensors on each side, the same values. */
    private static List<GpuParity.Pair> tensors(long seed, float lo, float hi) {
        List<GpuParity.Pair> out = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            out.add(GpuParity.random(seed * 100 + i, lo, hi, SIZES[i % SIZES.length]));
        }
        return out;
    }

    private static List<Tensor> cpu(List<GpuParity.Pair> ps) {
        return ps.stream().map(GpuParity.Pair::cpu).toList();
    }

    private static List<Tensor> gpu(List<GpuParity.Pair> ps) {
        return ps.stream().map(GpuParity.Pair::gpu).toList();
    }

    private static void assertAllClose(String what, List<GpuParity.Pair> ps) {
        for (int i = 0; i < ps.size(); i++) {
            assertClose(what + " tensor " + i, ps.get(i).cpu(), ps.get(i).gpu(), 1e-6);
        }
    }

    @Test
    void groupUpdatesMatchTheCpuBackend() {
        Backend cpu = GpuParity.cpuBackend();
        Backend cuda = GpuParity.cuda();
        for (int variant = 0; variant < 5; variant++) {
            List<GpuParity.Pair> p = tensors(1, -2, 2);
            List<GpuParity.Pair> g = tensors(2, -1, 1);
            List<GpuParity.Pair> s1 = tensors(3, 0, 0.01f);
            List<GpuParity.Pair> s2 = tensors(4, 0, 0.01f);
            List<GpuParity.Pair> s3 = tensors(5, -0.1f, 0.1f);
            for (int step = 1; step <= 3; step++) {
                double bc1 = 1 - Math.pow(0.9, step);
                double bc2 = 1 - Math.pow(0.999, step);
                for (boolean onGpu : new boolean[] {false, true}) {
                    Backend b = onGpu ? cuda : cpu;
                    List<Tensor> pt = onGpu ? gpu(p) : cpu(p);
                    List<Tensor> gt = onGpu ? gpu(g) : cpu(g);
                    List<Tensor> a = onGpu ? gpu(s1) : cpu(s1);
                    List<Tensor> m = onGpu ? gpu(s2) : cpu(s2);
                    List<Tensor> u = onGpu ? gpu(s3) : cpu(s3);
                    switch (variant) {
                        case 0 -> b.sgdUpdateGroup(pt, gt, null, 0, -0.1, 1, false, 0, 1e-3);
                        case 1 -> b.sgdUpdateGroup(pt, gt, u, 0.9, 1, -0.1, true, 1e-4, 0);
                        case 2 -> b.adamUpdateGroup(pt, gt, u, a, 0.9, 0.999, 1e-3 * Math.sqrt(bc2) / bc1, 1e-7, 0, 1e-4);
                        case 3 -> b.rmspropUpdateGroup(pt, gt, a, null, null, 0.9, 0, 1e-7, 0, 1e-3, -1, 0, 0);
                        default -> b.rmspropUpdateGroup(pt, gt, a, m, u, 0.99, 0.9, 0, 1e-8, 1, -1e-2, 1e-4, 1e-5);
                    }
                }
                String what = "group variant " + variant + " step " + step;
                assertAllClose(what + " weight", p);
                assertAllClose(what + " slot 1", s1);
                assertAllClose(what + " slot 2", s2);
                assertAllClose(what + " slot 3", s3);
            }
        }
    }
}
