package org.transfer4j.cuda.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.transfer4j.cuda.backend.GpuParity.assertSameBits;
import static org.transfer4j.cuda.backend.GpuParity.cpuBackend;
import static org.transfer4j.cuda.backend.GpuParity.cuda;
import static org.transfer4j.cuda.backend.GpuParity.pair;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.transfer4j.backend.BinaryOp;
import org.transfer4j.backend.UnaryOp;
import org.transfer4j.cuda.GpuTest;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * The CUDA backend's {@code addClamped} ({@code add_clamp_f32}: a residual sum and its ReLU in one launch) against the
 * CPU backend's, bit for bit (a float sum and max/min are exact IEEE operations, NaN kept on both), and against the
 * CUDA backend's own composite {@code binary(ADD)} then {@code unary(CLAMP)} bit for bit, as the SPI promises. Sizes
 * odd and over several blocks of 256, with NaN, infinities and sums exactly on the bounds. And {@code addInPlace}, the
 * sum written over its first operand.
 */
@GpuTest
class CudaAddClampGpuTest {

    @ParameterizedTest(name = "n {0}, clamp [{1}, {2}]")
    @CsvSource({"1001, 0, Infinity", "1001, 0, 6", "37, -0.5, 0.5", "100003, 0, Infinity", "1, 0, 6"})
    void oneLaunchIsTheCpusAndTheCudaCompositeBitForBit(int n, float low, float high) {
        String what = "addClamped n " + n + " [" + low + ", " + high + "]";
        float[] a = GpuParity.values(61 + n, -8, 8, n);
        float[] b = GpuParity.values(62 + n, -8, 8, n);
        // NaN, infinities, sums exactly on the bounds 0, 6, -0.5, 0.5, and -0 + +0 = +0
        float[][] pairs = {{Float.NaN, 1f}, {2f, Float.NaN}, {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY},
            {Float.POSITIVE_INFINITY, 1f}, {Float.NEGATIVE_INFINITY, -1f}, {3f, -3f}, {4f, 2f}, {0.25f, -0.75f},
            {0.25f, 0.25f}, {-0f, 0f}};
        for (int k = 0; k < pairs.length && k < n; k++) {
            int i = (int) ((long) k * 9973 % n);
            a[i] = pairs[k][0];
            b[i] = pairs[k][1];
        }
        GpuParity.Pair ta = pair(a, n);
        GpuParity.Pair tb = pair(b, n);
        float[] onGpu = cuda().addClamped(ta.gpu(), tb.gpu(), low, high).toArray();
        assertSameBits(what + " against the CPU", cpuBackend().addClamped(ta.cpu(), tb.cpu(), low, high).toArray(),
                onGpu);
        try (Tensor sum = cuda().binary(BinaryOp.ADD, ta.gpu(), tb.gpu())) {
            assertSameBits(what + " against the CUDA composite", cuda().unary(UnaryOp.CLAMP, sum, low, high).toArray(),
                    onGpu);
        }
    }

    /**
     * {@code addInPlace} ({@code add_f32} written over its first operand: the backward pass's sum of a fork's two
     * gradients) gives {@code binary(ADD)}'s bits on both backends, and leaves the second operand as it was.
     */
    @ParameterizedTest(name = "n {0}")
    @CsvSource({"1001", "100003", "1"})
    void theSumWrittenOverTheFirstOperandIsBinaryAddsBitForBit(int n) {
        float[] a = GpuParity.values(71 + n, -8, 8, n);
        float[] b = GpuParity.values(72 + n, -8, 8, n);
        a[0] = Float.NaN;
        if (n > 2) {
            a[1] = Float.POSITIVE_INFINITY;
            b[1] = Float.NEGATIVE_INFINITY;
            a[2] = -0f;
            b[2] = -0f;
        }
        GpuParity.Pair into = pair(a, n);
        GpuParity.Pair g = pair(b, n);
        float[] want = cuda().binary(BinaryOp.ADD, into.gpu(), g.gpu()).toArray();
        cuda().addInPlace(into.gpu(), g.gpu());
        cpuBackend().addInPlace(into.cpu(), g.cpu());
        assertSameBits("addInPlace n " + n + " against binary ADD", want, into.gpu().toArray());
        assertSameBits("addInPlace n " + n + " against the CPU's", into.cpu().toArray(), into.gpu().toArray());
        assertSameBits("addInPlace n " + n + ": g unchanged", b, g.gpu().toArray());
    }

    @Test
    void aNegativeZeroSumIsClampedAsTheCudaCompositeClampsIt() {
        // -0 + -0 = -0; the sign of max(-0, +0) is PTX max.f32's, which clamp_f32 shares (Java's Math.max gives +0)
        GpuParity.Pair z = pair(new float[] {-0f, -0f, 1f}, 3);
        float[] onGpu = cuda().addClamped(z.gpu(), z.gpu(), 0f, 6f).toArray();
        try (Tensor sum = cuda().binary(BinaryOp.ADD, z.gpu(), z.gpu())) {
            assertSameBits("-0 + -0 against the CUDA composite", cuda().unary(UnaryOp.CLAMP, sum, 0f, 6f).toArray(),
                    onGpu);
        }
        assertEquals(0f, onGpu[0], 0f, "a zero, of either sign");
        assertEquals(2f, onGpu[2], 0f);
    }

    @Test
    void badArgumentsAreNamedAndAnEmptyTensorLaunchesNothing() {
        Tensor a = Tensor.of(GpuParity.gpu(), new float[12], 4, 3);
        ShapeMismatchException shape = assertThrows(ShapeMismatchException.class,
                () -> cuda().addClamped(a, Tensor.of(GpuParity.gpu(), new float[3], 3), 0f, 6f));
        assertTrue(shape.getMessage().contains("addClamped") && shape.getMessage().contains("[4, 3]"), shape.getMessage());
        IllegalArgumentException bounds = assertThrows(IllegalArgumentException.class,
                () -> cuda().addClamped(a, a, 6f, 0f));
        assertTrue(bounds.getMessage().contains("addClamped") && bounds.getMessage().contains("6.0"), bounds.getMessage());
        IllegalArgumentException view = assertThrows(IllegalArgumentException.class,
                () -> cuda().addClamped(a, Tensor.of(GpuParity.gpu(), new float[12], 3, 4).transpose(0, 1), 0f, 6f));
        assertTrue(view.getMessage().contains("contiguous"), view.getMessage());
        Tensor empty = Tensor.zeros(GpuParity.gpu(), 0, 3);
        assertEquals(0, cuda().addClamped(empty, empty, 0f, 6f).numel());
    }
}
