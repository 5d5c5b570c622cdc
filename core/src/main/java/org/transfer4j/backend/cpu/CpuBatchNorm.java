package org.transfer4j.backend.cpu;

import java.util.Arrays;
import org.transfer4j.backend.Backend;
import org.transfer4j.tensor.Tensor;

/**
 * Batch normalisation over the last axis. Legend: {@code x (..., C)} is seen as {@code (M, C)} with
 * {@code M} = product of the other axes; {@code gamma, beta, mean, variance, invStd} are {@code (C)}.
 *
 * <p>Statistics are column sums over M rows. The rows are cut into fixed blocks of
 * {@link #blockRows} rows; each block sums its rows (in double) into its own partial, in parallel, and
 * the partials are then added in block order. So the result does not depend on the thread count, and
 * no two threads write the same memory. The variance is one pass over the data shifted by the first
 * row ({@code sum (x - x0)}, {@code sum (x - x0)^2}): shifting keeps the classic
 * {@code E[x^2] - E[x]^2} formula from cancelling when |mean| is large against the spread.
 *
 * <p>The elementwise passes are {@code y = x * scale[c] + shift[c]} with per-channel coefficients
 * folded beforehand, parallel over rows, inner loop over contiguous channels.
 */
final class CpuBatchNorm {
    /** Elements per block of rows (and per parallel task of the elementwise passes). */
    private static final int BLOCK_ELEMENTS = 1 << 14;

    private CpuBatchNorm() {
    }

    static Backend.BatchNormForward training(Tensor x, Tensor gamma, Tensor beta, float epsilon) {
        CpuBackend.requireContiguous("batchNormTraining", x, gamma, beta);
        int c = channels("batchNormTraining", x, gamma, beta);
        int m = x.numel() / c;
        float[] xs = CpuBackend.data(x);
        int xo = x.offset();
        // Per-channel shifted sums: sums[0] = sum (x - x0), sums[1] = sum (x - x0)^2.
        double[][] sums = columnSums(m, c, (from, to, s1, s2) -> shiftedMoments(xs, xo, c, from, to, s1, s2));
        float[] g = values(gamma);
        float[] b = values(beta);
        float[] mean = new float[c];
        float[] variance = new float[c];
        float[] invStd = new float[c];
        float[] scale = new float[c];
        float[] shift = new float[c];
        for (int k = 0; k < c; k++) {
            double d = sums[0][k] / m;
            double var = Math.max(sums[1][k] / m - d * d, 0.0); // rounding can dip just below 0
            double mu = xs[xo + k] + d;
            double inv = 1.0 / Math.sqrt(var + epsilon);
            mean[k] = (float) mu;
            variance[k] = (float) var;
            invStd[k] = (float) inv;
            scale[k] = (float) (g[k] * inv);
            shift[k] = (float) (b[k] - mu * g[k] * inv);
        }
        Tensor y = scaleShift(xs, xo, x.shape(), scale, shift);
        return new Backend.BatchNormForward(y, vector(mean), vector(variance), vector(invStd));
    }

    static Tensor inference(Tensor x, Tensor gamma, Tensor beta, Tensor mean, Tensor variance, float epsilon) {
        CpuBackend.requireContiguous("batchNormInference", x, gamma, beta, mean, variance);
        int c = channels("batchNormInference", x, gamma, beta, mean, variance);
        float[] g = values(gamma);
        float[] b = values(beta);
        float[] mu = values(mean);
        float[] var = values(variance);
        float[] scale = new float[c];
        float[] shift = new float[c];
        for (int k = 0; k < c; k++) {
            double s = g[k] / Math.sqrt((double) var[k] + epsilon);
            scale[k] = (float) s;
            shift[k] = (float) (b[k] - mu[k] * s);
        }
        return scaleShift(CpuBackend.data(x), x.offset(), x.shape(), scale, shift);
    }

    /**
     * With {@code xhat = (x - mean) * invStd}: {@code dbeta = sum dy}, {@code dgamma = sum dy*xhat}, and
     * {@code dx = gamma*invStd/M * (M*dy - dbeta - xhat*dgamma)}, written as {@code dx = a*dy + b*x + d}
     * per channel so the last pass is one multiply-add chain per element.
     */
    static Backend.BatchNormGradients backward(Tensor x, Tensor gradY, Tensor gamma, Tensor mean, Tensor invStd) {
        CpuBackend.requireContiguous("batchNormBackward", x, gradY, gamma, mean, invStd);
        int c = channels("batchNormBackward", x, gamma, mean, invStd);
        if (!Arrays.equals(x.shape(), gradY.shape())) {
            throw new IllegalArgumentException("batchNormBackward: dy " + Arrays.toString(gradY.shape())
                    + " differs from x " + Arrays.toString(x.shape()));
        }
        int m = x.numel() / c;
        float[] xs = CpuBackend.data(x);
        float[] gs = CpuBackend.data(gradY);
        int xo = x.offset();
        int go = gradY.offset();
        float[] mu = values(mean);
        // sums[0] = sum dy, sums[1] = sum dy * (x - mean)
        double[][] sums = columnSums(m, c, (from, to, s1, s2) -> gradientSums(xs, xo, gs, go, mu, c, from, to, s1, s2));
        float[] g = values(gamma);
        float[] inv = values(invStd);
        float[] dGamma = new float[c];
        float[] dBeta = new float[c];
        float[] a = new float[c];
        float[] b = new float[c];
        float[] d = new float[c];
        for (int k = 0; k < c; k++) {
            double sumDy = sums[0][k];
            double sumDyXhat = sums[1][k] * inv[k];
            double ak = (double) g[k] * inv[k];
            double bk = -ak * inv[k] * sumDyXhat / m; // coefficient of x, from -a * xhat * dgamma / M
            dGamma[k] = (float) sumDyXhat;
            dBeta[k] = (float) sumDy;
            a[k] = (float) ak;
            b[k] = (float) bk;
            d[k] = (float) (-ak * sumDy / m - bk * mu[k]);
        }
        Tensor dx = CpuBackend.newTensor(x.shape());
        float[] ds = CpuBackend.data(dx);
        CpuParallel.forRange(m, blockRows(c), (from, to) -> {
            for (int r = from; r < to; r++) {
                int xi = xo + r * c;
                int gi = go + r * c;
                int di = r * c;
                for (int k = 0; k < c; k++) {
                    ds[di + k] = a[k] * gs[gi + k] + b[k] * xs[xi + k] + d[k];
                }
            }
        });
        return new Backend.BatchNormGradients(dx, vector(dGamma), vector(dBeta));
    }

