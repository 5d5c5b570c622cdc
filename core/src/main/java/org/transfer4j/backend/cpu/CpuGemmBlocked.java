package org.transfer4j.backend.cpu;

import static org.transfer4j.backend.cpu.CpuGemmKernel.MR;
import static org.transfer4j.backend.cpu.CpuGemmKernel.NR;

import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The cache-blocked GEMM (the GotoBLAS / BLIS loop nest) behind {@link CpuGemm#sgemm}:
 * <pre>
 * for jc in steps of NC:                        columns of C and B
 *   for pc in steps of KC:                      the shared dimension
 *     pack B[pc.., jc..] (KC x NC)               in parallel; one copy shared by all tasks
 *     parallel for each task (rows ic.. of C, up to MC; a group of B panels):
 *       if pc == 0: C = beta * C on its part      so the kernel only ever accumulates
 *       pack alpha * A[ic.., pc..] (MC x KC)      each task its own copy
 *       for each NB-wide sub-block of packed B:
 *         for each MR-high A panel, for each NR-wide B panel in it:
 *           micro-kernel: C tile (MR x NR) += A panel * B panel
 * </pre>
 * Where the data sits (Sapphire Rapids: 48 KB L1 and 2 MB L2 per core): an A panel (KC x MR, 14 KB)
 * in L1 while it meets a whole B sub-block; the B sub-block (KC x NB, 512 KB) and the A block
 * (MC x KC, 168 KB) in L2; the B block (KC x NC, 4 MB) in L3. The NB loop exists because C tiles are
 * read and written once per KC step: walking C along a row strip keeps those accesses sequential,
 * and with C from memory (2048^2) it measured ~15% faster than the textbook order (B panel outer,
 * A panels inner), which steps down C MR rows at a time.
 *
 * <p>Buffers come from two small pools, never a thread-local: a worker waiting inside a nested
 * {@link CpuParallel#forRange} may run a task of another, concurrent GEMM, which must not overwrite
 * this one's panels.
 */
final class CpuGemmBlocked {
    /** Depth of a packed block: the k extent of every panel. */
    static final int KC = 256;
    /** Most rows of A one task packs (12 register tiles). */
    static final int MC = 12 * MR;
    /** Columns of B packed at once, shared by all tasks. */
    static final int NC = 4096;
    /** Columns of the packed B block one task sweeps while it stays in L2. */
    static final int NB = 512;
    /** Tasks per thread to aim for, so uneven tasks (edge blocks, other load) balance out. */
    private static final int TASKS_PER_THREAD = 4;

    private static final BufferPool A_BUFFERS = new BufferPool();
    private static final BufferPool B_BUFFERS = new BufferPool();

    private CpuGemmBlocked() {
    }

    /** The blocked product; {@code parallel=false} keeps all work on the calling thread. */
    static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc, boolean parallel) {
        Problem g = new Problem(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc,
                parallel && CpuParallel.threads() > 1);
        float[] packedB = B_BUFFERS.take(Math.min(KC, k) * roundUp(Math.min(NC, n), NR));
        try {
            for (int jc = 0; jc < n; jc += NC) {
                int nc = Math.min(NC, n - jc);
                for (int pc = 0; pc < k; pc += KC) {
                    g.block(jc, nc, pc, Math.min(KC, k - pc), packedB);
                }
            }
        } finally {
            B_BUFFERS.give(packedB);
        }
    }

    /** One call's arguments, and the work on one (jc, pc) block. */
    private record Problem(boolean transA, boolean transB, int m, int n, int k, float alpha,
                           float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                           float beta, float[] c, int cOff, int ldc, boolean parallel) {

        void block(int jc, int nc, int pc, int kc, float[] packedB) {
            int panels = ceilDiv(nc, NR);
            run(panels, 8, (from, to) ->
                    CpuGemmPacking.packB(transB, b, bOff, ldb, pc, kc, jc, nc, from, to, packedB));
            // Tasks: row blocks x groups of B panels. Rows are split first, into whole A panels and
            // at most MC rows per block, because a row block packs only its own part of A. Columns
            // are split only when C has too few rows to keep every thread busy; then each group of
            // B panels packs the same A block again, which is cheap because that block is small.
            int rowPanels = ceilDiv(m, MR);
            int wanted = parallel ? TASKS_PER_THREAD * CpuParallel.threads() : 1;
            int rowBlocks = Math.min(rowPanels, Math.max(wanted, ceilDiv(rowPanels, MC / MR)));
            int groups = Math.min(panels, ceilDiv(wanted, rowBlocks));
            int panelsPerGroup = ceilDiv(panels, groups);
            run(rowBlocks * groups, 1, (from, to) -> {
                float[] packedA = A_BUFFERS.take(MC * KC);
                try {
                    for (int t = from; t < to; t++) {
                        int row = t / groups;
                        int ic = (int) ((long) row * rowPanels / rowBlocks) * MR;
                        int icEnd = Math.min(m, (int) ((long) (row + 1) * rowPanels / rowBlocks) * MR);
                        int p0 = (t % groups) * panelsPerGroup;
                        int p1 = Math.min(panels, p0 + panelsPerGroup);
                        if (p0 < p1) {
                            task(jc, nc, pc, kc, ic, icEnd - ic, p0, p1, packedA, packedB);
                        }
                    }
                } finally {
                    A_BUFFERS.give(packedA);
                }
            });
        }

        /** Rows {@code [ic, ic+mc)} of C against B panels {@code [p0, p1)} of the current block. */
        private void task(int jc, int nc, int pc, int kc, int ic, int mc, int p0, int p1,
                          float[] packedA, float[] packedB) {
            int j0 = p0 * NR;
            int j1 = Math.min(nc, p1 * NR);
            if (pc == 0) {
                scale(ic, mc, jc + j0, j1 - j0);
            }
            CpuGemmPacking.packA(transA, a, aOff, lda, ic, mc, pc, kc, alpha, packedA);
            // B sub-blocks of NB columns stay in L2 while every A panel of the block passes over them;
            // within one, a C row strip (MR rows) is walked left to right, which the prefetchers follow.
            float[] scratch = null;
            for (int q0 = p0; q0 < p1; q0 += NB / NR) {
                int q1 = Math.min(p1, q0 + NB / NR);
                for (int i = 0; i < mc; i += MR) {
                    int rows = Math.min(MR, mc - i);
                    for (int panel = q0; panel < q1; panel++) {
                        int j = panel * NR;
                        int cols = Math.min(NR, nc - j);
                        int co = cOff + (ic + i) * ldc + jc + j;
                        if (rows == MR && cols == NR) {
                            CpuGemmKernel.multiply(kc, packedA, i * kc, packedB, j * kc, c, co, ldc);
                        } else {
                            scratch = scratch == null ? new float[MR * NR] : scratch;
                            edgeTile(kc, packedA, i * kc, packedB, j * kc, co, rows, cols, scratch);
                        }
                    }
                }
            }
        }

        /** A partial tile: compute the full (zero-padded) tile aside, then add the part that lies in C. */
        private void edgeTile(int kc, float[] packedA, int ao, float[] packedB, int bo, int co, int rows, int cols,
                              float[] scratch) {
            java.util.Arrays.fill(scratch, 0f);
            CpuGemmKernel.multiply(kc, packedA, ao, packedB, bo, scratch, 0, NR);
            for (int r = 0; r < rows; r++) {
                for (int q = 0; q < cols; q++) {
                    c[co + r * ldc + q] += scratch[r * NR + q];
                }
            }
        }

        /** C = beta * C on a sub-block; beta = 0 overwrites (so NaN garbage in C is ignored, as in BLAS). */
        private void scale(int i0, int rows, int j0, int cols) {
            if (beta == 1f) {
                return;
            }
            for (int i = i0; i < i0 + rows; i++) {
                int from = cOff + i * ldc + j0;
                if (beta == 0f) {
                    java.util.Arrays.fill(c, from, from + cols, 0f);
                } else {
                    for (int j = from; j < from + cols; j++) {
                        c[j] *= beta;
                    }
                }
            }
        }

        private void run(int n, int grain, CpuParallel.Range body) {
            if (parallel) {
                CpuParallel.forRange(n, grain, body);
            } else {
                body.run(0, n);
            }
        }
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    private static int roundUp(int x, int y) {
        return ceilDiv(x, y) * y;
    }

    /**
     * Reusable packing buffers shared by all threads. A buffer is taken for the duration of one
     * task or call and given back, so no two users ever hold the same array.
     */
    private static final class BufferPool {
        private static final int KEEP = 4;
        private final ConcurrentLinkedQueue<float[]> free = new ConcurrentLinkedQueue<>();

        float[] take(int size) {
            float[] buffer = free.poll();
            return buffer != null && buffer.length >= size ? buffer : new float[size];
        }

        void give(float[] buffer) {
            if (free.size() < KEEP) {
                free.offer(buffer);
            }
        }
    }
}
