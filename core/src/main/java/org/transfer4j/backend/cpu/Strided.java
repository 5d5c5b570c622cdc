package org.transfer4j.backend.cpu;

import org.transfer4j.tensor.Tensor;

/**
 * Several views of one shape walked together, row by row. Adjacent axes that are contiguous for every
 * view are merged first ("coalesced"), so contiguous tensors become one long row and a broadcast
 * bias becomes rows with stride 0. A row is the last (merged) axis; {@link #offset} gives each
 * view's start of a row.
 */
final class Strided {
    final int[] shape;      // coalesced shape; last axis is the row
    final int[][] strides;  // per view
    final int[] offsets;    // per view
    final int rows;
    final int rowLength;

    private Strided(int[] shape, int[][] strides, int[] offsets) {
        this.shape = shape;
        this.strides = strides;
        this.offsets = offsets;
        this.rowLength = shape[shape.length - 1];
        int r = 1;
        for (int i = 0; i < shape.length - 1; i++) {
            r *= shape[i];
        }
        this.rows = r;
    }

    /** Views must all have {@code shape}; their strides may be anything (0 for broadcast axes). */
    static Strided of(int[] shape, Tensor... views) {
        int[][] strides = new int[views.length][];
        int[] offsets = new int[views.length];
        for (int v = 0; v < views.length; v++) {
            strides[v] = views[v].strides();
            offsets[v] = views[v].offset();
        }
        return coalesce(shape, strides, offsets);
    }

    static Strided coalesce(int[] shape, int[][] strides, int[] offsets) {
        int rank = shape.length;
        int views = strides.length;
        int[] s = new int[Math.max(rank, 1)];
        int[][] st = new int[views][Math.max(rank, 1)];
        int n = 0;
        for (int i = 0; i < rank; i++) {
            if (shape[i] == 1) {
                continue; // size-1 axes never move
            }
            if (n > 0 && mergeable(st, s[n - 1], strides, i, shape[i], n - 1)) {
                s[n - 1] *= shape[i];
                for (int v = 0; v < views; v++) {
                    st[v][n - 1] = strides[v][i];
                }
            } else {
                s[n] = shape[i];
                for (int v = 0; v < views; v++) {
                    st[v][n] = strides[v][i];
                }
                n++;
            }
        }
        if (n == 0) {
            s[0] = 1;
            n = 1;
        }
        int[] shapeOut = java.util.Arrays.copyOf(s, n);
        int[][] stridesOut = new int[views][];
        for (int v = 0; v < views; v++) {
            stridesOut[v] = java.util.Arrays.copyOf(st[v], n);
        }
        return new Strided(shapeOut, stridesOut, offsets.clone());
    }

    /** Axis i (size {@code size}) follows the merged axis j when every view steps over j as one run of i. */
    private static boolean mergeable(int[][] merged, int prevSize, int[][] strides, int i, int size, int j) {
        for (int v = 0; v < strides.length; v++) {
            if (merged[v][j] != strides[v][i] * size) {
                return false;
            }
        }
        return true;
    }

    /** Stride of view {@code v} along a row. */
    int rowStride(int v) {
        return strides[v][shape.length - 1];
    }

    /** Start of row {@code row} in view {@code v}. */
    int offset(int v, int row) {
        int off = offsets[v];
        int[] st = strides[v];
        for (int axis = shape.length - 2; axis >= 0 && row > 0; axis--) {
            int d = shape[axis];
            off += (row % d) * st[axis];
            row /= d;
        }
        return off;
    }
}