    // ---- the two building blocks: column sums over row blocks, and y = x * scale + shift ----------------

    /** Adds rows {@code [from, to)} into the two per-channel partial sums {@code s1, s2}. */
    @FunctionalInterface
    private interface BlockSums {
        void add(int from, int to, double[] s1, double[] s2);
    }

    /** Runs {@code body} over fixed row blocks in parallel and adds the partials in block order. */
    private static double[][] columnSums(int m, int c, BlockSums body) {
        int rows = blockRows(c);
        int blocks = (m + rows - 1) / rows;
        double[][] partial = new double[blocks][2 * c];
        CpuParallel.forRange(blocks, 1, (from, to) -> {
            double[] s1 = new double[c];
            double[] s2 = new double[c];
            for (int blk = from; blk < to; blk++) {
                Arrays.fill(s1, 0.0);
                Arrays.fill(s2, 0.0);
                body.add(blk * rows, Math.min(m, (blk + 1) * rows), s1, s2);
                System.arraycopy(s1, 0, partial[blk], 0, c);
                System.arraycopy(s2, 0, partial[blk], c, c);
            }
        });
        double[][] total = new double[2][c];
        for (double[] p : partial) {
            for (int k = 0; k < c; k++) {
                total[0][k] += p[k];
                total[1][k] += p[c + k];
            }
        }
        return total;
    }

    /** {@code s1 += x - x0}, {@code s2 += (x - x0)^2} over rows {@code [from, to)}, x0 = row 0. */
    private static void shiftedMoments(float[] x, int xo, int c, int from, int to, double[] s1, double[] s2) {
        for (int r = from; r < to; r++) {
            int xi = xo + r * c;
            for (int k = 0; k < c; k++) {
                double v = (double) x[xi + k] - x[xo + k];
                s1[k] += v;
                s2[k] += v * v;
            }
        }
    }

    /** {@code s1 += dy}, {@code s2 += dy * (x - mean)} over rows {@code [from, to)}. */
    private static void gradientSums(float[] x, int xo, float[] dy, int go, float[] mean, int c, int from, int to,
                                     double[] s1, double[] s2) {
        for (int r = from; r < to; r++) {
            int xi = xo + r * c;
            int gi = go + r * c;
            for (int k = 0; k < c; k++) {
                double g = dy[gi + k];
                s1[k] += g;
                s2[k] += g * ((double) x[xi + k] - mean[k]);
            }
        }
    }

    /** {@code y = x * scale[c] + shift[c]}, a new tensor of {@code shape}; parallel over rows. */
    private static Tensor scaleShift(float[] xs, int xo, int[] shape, float[] scale, float[] shift) {
        int c = scale.length;
        Tensor y = CpuBackend.newTensor(shape);
        float[] ys = CpuBackend.data(y);
        CpuParallel.forRange(y.numel() / c, blockRows(c), (from, to) -> {
            for (int r = from; r < to; r++) {
                int xi = xo + r * c;
                int yi = r * c;
                for (int k = 0; k < c; k++) {
                    ys[yi + k] = xs[xi + k] * scale[k] + shift[k];
                }
            }
        });
        return y;
    }

    // ---- small helpers ------------------------------------------------------------------------------

    private static int blockRows(int c) {
        return Math.max(1, BLOCK_ELEMENTS / c);
    }

    /** C, the size of x's last axis, after checking each per-channel tensor has C elements. */
    private static int channels(String op, Tensor x, Tensor... perChannel) {
        if (x.rank() == 0 || x.numel() == 0) {
            throw new IllegalArgumentException(op + ": x must be non-empty (..., C), got " + Arrays.toString(x.shape()));
        }
        int c = x.shape(-1);
        for (Tensor t : perChannel) {
            if (t.numel() != c) {
                throw new IllegalArgumentException(op + ": per-channel tensor " + Arrays.toString(t.shape())
                        + " does not have C = " + c + " elements (x " + Arrays.toString(x.shape()) + ")");
            }
        }
        return c;
    }

    private static float[] values(Tensor t) {
        float[] d = CpuBackend.data(t);
        return Arrays.copyOfRange(d, t.offset(), t.offset() + t.numel());
    }

    private static Tensor vector(float[] v) {
        return Tensor.wrap(new CpuStorage(v), v.length);
    }
}
