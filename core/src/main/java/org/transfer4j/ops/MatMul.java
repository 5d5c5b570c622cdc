package org.transfer4j.ops;

import java.util.Arrays;
import org.transfer4j.autograd.Autograd;
import org.transfer4j.tensor.Shape;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * Matrix product with NumPy {@code matmul} semantics: {@code a (..., M, K) @ b (..., K, N) -> (..., M, N)},
 * batch axes broadcast; a 1-D {@code a} is a row vector and a 1-D {@code b} a column vector, their
 * axis removed from the result ({@code (K) @ (K) -> ()}, {@code (K) @ (..., K, N) -> (..., N)},
 * {@code (..., M, K) @ (K) -> (..., M)}). Lowers to the backend's batched {@code gemm}; a view whose
 * last two axes are swapped over contiguous memory ({@code x.transpose(-1, -2)}) is passed as a
 * transpose flag instead of being copied, and a batch that is all ones is broadcast by the backend.
 * Other views, and batches broadcast only partly (e.g. {@code (2,1,M,K)} against batch {@code (2,5)}),
 * are copied first.
 *
 * <p>Backward: {@code da = dy @ b^T}, {@code db = a^T @ dy}, each summed over broadcast batch axes.
 */
public final class MatMul {
    private MatMul() {
    }

    public static Tensor matmul(Tensor a, Tensor b) {
        OpChecks.sameDevice("matmul", a, b);
        int[] as = a.shape();
        int[] bs = b.shape();
        if (as.length == 0 || bs.length == 0) {
            throw ShapeMismatchException.of("matmul", "needs tensors of rank 1 or more", as, bs);
        }
        int k = as[as.length - 1];
        int kb = bs.length == 1 ? bs[0] : bs[bs.length - 2];
        if (k != kb) {
            throw ShapeMismatchException.of("matmul", "inner dimensions differ (" + k + " vs " + kb + ")", as, bs);
        }
        if (as.length == 1 || bs.length == 1) {
            // Promote vectors to a (1, K) row / (K, 1) column, multiply, then drop the added axes.
            Tensor y = matmul(as.length == 1 ? Views.unsqueeze(a, 0) : a, bs.length == 1 ? Views.unsqueeze(b, 1) : b);
            if (bs.length == 1) {
                y = Views.squeeze(y, -1);
            }
            return as.length == 1 ? Views.squeeze(y, bs.length == 1 ? -1 : -2) : y;
        }
        return matrices(a, b);
    }

    /** Both operands of rank 2 or more. */
    private static Tensor matrices(Tensor a, Tensor b) {
        int[] as = a.shape();
        int[] bs = b.shape();
        int m = as[as.length - 2];
        int k = as[as.length - 1];
        int n = bs[bs.length - 1];
        int[] batch;
        try {
            batch = Shape.broadcast("matmul", Arrays.copyOf(as, as.length - 2), Arrays.copyOf(bs, bs.length - 2));
        } catch (ShapeMismatchException e) {
            throw ShapeMismatchException.of("matmul", "batch axes do not broadcast", as, bs);
        }
        Tensor y = gemm(a, b, batch, m, k, n);
        int[] outShape = Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        Tensor out = y.reshape(outShape).detach();
        return Autograd.record("matmul", out, g -> new Tensor[] {
            a.requiresGrad() ? Reduce.sumToShape(matmul(g, b.transpose(-1, -2)), as) : null,
            b.requiresGrad() ? Reduce.sumToShape(matmul(a.transpose(-1, -2), g), bs) : null}, a, b);
    }

    /** The unrecorded product as a rank-3 (B, M, N) tensor. */
    private static Tensor gemm(Tensor a, Tensor b, int[] batch, int m, int k, int n) {
        Operand pa = Operand.of(a, batch, m, k);
        Operand pb = Operand.of(b, batch, k, n);
        return a.backend().gemm(pa.matrix, pb.matrix, pa.transposed, pb.transposed);
    }

    /** A matmul operand as a contiguous (B, rows, cols) tensor, or its transpose stored contiguously. */
    private record Operand(Tensor matrix, boolean transposed) {
        static Operand of(Tensor x, int[] batch, int rows, int cols) {
            int[] s = x.shape();
            int[] xBatch = Arrays.copyOf(s, s.length - 2);
            int batchCount = (int) Shape.numel(batch);
            boolean broadcastBatch = Shape.numel(xBatch) == 1 && batchCount != 1;
            Tensor t = x.detach();
            if (!broadcastBatch && !Arrays.equals(pad(xBatch, batch.length), batch)) {
                // Broadcasting a batch axis that is neither full nor all ones: materialise it.
                int[] full = Arrays.copyOf(batch, batch.length + 2);
                full[batch.length] = rows;
                full[batch.length + 1] = cols;
                t = t.broadcastTo(full).copy();
            }
            int b = broadcastBatch ? 1 : batchCount;
            if (isTransposedContiguous(t)) {
                // The last two axes are swapped over contiguous memory: pass the stored (cols, rows) layout.
                Tensor stored = t.transpose(-1, -2);
                return new Operand(stored.view(new int[] {b, cols, rows}, Shape.contiguousStrides(new int[] {b, cols, rows}),
                        stored.offset()), true);
            }
            Tensor c = t.isContiguous() ? t : t.copy();
            return new Operand(c.view(new int[] {b, rows, cols}, Shape.contiguousStrides(new int[] {b, rows, cols}),
                    c.offset()), false);
        }

        private static boolean isTransposedContiguous(Tensor t) {
            return t.rank() >= 2 && !t.isContiguous() && t.transpose(-1, -2).isContiguous();
        }

        private static int[] pad(int[] shape, int rank) {
            int[] out = new int[rank];
            Arrays.fill(out, 1);
            System.arraycopy(shape, 0, out, rank - shape.length, shape.length);
            return out;
        }
    }
}
