package org.transfer4j.optim.schedules;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.transfer4j.optim.schedules.ScheduleAsserts.assertRate;

import org.junit.jupiter.api.Test;
import org.transfer4j.nn.Sequential;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.optim.Optimizer;
import org.transfer4j.optim.ParamGroups;
import org.transfer4j.optim.SGD;

/**
 * Expected rates come from src/test/resources/scripts/schedule_reference.py
 * ({@code keras_reduce_lr_on_plateau}, a transcription of Keras 3's {@code ReduceLROnPlateau.on_epoch_end}),
 * and are traced by hand in the comments.
 */
class ReduceOnPlateauScheduleTest {

    @Test
    void reducesAfterPatienceWithCooldownAndFloor() {
        // factor 0.5, patience 2, cooldown 1, min 0.2. Trace (metric -> rate after the epoch):
        // e0 1.0 best | e1 0.9 best | e2 0.9 wait 1 | e3 0.95 wait 2 -> 0.5, cooldown 1
        // e4 cooldown ends (wait 0), 0.9 wait 1 | e5 wait 2 -> 0.25 | e6 wait 1 | e7 0.85 best
        // e8 wait 1 | e9 wait 2 -> max(0.125, 0.2) = 0.2 | e10.. at the floor: no more reductions.
        double[] metrics = {1.0, 0.9, 0.9, 0.95, 0.9, 0.9, 0.9, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85};
        double[] expected = {1.0, 1.0, 1.0, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.2, 0.2, 0.2, 0.2, 0.2};
        ReduceOnPlateau p = new ReduceOnPlateau(1.0).factor(0.5).patience(2).cooldown(1).minRate(0.2);
        for (int i = 0; i < metrics.length; i++) {
            assertRate(expected[i], p.onEpochEnd(metrics[i]), "after epoch " + i);
        }
        assertRate(0.2, p.currentRate(), "current rate");
        assertEquals(0.85, p.best());
        assertEquals(metrics.length, p.epochs());
        assertArrayEquals(metrics, p.metricHistory());
        double[] during = p.rateHistory();
        assertRate(1.0, during[0], "epoch 0 ran at the initial rate");
        for (int i = 1; i < metrics.length; i++) {
            assertRate(expected[i - 1], during[i], "epoch " + i + " ran at the rate set after epoch " + (i - 1));
        }
    }

    @Test
    void maxModeWithMinDeltaAndNaN() {
        // mode max, min_delta 0.01, patience 1, factor 0.1:
        // 0.5 best | 0.6 best | 0.605 < 0.61: no improvement -> 0.01 | 0.62 best | 0.7 best
        // NaN never improves -> 0.001 | 0.7 is not > 0.71 -> 0.0001.
        double[] metrics = {0.5, 0.6, 0.605, 0.62, 0.7, Double.NaN, 0.7};
        double[] expected = {0.1, 0.1, 0.010000000000000002, 0.010000000000000002, 0.010000000000000002,
            0.0010000000000000002, 0.00010000000000000003};
        ReduceOnPlateau p = new ReduceOnPlateau(0.1).mode(ReduceOnPlateau.Mode.forMetric("val_accuracy"))
                .factor(0.1).patience(1).minDelta(0.01);
        for (int i = 0; i < metrics.length; i++) {
            assertRate(expected[i], p.onEpochEnd(metrics[i]), "after epoch " + i);
        }
    }

    @Test
    void autoModeFollowsKerasNaming() {
        assertEquals(ReduceOnPlateau.Mode.MAX, ReduceOnPlateau.Mode.forMetric("val_acc"));
        assertEquals(ReduceOnPlateau.Mode.MIN, ReduceOnPlateau.Mode.forMetric("val_loss"));
    }

    @Test
    void resetForgetsTheBestButKeepsTheRate() {
        ReduceOnPlateau p = new ReduceOnPlateau(1.0).patience(1).factor(0.5);
        p.onEpochEnd(0.1);
        assertRate(0.5, p.onEpochEnd(0.2), "no improvement with patience 1");
        p.reset();
        assertRate(0.5, p.onEpochEnd(0.3), "after reset 0.3 is the new best");
        assertEquals(0.3, p.best());
    }

    @Test
    void rejectsFactorOfOneAndLateConfiguration() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ReduceOnPlateau(0.1).factor(1.0));
        assertEquals("ReduceOnPlateau: factor must be in [0, 1), got 1.0", e.getMessage());
        ReduceOnPlateau p = new ReduceOnPlateau(0.1);
        p.onEpochEnd(1.0);
        assertThrows(IllegalStateException.class, () -> p.patience(3));
    }

    @Test
    void drivesTheBaseRateOfAnOptimizerWithoutSchedule() {
        Optimizer sgd = new SGD(ParamGroups.all(new Sequential(new int[] {2}, new Dense(1))), 0.1);
        ReduceOnPlateau p = new ReduceOnPlateau(0.1).patience(1).factor(0.5);
        p.onEpochEnd(1.0, sgd);
        assertRate(0.1, sgd.baseLearningRate(), "no reduction yet");
        p.onEpochEnd(1.0, sgd);
        assertRate(0.05, sgd.baseLearningRate(), "reduced after one epoch without improvement");
        sgd.setSchedule(new Constant(0.3));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.onEpochEnd(1.0, sgd));
        assertTrue(e.getMessage().contains("setSchedule(null)"), e.getMessage());
        assertArrayEquals(new double[] {1.0, 1.0}, p.metricHistory(), "the refused epoch was not recorded");
    }
}
