package org.transfer4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.transfer4j.backend.Backend;
import org.transfer4j.backend.BinaryOp;
import org.transfer4j.backend.FakeDevice;
import org.transfer4j.backend.UnaryOp;
import org.transfer4j.tensor.DeviceMismatchException;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * The CPU backend's one-pass {@code addClamped} (a residual sum and its ReLU) against its definition, the composite
 * {@code binary(ADD)} then {@code unary(CLAMP)} of the same backend, and against the SPI's default: bit for bit
 * (signed zeros told apart, every NaN one NaN), for sizes below one vector, with a scalar tail after the vectors, and
 * over the parallel grain (several chunks), with NaN, infinities, -0 and sums exactly on the bounds.
 */
class CpuAddClampTest {
    private final CpuBackend cpu = CpuBackend.instance();

    @ParameterizedTest(name = "n {0}, clamp [{1}, {2}]")
    @CsvSource({"1, 0, Infinity", "7, 0, 6", "37, 0, Infinity", "37, 0, 6", "1003, -0.5, 0.5", "70001, 0, 6",
        "70001, 0, Infinity", "64, 1.5, 1.5", "19, -Infinity, 0"})
    void onePassIsTheSumThenTheClampBitForBit(int n, float low, float high) {
        Generator gen = new Generator(n * 7L + 3);
        float[] a = Tensor.uniform(gen, -8f, 8f, n).toArray();
        float[] b = Tensor.uniform(gen, -8f, 8f, n).toArray();
        // the special values, spread so that vectors and the tail both meet them: each pair's sum is in the comment
        float[][] pairs = {
            {Float.NaN, 1f},                                   // NaN, which the clamp keeps
            {2f, Float.NaN},                                   // NaN
            {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}, // NaN
            {Float.POSITIVE_INFINITY, 1f},                     // +inf: high, or +inf unclamped
            {Float.NEGATIVE_INFINITY, -1f},                    // -inf: low
            {-0f, -0f},                                        // -0: Math.max(-0, +0) is +0 when low is 0
            {-0f, 0f},                                         // +0
            {3f, -3f},                                         // +0, exactly the bound 0
            {4f, 2f},                                          // 6, exactly the bound 6
            {0.25f, -0.75f},                                   // -0.5, exactly the bound -0.5
            {0.25f, 0.25f},                                    // 0.5
            {1f, 0.5f},                                        // 1.5
            {Math.nextUp(6f), -0f},                            // just above 6
            {Math.nextDown(0f), 0f},                           // just below 0
        };
        for (int k = 0; k < pairs.length && k < n; k++) {
            int i = (int) ((long) k * 9973 % n);
            a[i] = pairs[k][0];
            b[i] = pairs[k][1];
        }
        Tensor ta = Tensor.of(a, n);
        Tensor tb = Tensor.of(b, n);
        float[] composite = cpu.unary(UnaryOp.CLAMP, cpu.binary(BinaryOp.ADD, ta, tb), low, high).toArray();
        assertSameBits(composite, cpu.addClamped(ta, tb, low, high).toArray(), "one pass against the composite");
        assertSameBits(composite, viaDefault().addClamped(ta, tb, low, high).toArray(), "the SPI's default");
        // the inputs read only
        assertSameBits(a, ta.toArray(), "a");
        assertSameBits(b, tb.toArray(), "b");
    }

    @Test
    void handComputedValues() {
        // clamp(a + b, 0, 6): 1 + 2 = 3; -5 + 1 = -4 -> 0; 4 + 4 = 8 -> 6; -0 + -0 = -0 -> max(-0, 0) = +0; NaN stays
        Tensor a = Tensor.of(new float[] {1f, -5f, 4f, -0f, Float.NaN}, 5);
        Tensor b = Tensor.of(new float[] {2f, 1f, 4f, -0f, 1f}, 5);
        assertSameBits(new float[] {3f, 0f, 6f, 0f, Float.NaN}, cpu.addClamped(a, b, 0f, 6f).toArray(), "relu6");
        // with low = -inf the clamp keeps -0 (min(-0, 6) = -0)
        assertSameBits(new float[] {3f, -4f, 6f, -0f, Float.NaN},
                cpu.addClamped(a, b, Float.NEGATIVE_INFINITY, 6f).toArray(), "min only");
    }

