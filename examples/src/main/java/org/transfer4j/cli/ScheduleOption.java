package org.transfer4j.cli;

import java.util.Locale;
import org.transfer4j.optim.LearningRateSchedule;
import org.transfer4j.optim.schedules.Constant;
import org.transfer4j.optim.schedules.CosineDecay;
import org.transfer4j.optim.schedules.ExponentialDecay;
import org.transfer4j.optim.schedules.OneCycle;
import org.transfer4j.optim.schedules.StepDecay;

/**
 * {@code train --schedule}: how the rate of a phase moves over its steps, from its starting rate.
 * <pre>
 *   constant                  the rate throughout
 *   step:EPOCHS:FACTOR        times FACTOR every EPOCHS epochs (e.g. step:3:0.1)
 *   exp:STEPS:RATE            rate * RATE^(step / STEPS), Keras' ExponentialDecay (e.g. exp:100:0.9)
 *   cosine:WARMUP             linear warm-up over WARMUP epochs (0: none), then cosine decay to 0 (default cosine:0)
 *   onecycle                  fastai's one-cycle: warm up to the rate over 25% of the steps, then anneal
 * </pre>
 */
record ScheduleOption(String kind, double a, double b) {

    static ScheduleOption parse(String text) {
        String[] parts = text.toLowerCase(Locale.ROOT).split(":");
        try {
            return switch (parts[0]) {
                case "constant", "onecycle" -> {
                    expectParts(text, parts, 1);
                    yield new ScheduleOption(parts[0], 0, 0);
                }
                case "step", "exp" -> {
                    expectParts(text, parts, 3);
                    double a = Double.parseDouble(parts[1]);
                    double b = Double.parseDouble(parts[2]);
                    if (!(a >= 1) || !(b > 0 && b <= 1)) {
                        throw new IllegalArgumentException("'" + text + "': the period must be >= 1 and the factor in (0, 1]");
                    }
                    yield new ScheduleOption(parts[0], a, b);
                }
                case "cosine" -> {
                    double warmup = parts.length == 1 ? 0 : Double.parseDouble(parts[1]);
                    expectParts(text, parts, parts.length == 1 ? 1 : 2);
                    if (!(warmup >= 0)) {
                        throw new IllegalArgumentException("'" + text + "': the warm-up epochs must be >= 0");
                    }
                    yield new ScheduleOption("cosine", warmup, 0);
                }
                default -> throw new IllegalArgumentException("'" + text + "' is not a schedule; use constant, "
                        + "step:EPOCHS:FACTOR, exp:STEPS:RATE, cosine:WARMUP or onecycle");
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "': " + e.getMessage(), e);
        }
    }

    private static void expectParts(String text, String[] parts, int n) {
        if (parts.length != n) {
            throw new IllegalArgumentException("'" + text + "' needs " + (n - 1) + " number(s) after the name");
        }
    }

    /** The schedule of a phase of {@code epochs} epochs of {@code stepsPerEpoch} steps, starting at {@code rate}. */
    LearningRateSchedule schedule(double rate, int epochs, int stepsPerEpoch) {
        long total = (long) epochs * stepsPerEpoch;
        return switch (kind) {
            case "constant" -> new Constant(rate);
            case "step" -> new StepDecay(rate, Math.round(a * stepsPerEpoch), b);
            case "exp" -> new ExponentialDecay(rate, (long) a, b);
            case "onecycle" -> OneCycle.of(rate, total);
            default -> {
                long warm = Math.round(a * stepsPerEpoch);
                yield warm == 0 ? CosineDecay.of(rate, total)
                        : CosineDecay.of(rate / 100, Math.max(1, total - warm)).warmup(rate, warm);
            }
        };
    }

    @Override
    public String toString() {
        return switch (kind) {
            case "step", "exp" -> kind + ":" + fmt(a) + ":" + fmt(b);
            case "cosine" -> "cosine:" + fmt(a);
            default -> kind;
        };
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
