package org.transfer4j.cuda.dnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.transfer4j.backend.Conv2dSpec;
import org.transfer4j.backend.Padding;

class AlgoSelectionTest {

    private static final int NOT_SUPPORTED = 3000;   // CUDNN_STATUS_NOT_SUPPORTED (cudnn_graph.h)

    @Test
    void measuredResultsPickTheFastestThatSucceedsWithinTheWorkspace() {
        List<AlgoPerf> results = List.of(
                new AlgoPerf(6, 0, 0.10f, 900L << 20, 1, 1),      // fastest, but 900 MiB of workspace
                new AlgoPerf(7, NOT_SUPPORTED, 0.05f, 0, 1, 0),   // failed
                new AlgoPerf(0, 0, 0.40f, 0, 1, 0),
                new AlgoPerf(1, 0, 0.20f, 8L << 20, 1, 1));
        assertEquals(1, AlgoSelector.select(results, 256L << 20).orElseThrow().algo());
        assertEquals(6, AlgoSelector.select(results, 1L << 30).orElseThrow().algo());
        assertEquals(0, AlgoSelector.select(results, 0).orElseThrow().algo());
    }

    @Test
    void heuristicResultsWithoutTimesKeepCudnnOrder() {
        List<AlgoPerf> results = List.of(
                new AlgoPerf(1, 0, -1f, 64L << 20, 0, 1),
                new AlgoPerf(0, 0, -1f, 0, 0, 0));
        assertEquals(1, AlgoSelector.select(results, 64L << 20).orElseThrow().algo());
        assertEquals(0, AlgoSelector.select(results, 1).orElseThrow().algo());
    }

    @Test
    void nothingQualifiesGivesEmpty() {
        assertEquals(Optional.empty(), AlgoSelector.select(List.of(new AlgoPerf(0, NOT_SUPPORTED, 1f, 0, 0, 0)), 1 << 20));
        assertEquals(Optional.empty(), AlgoSelector.select(List.of(), 1 << 20));
    }

    @Test
    void cacheQueriesOncePerKeyAndNamesTheShapeWhenNothingFits() {
        Conv2dSpec spec = Conv2dSpec.of(Padding.SAME, 8, 8, 3, 3, 1, 1, 1, 1, 1);
        ConvPlan plan = ConvPlan.of(new int[] {1, 8, 8, 2}, new int[] {3, 3, 2, 2}, spec);
        AlgoCache cache = new AlgoCache(1 << 20);
        AtomicInteger queries = new AtomicInteger();
        AlgoCache.Key fwd = new AlgoCache.Key(plan, ConvDirection.FORWARD, true, AlgoSearch.HEURISTIC);
        for (int i = 0; i < 3; i++) {
            AlgoPerf p = cache.choose(fwd, () -> {
                queries.incrementAndGet();
                return List.of(new AlgoPerf(2, 0, 0.3f, 0, 1, 0));
            });
            assertEquals(2, p.algo());
        }
        assertEquals(1, queries.get());
        // another direction or math mode is another key
        AlgoCache.Key bwd = new AlgoCache.Key(plan, ConvDirection.BACKWARD_FILTER, true, AlgoSearch.HEURISTIC);
        CudnnException e = assertThrows(CudnnException.class,
                () -> cache.choose(bwd, () -> List.of(new AlgoPerf(3, 0, 0.1f, 2 << 20, 0, 0))));
        assertTrue(e.getMessage().contains("BACKWARD_FILTER") && e.getMessage().contains("CUDNN_CONVOLUTION_BWD_FILTER_ALGO_3")
                && e.getMessage().contains("1048576") && e.getMessage().contains("[1, 8, 8, 2]"), e.getMessage());
        assertEquals(1, cache.size());
    }

    @Test
    void fp32KeepsOnlyFmaMathResultsMeasuredOrNot() {
        int fma = CudnnConstants.FMA_MATH, tensorOp = CudnnConstants.TENSOR_OP_MATH, dflt = CudnnConstants.DEFAULT_MATH;
        List<AlgoPerf> measured = List.of(
                new AlgoPerf(1, 0, 0.05f, 0, 1, tensorOp),   // fastest, but TF32 tensor cores
                new AlgoPerf(6, 0, 0.08f, 0, 1, dflt),       // DEFAULT_MATH: may be TF32 too
                new AlgoPerf(0, 0, 0.30f, 0, 1, fma),
                new AlgoPerf(2, 0, 0.20f, 0, 1, fma));
        assertEquals(1, AlgoSelector.select(measured, 1 << 20, false).orElseThrow().algo());
        assertEquals(2, AlgoSelector.select(measured, 1 << 20, true).orElseThrow().algo());
        List<AlgoPerf> heuristic = List.of(new AlgoPerf(1, 0, -1f, 0, 0, tensorOp), new AlgoPerf(0, 0, -1f, 0, 0, fma));
        assertEquals(1, AlgoSelector.select(heuristic, 0, false).orElseThrow().algo());
        assertEquals(0, AlgoSelector.select(heuristic, 0, true).orElseThrow().algo());
        assertEquals(Optional.empty(), AlgoSelector.select(List.of(new AlgoPerf(1, 0, 0.1f, 0, 1, tensorOp)), 0, true));
    }

