package org.transfer4j.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The GEMM micro-kernel: {@code C[MR x NR] += Apanel * Bpanel} for one register tile, with the
 * panels packed by {@link CpuGemmPacking}.
 *
 * <p>Layout. The A panel holds {@code kc} columns of MR floats ({@code a[p*MR + i] = A(i, p)}), the
 * B panel {@code kc} rows of NR floats ({@code b[p*NR + j] = B(p, j)}), so each step {@code p} reads
 * MR + NR consecutive floats. Per step the kernel loads two vectors of B, broadcasts each of the MR
 * values of A and does {@code 2*MR} fused multiply-adds into the C tile (a rank-1 update).
 *
 * <p>Why 14 x 2 vectors. AVX-512 has 32 vector registers: 28 accumulators + 2 B vectors + 1
 * broadcast fit, and 28 independent FMA chains hide the FMA latency (4 cycles x 2 ports). Measured
 * alone on this Sapphire Rapids core (panels in cache): 8x32 ~180, 12x32 ~180, 14x32 ~190 GFLOP/s.
 * The accumulators are plain locals (no arrays) and the stores are written out, so that C2 keeps
 * every vector in a register; a helper method taking vectors as arguments can fail to inline in a
 * method this large, and then each vector would be boxed on the heap. With a 256-bit preferred
 * species (AVX2, 16 registers) the same code stays correct but spills; it is tuned for AVX-512.
 */
final class CpuGemmKernel {
    /** The preferred species: 512-bit (16 floats) with AVX-512. */
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Lanes per vector. */
    static final int L = F.length();
    /** Rows of the register tile. */
    static final int MR = 14;
    /** Columns of the register tile: two vectors. */
    static final int NR = 2 * L;

    private CpuGemmKernel() {
    }

