package org.transfer4j.cuda.backend;

import java.util.Arrays;
import org.transfer4j.backend.ReduceLayout;

/**
 * How {@code reduce.cu} computes a reduction of a contiguous {@code x} over {@code axes}: neighbouring
 * axes that are both reduced or both kept are merged and size-1 axes dropped (core's
 * {@link ReduceLayout}, as {@code CpuReduce} uses), which leaves one of
 * <ul>
 *   <li>{@link Kind#COPY}: nothing of size above 1 is reduced, y is x;</li>
 *   <li>{@link Kind#IDENTITY}: x is empty but y is not, every y is the reduction's identity (0, -inf, +inf);</li>
 *   <li>{@link Kind#ROWS}: {@code x (rows, n) -> y (rows)}, {@code reduce_rows_*};</li>
 *   <li>{@link Kind#COLUMNS}: {@code x (outer, n, cols) -> y (outer, cols)}, {@code reduce_cols_*};</li>
 *   <li>{@link Kind#PERMUTED_ROWS}: any other pattern: x is first copied with its axes permuted by
 *       {@link #permutation()} (kept axes first, in order, then the reduced ones), which makes it ROWS.</li>
 * </ul>
 * The output keeps the reduced axes as size 1, so its row-major order is the kept axes' order in every case.
 *
 * @param kind        the case
 * @param outer       ROWS: rows; COLUMNS: outer; PERMUTED_ROWS: rows (product of the kept axes)
 * @param n           the reduced length
 * @param cols        COLUMNS: the columns; else 1
 * @param permutation PERMUTED_ROWS: the axis order of the copy; else empty
 */
record ReducePlan(Kind kind, long outer, long n, long cols, int[] permutation) {

    enum Kind { COPY, IDENTITY, ROWS, COLUMNS, PERMUTED_ROWS }

    /** Elements a block reduces in one pass; a longer reduction is split into chunks and a second pass. */
    static final long CHUNK = 8192;
    /**
     * Rows a block reduces in one pass of a column reduction ({@code reduce_cols_*}): a block of 32 columns and 8
     * rows of threads, each summing its column's rows one after another. Short chunks make many blocks: a bias
     * gradient over (64*56*56, 256) with 8192-row chunks ran 200 blocks at 1.7 TB/s on an H200 (0.12 ms).
     */
    static final long COLUMN_CHUNK = 512;
    /** Most chunks of one reduction: they are {@code gridDim.y}. */
    static final long MAX_CHUNKS = 65_535;

    static ReducePlan of(int[] shape, int[] axes) {
        boolean[] reduced = new boolean[shape.length];
        for (int a : axes) {
            reduced[a] = true;
        }
        long total = 1;
        long kept = 1;
        for (int i = 0; i < shape.length; i++) {
            total *= shape[i];
            kept *= reduced[i] ? 1 : shape[i];
        }
        if (total == 0) {
            return kept == 0 ? new ReducePlan(Kind.COPY, 0, 0, 1, new int[0])
                    : new ReducePlan(Kind.IDENTITY, kept, 0, 1, new int[0]);
        }
        ReduceLayout layout = ReduceLayout.of(shape, axes);
        return switch (layout.kind()) {
            case COPY -> new ReducePlan(Kind.COPY, layout.outer(), 1, 1, new int[0]);
            case ROWS -> new ReducePlan(Kind.ROWS, layout.outer(), layout.n(), 1, new int[0]);
            case COLUMNS -> new ReducePlan(Kind.COLUMNS, layout.outer(), layout.n(), layout.cols(), new int[0]);
            case GENERAL -> new ReducePlan(Kind.PERMUTED_ROWS, layout.outer(), layout.n(), 1, keptAxesFirst(reduced));
        };
    }

    /** The kept axes in order, then the reduced ones in order: the copy that makes a general reduction ROWS. */
    private static int[] keptAxesFirst(boolean[] reduced) {
        int[] perm = new int[reduced.length];
        int k = 0;
        for (int i = 0; i < reduced.length; i++) {
            if (!reduced[i]) {
                perm[k++] = i;
            }
        }
        for (int i = 0; i < reduced.length; i++) {
            if (reduced[i]) {
                perm[k++] = i;
            }
        }
        return perm;
    }

    /**
     * The chunk length for a reduction of length {@code n}: {@link #CHUNK}, or longer when that would
     * make more than {@link #MAX_CHUNKS} chunks; {@code n} itself (one pass) when n fits one chunk.
     */
    static long chunk(long n) {
        return chunk(n, CHUNK);
    }

    /** {@code ceil(n / chunk(n))}, at least 1: the partials of the first pass (1 means a single pass). */
    static long chunks(long n) {
        return Math.max(1, Math.ceilDiv(n, chunk(n)));
    }

    /** {@link #chunk} of a column reduction: {@link #COLUMN_CHUNK} rows, longer past {@link #MAX_CHUNKS} chunks. */
    static long columnChunk(long n) {
        return chunk(n, COLUMN_CHUNK);
    }

    /** {@code ceil(n / columnChunk(n))}, at least 1. */
    static long columnChunks(long n) {
        return Math.max(1, Math.ceilDiv(n, columnChunk(n)));
    }

    private static long chunk(long n, long base) {
        if (n <= base) {
            return Math.max(1, n);
        }
        return Math.max(base, Math.ceilDiv(n, MAX_CHUNKS));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReducePlan p && p.kind == kind && p.outer == outer && p.n == n && p.cols == cols
                && Arrays.equals(p.permutation, permutation);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + Long.hashCode(outer * 31 + n) + Arrays.hashCode(permutation);
    }

    @Override
    public String toString() {
        return kind + "(outer=" + outer + ", n=" + n + ", cols=" + cols
                + (permutation.length > 0 ? ", permutation=" + Arrays.toString(permutation) : "") + ")";
    }
}