    @Test
    void cacheAppliesTheFmaFilterToKeysWithTf32OffAndSaysSoWhenNothingFits() {
        ConvPlan plan = ConvPlan.of(new int[] {2, 4, 4, 8}, new int[] {1, 1, 8, 16},
                Conv2dSpec.of(Padding.VALID, 4, 4, 1, 1, 1, 1, 1, 1, 1));
        List<AlgoPerf> results = List.of(new AlgoPerf(1, 0, 0.05f, 0, 1, CudnnConstants.TENSOR_OP_MATH),
                new AlgoPerf(0, 0, 0.10f, 0, 1, CudnnConstants.FMA_MATH));
        AlgoCache cache = new AlgoCache(0);
        assertEquals(1, cache.choose(new AlgoCache.Key(plan, ConvDirection.FORWARD, true, AlgoSearch.BENCHMARK), () -> results).algo());
        assertEquals(0, cache.choose(new AlgoCache.Key(plan, ConvDirection.FORWARD, false, AlgoSearch.BENCHMARK), () -> results).algo());
        AlgoCache.Key bwd = new AlgoCache.Key(plan, ConvDirection.BACKWARD_DATA, false, AlgoSearch.BENCHMARK);
        CudnnException e = assertThrows(CudnnException.class,
                () -> cache.choose(bwd, () -> List.of(new AlgoPerf(1, 0, 0.05f, 0, 1, CudnnConstants.TENSOR_OP_MATH))));
        assertTrue(e.getMessage().contains("CUDNN_FMA_MATH") && e.getMessage().contains("mathType=1")
                && e.getMessage().contains("benchmark"), e.getMessage());
    }

    @Test
    void heuristicAndBenchmarkChoicesOfOneShapeAreCachedApart() {
        ConvPlan plan = ConvPlan.of(new int[] {2, 4, 4, 8}, new int[] {1, 1, 8, 16},
                Conv2dSpec.of(Padding.VALID, 4, 4, 1, 1, 1, 1, 1, 1, 1));
        AlgoCache cache = new AlgoCache(1 << 20);
        AlgoCache.Key heuristic = new AlgoCache.Key(plan, ConvDirection.FORWARD, true, AlgoSearch.HEURISTIC);
        AlgoCache.Key benchmark = new AlgoCache.Key(plan, ConvDirection.FORWARD, true, AlgoSearch.BENCHMARK);
        assertNotEquals(heuristic, benchmark);
        AtomicInteger queries = new AtomicInteger();
        assertEquals(1, cache.choose(heuristic, () -> {
            queries.incrementAndGet();
            return List.of(new AlgoPerf(1, 0, -1f, 0, 0, 0));
        }).algo());
        // the measured choice is made, not taken from the heuristic entry, and each is recalled afterwards
        assertEquals(7, cache.choose(benchmark, () -> {
            queries.incrementAndGet();
            return List.of(new AlgoPerf(1, 0, 0.4f, 0, 1, 0), new AlgoPerf(7, 0, 0.1f, 0, 1, 0));
        }).algo());
        assertEquals(1, cache.choose(heuristic, () -> List.of()).algo());
        assertEquals(7, cache.choose(benchmark, () -> List.of()).algo());
        assertEquals(2, queries.get());
        assertEquals(2, cache.size());
        assertThrows(NullPointerException.class, () -> new AlgoCache.Key(plan, ConvDirection.FORWARD, true, null));
    }

    @Test
    void perfStructLayoutIsCudnns48Bytes() {
        // cudnn_cnn.h: algo, status, time(float), [pad], memory(size_t), determinism, mathType, reserved[3]
        assertEquals(48, AlgoPerf.LAYOUT.byteSize());
        assertEquals(16, AlgoPerf.LAYOUT.byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("memory")));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment array = arena.allocate(AlgoPerf.LAYOUT, 2);
            array.set(ValueLayout.JAVA_INT, 48, 6);
            array.set(ValueLayout.JAVA_INT, 52, 0);
            array.set(ValueLayout.JAVA_FLOAT, 56, 0.25f);
            array.set(ValueLayout.JAVA_LONG, 64, 12345L);
            array.set(ValueLayout.JAVA_INT, 72, 1);
            array.set(ValueLayout.JAVA_INT, 76, 1);
            assertEquals(new AlgoPerf(6, 0, 0.25f, 12345L, 1, 1), AlgoPerf.read(array, 2).get(1));
        }
    }

    @Test
    void algorithmNamesAreCudnns() {
        assertEquals("CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM", ConvDirection.FORWARD.algoName(1));
        assertEquals("CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD_NONFUSED", ConvDirection.FORWARD.algoName(7));
        assertEquals("CUDNN_CONVOLUTION_BWD_DATA_ALGO_WINOGRAD_NONFUSED", ConvDirection.BACKWARD_DATA.algoName(5));
        assertEquals("CUDNN_CONVOLUTION_BWD_FILTER_ALGO_FFT_TILING", ConvDirection.BACKWARD_FILTER.algoName(6));
        assertEquals(8, ConvDirection.FORWARD.algoCount());
        assertEquals(6, ConvDirection.BACKWARD_DATA.algoCount());
        assertEquals(7, ConvDirection.BACKWARD_FILTER.algoCount());
    }
}
