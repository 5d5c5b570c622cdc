package org.transfer4j.cuda.backend;

import org.transfer4j.backend.ReduceOp;
import org.transfer4j.backend.UnaryOp;
import org.transfer4j.cuda.driver.KernelArgs;
import org.transfer4j.cuda.kernels.Kernels;
import org.transfer4j.tensor.Shape;
import org.transfer4j.tensor.Tensor;

/**
 * Sum / max / min over axes with {@code reduce.cu}, decomposed by {@link ReducePlan}: inner-axis
 * reductions are {@code reduce_rows_*}, middle/outer ones {@code reduce_cols_*}, any other pattern is
 * permuted into rows first. A reduction longer than a chunk ({@link ReducePlan#CHUNK} rows of a row
 * reduction, {@link ReducePlan#COLUMN_CHUNK} of a column one) runs in passes:
 * partials per chunk, then the same kernel over the partials.
 */
final class CudaReduce {
    private final CudaExec exec;

    CudaReduce(CudaExec exec) {
        this.exec = exec;
    }

    /** Contiguous x reduced over sorted, distinct axes; y keeps them as size 1. */
    Tensor reduce(ReduceOp op, Tensor x, int[] axes) {
        return reduce(op, x, axes, null);
    }

    /**
     * {@link org.transfer4j.backend.Backend#reduceSumScaled}: the sum over axes with its last pass writing
     * {@code scale * sum + 0} ({@code reduce_*_sum_scaled_f32}); the two patterns without a summing kernel (axes of
     * size 1, nothing to sum) are the sum then {@code affine_f32}, as the SPI's default.
     */
    Tensor sumScaled(Tensor x, int[] axes, float scale, CudaElementwise elementwise) {
        ReducePlan plan = ReducePlan.of(x.shape(), axes);
        if (plan.kind() == ReducePlan.Kind.COPY || plan.kind() == ReducePlan.Kind.IDENTITY) {
            try (Tensor sum = reduce(ReduceOp.SUM, x, axes)) {
                return elementwise.unary(UnaryOp.AFFINE, sum, scale, 0f);
            }
        }
        return reduce(ReduceOp.SUM, x, axes, scale);
    }

    /** {@link #reduce}, a sum's last pass scaled by {@code scale} unless it is null. */
    private Tensor reduce(ReduceOp op, Tensor x, int[] axes, Float scale) {
        CudaExec.requireContiguous("reduce", x);
        Tensor y = exec.empty(Shape.reduced(x.shape(), axes, true));
        ReducePlan plan = ReducePlan.of(x.shape(), axes);
        try (Temporaries temps = new Temporaries()) {
            switch (plan.kind()) {
                case COPY -> exec.stridedCopy(x, y.view(x.shape(), Shape.contiguousStrides(x.shape()), 0));
                case IDENTITY -> exec.fill(y, identity(op));
                case ROWS -> rows(op, exec.address(x), plan.outer(), plan.n(), exec.address(y), scale, temps);
                case COLUMNS -> columns(op, exec.address(x), plan.outer(), plan.n(), plan.cols(), exec.address(y), scale,
                        temps);
                case PERMUTED_ROWS -> {
                    Tensor permuted = x.detach().permute(plan.permutation());
                    Tensor packed = temps.add(exec.empty(permuted.shape()));
                    exec.stridedCopy(permuted, packed);
                    rows(op, exec.address(packed), plan.outer(), plan.n(), exec.address(y), scale, temps);
                }
            }
        }
        return y;
    }

    /** x (rows, n) -> y (rows), in one or two passes; the last one scaled when {@code scale} is not null. */
    void rows(ReduceOp op, long x, long rows, long n, long y, Float scale, Temporaries temps) {
        long chunk = ReducePlan.chunk(n);
        long chunks = ReducePlan.chunks(n);
        if (chunks == 1) {
            rowsPass(op, rows, n, chunk, x, y, 1, scale);
            return;
        }
        long partial = exec.workspace(rows * chunks * Float.BYTES, temps);
        rowsPass(op, rows, n, chunk, x, partial, chunks, null);
        rowsPass(op, rows, chunks, chunks, partial, y, 1, scale);
    }

    private void rowsPass(ReduceOp op, long rows, long n, long chunk, long x, long y, long chunks, Float scale) {
        if (scale == null) {
            exec.launch(Kernels.reduceRows(op), KernelGeometry.reduceRows(rows, chunks, chunk),
                    KernelArgs.create().i64(rows).i64(n).i64(chunk).pointer(x).pointer(y));
        } else {
            exec.launch(Kernels.REDUCE_ROWS_SUM_SCALED, KernelGeometry.reduceRows(rows, chunks, chunk),
                    KernelArgs.create().i64(rows).i64(n).i64(chunk).f32(scale).pointer(x).pointer(y));
        }
    }

    /**
     * x (outer, n, cols) -> y (outer, cols): partials per chunk of rows, then the partials reduced the same way; the
     * last pass scaled when {@code scale} is not null.
     */
    void columns(ReduceOp op, long x, long outer, long n, long cols, long y, Float scale, Temporaries temps) {
        long chunk = ReducePlan.columnChunk(n);
        long chunks = ReducePlan.columnChunks(n);
        if (chunks == 1) {
            columnsPass(op, outer, n, cols, chunk, x, y, 1, scale);
            return;
        }
        long partial = exec.workspace(outer * chunks * cols * Float.BYTES, temps);
        columnsPass(op, outer, n, cols, chunk, x, partial, chunks, null);
        columns(op, partial, outer, chunks, cols, y, scale, temps);
    }

    private void columnsPass(ReduceOp op, long outer, long n, long cols, long chunk, long x, long y, long chunks,
                             Float scale) {
        if (scale == null) {
            exec.launch(Kernels.reduceCols(op), KernelGeometry.reduceCols(outer, cols, chunks),
                    KernelArgs.create().i64(outer).i64(n).i64(cols).i64(chunk).pointer(x).pointer(y));
        } else {
            exec.launch(Kernels.REDUCE_COLS_SUM_SCALED, KernelGeometry.reduceCols(outer, cols, chunks),
                    KernelArgs.create().i64(outer).i64(n).i64(cols).i64(chunk).f32(scale).pointer(x).pointer(y));
        }
    }

    private static float identity(ReduceOp op) {
        return switch (op) {
            case SUM -> 0f;
            case MAX -> Float.NEGATIVE_INFINITY;
            case MIN -> Float.POSITIVE_INFINITY;
        };
    }
}
