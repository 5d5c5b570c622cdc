package org.transfer4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.transfer4j.backend.Backend;
import org.transfer4j.tensor.Tensor;

/**
 * The fused optimizer kernels against a plain double-precision loop written from the formulas on
 * {@link Backend#sgdUpdate}, {@link Backend#adamUpdate} and {@link Backend#rmspropUpdate}, on random
 * data large enough to be split across threads ({@code 3 * GRAIN + 17} elements) and stored at an
 * offset into its storage. Every scalar is nonzero so each term counts.
 *
 * <p>Tolerance: the kernels compute each element with a handful of float operations; against the
 * double reference that is a few float roundings, below {@code 1e-5} relative for these magnitudes
 * (denominators stay above 0.1). A bug in indexing or chunking moves elements by their own size.
 */
class CpuOptimizersTest {
    private static final int N = 3 * CpuOptimizers.GRAIN + 17;
    private static final int OFFSET = 5;
    private static final double RELATIVE = 1e-5;
    private final Backend cpu = CpuBackend.instance();

    @Test
    void sgdMatchesThePlainLoopWithAndWithoutNesterov() {
        for (boolean nesterov : new boolean[] {false, true}) {
            Random r = new Random(nesterov ? 1 : 2);
            float[] p = random(r, -1, 1);
            float[] g = random(r, -1, 1);
            float[] u = random(r, -1, 1);
            double m = 0.9, a = -0.05, s = 1.5, l2 = 0.01, decay = 0.003;
            double[] ep = new double[N];
            double[] eu = new double[N];
            for (int i = 0; i < N; i++) {
                double gi = g[i] + l2 * p[i];
                double pi = p[i] - decay * p[i];
                eu[i] = m * u[i] + a * gi;
                ep[i] = pi + s * (nesterov ? m * eu[i] + a * gi : eu[i]);
            }
            Tensor pt = atOffset(p);
            Tensor ut = atOffset(u);
            cpu.sgdUpdate(pt, atOffset(g), ut, m, a, s, nesterov, l2, decay);
            assertClose(ep, pt, "sgd p nesterov=" + nesterov);
            assertClose(eu, ut, "sgd buffer");
        }
    }

    @Test
    void sgdWithoutBufferMatchesThePlainLoop() {
        Random r = new Random(3);
        float[] p = random(r, -1, 1);
        float[] g = random(r, -1, 1);
        double[] ep = new double[N];
        for (int i = 0; i < N; i++) {
            ep[i] = p[i] + -0.1 * (1.0 * g[i]);
        }
        Tensor pt = atOffset(p);
        cpu.sgdUpdate(pt, atOffset(g), null, 0, 1, -0.1, false, 0, 0);
        assertClose(ep, pt, "sgd without momentum");
    }

    @Test
    void adamMatchesThePlainLoop() {
        Random r = new Random(4);
        float[] p = random(r, -1, 1);
        float[] g = random(r, -1, 1);
        float[] m = random(r, -0.5, 0.5);
        float[] v = random(r, 0.01, 1);
        double b1 = 0.8, b2 = 0.99, step = 0.03, eps = 0.1, l2 = 0.02, decay = 0.004;
        double[] ep = new double[N];
        double[] em = new double[N];
        double[] ev = new double[N];
        for (int i = 0; i < N; i++) {
            double gi = g[i] + l2 * p[i];
            double pi = p[i] - decay * p[i];
            em[i] = b1 * m[i] + (1 - b1) * gi;
            ev[i] = b2 * v[i] + (1 - b2) * gi * gi;
            ep[i] = pi - step * em[i] / (Math.sqrt(ev[i]) + eps);
        }
        Tensor pt = atOffset(p);
        Tensor mt = atOffset(m);
        Tensor vt = atOffset(v);
        cpu.adamUpdate(pt, atOffset(g), mt, vt, b1, b2, step, eps, l2, decay);
        assertClose(ep, pt, "adam p");
        assertClose(em, mt, "adam m");
        assertClose(ev, vt, "adam v");
    }