    /**
     * {@code C[co + i*ldc + j] += sum_p a[ao + p*MR + i] * b[bo + p*NR + j]} for {@code i < MR, j < NR}.
     * Every row of the tile must lie inside {@code c}; partial tiles go through a scratch tile.
     */
    static void multiply(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector c00a = zero, c00b = zero;
        FloatVector c01a = zero, c01b = zero;
        FloatVector c02a = zero, c02b = zero;
        FloatVector c03a = zero, c03b = zero;
        FloatVector c04a = zero, c04b = zero;
        FloatVector c05a = zero, c05b = zero;
        FloatVector c06a = zero, c06b = zero;
        FloatVector c07a = zero, c07b = zero;
        FloatVector c08a = zero, c08b = zero;
        FloatVector c09a = zero, c09b = zero;
        FloatVector c10a = zero, c10b = zero;
        FloatVector c11a = zero, c11b = zero;
        FloatVector c12a = zero, c12b = zero;
        FloatVector c13a = zero, c13b = zero;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(F, b, bo);
            FloatVector b1 = FloatVector.fromArray(F, b, bo + L);
            FloatVector ai;
            ai = FloatVector.broadcast(F, a[ao + 0]);
            c00a = ai.fma(b0, c00a);
            c00b = ai.fma(b1, c00b);
            ai = FloatVector.broadcast(F, a[ao + 1]);
            c01a = ai.fma(b0, c01a);
            c01b = ai.fma(b1, c01b);
            ai = FloatVector.broadcast(F, a[ao + 2]);
            c02a = ai.fma(b0, c02a);
            c02b = ai.fma(b1, c02b);
            ai = FloatVector.broadcast(F, a[ao + 3]);
            c03a = ai.fma(b0, c03a);
            c03b = ai.fma(b1, c03b);
            ai = FloatVector.broadcast(F, a[ao + 4]);
            c04a = ai.fma(b0, c04a);
            c04b = ai.fma(b1, c04b);
            ai = FloatVector.broadcast(F, a[ao + 5]);
            c05a = ai.fma(b0, c05a);
            c05b = ai.fma(b1, c05b);
            ai = FloatVector.broadcast(F, a[ao + 6]);
            c06a = ai.fma(b0, c06a);
            c06b = ai.fma(b1, c06b);
            ai = FloatVector.broadcast(F, a[ao + 7]);
            c07a = ai.fma(b0, c07a);
            c07b = ai.fma(b1, c07b);
            ai = FloatVector.broadcast(F, a[ao + 8]);
            c08a = ai.fma(b0, c08a);
            c08b = ai.fma(b1, c08b);
            ai = FloatVector.broadcast(F, a[ao + 9]);
            c09a = ai.fma(b0, c09a);
            c09b = ai.fma(b1, c09b);
            ai = FloatVector.broadcast(F, a[ao + 10]);
            c10a = ai.fma(b0, c10a);
            c10b = ai.fma(b1, c10b);
            ai = FloatVector.broadcast(F, a[ao + 11]);
            c11a = ai.fma(b0, c11a);
            c11b = ai.fma(b1, c11b);
            ai = FloatVector.broadcast(F, a[ao + 12]);
            c12a = ai.fma(b0, c12a);
            c12b = ai.fma(b1, c12b);
            ai = FloatVector.broadcast(F, a[ao + 13]);
            c13a = ai.fma(b0, c13a);
            c13b = ai.fma(b1, c13b);
            ao += MR;
            bo += NR;
        }
        int r = co;
        FloatVector.fromArray(F, c, r).add(c00a).intoArray(c, r);
        FloatVector.fromArray(F, c, r + L).add(c00b).intoArray(c, r + L);
        r += ldc;
        FloatVector.fromArray(F, c, r).add(c01a).intoArray(c, r);
        FloatVector.fromArray(F, c, r + L).add(c01b).intoArray(c, r + L);
        r += ldc;
        FloatVector.fromArray(F, c, r).add(c02a).intoArray(c, r);
        FloatVector.fromArray(F, c, r + L).add(c02b).intoArray(c, r + L);
        r += ldc;
        FloatVector.fromArray(F, c, r).add(c03a).intoArray(c, r);
        FloatVector.fromArray(F, c, r + L).add(c03b).intoArray(c, r + L);
        r += ldc;
        FloatVector.fromArray(F, c, r).add(c04a).intoArray(c, r);
        FloatVector.fromArray(F, c, r + L).add(c04b).intoArray(c, r + L);
        r += ldc;
        FloatVector.fromArray(F, c, r).add(c05a).intoArray(c, r);
        FloatVector.fromArray(F, c, r + L).add(c05b).intoArray(c, r + L);
        r += ldc;
        FloatVector.fromArray(F, c, r).add(c06a).intoArray(c, r);
        FloatVector.fromArray(F, c, r + L).add(c06b).intoArray(c, r + L);
        r += ldc;
        FloatVector.fromArray(F, c, r).add(c07a).intoArray(c, r);
        FloatVector.fromArray(F, c, r + L).add(c07b).intoArray(c, r + L);
        r += ldc;
        FloatVector.fromArray(F, c, r).add(c08a).intoArray(c, r);
        FloatVector.fromArray(F, c, r + L).add(c08b).intoArray(c, r + L);
        r += ldc;
        FloatVector.fromArray(F, c, r).add(c09a).intoArray(c, r);
        FloatVector.fromArray(F, c, r + L).add(c09b).intoArray(c, r + L);
        r += ldc;
        FloatVector.fromArray(F, c, r).add(c10a).intoArray(c, r);
        FloatVector.fromArray(F, c, r + L).add(c10b).intoArray(c, r + L);
        r += ldc;
        FloatVector.fromArray(F, c, r).add(c11a).intoArray(c, r);
        FloatVector.fromArray(F, c, r + L).add(c11b).intoArray(c, r + L);
        r += ldc;
        FloatVector.fromArray(F, c, r).add(c12a).intoArray(c, r);
        FloatVector.fromArray(F, c, r + L).add(c12b).intoArray(c, r + L);
        r += ldc;
        FloatVector.fromArray(F, c, r).add(c13a).intoArray(c, r);
        FloatVector.fromArray(F, c, r + L).add(c13b).intoArray(c, r + L);
    }
}
