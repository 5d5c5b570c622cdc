package org.transfer4j.backend;

/**
 * The layout of a reduction of a contiguous {@code x} over {@code axes}, after neighbouring axes that
 * are both reduced or both kept are merged and size-1 axes dropped. Every backend's reduce kernels
 * pick their case from it:
 * <ul>
 *   <li>{@link Kind#COPY}: nothing of size above 1 is reduced, y is x ({@code outer} elements);</li>
 *   <li>{@link Kind#ROWS}: {@code x (outer, n) -> y (outer)}: the reduced axes are innermost
 *       (softmax over classes);</li>
 *   <li>{@link Kind#COLUMNS}: {@code x (outer, n, cols) -> y (outer, cols)}: a middle or outer block
 *       of axes is reduced (a bias gradient over N·H·W, global pooling over H·W, in NHWC);</li>
 *   <li>{@link Kind#GENERAL}: any other pattern (reduced and kept axes interleave);
 *       {@code outer} is the product of the kept axes and {@code n} that of the reduced ones.</li>
 * </ul>
 * Example: shape {@code (8,5,5,16)} over axes {@code {1,2}} merges to kept 8, reduced 25, kept 16:
 * {@code COLUMNS(outer=8, n=25, cols=16)}.
 *
 * @param kind  the case
 * @param outer COPY: the elements; ROWS: the rows; COLUMNS: the outer blocks; GENERAL: product of the kept axes
 * @param n     the reduced length (1 for COPY)
 * @param cols  COLUMNS: the columns; else 1
 */
public record ReduceLayout(Kind kind, long outer, long n, long cols) {

    /** The cases, see {@link ReduceLayout}. */
    public enum Kind { COPY, ROWS, COLUMNS, GENERAL }

    /** The layout of a reduction of {@code shape} over {@code axes} (each in {@code [0, rank)}). */
    public static ReduceLayout of(int[] shape, int[] axes) {
        boolean[] reduced = new boolean[shape.length];
        for (int a : axes) {
            reduced[a] = true;
        }
        // Merge adjacent axes that are both reduced or both kept: sizes[] alternates kinds.
        long[] sizes = new long[shape.length];
        boolean[] kinds = new boolean[shape.length];
        int groups = 0;
        long kept = 1;
        long reducedLength = 1;
        for (int i = 0; i < shape.length; i++) {
            if (reduced[i]) {
                reducedLength *= shape[i];
            } else {
                kept *= shape[i];
            }
            if (shape[i] == 1) {
                continue;
            }
            if (groups > 0 && kinds[groups - 1] == reduced[i]) {
                sizes[groups - 1] *= shape[i];
            } else {
                sizes[groups] = shape[i];
                kinds[groups++] = reduced[i];
            }
        }
        if (groups == 0 || (groups == 1 && !kinds[0])) {
            return new ReduceLayout(Kind.COPY, kept, 1, 1);
        }
        if (groups == 1) {
            return new ReduceLayout(Kind.ROWS, 1, sizes[0], 1);
        }
        if (groups == 2 && !kinds[0]) {
            return new ReduceLayout(Kind.ROWS, sizes[0], sizes[1], 1);
        }
        if (groups == 2) {
            return new ReduceLayout(Kind.COLUMNS, 1, sizes[0], sizes[1]);
        }
        if (groups == 3 && !kinds[0]) {
            return new ReduceLayout(Kind.COLUMNS, sizes[0], sizes[1], sizes[2]);
        }
        return new ReduceLayout(Kind.GENERAL, kept, reducedLength, 1);
    }
}
