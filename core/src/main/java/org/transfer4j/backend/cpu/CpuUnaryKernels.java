package org.transfer4j.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.transfer4j.backend.UnaryOp;

/**
 * Inner loops of the unary functions {@code f} and their derivatives {@code f'}, over one strided row.
 * The cheap, memory-bound functions (clamp = ReLU/ReLU6, affine, negate) have a Vector API path for
 * unit stride: C2 does not vectorise the nested {@code min(max(..))} loop, which ran at a quarter of
 * copy bandwidth (ReluBenchmark).
 */
final class CpuUnaryKernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final double TWO_OVER_SQRT_PI = 2.0 / Math.sqrt(Math.PI);

    private CpuUnaryKernels() {
    }

    /** {@code y[iy + i] = f(x[ix + i*sx])} for {@code i < n}. */
    static void forward(UnaryOp op, float alpha, float beta, float[] x, int ix, int sx, float[] y, int iy, int n) {
        if (sx == 1 && (op == UnaryOp.CLAMP || op == UnaryOp.AFFINE || op == UnaryOp.NEG)) {
            forwardUnitStride(op, alpha, beta, x, ix, y, iy, n);
            return;
        }
        switch (op) {
            case CLAMP -> {
                for (int i = 0; i < n; i++) {
                    y[iy + i] = Math.min(Math.max(x[ix + i * sx], alpha), beta);
                }
            }
            case AFFINE -> {
                for (int i = 0; i < n; i++) {
                    y[iy + i] = alpha * x[ix + i * sx] + beta;
                }
            }
            case NEG -> {
                for (int i = 0; i < n; i++) {
                    y[iy + i] = -x[ix + i * sx];
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    y[iy + i] = apply(op, alpha, x[ix + i * sx]);
                }
            }
        }
    }

    /** Vectorised clamp / affine / negate over contiguous x; the tail runs scalar. */
    private static void forwardUnitStride(UnaryOp op, float alpha, float beta, float[] x, int ix, float[] y, int iy,
                                          int n) {
        int i = 0;
        int bound = F.loopBound(n);
        switch (op) {
            case CLAMP -> {
                for (; i < bound; i += F.length()) {
                    FloatVector.fromArray(F, x, ix + i).max(alpha).min(beta).intoArray(y, iy + i);
                }
                for (; i < n; i++) {
                    y[iy + i] = Math.min(Math.max(x[ix + i], alpha), beta);
                }
            }
            case AFFINE -> {
                for (; i < bound; i += F.length()) {
                    FloatVector.fromArray(F, x, ix + i).mul(alpha).add(beta).intoArray(y, iy + i); // two roundings, as the tail
                }
                for (; i < n; i++) {
                    y[iy + i] = alpha * x[ix + i] + beta;
                }
            }
            case NEG -> {
                for (; i < bound; i += F.length()) {
                    FloatVector.fromArray(F, x, ix + i).lanewise(VectorOperators.NEG).intoArray(y, iy + i);
                }
                for (; i < n; i++) {
                    y[iy + i] = -x[ix + i];
                }
            }
            default -> throw new IllegalStateException(op + " has no vector path");
        }
    }

    /** {@code dx[id + i] = dy[ig + i*sg] * f'(x[ix + i*sx])}. */
    static void backward(UnaryOp op, float alpha, float beta, float[] x, int ix, int sx, float[] dy, int ig, int sg,
                         float[] dx, int id, int n) {
        if (op == UnaryOp.CLAMP && sx == 1 && sg == 1) {
            clampBackwardUnitStride(alpha, beta, x, ix, dy, ig, dx, id, n);
            return;
        }
        if (op == UnaryOp.CLAMP) { // a select, as the unit-stride path: dy where alpha < x < beta, else +0
            for (int i = 0; i < n; i++) {
                float v = x[ix + i * sx];
                dx[id + i] = v > alpha && v < beta ? dy[ig + i * sg] : 0f;
            }
            return;
        }
        for (int i = 0; i < n; i++) {
            dx[id + i] = dy[ig + i * sg] * derivative(op, alpha, beta, x[ix + i * sx]);
        }
    }

    /**
     * ReLU's backward: dy where alpha < x < beta, else 0 (the bounds themselves get 0, as in derivative()). A select,
     * not {@code dy * derivative}: where the clamp is flat an infinite or NaN dy gives +0, as PyTorch's
     * {@code threshold_backward} (and the CUDA kernels) do.
     */
    private static void clampBackwardUnitStride(float alpha, float beta, float[] x, int ix, float[] dy, int ig,
                                                float[] dx, int id, int n) {
        int i = 0;
        int bound = F.loopBound(n);
        FloatVector zero = FloatVector.zero(F);
        for (; i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, ix + i);
            var inside = v.compare(VectorOperators.GT, alpha).and(v.compare(VectorOperators.LT, beta));
            zero.blend(FloatVector.fromArray(F, dy, ig + i), inside).intoArray(dx, id + i);
        }
        for (; i < n; i++) {
            float v = x[ix + i];
            dx[id + i] = v > alpha && v < beta ? dy[ig + i] : 0f;
        }
    }

    static float apply(UnaryOp op, float alpha, float v) {
        return switch (op) {
            case NEG -> -v;
            case EXP -> (float) Math.exp(v);
            case LOG -> (float) Math.log(v);
            case SQRT -> (float) Math.sqrt(v);
            case ABS -> Math.abs(v);
            case ERF -> (float) erf(v);
            case TANH -> (float) Math.tanh(v);
            case SIGMOID -> sigmoid(v);
            case LEAKY_RELU -> v > 0 ? v : alpha * v;
            case POW_SCALAR -> alpha == 2f ? v * v : (float) Math.pow(v, alpha);
            case CLAMP, AFFINE -> throw new IllegalStateException(op + " is handled in forward()");
        };
    }

    static float derivative(UnaryOp op, float alpha, float beta, float v) {
        return switch (op) {
            case NEG -> -1f;
            case EXP -> (float) Math.exp(v);
            case LOG -> 1f / v;
            case SQRT -> (float) (0.5 / Math.sqrt(v));
            case ABS -> v > 0 ? 1f : v < 0 ? -1f : 0f;
            case ERF -> (float) (TWO_OVER_SQRT_PI * Math.exp(-(double) v * v));
            case TANH -> {
                double t = Math.tanh(v);
                yield (float) (1 - t * t);
            }
            case SIGMOID -> {
                // s (1 - s) = e / (1 + e)^2 with e = e^-|v| (sigmoid' is even), in double: s * (1f - s) in
                // float cancels where s is near 1 (1 - s = 2.3e-6 at v = 13 against s's rounding error of 3e-8).
                double e = Math.exp(-Math.abs((double) v));
                yield (float) (e / ((1 + e) * (1 + e)));
            }
            case CLAMP -> v > alpha && v < beta ? 1f : 0f;
            case LEAKY_RELU -> v > 0 ? 1f : alpha;
            case POW_SCALAR -> alpha == 2f ? 2f * v : (float) (alpha * Math.pow(v, alpha - 1));
            case AFFINE -> alpha;
        };
    }

    /** Never overflows: for negative x uses e^x / (1 + e^x). */
    static float sigmoid(float v) {
        if (v >= 0) {
            return (float) (1.0 / (1.0 + Math.exp(-v)));
        }
        double e = Math.exp(v);
        return (float) (e / (1.0 + e));
    }

    /**
     * erf(x) from the complementary error function's Chebyshev fit (Numerical Recipes, "erfcc"),
     * fractional error below 1.2e-7 everywhere: exact to float precision.
     */
    static double erf(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double erfc = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1.0 - erfc : erfc - 1.0;
    }
}
