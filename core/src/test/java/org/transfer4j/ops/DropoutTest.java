package org.transfer4j.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.transfer4j.backend.BinaryOp;
import org.transfer4j.backend.FakeDevice;
import org.transfer4j.tensor.Device;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

class DropoutTest {
    private static final int LARGE = 1 << 20;

    @Test
    void sameSeedGivesTheSameMask() {
        Tensor x = Tensor.ones(1000);
        float[] a = Dropout.dropout(x, 0.5f, new Generator(42), true).toArray();
        float[] b = Dropout.dropout(x, 0.5f, new Generator(42), true).toArray();
        float[] c = Dropout.dropout(x, 0.5f, new Generator(43), true).toArray();
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c), "another seed should give another mask");
    }

    @Test
    void successiveCallsOnOneGeneratorDrawNewMasks() {
        Generator gen = new Generator(7);
        float[] first = Dropout.dropout(Tensor.ones(1000), 0.5f, gen, true).toArray();
        float[] second = Dropout.dropout(Tensor.ones(1000), 0.5f, gen, true).toArray();
        assertFalse(Arrays.equals(first, second));
    }

    @Test
    void keptValuesAreScaledAndTheRestAreZero() {
        Tensor x = OpCheck.awayFromZero(3, 500);
        float[] in = x.toArray();
        float[] out = Dropout.dropout(x, 0.25f, new Generator(5), true).toArray();
        for (int i = 0; i < in.length; i++) {
            assertTrue(out[i] == 0f || Math.abs(out[i] - in[i] / 0.75f) <= 1e-6f * Math.abs(in[i]) * 2,
                    "element " + i + ": " + in[i] + " -> " + out[i]);
        }
    }

    @Test
    void fractionKeptIsCloseToOneMinusRate() {
        // Binomial(n, 0.7): standard deviation of the fraction is sqrt(0.21 / n) ~ 4.5e-4; allow 10 of them.
        float[] y = Dropout.dropout(Tensor.ones(LARGE), 0.3f, new Generator(11), true).toArray();
        long kept = 0;
        for (float v : y) {
            kept += v != 0f ? 1 : 0;
        }
        assertEquals(0.7, (double) kept / LARGE, 4.5e-3);
    }

    @Test
    void expectedValueIsPreserved() {
        Tensor x = Tensor.full(2f, LARGE);
        // Mean of 2 * Bernoulli(0.4) / 0.4 over 2^20 elements: standard deviation 2 * sqrt(0.6/0.4 / n) ~ 2.4e-3.
        float mean = Dropout.dropout(x, 0.6f, new Generator(12), true).mean().item();
        assertEquals(2.0, mean, 0.025);
    }

    @Test
    void dropoutIsTheIdentityInInferenceAndAtRateZero() {
        Tensor x = OpCheck.randn(4, 3, 7);
        assertSame(x, Dropout.dropout(x, 0.5f, new Generator(1), false));
        assertSame(x, Dropout.dropout(x, 0f, new Generator(1), true));
    }

    @Test
    void gradientIsTheSameMaskForAFixedSeed() {
        OpCheck.gradcheck("dropout", t -> Dropout.dropout(t[0], 0.4f, new Generator(99), true), OpCheck.randn(6, 4, 5, 3));
    }

    /**
     * The dropout of before the fused op, kept here as the reference: {@code u = uniform[0, 1)},
     * {@code mask = affine(u >= rate; 1 / (1 - rate), 0)}, {@code y = x * mask}; its backward was the multiply's,
     * {@code dx = dy * mask}.
     */
    private static Tensor compositeDropout(Tensor x, float rate, Generator gen) {
        Tensor u = Tensor.zeros(x.device(), x.shape());
        x.backend().randomUniform(u, gen.seed(), gen.reserve(u.numel()), 0f, 1f);
        Tensor r = Tensor.zeros(x.device());
        x.backend().fill(r, rate);
        Tensor mask = Unary.affine(Arithmetic.compare(BinaryOp.GE, u, r), 1f / (1f - rate), 0f);
        return Arithmetic.mul(x, mask);
    }

    private static void assertSameBits(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError(what + ": element " + i + " is " + actual[i] + ", the composite gave "
                        + expected[i]);
            }
        }
    }

    @Test
    void theFusedOpGivesTheCompositesValuesAndGradientsBitForBit() {
        FakeDevice fake = FakeDevice.create(5);
        float[] special = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.MIN_VALUE,
            -3.4e38f, 1e-30f};
        for (Device device : new Device[] {Device.cpu(), fake.device()}) {
            for (float rate : new float[] {0.2f, 0.5f, 0.9f, 0.013f}) {
                for (int[] shape : new int[][] {{64, 1280}, {3, 5, 7}, {1}, {8}}) {
                    float[] v = OpCheck.randn(3, shape).toArray();
                    for (int i = 0; i < Math.min(v.length, special.length); i++) {
                        v[(i * 7) % v.length] = special[i];
                    }
                    Tensor x1 = Tensor.of(device, v, shape).requiresGrad(true);
                    Tensor x2 = Tensor.of(device, v, shape).requiresGrad(true);
                    Generator g1 = new Generator(31);
                    Generator g2 = new Generator(31);
                    g1.reserve(5);
                    g2.reserve(5);
                    Tensor expected = compositeDropout(x1, rate, g1);
                    Tensor actual = Dropout.dropout(x2, rate, g2, true);
                    String what = device + ", rate " + rate + ", shape " + Arrays.toString(shape);
                    assertSameBits(expected.toArray(), actual.toArray(), what + ", forward");
                    assertEquals(g1.counter(), g2.counter(), what + ": the generator advances by numel");
                    Tensor dy = Tensor.of(device, OpCheck.randn(4, shape).toArray(), shape);
                    expected.backward(dy);
                    actual.backward(dy);
                    assertSameBits(x1.grad().toArray(), x2.grad().toArray(), what + ", backward");
                }
            }
        }
    }

    @Test
    void aStridedInputDrawsItsMaskInRowMajorOrder() {
        // x^T (5,4) of a (4,5) tensor: the element at row-major position i of the view takes counter + i, as the
        // composite's mask of the view's shape did.
        Tensor base = OpCheck.randn(2, 4, 5);
        Tensor view = base.transpose(0, 1);
        float[] expected = compositeDropout(view.contiguous(), 0.3f, new Generator(8)).toArray();
        assertSameBits(expected, Dropout.dropout(view, 0.3f, new Generator(8), true).toArray(), "transposed");
    }

    @Test
    void dropoutRejectsRatesOutsideZeroToOne() {
        Tensor x = Tensor.ones(4);
        for (float rate : new float[] {-0.1f, 1f, 1.5f, Float.NaN}) {
            var e = assertThrows(IllegalArgumentException.class, () -> Dropout.dropout(x, rate, new Generator(1), true));
            assertTrue(e.getMessage().contains("dropout") && e.getMessage().contains(String.valueOf(rate)), e.getMessage());
        }
    }
}
