package org.transfer4j.optim.schedules;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Assertions on learning rates: equal to 1e-12 relative (the references are double-precision Python). */
final class ScheduleAsserts {
    private ScheduleAsserts() {
    }

    static void assertRate(double expected, double actual, String what) {
        assertTrue(Math.abs(expected - actual) <= 1e-12 * Math.abs(expected) + 1e-18,
                () -> what + ": expected " + expected + ", got " + actual);
    }
}