    @Test
    void contiguousViewsAtAnOffsetAndOfHigherRank() {
        // rows 1..2 of (4,3,5) tensors: contiguous views whose offsets differ (15 and 30)
        Generator gen = new Generator(11);
        Tensor a = Tensor.uniform(gen, -2f, 2f, 4, 3, 5).slice(0, 1, 3, 1);
        Tensor b = Tensor.uniform(gen, -2f, 2f, 4, 3, 5).slice(0, 2, 4, 1);
        assertTrue(a.isContiguous() && b.isContiguous() && a.offset() != b.offset());
        Tensor y = cpu.addClamped(a, b, 0f, 1f);
        assertEquals(java.util.List.of(2, 3, 5), java.util.Arrays.stream(y.shape()).boxed().toList());
        assertSameBits(cpu.unary(UnaryOp.CLAMP, cpu.binary(BinaryOp.ADD, a, b), 0f, 1f).toArray(), y.toArray(), "views");
    }

    @Test
    void badArgumentsAreNamed() {
        Tensor a = Tensor.zeros(4, 3);
        ShapeMismatchException shape = assertThrows(ShapeMismatchException.class,
                () -> cpu.addClamped(a, Tensor.zeros(3), 0f, 6f));
        assertTrue(shape.getMessage().contains("addClamped") && shape.getMessage().contains("[4, 3]")
                && shape.getMessage().contains("[3]"), shape.getMessage());
        IllegalArgumentException bounds = assertThrows(IllegalArgumentException.class,
                () -> cpu.addClamped(a, a, 6f, 0f));
        assertTrue(bounds.getMessage().contains("addClamped") && bounds.getMessage().contains("6.0"),
                bounds.getMessage());
        assertThrows(IllegalArgumentException.class, () -> cpu.addClamped(a, a, Float.NaN, 6f));
        assertThrows(IllegalArgumentException.class, () -> viaDefault().addClamped(a, a, 0f, Float.NaN));
        Tensor transposed = Tensor.zeros(3, 4).transpose(0, 1);
        IllegalArgumentException view = assertThrows(IllegalArgumentException.class,
                () -> cpu.addClamped(a, transposed, 0f, 6f));
        assertTrue(view.getMessage().contains("contiguous") && view.getMessage().contains("b"), view.getMessage());
    }

    @Test
    void theFakeDeviceForwardsToTheCpuAndRefusesCpuTensors() {
        FakeDevice device = FakeDevice.create(2);
        Tensor a = Tensor.of(new float[] {1f, -5f, 4f}, 3);
        Tensor b = Tensor.of(new float[] {2f, 1f, 4f}, 3);
        Tensor da = a.to(device.device());
        Tensor db = b.to(device.device());
        device.recordAllocations();
        Tensor y = device.addClamped(da, db, 0f, 6f);
        // the one pass makes y alone: the composite would make the sum, then y, then free the sum
        assertEquals(1, device.allocations().size(), "storages made and freed");
        assertEquals(3 * Float.BYTES, device.allocations().getFirst()[1], "y's bytes");
        assertSameBits(new float[] {3f, 0f, 6f}, y.toArray(), "fake device");
        DeviceMismatchException mixed = assertThrows(DeviceMismatchException.class,
                () -> device.addClamped(a, b.to(device.device()), 0f, 6f));
        assertTrue(mixed.getMessage().contains("addClamped"), mixed.getMessage());
    }

    /** The same float bits element by element, every NaN one NaN; -0 is not +0. */
    private static void assertSameBits(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": lengths");
        for (int i = 0; i < expected.length; i++) {
            int at = i;
            assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(actual[i]),
                    () -> what + ": element " + at + " expected " + expected[at] + ", got " + actual[at]);
        }
    }

    private static Backend viaDefault() {
        return SpiDefault.cpuWithDefault("addClamped");
    }
}
