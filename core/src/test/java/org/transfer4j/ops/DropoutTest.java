package org.transfer4j.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
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

    @Test
    void dropoutRejectsRatesOutsideZeroToOne() {
        Tensor x = Tensor.ones(4);
        for (float rate : new float[] {-0.1f, 1f, 1.5f, Float.NaN}) {
            var e = assertThrows(IllegalArgumentException.class, () -> Dropout.dropout(x, rate, new Generator(1), true));
            assertTrue(e.getMessage().contains("dropout") && e.getMessage().contains(String.valueOf(rate)), e.getMessage());
        }
    }
}
