package org.transfer4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.transfer4j.backend.cpu.CpuGemmTest.Case.Path;
import org.transfer4j.tensor.Tensor;

/**
 * Every GEMM path ({@link CpuGemm#sgemm}'s dispatch, the simple loop, the blocked kernel serial and
 * parallel) against {@link CpuGemm#reference}, on odd sizes that leave partial register tiles and
 * cache blocks, all transposes, offsets, padded leading dimensions and alpha/beta.
 *
 * <p>Tolerance. Both sides compute each element as a float sum of k products plus the alpha/beta
 * terms, in different orders (the reference left to right; the kernel with FMAs, alpha folded into A,
 * and partial sums per KC block). The standard bound for such a sum is
 * {@code |computed - exact| <= (k + 4) u S} with {@code u = 2^-24} and
 * {@code S = |alpha| sum_p |a_ip b_pj| + |beta c_ij|} (k roundings in the sum, a few for alpha, beta
 * and the block sums). Two results may therefore differ by {@code 2 (k + 4) u S}, which each element
 * is checked against. A real bug (a lost, doubled or misplaced product) is of the size of one term,
 * about {@code S / k}, which is far above it for every k tested (the bound is {@code 1.6e-5 S} at
 * k = 129). Elements of C outside the m x n window must not change at all.
 */
class CpuGemmTest {
    private static final int[] ODD_SIZES = {1, 3, 17, 31, 33, 65, 127, 129, 257};
    private static final double U = Math.ulp(1f) / 2; // unit roundoff of float, 2^-24

    /** One problem: sizes, transposes, scalars and the padding around each matrix. */
    record Case(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta, int pad, long seed) {
        enum Path { DISPATCH, SIMPLE, BLOCKED_SERIAL, BLOCKED_PARALLEL }

        @Override
        public String toString() {
            return (transA ? "T" : "N") + (transB ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k
                    + " alpha=" + alpha + " beta=" + beta + " pad=" + pad;
        }
    }

    @ParameterizedTest(name = "transA={0} transB={1}")
    @CsvSource({"false,false", "false,true", "true,false", "true,true"})
    void sgemmMatchesReferenceOnOddShapes(boolean transA, boolean transB) {
        long seed = 1;
        // Every odd size on each axis with the other two small, then mixed mid-size shapes.
        for (int s : ODD_SIZES) {
            check(new Case(transA, transB, s, 5, 7, 1f, 0f, 3, seed++), Path.DISPATCH);
            check(new Case(transA, transB, 6, s, 9, 1f, 0f, 0, seed++), Path.DISPATCH);
            check(new Case(transA, transB, 4, 35, s, 1f, 0f, 1, seed++), Path.DISPATCH);
        }
        int[][] shapes = {{127, 129, 65}, {129, 127, 257}, {257, 31, 129}, {31, 257, 127}, {65, 33, 17},
            {1, 257, 129}, {257, 1, 129}, {129, 257, 1}, {33, 65, 31}};
        for (int[] s : shapes) {
            check(new Case(transA, transB, s[0], s[1], s[2], 1f, 0f, 2, seed++), Path.DISPATCH);
        }
    }

    @ParameterizedTest(name = "transA={0} transB={1}")
    @CsvSource({"false,false", "false,true", "true,false", "true,true"})
    void everyPathMatchesReferenceOnEdgeTiles(boolean transA, boolean transB) {
        // Sizes around the register tile (14 x 32) and one vector (16), through each path directly.
        int[] sizes = {1, 3, 13, 15, 17, 31, 33};
        long seed = 100;
        for (Path path : new Path[] {Path.SIMPLE, Path.BLOCKED_SERIAL, Path.BLOCKED_PARALLEL}) {
            for (int m : sizes) {
                for (int n : sizes) {
                    check(new Case(transA, transB, m, n, 1 + (m * 7 + n) % 20, 0.5f, 0.25f, 1, seed++), path);
                }
            }
        }
    }

    @ParameterizedTest(name = "transA={0} transB={1}")
    @CsvSource({"false,false", "false,true", "true,false", "true,true"})
    void largeProductMatchesReference(boolean transA, boolean transB) {
        check(new Case(transA, transB, 300, 500, 400, 1f, 0f, 5, 7), Path.DISPATCH);
    }

