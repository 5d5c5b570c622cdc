package org.transfer4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.transfer4j.tensor.Generator;

/** Keras' fan rules and the statistics of each initialiser on a large sample. */
class InitializersTest {

    @Test
    void fansFollowKerasComputeFans() {
        // conv kernel (3,3,16,32): receptive 9, fanIn 16*9 = 144, fanOut 32*9 = 288
        assertEquals(144, Initializers.fans(new int[] {3, 3, 16, 32}, Initializers.Fan.IN));
        assertEquals(288, Initializers.fans(new int[] {3, 3, 16, 32}, Initializers.Fan.OUT));
        assertEquals(216, Initializers.fans(new int[] {3, 3, 16, 32}, Initializers.Fan.AVERAGE));
        assertEquals(100, Initializers.fans(new int[] {100, 10}, Initializers.Fan.IN));
        assertEquals(7, Initializers.fans(new int[] {7}, Initializers.Fan.OUT));
    }

    @Test
    void glorotUniformStaysWithinItsLimitAndHasTheUniformVariance() {
        // limit = sqrt(6 / (fanIn + fanOut)) = sqrt(6 / 600) = 0.1; variance of U(-l, l) = l^2 / 3
        float[] w = Initializers.glorotUniform().create(new int[] {300, 300}, new Generator(1)).toArray();
        double[] stats = meanAndVariance(w);
        for (float v : w) {
            assertTrue(Math.abs(v) <= 0.1f, "value " + v + " beyond the limit");
        }
        assertEquals(0.0, stats[0], 1e-3);
        assertEquals(0.01 / 3, stats[1], 1e-4);
    }

    @Test
    void heNormalIsTruncatedAtTwoStdWithVarianceTwoOverFanIn() {
        // Keras: std = sqrt(2 / fanIn) / 0.8796..., truncated at 2 std, so the drawn variance is 2 / fanIn.
        int fanIn = 3 * 3 * 64;
        float[] w = Initializers.heNormal().create(new int[] {3, 3, 64, 128}, new Generator(2)).toArray();
        double std = Math.sqrt(2.0 / fanIn) / 0.87962566103423978;
        double[] stats = meanAndVariance(w);
        for (float v : w) {
            assertTrue(Math.abs(v) <= 2 * std + 1e-6, "value " + v + " beyond two std");
        }
        assertEquals(2.0 / fanIn, stats[1], 0.03 * 2.0 / fanIn);
    }

    @Test
    void constantsAndNamesMatchKeras() {
        float[] ones = Initializers.byName("ones").create(new int[] {4}, new Generator(3)).toArray();
        assertEquals(4.0, ones[0] + ones[1] + ones[2] + ones[3]);
        assertEquals(0f, Initializers.byName("zeros").create(new int[] {2}, null).toArray()[1]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Initializers.byName("xavier"));
        assertTrue(e.getMessage().contains("xavier") && e.getMessage().contains("glorot_uniform"));
    }

    private static double[] meanAndVariance(float[] w) {
        double sum = 0;
        for (float v : w) {
            sum += v;
        }
        double mean = sum / w.length;
        double sq = 0;
        for (float v : w) {
            sq += (v - mean) * (v - mean);
        }
        return new double[] {mean, sq / w.length};
    }
}
