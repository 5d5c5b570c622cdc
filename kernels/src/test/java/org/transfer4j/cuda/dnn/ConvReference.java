package org.transfer4j.cuda.dnn;

import org.transfer4j.backend.Conv2dSpec;

/**
 * Direct NHWC convolution in double, written from the definition, for the GPU tests:
 * {@code y[n,oh,ow,o] = sum_{r,s,ci} x[n, oh*sh - top + r*dh, ow*sw - left + s*dw, g*Cg + ci] * k[r,s,ci,o]}
 * with {@code g = o / (OC/groups)}, {@code Cg = C/groups}, out-of-range input cells counting as zero;
 * the gradients are the same sum read the other way.
 */
final class ConvReference {

    private ConvReference() {
    }

    /** Forward: x (N,H,W,C), kernel HWIO (KH,KW,C/g,OC) -> y (N,OH,OW,OC). */
    static float[] forward(float[] x, int[] xs, float[] k, int[] ks, Conv2dSpec spec) {
        int oh = spec.outHeight(xs[1], ks[0]), ow = spec.outWidth(xs[2], ks[1]);
        float[] y = new float[xs[0] * oh * ow * ks[3]];
        double[] acc = new double[y.length];
        visit(xs, ks, spec, (xi, ki, yi) -> acc[yi] += (double) x[xi] * k[ki]);
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) acc[i];
        }
        return y;
    }

    /** dx (N,H,W,C) from dy (N,OH,OW,OC) and the kernel. */
    static float[] backwardData(float[] dy, int[] xs, float[] k, int[] ks, Conv2dSpec spec) {
        double[] acc = new double[xs[0] * xs[1] * xs[2] * xs[3]];
        visit(xs, ks, spec, (xi, ki, yi) -> acc[xi] += (double) dy[yi] * k[ki]);
        return toFloat(acc);
    }

    /** dW HWIO (KH,KW,C/g,OC) from x and dy. */
    static float[] backwardFilter(float[] x, int[] xs, float[] dy, int[] ks, Conv2dSpec spec) {
        double[] acc = new double[ks[0] * ks[1] * ks[2] * ks[3]];
        visit(xs, ks, spec, (xi, ki, yi) -> acc[ki] += (double) x[xi] * dy[yi]);
        return toFloat(acc);
    }

    /** sum |x*k| per output element: the scale of the rounding error of y. */
    static float[] forwardScale(float[] x, int[] xs, float[] k, int[] ks, Conv2dSpec spec) {
        float[] ax = abs(x), ak = abs(k);
        return forward(ax, xs, ak, ks, spec);
    }

    static float[] abs(float[] v) {
        float[] a = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            a[i] = Math.abs(v[i]);
        }
        return a;
    }

    @FunctionalInterface
    interface Tap {
        void at(int xIndex, int kIndex, int yIndex);
    }

    /** Calls {@code tap} for every (input cell, kernel cell, output cell) triple of the sum. */
    private static void visit(int[] xs, int[] ks, Conv2dSpec spec, Tap tap) {
        int n = xs[0], h = xs[1], w = xs[2], c = xs[3];
        int kh = ks[0], kw = ks[1], cg = ks[2], oc = ks[3];
        int ocPerGroup = oc / spec.groups();
        int oh = spec.outHeight(h, kh), ow = spec.outWidth(w, kw);
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    for (int o = 0; o < oc; o++) {
                        int g = o / ocPerGroup;
                        int yi = ((b * oh + i) * ow + j) * oc + o;
                        for (int r = 0; r < kh; r++) {
                            int ih = i * spec.strideH() - spec.padTop() + r * spec.dilationH();
                            if (ih < 0 || ih >= h) {
                                continue;
                            }
                            for (int s = 0; s < kw; s++) {
                                int iw = j * spec.strideW() - spec.padLeft() + s * spec.dilationW();
                                if (iw < 0 || iw >= w) {
                                    continue;
                                }
                                for (int ci = 0; ci < cg; ci++) {
                                    tap.at(((b * h + ih) * w + iw) * c + g * cg + ci, ((r * kw + s) * cg + ci) * oc + o, yi);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static float[] toFloat(double[] acc) {
        float[] out = new float[acc.length];
        for (int i = 0; i < acc.length; i++) {
            out[i] = (float) acc[i];
        }
        return out;
    }
}
