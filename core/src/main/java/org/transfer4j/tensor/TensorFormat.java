package org.transfer4j.tensor;

import java.util.Locale;

/** Prints a tensor's values as nested brackets, eliding the middle of long axes as NumPy does. */
final class TensorFormat {
    private static final int EDGE = 3;         // items shown at each end of a long axis
    private static final int SUMMARY_OVER = 1000; // elide when the tensor has more elements than this

    private TensorFormat() {
    }

    static String format(Tensor t) {
        float[] v = t.toArray();
        int[] shape = t.shape();
        StringBuilder sb = new StringBuilder();
        if (shape.length == 0) {
            return sb.append(fmt(v[0])).toString();
        }
        boolean elide = v.length > SUMMARY_OVER;
        append(sb, v, shape, Shape.contiguousStrides(shape), 0, 0, elide);
        if (v.length > 0) {
            double sum = 0;
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            for (float x : v) {
                sum += x;
                min = Math.min(min, x);
                max = Math.max(max, x);
            }
            sb.append("\n(min ").append(fmt(min)).append(", max ").append(fmt(max))
                    .append(", mean ").append(fmt((float) (sum / v.length))).append(')');
        }
        return sb.toString();
    }

    private static void append(StringBuilder sb, float[] v, int[] shape, int[] strides, int axis, int base,
                               boolean elide) {
        sb.append('[');
        int n = shape[axis];
        for (int i = 0; i < n; i++) {
            if (elide && n > 2 * EDGE && i == EDGE) {
                sb.append("..., ");
                i = n - EDGE;
            }
            if (axis == shape.length - 1) {
                sb.append(fmt(v[base + i]));
            } else {
                append(sb, v, shape, strides, axis + 1, base + i * strides[axis], elide);
            }
            if (i < n - 1) {
                sb.append(axis == shape.length - 1 ? ", " : ",\n" + " ".repeat(axis + 1));
            }
        }
        sb.append(']');
    }

    private static String fmt(float x) {
        return String.format(Locale.ROOT, "%.4g", x); // ROOT: a decimal point whatever the default locale
    }
}
