package org.transfer4j.cuda.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.transfer4j.backend.Backend;
import org.transfer4j.backend.cpu.CpuBackend;
import org.transfer4j.tensor.Device;
import org.transfer4j.tensor.Tensor;

/**
 * Helpers of the GPU parity tests: the same data on the CPU backend (the reference) and on CUDA device 0,
 * and the comparison. Tolerance: {@code |gpu - cpu| <= rtol * max(|cpu|, 1e-3 * max|cpu|)} element by
 * element (relative, with a floor at a thousandth of the tensor's largest magnitude so that values that
 * cancel to about 0 are judged against the tensor's scale); NaN must meet NaN and infinities must be equal.
 */
final class GpuParity {
    /** fp32 ops: 1e-4 relative, the bar. */
    static final double FP32 = 1e-4;
    /**
     * The componentwise error bound of a TF32 product-sum, as a multiple of the same sum over the absolute values
     * of its terms ({@link #assertWithinBound}): each operand is rounded to TF32's 10 explicit mantissa bits
     * (relative error below 2^-10 even when truncated rather than rounded to nearest), so each product is off by
     * less than 2^-9 of its magnitude, and the fp32 accumulation of {@code n} products adds
     * {@code gamma_n ~ n 2^-24}: {@code |fl(sum a_i b_i) - sum a_i b_i| <= (2^-9 + n 2^-24) sum |a_i| |b_i|}.
     */
    static double tf32Bound(int terms) {
        return 0x1p-9 + terms * 0x1p-24;
    }

    private static Device device;

    private GpuParity() {
    }

    static synchronized Device gpu() {
        if (device == null) {
            device = Device.cuda(0);
        }
        return device;
    }

    static CudaBackend cuda() {
        return (CudaBackend) gpu().backend();
    }

    static Backend cpuBackend() {
        return CpuBackend.instance();
    }

    /** The same tensor on both devices. */
    record Pair(Tensor cpu, Tensor gpu) {
        /** The same view (or op) applied on both sides. */
        Pair map(UnaryOperator<Tensor> f) {
            return new Pair(f.apply(cpu), f.apply(gpu));
        }
    }

    static Pair pair(float[] values, int... shape) {
        return new Pair(Tensor.of(values, shape), Tensor.of(gpu(), values, shape));
    }

    /** Uniform values in [lo, hi) from a fixed seed. */
    static Pair random(long seed, float lo, float hi, int... shape) {
        return pair(values(seed, lo, hi, shape), shape);
    }

    static float[] values(long seed, float lo, float hi, int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
        }
        return v;
    }

    static void assertClose(String what, Tensor expected, Tensor actual) {
        assertClose(what, expected, actual, FP32);
    }

    static void assertClose(String what, Tensor expected, Tensor actual, double rtol) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shapes");
        assertClose(what, expected.toArray(), actual.toArray(), rtol);
    }

    /** {@code |t|} element by element, on the CPU. */
    static Tensor abs(Tensor t) {
        float[] v = t.toArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.abs(v[i]);
        }
        return Tensor.of(v, t.shape());
    }

    /**
     * {@code |actual_i - expected_i| <= factor * magnitude_i} element by element: for an op that is a sum of
     * products, {@code magnitude} is the same op on the absolute values of its inputs ({@code sum |a_i| |b_i|}), and
     * the bound is the textbook one of its rounding error, whatever the cancellation within the sum.
     */
    static void assertWithinBound(String what, Tensor expected, Tensor actual, Tensor magnitude, double factor) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shapes");
        assertArrayEquals(expected.shape(), magnitude.shape(), what + ": shape of the magnitudes");
        float[] m = magnitude.toArray();
        double[] tol = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            tol[i] = factor * m[i];
        }
        assertWithin(what, expected.toArray(), actual.toArray(), tol);
    }

    /** {@code |a_i - e_i| <= tol_i} element by element; a NaN on either side fails. */
    static void assertWithin(String what, float[] e, float[] a, double[] tol) {
        if (e.length != a.length || e.length != tol.length) {
            fail(what + ": " + e.length + " expected values, " + a.length + " actual, " + tol.length + " tolerances");
        }
        for (int i = 0; i < e.length; i++) {
            if (!(Math.abs((double) a[i] - e[i]) <= tol[i])) {
                fail(what + ": element " + i + " expected " + e[i] + ", got " + a[i] + " (tolerance " + tol[i] + ")");
            }
        }
    }

    /**
     * {@code |gpu - cpu| <= rtol * max|cpu| + atol} for every element: a tolerance relative to the tensor's
     * scale only, for outputs where values near 0 come from cancellation (e.g. {@code x*scale + shift}), so
     * that their relative error means nothing; NaN must meet NaN and infinities must be equal.
     */
    static void assertCloseToScale(String what, Tensor expected, Tensor actual, double rtol, double atol) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shapes");
        float[] e = expected.toArray();
        float[] a = actual.toArray();
        double tol = rtol * largestFinite(e) + atol;
        for (int i = 0; i < e.length; i++) {
            boolean same = Float.isFinite(e[i]) ? Math.abs(a[i] - e[i]) <= tol
                    : Float.compare(e[i], a[i]) == 0 || Float.isNaN(e[i]) && Float.isNaN(a[i]);
            if (!same) {
                fail(what + ": element " + i + " expected " + e[i] + ", got " + a[i] + " (tolerance " + tol + ")");
            }
        }
    }

    private static double largestFinite(float[] values) {
        double scale = 0;
        for (float v : values) {
            if (Float.isFinite(v)) {
                scale = Math.max(scale, Math.abs(v));
            }
        }
        return scale;
    }

    static void assertClose(String what, float[] e, float[] a, double rtol) {
        if (e.length != a.length) {
            fail(what + ": " + e.length + " expected values, got " + a.length);
        }
        double scale = largestFinite(e);
        for (int i = 0; i < e.length; i++) {
            if (Float.isNaN(e[i]) || Float.isInfinite(e[i])) {
                if (Float.compare(e[i], a[i]) != 0 && !(Float.isNaN(e[i]) && Float.isNaN(a[i]))) {
                    fail(what + ": element " + i + " expected " + e[i] + ", got " + a[i]);
                }
                continue;
            }
            double tol = rtol * Math.max(Math.abs(e[i]), 1e-3 * scale);
            if (!(Math.abs(a[i] - e[i]) <= tol)) {
                fail(what + ": element " + i + " expected " + e[i] + ", got " + a[i] + " (tolerance " + tol + ")");
            }
        }
    }

    /** The same float bits element by element, every NaN one NaN (a GPU's NaN results carry no payload). */
    static void assertSameBits(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + ": lengths");
        for (int i = 0; i < expected.length; i++) {
            int at = i;
            assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(actual[i]),
                    () -> what + ": element " + at + " expected " + expected[at] + ", got " + actual[at]);
        }
    }
}
