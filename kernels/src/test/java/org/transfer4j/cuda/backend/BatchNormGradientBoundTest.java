package org.transfer4j.cuda.backend;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.transfer4j.cuda.backend.GpuParity.cpuBackend;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.transfer4j.backend.Backend;
import org.transfer4j.tensor.Tensor;

/**
 * The batch-norm gradient bound of {@link CudaBackendLayersGpuTest#assertGradientsClose} on the CPU alone: the
 * gradients computed in double from the definitions (rounded once to float) pass against the CPU backend's, on the
 * shape of the first GPU failure and with the mean far from 0, while a 1% scaled dx, a dx without its
 * {@code xhat dgamma} term, a sign-flipped dgamma or a dbeta off by 1% fail.
 */
class BatchNormGradientBoundTest {
    private static final int[][] SHAPES = {{2, 3, 3, 7}, {8, 5, 5, 16}, {4, 3}};

    /** dbeta = sum dy, dgamma = sum dy xhat, dx = gamma invStd / M (M dy - dbeta - xhat dgamma), in double. */
    private static Backend.BatchNormGradients exact(float[] x, float[] dy, float[] gamma, float[] mean, float[] invStd,
                                                    int[] shape, UnaryOperator<double[]> dxEdit, boolean dropXhatTerm) {
        int c = mean.length;
        int m = x.length / c;
        double[] db = new double[c];
        double[] dg = new double[c];
        for (int i = 0; i < x.length; i++) {
            int k = i % c;
            db[k] += dy[i];
            dg[k] += dy[i] * (x[i] - (double) mean[k]) * invStd[k];
        }
        double[] dx = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            int k = i % c;
            double xhat = (x[i] - (double) mean[k]) * invStd[k];
            dx[i] = (double) gamma[k] * invStd[k] / m * (m * (double) dy[i] - db[k] - (dropXhatTerm ? 0 : xhat * dg[k]));
        }
        dx = dxEdit.apply(dx);
        return new Backend.BatchNormGradients(Tensor.of(toFloat(dx), shape), Tensor.of(toFloat(dg), c),
                Tensor.of(toFloat(db), c));
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    private static void check(int[] shape, UnaryOperator<double[]> dxEdit, boolean dropXhatTerm,
                              UnaryOperator<Backend.BatchNormGradients> edit) {
        int c = shape[shape.length - 1];
        Tensor x = Tensor.of(GpuParity.values(shape.length * 17 + c, 2, 5, shape), shape);   // mean far from 0
        Tensor gamma = Tensor.of(GpuParity.values(11, 0.5f, 1.5f, c), c);
        Tensor beta = Tensor.of(GpuParity.values(12, -1, 1, c), c);
        Tensor dy = Tensor.of(GpuParity.values(13, -1, 1, shape), shape);
        Backend.BatchNormForward f = cpuBackend().batchNormTraining(x, gamma, beta, 1e-3f);
        Backend.BatchNormGradients cpu = cpuBackend().batchNormBackward(x, dy, gamma, f.mean(), f.invStd());
        Backend.BatchNormGradients other = edit.apply(exact(x.toArray(), dy.toArray(), gamma.toArray(), f.mean().toArray(),
                f.invStd().toArray(), shape, dxEdit, dropXhatTerm));
        CudaBackendLayersGpuTest.assertGradientsClose("bound", x, dy, gamma, f.mean(), f.invStd(), cpu, other);
    }

    @Test
    void gradientsFromTheDefinitionsInDoubleAreWithinTheBound() {
        for (int[] s : SHAPES) {
            check(s, dx -> dx, false, g -> g);
        }
    }

    @Test
    void wrongGradientsFailTheBound() {
        for (int[] s : SHAPES) {
            assertThrows(AssertionFailedError.class, () -> check(s, dx -> scaled(dx, 1.01), false, g -> g));
            assertThrows(AssertionFailedError.class, () -> check(s, dx -> dx, true, g -> g));
            assertThrows(AssertionFailedError.class, () -> check(s, dx -> dx, false, g -> new Backend.BatchNormGradients(
                    g.gradX(), Tensor.of(toFloat(scaled(toDouble(g.gradGamma().toArray()), -1)), g.gradGamma().shape()),
                    g.gradBeta())));
            assertThrows(AssertionFailedError.class, () -> check(s, dx -> dx, false, g -> new Backend.BatchNormGradients(
                    g.gradX(), g.gradGamma(),
                    Tensor.of(toFloat(scaled(toDouble(g.gradBeta().toArray()), 1.01)), g.gradBeta().shape()))));
        }
    }

    private static double[] scaled(double[] v, double factor) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = v[i] * factor;
        }
        return r;
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
