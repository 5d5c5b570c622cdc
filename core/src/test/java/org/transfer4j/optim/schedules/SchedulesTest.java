package org.transfer4j.optim.schedules;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.transfer4j.optim.schedules.ScheduleAsserts.assertRate;

import org.junit.jupiter.api.Test;
import org.transfer4j.optim.LearningRateSchedule;

class SchedulesTest {

    @Test
    void perEpochFeedsTheEpochIndexToTheSchedule() {
        // PyTorch's StepLR(step_size=30, gamma=0.1) stepped per epoch, 100 batches per epoch:
        // batches 0..2999 are epochs 0..29 (0.05), batch 3000 starts epoch 30 (0.005).
        LearningRateSchedule s = Schedules.perEpoch(new StepDecay(0.05, 30, 0.1), 100);
        assertRate(0.05, s.rate(0), "batch 0");
        assertRate(0.05, s.rate(2999), "batch 2999");
        assertRate(0.005, s.rate(3000), "batch 3000");
        assertRate(0.0005, s.rate(6000), "batch 6000");
    }

    @Test
    void perEpochHoldsTheRateWithinAnEpoch() {
        // A smooth exponential decay per epoch: 1 * 0.5^(epoch / 1) changes only every 4 steps.
        LearningRateSchedule s = Schedules.perEpoch(new ExponentialDecay(1.0, 1, 0.5), 4);
        assertArrayEquals(new double[] {1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25}, Schedules.sample(s, 9));
    }

    @Test
    void sampleGivesOneRatePerStep() {
        double[] rates = Schedules.sample(new StepDecay(1.0, 2, 0.5), 5);
        assertArrayEquals(new double[] {1, 1, 0.5, 0.5, 0.25}, rates);
        assertEquals(0, Schedules.sample(new Constant(1), 0).length);
    }

    @Test
    void rejectsNonPositiveStepsPerEpoch() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Schedules.perEpoch(new Constant(1), 0));
        assertEquals("perEpoch: stepsPerEpoch must be >= 1, got 0", e.getMessage());
    }
}
