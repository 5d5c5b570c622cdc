package org.transfer4j.cuda.dnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.transfer4j.cuda.memory.CudaOutOfMemoryException;
import org.transfer4j.cuda.memory.DeviceMemory;

/** The mode property and the benchmark query's workspace and fallback logic, without a GPU. */
class AlgoSearchTest {

    private final String before = System.getProperty(AlgoSearch.PROPERTY);

    @AfterEach
    void restoreProperty() {
        if (before == null) {
            System.clearProperty(AlgoSearch.PROPERTY);
        } else {
            System.setProperty(AlgoSearch.PROPERTY, before);
        }
    }

    @Test
    void propertyNamesTheModeAndDefaultsToHeuristic() {
        System.clearProperty(AlgoSearch.PROPERTY);
        assertEquals(AlgoSearch.HEURISTIC, AlgoSearch.fromSystemProperty());
        System.setProperty(AlgoSearch.PROPERTY, "benchmark");
        assertEquals(AlgoSearch.BENCHMARK, AlgoSearch.fromSystemProperty());
        System.setProperty(AlgoSearch.PROPERTY, " Heuristic ");
        assertEquals(AlgoSearch.HEURISTIC, AlgoSearch.fromSystemProperty());
        assertEquals(AlgoSearch.BENCHMARK, AlgoSearch.parse("BENCHMARK"));
        assertEquals("benchmark", AlgoSearch.BENCHMARK.propertyValue());
    }

    @Test
    void aBadValueIsRejectedNamingTheValueThePropertyAndTheChoices() {
        System.setProperty(AlgoSearch.PROPERTY, "fastest");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, AlgoSearch::fromSystemProperty);
        assertTrue(e.getMessage().contains("'fastest'") && e.getMessage().contains(AlgoSearch.PROPERTY)
                && e.getMessage().contains("heuristic") && e.getMessage().contains("benchmark"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AlgoSearch.parse(""));
        assertThrows(IllegalArgumentException.class, () -> AlgoSearch.parse(null));
    }

    @Test
    void benchmarkRunsFindWithAWorkspaceOfTheWholeLimit() {
        List<Long> reserved = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        BenchmarkQuery query = new BenchmarkQuery(256L << 20, warnings::add);
        List<AlgoPerf> found = List.of(new AlgoPerf(1, 0, 0.2f, 1 << 20, 1, CudnnConstants.FMA_MATH));
        long[] findArgs = new long[2];
        BenchmarkQuery.Outcome o = query.run("FORWARD plan", bytes -> {
            reserved.add(bytes);
            return 0x7000_0000L;
        }, (ws, bytes) -> {
            findArgs[0] = ws;
            findArgs[1] = bytes;
            return found;
        }, () -> {
            throw new AssertionError("the heuristic must not run when the workspace was reserved");
        });
        assertEquals(List.of(256L << 20), reserved);
        assertEquals(0x7000_0000L, findArgs[0]);
        assertEquals(256L << 20, findArgs[1]);
        assertEquals(found, o.results());
        assertEquals(0x7000_0000L, o.workspace());
        assertEquals(List.of(), warnings);
    }

    @Test
    void noMemoryForTheWorkspaceFallsBackToTheHeuristicAndSaysSoOnce() {
        List<String> warnings = new ArrayList<>();
        BenchmarkQuery query = new BenchmarkQuery(1L << 30, warnings::add);
        DeviceWorkspace full = bytes -> {
            throw new CudaOutOfMemoryException(bytes, bytes, 1, new DeviceMemory.Info(1 << 20, 80L << 30), 0, 0, null);
        };
        List<AlgoPerf> heuristic = List.of(new AlgoPerf(0, 0, -1f, 0, 0, CudnnConstants.FMA_MATH));
        for (String what : List.of("FORWARD first", "BACKWARD_DATA second")) {
            BenchmarkQuery.Outcome o = query.run(what, full, (ws, bytes) -> {
                throw new AssertionError("Find must not run without its workspace");
            }, () -> heuristic);
            assertEquals(heuristic, o.results());
            assertEquals(-1, o.workspace());
        }
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.getFirst().contains("FORWARD first") && warnings.getFirst().contains("1073741824")
                && warnings.getFirst().contains("heuristic") && warnings.getFirst().contains("out of memory"), warnings.getFirst());
    }
}
