package org.transfer4j.optim.schedules;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.transfer4j.optim.schedules.ScheduleAsserts.assertRate;

import org.junit.jupiter.api.Test;

/**
 * Expected values come from src/test/resources/scripts/schedule_reference.py ({@code torch_one_cycle}, a
 * transcription of PyTorch's {@code OneCycleLR.get_lr} with its phase table).
 */
class OneCycleScheduleTest {

    @Test
    void followsPyTorchOneCycleWithDefaults() {
        // OneCycleLR(max_lr=0.1, total_steps=100): initial 0.1/25 = 0.004, peak at step 0.3*100-1 = 29,
        // final 0.004/1e4 = 4e-7 at step 99.
        OneCycle s = OneCycle.of(0.1, 100);
        assertRate(0.0040000000000000036, s.rate(0), "step 0");
        assertRate(0.029516394846410082, s.rate(10), "step 10");
        assertRate(0.1, s.rate(29), "step 29: the peak");
        assertRate(0.09994965352845243, s.rate(30), "step 30");
        assertRate(0.0793893450575732, s.rate(50), "step 50");
        assertRate(4e-07, s.rate(99), "step 99: the end");
        assertRate(4e-07, s.rate(150), "past the cycle the rate stays at the end");
    }

    @Test
    void momentumCyclesInverselyToTheRate() {
        OneCycle s = OneCycle.of(0.1, 100);
        assertRate(0.95, s.momentum(0), "step 0");
        assertRate(0.9234204220349895, s.momentum(10), "step 10");
        assertRate(0.85, s.momentum(29), "step 29");
        assertRate(0.8500503466729342, s.momentum(30), "step 30");
        assertRate(0.8706107373853763, s.momentum(50), "step 50");
        assertRate(0.95, s.momentum(99), "step 99");
    }

    @Test
    void customPhasesAndDivisors() {
        // OneCycleLR(max_lr=1.0, total_steps=10, pct_start=0.25, div_factor=10, final_div_factor=100):
        // the peak is at the fractional step 1.5, so no step hits 1.0 exactly.
        double[] expected = {0.09999999999999998, 0.7749999999999999, 0.9890847265665359, 0.9046039886902862,
            0.75025, 0.552711967402193, 0.3461460113097138, 0.16626926212375048, 0.044184043907520815, 0.001};
        OneCycle s = OneCycle.of(1.0, 10).pctStart(0.25).divFactor(10).finalDivFactor(100);
        double[] sampled = Schedules.sample(s, 10);
        for (int i = 0; i < 10; i++) {
            assertRate(expected[i], sampled[i], "step " + i);
        }
        assertRate(0.1, s.initialRate(), "initial = max / divFactor");
        assertRate(0.001, s.finalRate(), "final = initial / finalDivFactor");
    }

    @Test
    void rejectsCyclesWithAnEmptyPhase() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OneCycle.of(0.1, 3).pctStart(0.3));
        assertTrue(e.getMessage().contains("totalSteps=3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OneCycle.of(0.1, 100).pctStart(1.0));
        assertTrue(e.getMessage().contains("pctStart=1.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OneCycle.of(0.1, 100).divFactor(0));
        assertTrue(e.getMessage().contains("divFactor"), e.getMessage());
    }
}
