package org.transfer4j.tensor;

import java.util.Arrays;

/** Shape arithmetic used by tensors, ops and backends. Shapes are {@code int[]}, outermost axis first. */
public final class Shape {
    private Shape() {
    }

    public static long numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** Row-major (C-order) strides of a contiguous tensor. */
    public static int[] contiguousStrides(int[] shape) {
        int[] strides = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= shape[i];
        }
        return strides;
    }

    /** Validates a shape given by a user: no negative sizes, fits an int element count. */
    public static int[] check(String op, int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new ShapeMismatchException(op + ": negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
            if (n > Integer.MAX_VALUE - 8) {
                throw new ShapeMismatchException(op + ": shape " + Arrays.toString(shape)
                        + " has more than 2^31 elements, which one tensor cannot hold");
            }
        }
        return shape.clone();
    }

    /** Negative axes count from the end, as in NumPy. */
    public static int axis(String op, int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new ShapeMismatchException(op + ": axis " + axis + " is out of range for rank " + rank);
        }
        return a;
    }

    /** Normalised, sorted, distinct axes; an empty array means every axis. */
    public static int[] axes(String op, int[] axes, int rank) {
        if (axes == null || axes.length == 0) {
            int[] all = new int[rank];
            Arrays.setAll(all, i -> i);
            return all;
        }
        boolean[] seen = new boolean[rank];
        for (int a : axes) {
            int n = axis(op, a, rank);
            if (seen[n]) {
                throw new ShapeMismatchException(op + ": axis " + a + " given twice");
            }
            seen[n] = true;
        }
        int[] out = new int[axes.length];
        int k = 0;
        for (int i = 0; i < rank; i++) {
            if (seen[i]) {
                out[k++] = i;
            }
        }
        return out;
    }

    /** NumPy broadcasting: align from the right, sizes must be equal or 1. */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw ShapeMismatchException.of(op, "shapes do not broadcast", a, b);
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** The shape after reducing {@code axes} (sorted, normalised) with or without kept dimensions. */
    public static int[] reduced(int[] shape, int[] axes, boolean keepDims) {
        boolean[] r = new boolean[shape.length];
        for (int a : axes) {
            r[a] = true;
        }
        int[] out = new int[keepDims ? shape.length : shape.length - axes.length];
        int k = 0;
        for (int i = 0; i < shape.length; i++) {
            if (r[i]) {
                if (keepDims) {
                    out[k++] = 1;
                }
            } else {
                out[k++] = shape[i];
            }
        }
        return out;
    }

    public static String toString(int[] shape) {
        return Arrays.toString(shape);
    }
}
