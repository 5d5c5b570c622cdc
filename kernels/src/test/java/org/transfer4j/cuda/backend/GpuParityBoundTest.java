package org.transfer4j.cuda.backend;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.transfer4j.cuda.backend.GpuParity.abs;
import static org.transfer4j.cuda.backend.GpuParity.assertWithinBound;
import static org.transfer4j.cuda.backend.GpuParity.cpuBackend;
import static org.transfer4j.cuda.backend.GpuParity.tf32Bound;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.transfer4j.backend.Conv2dSpec;
import org.transfer4j.backend.Padding;
import org.transfer4j.tensor.Tensor;

/**
 * The TF32 error bound of {@link GpuParity#assertWithinBound} on the CPU alone: a convolution of inputs truncated to
 * TF32's 10-bit mantissa (what TF32 tensor cores do to the operands, at worst) passes against the fp32 result, while
 * a 1% scaled, sign-flipped, channel-dropping or spatially flipped result fails.
 */
class GpuParityBoundTest {
    private static final int[] X = {3, 5, 5, 8};
    private static final int[] K = {1, 1, 8, 16};
    private static final int[] X3 = {2, 7, 7, 3};
    private static final int[] K3 = {3, 3, 3, 5};

    /** {@code v} with its float mantissa truncated to TF32's 10 explicit bits. */
    private static Tensor truncatedToTf32(Tensor t) {
        float[] v = t.toArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = Float.intBitsToFloat(Float.floatToRawIntBits(v[i]) & 0xFFFFE000);
        }
        return Tensor.of(v, t.shape());
    }

    private static Tensor uniform(long seed, int... shape) {
        return Tensor.of(GpuParity.values(seed, -1, 1, shape), shape);
    }

    private static Conv2dSpec spec(int[] x, int[] k) {
        return Conv2dSpec.of(Padding.SAME, x[1], x[2], k[0], k[1], 1, 1, 1, 1, 1);
    }

    private static void check(int[] xs, int[] ks, Tensor x, Tensor k, Tensor actual) {
        Tensor expected = cpuBackend().conv2d(x, k, spec(xs, ks));
        Tensor bound = cpuBackend().conv2d(abs(x), abs(k), spec(xs, ks));
        assertWithinBound("conv", expected, actual, bound, tf32Bound(ks[0] * ks[1] * ks[2]));
    }

    @Test
    void aConvolutionOfTf32TruncatedInputsIsWithinTheBound() {
        for (int[][] c : new int[][][] {{X, K}, {X3, K3}}) {
            Tensor x = uniform(1, c[0]);
            Tensor k = uniform(2, c[1]);
            check(c[0], c[1], x, k, cpuBackend().conv2d(truncatedToTf32(x), truncatedToTf32(k), spec(c[0], c[1])));
        }
        // the backward data of the first GPU failure: 16-term sums of dy k
        Tensor k = uniform(2, K);
        Tensor dy = uniform(3, X[0], X[1], X[2], K[3]);
        Conv2dSpec spec = spec(X, K);
        assertWithinBound("backward data", cpuBackend().conv2dBackwardData(dy, k, spec, X),
                cpuBackend().conv2dBackwardData(truncatedToTf32(dy), truncatedToTf32(k), spec, X),
                cpuBackend().conv2dBackwardData(abs(dy), abs(k), spec, X), tf32Bound(K[3]));
    }

    @Test
    void aWrongResultFailsTheBound() {
        Tensor x = uniform(1, X);
        Tensor k = uniform(2, K);
        Tensor y = cpuBackend().conv2d(x, k, spec(X, K));
        assertThrows(AssertionFailedError.class, () -> check(X, K, x, k, y.mul(1.01f)), "1% scaled");
        assertThrows(AssertionFailedError.class, () -> check(X, K, x, k, y.mul(-1f)), "sign flipped");
        float[] dropped = k.toArray();
        for (int co = 0; co < K[3]; co++) {
            dropped[7 * K[3] + co] = 0;   // input channel 7 missing from every sum
        }
        assertThrows(AssertionFailedError.class,
                () -> check(X, K, x, k, cpuBackend().conv2d(x, Tensor.of(dropped, K), spec(X, K))), "a term missing");
        // 3x3: the kernel flipped in space (a correlation/convolution mix-up)
        Tensor x3 = uniform(1, X3);
        Tensor k3 = uniform(2, K3);
        float[] kv = k3.toArray();
        float[] flipped = new float[kv.length];
        int inner = K3[2] * K3[3];
        for (int i = 0; i < K3[0]; i++) {
            for (int j = 0; j < K3[1]; j++) {
                System.arraycopy(kv, (i * K3[1] + j) * inner, flipped, ((K3[0] - 1 - i) * K3[1] + K3[1] - 1 - j) * inner, inner);
            }
        }
        assertThrows(AssertionFailedError.class,
                () -> check(X3, K3, x3, k3, cpuBackend().conv2d(x3, Tensor.of(flipped, K3), spec(X3, K3))), "kernel flipped");
    }
}
