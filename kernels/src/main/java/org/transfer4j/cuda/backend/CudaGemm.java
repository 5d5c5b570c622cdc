package org.transfer4j.cuda.backend;

import java.util.Arrays;
import org.transfer4j.cuda.blas.GemmPlan;
import org.transfer4j.tensor.Tensor;

/**
 * Batched GEMM through cuBLAS: {@code a (B,M,K)} (stored {@code (B,K,M)} when transA), {@code b (B,K,N)}
 * (stored {@code (B,N,K)} when transB) {@code -> (B,M,N)}; a batch of 1 is broadcast with batch stride 0.
 * {@link GemmPlan} maps the row-major product onto column-major cuBLAS without copies. TF32 is off for
 * GEMMs (the {@code Cublas} default, as PyTorch's {@code matmul.allow_tf32}), so results match the CPU in fp32.
 */
final class CudaGemm {
    private final CudaExec exec;

    CudaGemm(CudaExec exec) {
        this.exec = exec;
    }

    Tensor gemm(Tensor a, Tensor b, boolean transA, boolean transB) {
        CudaExec.requireContiguous("gemm", a, b);
        int[] as = a.shape();
        int[] bs = b.shape();
        if (as.length != 3 || bs.length != 3) {
            throw new IllegalArgumentException("gemm: a and b must be rank 3, got " + Arrays.toString(as) + " and "
                    + Arrays.toString(bs));
        }
        int m = transA ? as[2] : as[1];
        int k = transA ? as[1] : as[2];
        int kb = transB ? bs[2] : bs[1];
        int n = transB ? bs[1] : bs[2];
        if (k != kb || (as[0] != bs[0] && as[0] != 1 && bs[0] != 1)) {
            throw new IllegalArgumentException("gemm: a " + Arrays.toString(as) + (transA ? "^T" : "") + " and b "
                    + Arrays.toString(bs) + (transB ? "^T" : "") + " do not multiply");
        }
        int batch = Math.max(as[0], bs[0]);
        if (as[0] == 0 || bs[0] == 0) {
            batch = 0;
        }
        Tensor c = exec.empty(batch, m, n);
        long pa = exec.address(a);
        long pb = exec.address(b);
        long pc = exec.address(c);
        if (c.numel() == 0) {
            return c;
        }
        if (k == 0) { // an empty sum: C = 0, and cuBLAS refuses k = 0 in GemmPlan
            exec.memsetZero(pc, c.numel());
            return c;
        }
        GemmPlan plan = GemmPlan.rowMajor(transA, transB, m, n, k);
        // the GEMMs' own math mode (a pointwise convolution may have left TF32 on): nothing when it is already set
        exec.cublas.setTf32(exec.streamAddress, exec.cublas.defaultTf32());
        if (batch == 1) {
            exec.cublas.sgemm(exec.streamAddress, plan, 1f, pa, pb, 0f, pc);
        } else {
            exec.cublas.sgemmStridedBatched(exec.streamAddress, plan, batch, 1f, pa, as[0] == 1 ? 0 : plan.sizeA(),
                    pb, bs[0] == 1 ? 0 : plan.sizeB(), 0f, pc, plan.sizeC());
        }
        return c;
    }
}
