package org.transfer4j.nn;

import java.util.Locale;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Shape;
import org.transfer4j.tensor.Tensor;

/**
 * Keras' weight initialisers, with Keras' fan rules ({@code compute_fans}): a rank-2 weight
 * {@code (in, out)} has {@code fanIn = in, fanOut = out}; a kernel {@code (KH,KW,IN,OUT)} multiplies
 * both by the receptive field {@code KH*KW}; a rank-1 weight has {@code fanIn = fanOut = size}.
 *
 * <p>The variance-scaling family draws with {@code std = sqrt(scale / n)} where n is the fan-in, the
 * fan-out or their mean: {@code glorot_uniform} (scale 1, mean of fans, uniform), {@code he_normal}
 * (scale 2, fan-in, truncated normal), and so on. "Truncated" redraws values beyond two standard
 * deviations and divides the std by 0.8796..., the std of a unit normal truncated that way, as Keras does.
 */
public final class Initializers {
    /** Standard deviation of a unit normal truncated to [-2, 2]. */
    private static final double TRUNCATED_STD = 0.87962566103423978;

    private Initializers() {
    }

    public enum Fan { IN, OUT, AVERAGE }

    public enum Distribution { TRUNCATED_NORMAL, NORMAL, UNIFORM }

    public static Initializer zeros() {
        return (shape, gen) -> Tensor.zeros(shape);
    }

    public static Initializer ones() {
        return constant(1f);
    }

    public static Initializer constant(float value) {
        return (shape, gen) -> Tensor.full(value, shape);
    }

    public static Initializer glorotUniform() {
        return varianceScaling(1.0, Fan.AVERAGE, Distribution.UNIFORM);
    }

    public static Initializer glorotNormal() {
        return varianceScaling(1.0, Fan.AVERAGE, Distribution.TRUNCATED_NORMAL);
    }

    public static Initializer heNormal() {
        return varianceScaling(2.0, Fan.IN, Distribution.TRUNCATED_NORMAL);
    }

    public static Initializer heUniform() {
        return varianceScaling(2.0, Fan.IN, Distribution.UNIFORM);
    }

    public static Initializer lecunNormal() {
        return varianceScaling(1.0, Fan.IN, Distribution.TRUNCATED_NORMAL);
    }

    /** Keras' {@code RandomNormal(mean, stddev)}. */
    public static Initializer randomNormal(float mean, float std) {
        return (shape, gen) -> Tensor.normal(gen, mean, std, shape);
    }

    /** Keras' {@code RandomUniform(minval, maxval)}. */
    public static Initializer randomUniform(float low, float high) {
        return (shape, gen) -> Tensor.uniform(gen, low, high, shape);
    }

    /** Keras' {@code VarianceScaling(scale, mode, distribution)}. */
    public static Initializer varianceScaling(double scale, Fan fan, Distribution distribution) {
        return (shape, gen) -> {
            double n = Math.max(1.0, fans(shape, fan));
            return switch (distribution) {
                case UNIFORM -> {
                    float limit = (float) Math.sqrt(3.0 * scale / n);
                    yield Tensor.uniform(gen, -limit, limit, shape);
                }
                case NORMAL -> Tensor.normal(gen, 0f, (float) Math.sqrt(scale / n), shape);
                case TRUNCATED_NORMAL -> truncatedNormal(gen, Math.sqrt(scale / n) / TRUNCATED_STD, shape);
            };
        };
    }

    /** The initialiser Keras names so ({@code "glorot_uniform"}, {@code "he_normal"}, {@code "zeros"}, ...). */
    public static Initializer byName(String kerasName) {
        return switch (kerasName.toLowerCase(Locale.ROOT)) {
            case "zeros" -> zeros();
            case "ones" -> ones();
            case "glorot_uniform" -> glorotUniform();
            case "glorot_normal" -> glorotNormal();
            case "he_normal" -> heNormal();
            case "he_uniform" -> heUniform();
            case "lecun_normal" -> lecunNormal();
            case "random_normal" -> randomNormal(0f, 0.05f);
            case "random_uniform" -> randomUniform(-0.05f, 0.05f);
            default -> throw new IllegalArgumentException("unknown initializer '" + kerasName + "'; known: zeros, ones, "
                    + "glorot_uniform, glorot_normal, he_normal, he_uniform, lecun_normal, random_normal, random_uniform");
        };
    }

    /** Keras' {@code compute_fans}, reduced to the one the mode asks for. */
    static double fans(int[] shape, Fan fan) {
        double fanIn;
        double fanOut;
        if (shape.length == 0) {
            fanIn = fanOut = 1;
        } else if (shape.length == 1) {
            fanIn = fanOut = shape[0];
        } else {
            double receptive = 1;
            for (int i = 0; i < shape.length - 2; i++) {
                receptive *= shape[i];
            }
            fanIn = shape[shape.length - 2] * receptive;
            fanOut = shape[shape.length - 1] * receptive;
        }
        return switch (fan) {
            case IN -> fanIn;
            case OUT -> fanOut;
            case AVERAGE -> (fanIn + fanOut) / 2;
        };
    }

    /** Normal samples with this std, each redrawn (from fresh counters) until it lies within two std. */
    private static Tensor truncatedNormal(Generator gen, double std, int[] shape) {
        int n = (int) Shape.numel(shape);
        float[] values = new float[n];
        long first = gen.reserve(2L * n);
        for (int i = 0; i < n; i++) {
            float z = Generator.normal(gen.seed(), first + 2L * i);
            while (Math.abs(z) > 2f) {
                z = Generator.normal(gen.seed(), gen.reserve(2));
            }
            values[i] = (float) (z * std);
        }
        return Tensor.of(values, shape);
    }
}
