package org.transfer4j.optim.schedules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.transfer4j.optim.schedules.ScheduleAsserts.assertRate;

import org.junit.jupiter.api.Test;

class StepAndExponentialScheduleTest {

    @Test
    void constantGivesItsValueAtEveryStep() {
        Constant c = new Constant(3e-4);
        assertEquals(3e-4, c.rate(0));
        assertEquals(3e-4, c.rate(1_000_000));
    }

    @Test
    void stepDecayFollowsPyTorchStepLrExample() {
        // PyTorch StepLR docs: "Assuming optimizer uses lr = 0.05 for all groups
        // lr = 0.05 if epoch < 30; lr = 0.005 if 30 <= epoch < 60; lr = 0.0005 if 60 <= epoch < 90"
        // for StepLR(optimizer, step_size=30, gamma=0.1).
        StepDecay s = new StepDecay(0.05, 30, 0.1);
        assertRate(0.05, s.rate(0), "epoch 0");
        assertRate(0.05, s.rate(29), "epoch 29");
        assertRate(0.005, s.rate(30), "epoch 30");
        assertRate(0.005, s.rate(59), "epoch 59");
        assertRate(0.0005, s.rate(60), "epoch 60");
        assertRate(0.0005, s.rate(89), "epoch 89");
        assertEquals(new StepDecay(0.05, 30, 0.1), new StepDecay(0.05, 30), "PyTorch's default gamma is 0.1");
    }

    @Test
    void stepDecayWithGammaHalfHalvesEveryPeriod() {
        // rate * gamma^floor(step / stepSize) by hand: 1 * 0.5^floor(7/3) = 0.25
        assertRate(0.25, new StepDecay(1.0, 3, 0.5).rate(7), "step 7");
    }

    @Test
    void exponentialDecayStaircaseFollowsKerasExample() {
        // Keras ExponentialDecay docs: initial 0.1, decay_steps=100000, decay_rate=0.96, staircase=True,
        // "decay every 100000 steps with a base of 0.96". Values from
        // src/test/resources/scripts/schedule_reference.py (keras_exponential_decay).
        ExponentialDecay s = new ExponentialDecay(0.1, 100_000, 0.96, true);
        assertRate(0.1, s.rate(0), "step 0");
        assertRate(0.1, s.rate(99_999), "step 99999");
        assertRate(0.096, s.rate(100_000), "step 100000");
        assertRate(0.09216, s.rate(250_000), "step 250000: 0.1 * 0.96^2");
    }

    @Test
    void exponentialDecaySmoothUsesFractionalExponent() {
        // initial * decay_rate ^ (step / decay_steps): 0.1 * 0.96^0.5 and 0.1 * 0.96^2.5
        // (schedule_reference.py: 0.09797958971132713 and 0.09029798987795908).
        ExponentialDecay s = new ExponentialDecay(0.1, 100_000, 0.96);
        assertRate(0.09797958971132713, s.rate(50_000), "step 50000");
        assertRate(0.09029798987795908, s.rate(250_000), "step 250000");
        assertTrue(s.rate(1) < s.rate(0), "the smooth decay moves at every step");
    }

    @Test
    void invalidArgumentsAreRejectedWithTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new StepDecay(0.1, 0, 0.1));
        assertTrue(e.getMessage().contains("stepSize") && e.getMessage().contains("0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ExponentialDecay(-1, 10, 0.9));
        assertTrue(e.getMessage().contains("-1.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Constant(Double.NaN));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new StepDecay(0.1, 5).rate(-3));
        assertTrue(e.getMessage().contains("-3"), e.getMessage());
    }
}