    @Test
    void blockedPathAppliesBetaOnceAcrossSeveralKAndNBlocks() {
        // k spans three KC blocks, n three NB sub-blocks and two NC blocks: beta must scale C once only.
        int k = 2 * CpuGemmBlocked.KC + 7;
        check(new Case(false, false, 45, 2 * CpuGemmBlocked.NB + 40, k, 1.5f, 0.5f, 3, 11), Path.BLOCKED_PARALLEL);
        check(new Case(true, true, 30, CpuGemmBlocked.NC + 70, 40, -1f, 2f, 0, 12), Path.BLOCKED_PARALLEL);
        check(new Case(false, true, 20, 40, k, 1f, 1f, 0, 13), Path.BLOCKED_SERIAL);
    }

    @Test
    void alphaAndBetaScaleBothTerms() {
        for (Path path : Path.values()) {
            check(new Case(false, false, 40, 50, 60, 2.5f, -0.75f, 2, 21), path);
            check(new Case(true, false, 40, 50, 60, -1f, 1f, 2, 22), path);
        }
    }

    @Test
    void betaZeroIgnoresNaNInC() {
        for (Path path : Path.values()) {
            for (int size : new int[] {5, 70}) {
                float[] a = filled(size * size, 1f);
                float[] c = filled(size * size, Float.NaN);
                run(path, false, false, size, size, size, 1f, a, 0, size, a, 0, size, 0f, c, 0, size);
                assertArrayEquals(filled(size * size, size), c, 0f, path + " size " + size);
            }
        }
    }

    @Test
    void betaOneAccumulatesIntoC() {
        for (Path path : Path.values()) {
            float[] a = filled(40 * 40, 1f);
            float[] c = filled(40 * 40, 3f);
            run(path, false, true, 40, 40, 40, 1f, a, 0, 40, a, 0, 40, 1f, c, 0, 40);
            assertArrayEquals(filled(40 * 40, 43f), c, 0f, path.toString());
        }
    }

    @Test
    void alphaZeroOrEmptySumOnlyScalesCWithoutReadingAOrB() {
        float[] nan = filled(12, Float.NaN);
        float[] c = filled(12, 2f);
        CpuGemm.sgemm(false, false, 3, 4, 3, 0f, nan, 0, 3, nan, 0, 4, 0.5f, c, 0, 4);
        assertArrayEquals(filled(12, 1f), c, 0f);
        CpuGemm.sgemm(false, false, 3, 4, 0, 1f, nan, 0, 0, nan, 0, 4, 3f, c, 0, 4);
        assertArrayEquals(filled(12, 3f), c, 0f);
    }

    @Test
    void concurrentCallsOnTheSharedPoolDoNotInterfere() throws InterruptedException, ExecutionException {
        // Several blocked GEMMs at once, from plain threads and nested inside pool tasks, share the
        // packing-buffer pools; each must still get its own result.
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            cases.add(new Case(i % 2 == 0, i % 3 == 0, 90 + 13 * i, 150 - 11 * i, 300 + 7 * i, 1f, 0f, i, 40 + i));
        }
        ExecutorService callers = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (Case c : cases) {
                done.add(callers.submit(() -> check(c, Path.BLOCKED_PARALLEL)));
            }
            done.add(callers.submit(() -> CpuParallel.forRange(cases.size(), 1, (from, to) -> {
                for (int i = from; i < to; i++) {
                    check(cases.get(i), Path.DISPATCH);
                }
            })));
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void batchedBroadcastsABatchOfOne() {
        // a (1, 3, 2) stored transposed as (1, 2, 3); b (4, 2, 5): every product uses the same a.
        Tensor a = Tensor.of(randoms(6, 1, 0), 1, 2, 3);
        Tensor b = Tensor.of(randoms(40, 2, 0), 4, 2, 5);
        float[] got = CpuGemm.batched(a, b, true, false).toArray();
        float[] av = a.toArray();
        float[] bv = b.toArray();
        float[] expected = new float[4 * 3 * 5];
        for (int i = 0; i < 4; i++) {
            CpuGemm.reference(true, false, 3, 5, 2, 1f, av, 0, 3, bv, i * 10, 5, 0f, expected, i * 15, 5);
        }
        assertArrayEquals(expected, got, 1e-6f);
    }

