package org.transfer4j.cuda.backend;

import org.transfer4j.backend.ReduceOp;
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
        CudaExec.requireContiguous("reduce", x);
        Tensor y = exec.empty(Shape.reduced(x.shape(), axes, true));
        ReducePlan plan = ReducePlan.of(x.shape(), axes);
        try (Temporaries temps = new Temporaries()) {
            switch (plan.kind()) {
                case COPY -> exec.stridedCopy(x, y.view(x.shape(), Shape.contiguousStrides(x.shape()), 0));
                case IDENTITY -> exec.fill(y, identity(op));
                case ROWS -> rows(op, exec.address(x), plan.outer(), plan.n(), exec.address(y), temps);
                case COLUMNS -> columns(op, exec.address(x), plan.outer(), plan.n(), plan.cols(), exec.address(y), temps);
                case PERMUTED_ROWS -> {
                    Tensor permuted = x.detach().permute(plan.permutation());
                    Tensor packed = temps.add(exec.empty(permuted.shape()));
                    exec.stridedCopy(permuted, packed);
                    rows(op, exec.address(packed), plan.outer(), plan.n(), exec.address(y), temps);
                }
            }
        }
        return y;
    }

    /** x (rows, n) -> y (rows), in one or two passes. */
    void rows(ReduceOp op, long x, long rows, long n, long y, Temporaries temps) {
        long chunk = ReducePlan.chunk(n);
        long chunks = ReducePlan.chunks(n);
        if (chunks == 1) {
            exec.launch(Kernels.reduceRows(op), KernelGeometry.reduceRows(rows, 1, chunk),
                    KernelArgs.create().i64(rows).i64(n).i64(chunk).pointer(x).pointer(y));
            return;
        }
        long partial = exec.workspace(rows * chunks * Float.BYTES, temps);
        exec.launch(Kernels.reduceRows(op), KernelGeometry.reduceRows(rows, chunks, chunk),
                KernelArgs.create().i64(rows).i64(n).i64(chunk).pointer(x).pointer(partial));
        exec.launch(Kernels.reduceRows(op), KernelGeometry.reduceRows(rows, 1, chunks),
                KernelArgs.create().i64(rows).i64(chunks).i64(chunks).pointer(partial).pointer(y));
    }

    /** x (outer, n, cols) -> y (outer, cols): partials per chunk of rows, then the partials reduced the same way. */
    void columns(ReduceOp op, long x, long outer, long n, long cols, long y, Temporaries temps) {
        long chunk = ReducePlan.columnChunk(n);
        long chunks = ReducePlan.columnChunks(n);
        if (chunks == 1) {
            exec.launch(Kernels.reduceCols(op), KernelGeometry.reduceCols(outer, cols, 1),
                    KernelArgs.create().i64(outer).i64(n).i64(cols).i64(chunk).pointer(x).pointer(y));
            return;
        }
        long partial = exec.workspace(outer * chunks * cols * Float.BYTES, temps);
        exec.launch(Kernels.reduceCols(op), KernelGeometry.reduceCols(outer, cols, chunks),
                KernelArgs.create().i64(outer).i64(n).i64(cols).i64(chunk).pointer(x).pointer(partial));
        columns(op, partial, outer, chunks, cols, y, temps);
    }

    private static float identity(ReduceOp op) {
        return switch (op) {
            case SUM -> 0f;
            case MAX -> Float.NEGATIVE_INFINITY;
            case MIN -> Float.POSITIVE_INFINITY;
        };
    }
}
