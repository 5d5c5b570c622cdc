package org.transfer4j.backend.cpu;

import java.util.Arrays;
import org.transfer4j.tensor.Tensor;

/**
 * The fused optimizer updates of {@link org.transfer4j.backend.Backend}: one pass over a weight
 * {@code p (any shape, contiguous)}, its gradient {@code g} and its state slots (same shape), updating
 * p and the slots in place. The formulas are on the Backend methods; the loops below follow them
 * term by term in float arithmetic, in the order written there, with each scalar rounded to float
 * once ({@code 1 - beta} is formed in double first, as PyTorch and Keras do).
 *
 * <p>Plain loops: every element is independent and the passes are memory bound, so the only speed-up
 * worth having is splitting large weights across cores ({@link #GRAIN} elements per task). The split
 * does not change any result.
 */
final class CpuOptimizers {
    /** Elements per parallel task: small weights (biases, BN) stay on the calling thread. */
    static final int GRAIN = 1 << 15;

    private CpuOptimizers() {
    }

    static void sgd(Tensor param, Tensor grad, Tensor buffer, double momentum, double gradScale, double stepScale,
                    boolean nesterov, double l2, double decay) {
        check("sgdUpdate", param, grad, buffer);
        float[] p = CpuBackend.data(param);
        float[] g = CpuBackend.data(grad);
        float[] u = buffer == null ? null : CpuBackend.data(buffer);
        int po = param.offset();
        int go = grad.offset();
        int uo = buffer == null ? 0 : buffer.offset();
        float mu = (float) momentum;
        float a = (float) gradScale;
        float s = (float) stepScale;
        float l2f = (float) l2;
        float d = (float) decay;
        CpuParallel.forRange(param.numel(), GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                float pi = p[po + i];
                float gi = g[go + i] + l2f * pi;
                pi -= d * pi;
                if (u == null) {
                    pi += s * (a * gi);
                } else {
                    float ui = mu * u[uo + i] + a * gi;
                    u[uo + i] = ui;
                    pi += s * (nesterov ? mu * ui + a * gi : ui);
                }
                p[po + i] = pi;
            }
        });
    }

    static void adam(Tensor param, Tensor grad, Tensor m, Tensor v, double beta1, double beta2, double stepSize,
                     double epsHat, double l2, double decay) {
        requirePresent("adamUpdate", m, v);
        check("adamUpdate", param, grad, m, v);
        float[] p = CpuBackend.data(param);
        float[] g = CpuBackend.data(grad);
        float[] ms = CpuBackend.data(m);
        float[] vs = CpuBackend.data(v);
        int po = param.offset();
        int go = grad.offset();
        int mo = m.offset();
        int vo = v.offset();
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float c1 = (float) (1 - beta1); // from the double: 1 - (float) 0.999 would keep only 4 digits
        float c2 = (float) (1 - beta2);
        float step = (float) stepSize;
        float eps = (float) epsHat;
        float l2f = (float) l2;
        float d = (float) decay;
        CpuParallel.forRange(param.numel(), GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                float pi = p[po + i];
                float gi = g[go + i] + l2f * pi;
                pi -= d * pi;
                float mi = b1 * ms[mo + i] + c1 * gi;
                float vi = b2 * vs[vo + i] + c2 * gi * gi;
                ms[mo + i] = mi;
                vs[vo + i] = vi;
                p[po + i] = pi - step * mi / ((float) Math.sqrt(vi) + eps);
            }
        });
    }

    static void rmsprop(Tensor param, Tensor grad, Tensor squareAvg, Tensor gradAvg, Tensor buffer, double rho,
                        double momentum, double epsInside, double epsOutside, double gradScale, double stepScale,
                        double l2, double decay) {
        requirePresent("rmspropUpdate", squareAvg);
        check("rmspropUpdate", param, grad, squareAvg, gradAvg, buffer);
        float[] p = CpuBackend.data(param);
        float[] g = CpuBackend.data(grad);
        float[] s = CpuBackend.data(squareAvg);
        float[] a = gradAvg == null ? null : CpuBackend.data(gradAvg);
        float[] u = buffer == null ? null : CpuBackend.data(buffer);
        int po = param.offset();
        int go = grad.offset();
        int so = squareAvg.offset();
        int ao = gradAvg == null ? 0 : gradAvg.offset();
        int uo = buffer == null ? 0 : buffer.offset();
        float r = (float) rho;
        float c = (float) (1 - rho);
        float mu = (float) momentum;
        float epsIn = (float) epsInside;
        float epsOut = (float) epsOutside;
        float ga = (float) gradScale;
        float st = (float) stepScale;
        float l2f = (float) l2;
        float d = (float) decay;
        CpuParallel.forRange(param.numel(), GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                float pi = p[po + i];
                float gi = g[go + i] + l2f * pi;
                pi -= d * pi;
                float si = r * s[so + i] + c * gi * gi;
                s[so + i] = si;
                float centredSi = si;
                if (a != null) {
                    float ai = r * a[ao + i] + c * gi;
                    a[ao + i] = ai;
                    centredSi = si - ai * ai;
                }
                float inc = ga * gi / ((float) Math.sqrt(centredSi + epsIn) + epsOut);
                if (u != null) {
                    float ui = mu * u[uo + i] + inc;
                    u[uo + i] = ui;
                    pi += st * ui;
                } else {
                    pi += st * inc;
                }
                p[po + i] = pi;
            }
        });
    }

    private static void requirePresent(String op, Tensor... slots) {
        for (Tensor t : slots) {
            if (t == null) {
                throw new IllegalArgumentException(op + ": a required state slot is null");
            }
        }
    }

    /** Non-null tensors must be contiguous CPU tensors of the weight's shape. */
    private static void check(String op, Tensor param, Tensor... others) {
        CpuBackend.requireContiguous(op, param);
        for (Tensor t : others) {
            if (t == null) {
                continue;
            }
            CpuBackend.requireContiguous(op, t);
            if (!Arrays.equals(t.shape(), param.shape())) {
                throw new IllegalArgumentException(op + ": every tensor needs the weight's shape "
                        + Arrays.toString(param.shape()) + ", got " + Arrays.toString(t.shape()));
            }
        }
    }
}
