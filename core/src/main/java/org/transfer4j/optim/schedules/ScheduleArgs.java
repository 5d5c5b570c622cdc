package org.transfer4j.optim.schedules;

/** Checks of schedule arguments; messages name the schedule, the argument and the value received. */
final class ScheduleArgs {
    private ScheduleArgs() {
    }

    /** A learning rate: finite and {@code >= 0}. */
    static double rate(String schedule, String argument, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(schedule + ": " + argument + " must be a finite rate >= 0, got " + value);
        }
        return value;
    }

    /** A count of steps that must be at least 1. */
    static long positive(String schedule, String argument, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(schedule + ": " + argument + " must be >= 1, got " + value);
        }
        return value;
    }

    /** A finite factor strictly above 0. */
    static double positiveFactor(String schedule, String argument, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(schedule + ": " + argument + " must be finite and > 0, got " + value);
        }
        return value;
    }

    /** A fraction in {@code [0, 1]}. */
    static double fraction(String schedule, String argument, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(schedule + ": " + argument + " must be in [0, 1], got " + value);
        }
        return value;
    }

    /** Optimizer steps count from 0. */
    static long step(String schedule, long step) {
        if (step < 0) {
            throw new IllegalArgumentException(schedule + ": the step must be >= 0, got " + step);
        }
        return step;
    }
}