    @Test
    void rmspropMatchesThePlainLoopInEveryVariant() {
        long seed = 10;
        for (boolean centered : new boolean[] {false, true}) {
            for (boolean momentum : new boolean[] {false, true}) {
                Random r = new Random(seed++);
                float[] p = random(r, -1, 1);
                float[] g = random(r, -1, 1);
                float[] s = random(r, 0.5, 1);
                float[] a = random(r, -0.1, 0.1);
                float[] u = random(r, -1, 1);
                double rho = 0.9, mu = 0.7, epsIn = 0.01, epsOut = 0.02, ga = 0.5, st = -0.2, l2 = 0.03, decay = 0.001;
                double[] ep = new double[N];
                double[] es = new double[N];
                double[] ea = new double[N];
                double[] eu = new double[N];
                for (int i = 0; i < N; i++) {
                    double gi = g[i] + l2 * p[i];
                    double pi = p[i] - decay * p[i];
                    es[i] = rho * s[i] + (1 - rho) * gi * gi;
                    double centredS = es[i];
                    if (centered) {
                        ea[i] = rho * a[i] + (1 - rho) * gi;
                        centredS -= ea[i] * ea[i];
                    }
                    double inc = ga * gi / (Math.sqrt(centredS + epsIn) + epsOut);
                    if (momentum) {
                        eu[i] = mu * u[i] + inc;
                        ep[i] = pi + st * eu[i];
                    } else {
                        ep[i] = pi + st * inc;
                    }
                }
                Tensor pt = atOffset(p);
                Tensor st2 = atOffset(s);
                Tensor at = centered ? atOffset(a) : null;
                Tensor ut = momentum ? atOffset(u) : null;
                cpu.rmspropUpdate(pt, atOffset(g), st2, at, ut, rho, mu, epsIn, epsOut, ga, st, l2, decay);
                String name = "rmsprop centered=" + centered + " momentum=" + momentum;
                assertClose(ep, pt, name + " p");
                assertClose(es, st2, name + " square average");
                if (centered) {
                    assertClose(ea, at, name + " gradient average");
                }
                if (momentum) {
                    assertClose(eu, ut, name + " buffer");
                }
            }
        }
    }

    @Test
    void mismatchedShapesAndMissingSlotsAreRefused() {
        Tensor p = Tensor.zeros(2, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cpu.sgdUpdate(p, Tensor.zeros(3, 2), null, 0, 1, -0.1, false, 0, 0));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[3, 2]"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> cpu.adamUpdate(p, Tensor.zeros(2, 3), null, Tensor.zeros(2, 3), 0.9, 0.999, 0.1, 1e-7, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> cpu.sgdUpdate(p, Tensor.zeros(3, 2).transpose(0, 1),
                null, 0, 1, -0.1, false, 0, 0));
    }

    private static float[] random(Random r, double low, double high) {
        float[] out = new float[N];
        for (int i = 0; i < N; i++) {
            out[i] = (float) (low + (high - low) * r.nextDouble());
        }
        return out;
    }

    /** {@code values} as a contiguous view that starts {@link #OFFSET} elements into its storage. */
    private static Tensor atOffset(float[] values) {
        float[] padded = new float[N + OFFSET + 3];
        System.arraycopy(values, 0, padded, OFFSET, N);
        Tensor view = Tensor.of(padded, padded.length).slice(0, OFFSET, OFFSET + N);
        assertEquals(OFFSET, view.offset());
        assertTrue(view.isContiguous());
        return view;
    }

    private static void assertClose(double[] expected, Tensor actual, String what) {
        float[] got = actual.toArray();
        float[] whole = Tensor.wrap(actual.storage(), (int) actual.storage().size()).toArray();
        for (int i = 0; i < whole.length; i++) {
            if ((i < OFFSET || i >= OFFSET + N) && whole[i] != 0f) {
                throw new AssertionError(what + ": storage element " + i + " outside the view was written");
            }
        }
        for (int i = 0; i < N; i++) {
            double tol = RELATIVE * Math.max(1, Math.abs(expected[i]));
            if (Math.abs(expected[i] - got[i]) > tol) {
                throw new AssertionError(what + ": element " + i + " expected " + expected[i] + " got " + got[i]);
            }
        }
    }
}
