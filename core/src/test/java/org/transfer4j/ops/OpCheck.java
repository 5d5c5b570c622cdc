package org.transfer4j.ops;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/**
 * Finite-difference gradient checks (after PyTorch's {@code gradcheck} and tinygrad's
 * {@code helper_test_op}): the analytic gradient from {@code backward()} must match the central
 * difference {@code (f(x+eps) - f(x-eps)) / 2eps} of {@code f = sum(w * op(x))} for a random cotangent w.
 *
 * <p>Precision. Tensors are float32 only, so f is evaluated in float32 and summed in double. With
 * {@code eps = 1e-2} the rounding error of the difference quotient is about
 * {@code 6e-8 * sqrt(n) * |y| / 2eps ~ 3e-6 sqrt(n)} for n outputs of size ~1, and the truncation error is
 * {@code eps^2 |f'''| / 6 ~ 2e-5 |f'''|}; {@link #DEFAULT} (atol 2e-3, rtol 1e-2) sits well above both for
 * the input sizes the tests use, and far below the error of any wrong formula (order 1).
 * Inputs must stay further than eps from kinks (ReLU at 0, ties of max) — see {@link #awayFromZero}
 * and {@link #distinct}.
 */
public final class OpCheck {
    /** Step and tolerances of one check. */
    public record Tolerance(double eps, double atol, double rtol) {
    }

    public static final Tolerance DEFAULT = new Tolerance(1e-2, 2e-3, 1e-2);

    /** The op under test, applied to fresh leaf tensors. */
    @FunctionalInterface
    public interface Fn {
        Tensor apply(Tensor... inputs);
    }

    private OpCheck() {
    }

    public static void gradcheck(String name, Fn fn, Tensor... inputs) {
        gradcheck(name, DEFAULT, fn, inputs);
    }

    /** Checks the gradient of every input. */
    public static void gradcheck(String name, Tolerance tol, Fn fn, Tensor... inputs) {
        boolean[] all = new boolean[inputs.length];
        Arrays.fill(all, true);
        gradcheck(name, tol, all, fn, inputs);
    }

    /** Checks the gradients of the inputs flagged in {@code differentiable}; the others are constants. */
    public static void gradcheck(String name, Tolerance tol, boolean[] differentiable, Fn fn, Tensor... inputs) {
        float[][] values = new float[inputs.length][];
        for (int i = 0; i < inputs.length; i++) {
            values[i] = inputs[i].toArray();
        }
        Tensor[] leaves = leaves(inputs, values, differentiable);
        Tensor y = fn.apply(leaves);
        Tensor w = Tensor.randn(new Generator(1234), y.shape());
        float[] wv = w.toArray();
        y.backward(w);
        for (int i = 0; i < inputs.length; i++) {
            if (!differentiable[i]) {
                continue;
            }
            if (leaves[i].grad() == null) {
                fail(name + ": input " + i + " received no gradient");
            }
            float[] analytic = leaves[i].grad().toArray();
            for (int j = 0; j < values[i].length; j++) {
                float original = values[i][j];
                values[i][j] = (float) (original + tol.eps());
                float up = values[i][j];
                double fPlus = dot(fn.apply(leaves(inputs, values, null)), wv);
                values[i][j] = (float) (original - tol.eps());
                float down = values[i][j];
                double fMinus = dot(fn.apply(leaves(inputs, values, null)), wv);
                values[i][j] = original;
                double numeric = (fPlus - fMinus) / ((double) up - down);
                double error = Math.abs(analytic[j] - numeric);
                if (!(error <= tol.atol() + tol.rtol() * Math.abs(numeric))) {
                    fail(String.format("%s: d/d input %d %s at flat index %d (x = %g): analytic %.6g, numeric %.6g",
                            name, i, Arrays.toString(inputs[i].shape()), j, original, analytic[j], numeric));
                }
            }
        }
    }

    /** Values in [-2, 2] whose magnitude is at least 0.1, so that ReLU-like kinks are never crossed. */
    public static Tensor awayFromZero(long seed, int... shape) {
        Tensor u = Tensor.uniform(new Generator(seed), 0.1f, 2f, shape);
        Tensor sign = Tensor.rand(new Generator(seed + 1), shape);
        float[] v = u.toArray();
        float[] s = sign.toArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = s[i] < 0.5f ? -v[i] : v[i];
        }
        return Tensor.of(v, shape);
    }

    /** A shuffled grid of values 0.1 apart (centred on 0), so no two elements tie within eps. */
    public static Tensor distinct(long seed, int... shape) {
        Tensor probe = Tensor.zeros(shape);
        int n = probe.numel();
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (i - n / 2) * 0.1f;
        }
        Generator g = new Generator(seed);
        float[] r = Tensor.rand(g, n).toArray();
        for (int i = n - 1; i > 0; i--) { // Fisher–Yates
            int j = (int) (r[i] * (i + 1));
            float t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        return Tensor.of(v, shape);
    }

    /** Normal values with the given seed. */
    public static Tensor randn(long seed, int... shape) {
        return Tensor.randn(new Generator(seed), shape);
    }

    private static Tensor[] leaves(Tensor[] inputs, float[][] values, boolean[] differentiable) {
        Tensor[] out = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            out[i] = Tensor.of(values[i], inputs[i].shape());
            if (differentiable != null && differentiable[i]) {
                out[i].requiresGrad(true);
            }
        }
        return out;
    }

    private static double dot(Tensor y, float[] w) {
        float[] v = y.toArray();
        double s = 0;
        for (int i = 0; i < v.length; i++) {
            s += (double) v[i] * w[i];
        }
        return s;
    }
}
