package org.transfer4j.optim.schedules;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.transfer4j.optim.schedules.ScheduleAsserts.assertRate;

import org.junit.jupiter.api.Test;

/**
 * Expected values come from src/test/resources/scripts/schedule_reference.py ({@code keras_cosine_decay},
 * a transcription of Keras 3's {@code CosineDecay.__call__}), and some by hand as noted.
 */
class CosineDecayScheduleTest {

    @Test
    void decaysFromInitialRateToZeroWithoutWarmup() {
        // Keras docs "Example usage without warmup": decay_steps = 1000, initial_learning_rate = 0.1.
        CosineDecay s = CosineDecay.of(0.1, 1000);
        assertRate(0.1, s.rate(0), "step 0");
        assertRate(0.08535533905932738, s.rate(250), "step 250: 0.1 * 0.5 * (1 + cos(pi/4))");
        assertRate(0.05, s.rate(500), "step 500: half way");
        assertRate(0.0, s.rate(1000), "step 1000");
        assertRate(0.0, s.rate(5000), "after decay_steps the rate stays at the end");
    }

    @Test
    void alphaIsTheFinalFractionOfTheStartingRate() {
        CosineDecay s = CosineDecay.of(0.1, 1000).alpha(0.1);
        assertRate(0.1, s.rate(0), "step 0");
        assertRate(0.08681980515339464, s.rate(250), "step 250");
        assertRate(0.010000000000000002, s.rate(1000), "end: alpha * 0.1");
    }

    @Test
    void warmsUpLinearlyThenDecaysAsKerasExample() {
        // Keras docs "Example usage with warmup": decay_steps = 1000, initial_learning_rate = 0,
        // warmup_steps = 1000, target_learning_rate = 0.1.
        CosineDecay s = CosineDecay.of(0.0, 1000).warmup(0.1, 1000);
        assertRate(0.0, s.rate(0), "step 0");
        assertRate(0.025, s.rate(250), "step 250: a quarter of the way up");
        assertRate(0.0999, s.rate(999), "step 999");
        assertRate(0.1, s.rate(1000), "step 1000: the peak");
        assertRate(0.08535533905932738, s.rate(1250), "step 1250");
        assertRate(0.05, s.rate(1500), "step 1500");
        assertRate(0.0, s.rate(2000), "step 2000");
        assertRate(0.0, s.rate(3000), "clamped after warmup + decay");
    }

    @Test
    void warmupFromNonZeroRateWithAlpha() {
        // initial 0.01 -> 0.05 over 10 steps, then cosine to 0.2 * 0.05 = 0.01 over 100 steps.
        // By hand: step 5 = 0.01 + 0.04 * 5/10 = 0.03; step 35 = 0.05 * (0.8 * 0.5 * (1 + cos(pi/4)) + 0.2).
        CosineDecay s = CosineDecay.of(0.01, 100).alpha(0.2).warmup(0.05, 10);
        assertRate(0.01, s.rate(0), "step 0");
        assertRate(0.03, s.rate(5), "step 5");
        assertRate(0.05, s.rate(10), "step 10");
        assertRate(0.044142135623730955, s.rate(35), "step 35");
        assertRate(0.010000000000000002, s.rate(110), "step 110");
        assertRate(0.010000000000000002, s.rate(200), "step 200");
    }

    @Test
    void rejectsBadArguments() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CosineDecay.of(0.1, 0));
        assertTrue(e.getMessage().contains("decaySteps"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CosineDecay.of(0.1, 10).alpha(1.5));
        assertTrue(e.getMessage().contains("1.5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CosineDecay.of(0.1, 10).warmup(0.2, -1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
    }
}
