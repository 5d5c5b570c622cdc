package org.transfer4j.backend.cpu;

import static org.transfer4j.backend.cpu.CpuGemmKernel.F;
import static org.transfer4j.backend.cpu.CpuGemmKernel.L;
import static org.transfer4j.backend.cpu.CpuGemmKernel.MR;
import static org.transfer4j.backend.cpu.CpuGemmKernel.NR;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Copies blocks of A and B into the panel layout of {@link CpuGemmKernel}, so the kernel reads both
 * operands sequentially whatever the transposes and leading dimensions were. Panels are padded
 * with zeros to a full MR rows (A) or NR columns (B): a partial tile then computes zeros in its
 * unused part instead of needing its own kernel. Buffers are reused, so the padding is written
 * explicitly every time. The two transposing cases (A stored (M, K), B stored (N, K)) read one panel
 * column with a vector gather, measured ~1.4x faster than a scalar strided copy.
 *
 * <p>Element {@code (i, p)} of {@code op(A)} is {@code a[aOff + i*lda + p]}, or {@code a[aOff + p*lda + i]}
 * when transposed; likewise {@code (p, j)} of {@code op(B)} (row-major, as in {@link CpuGemm#sgemm}).
 */
final class CpuGemmPacking {
    /** The first MR lanes: one column of an A panel. */
    private static final VectorMask<Float> A_MASK = F.indexInRange(0, MR);

    private CpuGemmPacking() {
    }

    /**
     * Gather indices {@code {0, ld, 2*ld, ...}} of {@code rows} rows {@code ld} floats apart, padded
     * with 0 to a vector: a gather checks every lane's index, even lanes its mask turns off.
     */
    private static int[] offsets(int ld, int rows) {
        int[] offsets = new int[L];
        for (int i = 0; i < rows; i++) {
            offsets[i] = i * ld;
        }
        return offsets;
    }

    /**
     * Packs {@code alpha * op(A)[ic .. ic+mc, pc .. pc+kc]} into {@code ceil(mc/MR)} panels of
     * {@code kc x MR} floats: {@code dst[(i/MR)*MR*kc + p*MR + i%MR]}. Folding alpha in here is free and
     * lets the kernel do a plain {@code C += A*B}.
     */
    static void packA(boolean transA, float[] a, int aOff, int lda, int ic, int mc, int pc, int kc,
                      float alpha, float[] dst) {
        boolean gather = !transA && MR <= L; // one A panel column fits a vector (AVX-512: 14 <= 16)
        int[] rowOffsets = gather ? offsets(lda, MR) : null;
        for (int i0 = 0; i0 < mc; i0 += MR) {
            int rows = Math.min(MR, mc - i0);
            int base = i0 * kc;
            if (transA) {
                // Stored (K, M): row p of the block holds MR consecutive values of our panel column p.
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (pc + p) * lda + ic + i0;
                    int d = base + p * MR;
                    for (int i = 0; i < rows; i++) {
                        dst[d + i] = alpha * a[src + i];
                    }
                    for (int i = rows; i < MR; i++) {
                        dst[d + i] = 0f;
                    }
                }
            } else if (gather && rows == MR) {
                // Stored (M, K): gather column p of the panel (MR rows, lda apart) into one vector.
                int src = aOff + (ic + i0) * lda + pc;
                for (int p = 0; p < kc; p++) {
                    FloatVector.fromArray(F, a, src + p, rowOffsets, 0).mul(alpha)
                            .intoArray(dst, base + p * MR, A_MASK);
                }
            } else {
                for (int i = 0; i < rows; i++) {
                    int src = aOff + (ic + i0 + i) * lda + pc;
                    for (int p = 0; p < kc; p++) {
                        dst[base + p * MR + i] = alpha * a[src + p];
                    }
                }
                for (int i = rows; i < MR; i++) {
                    for (int p = 0; p < kc; p++) {
                        dst[base + p * MR + i] = 0f;
                    }
                }
            }
        }
    }

    /**
     * Packs panels {@code [panelFrom, panelTo)} of {@code op(B)[pc .. pc+kc, jc .. jc+nc]}, each NR
     * columns wide, into {@code dst[panel*NR*kc + p*NR + j%NR]}.
     */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc,
                      int panelFrom, int panelTo, float[] dst) {
        int[] colOffsets = transB ? offsets(ldb, L) : null;
        for (int panel = panelFrom; panel < panelTo; panel++) {
            int j0 = panel * NR;
            int cols = Math.min(NR, nc - j0);
            int base = j0 * kc;
            if (transB && cols == NR) {
                // Stored (N, K): gather row p of the panel (NR columns of op(B), ldb apart) as two vectors.
                int src = bOff + (jc + j0) * ldb + pc;
                int srcHalf = src + L * ldb;
                for (int p = 0; p < kc; p++) {
                    FloatVector.fromArray(F, b, src + p, colOffsets, 0).intoArray(dst, base + p * NR);
                    FloatVector.fromArray(F, b, srcHalf + p, colOffsets, 0).intoArray(dst, base + p * NR + L);
                }
            } else if (transB) {
                for (int j = 0; j < cols; j++) {
                    int src = bOff + (jc + j0 + j) * ldb + pc;
                    for (int p = 0; p < kc; p++) {
                        dst[base + p * NR + j] = b[src + p];
                    }
                }
                for (int j = cols; j < NR; j++) {
                    for (int p = 0; p < kc; p++) {
                        dst[base + p * NR + j] = 0f;
                    }
                }
            } else if (cols == NR) {
                // Stored (K, N): each panel row is NR consecutive floats, two vectors.
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (pc + p) * ldb + jc + j0;
                    int d = base + p * NR;
                    FloatVector.fromArray(F, b, src).intoArray(dst, d);
                    FloatVector.fromArray(F, b, src + L).intoArray(dst, d + L);
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (pc + p) * ldb + jc + j0;
                    int d = base + p * NR;
                    System.arraycopy(b, src, dst, d, cols);
                    java.util.Arrays.fill(dst, d + cols, d + NR, 0f);
                }
            }
        }
    }
}