    @Test
    void rejectsLeadingDimensionsSmallerThanARow() {
        float[] x = new float[100];
        var e = assertThrows(IllegalArgumentException.class,
                () -> CpuGemm.sgemm(false, false, 3, 4, 5, 1f, x, 0, 4, x, 0, 4, 0f, x, 0, 4));
        assertEquals(true, e.getMessage().contains("lda=4 (needs 5)"), e.getMessage());
    }

    // ---- harness ------------------------------------------------------------------------------------

    /** Runs {@code c} through {@code path} and the reference on the same padded inputs and compares. */
    private static void check(Case t, Path path) {
        int aRows = t.transA() ? t.k() : t.m();
        int aCols = t.transA() ? t.m() : t.k();
        int bRows = t.transB() ? t.n() : t.k();
        int bCols = t.transB() ? t.k() : t.n();
        int lda = aCols + t.pad();
        int ldb = bCols + t.pad();
        int ldc = t.n() + t.pad();
        int aOff = 3 + t.pad();
        int bOff = 1 + 2 * t.pad();
        int cOff = 5;
        float[] a = randoms(aOff + aRows * lda, t.seed(), 0);
        float[] b = randoms(bOff + bRows * ldb, t.seed(), 1);
        float[] c = randoms(cOff + t.m() * ldc + t.pad(), t.seed(), 2);
        float[] expected = c.clone();
        float[] got = c.clone();
        CpuGemm.reference(t.transA(), t.transB(), t.m(), t.n(), t.k(), t.alpha(), a, aOff, lda, b, bOff, ldb,
                t.beta(), expected, cOff, ldc);
        run(path, t.transA(), t.transB(), t.m(), t.n(), t.k(), t.alpha(), a, aOff, lda, b, bOff, ldb,
                t.beta(), got, cOff, ldc);
        for (int idx = 0; idx < c.length; idx++) {
            int i = (idx - cOff) / ldc;
            int j = (idx - cOff) % ldc;
            boolean inside = idx >= cOff && i < t.m() && j < t.n();
            double tol = inside ? 2 * (t.k() + 4) * U * bound(t, a, aOff, lda, b, bOff, ldb, c[idx], i, j) : 0;
            if (!(Math.abs(got[idx] - expected[idx]) <= tol)) {
                fail(String.format("%s via %s: C[%d,%d] = %s, reference %s (tolerance %.3g)%s", t, path, i, j,
                        got[idx], expected[idx], tol, inside ? "" : " -- outside the output window"));
            }
        }
    }

    /** {@code S = |alpha| sum_p |A(i,p) B(p,j)| + |beta C(i,j)|}, the scale of element (i, j)'s rounding error. */
    private static double bound(Case t, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float c0,
                                int i, int j) {
        double s = 0;
        for (int p = 0; p < t.k(); p++) {
            float aip = t.transA() ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
            float bpj = t.transB() ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
            s += Math.abs((double) aip * bpj);
        }
        return Math.abs(t.alpha()) * s + Math.abs((double) t.beta() * c0) + Float.MIN_NORMAL;
    }

    private static void run(Path path, boolean transA, boolean transB, int m, int n, int k, float alpha,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float beta, float[] c, int cOff, int ldc) {
        switch (path) {
            case DISPATCH -> CpuGemm.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            case SIMPLE -> CpuGemm.simple(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            case BLOCKED_SERIAL, BLOCKED_PARALLEL -> CpuGemmBlocked.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda,
                    b, bOff, ldb, beta, c, cOff, ldc, path == Path.BLOCKED_PARALLEL);
        }
    }

    /** Uniform values in [-1, 1). */
    private static float[] randoms(int size, long seed, int stream) {
        Random r = new Random(seed * 31 + stream);
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = 2 * r.nextFloat() - 1;
        }
        return x;
    }

    private static float[] filled(int size, float value) {
        float[] x = new float[size];
        java.util.Arrays.fill(x, value);
        return x;
    }
}
