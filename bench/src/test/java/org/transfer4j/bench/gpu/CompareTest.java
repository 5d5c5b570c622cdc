package org.transfer4j.bench.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@link Compare} command: merging transfer4j reports, its exit status and its usage error. */
class CompareTest {

    private record Run(int status, String out, String err) {
    }

    private static Run compare(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Compare.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void printsBothTablesAndTheComparisonAndFailsWhenATargetIsMissed() {
        Run r = compare("--torch", ComparisonTest.fixture("pytorch.json").toString(), ComparisonTest.fixture("transfer4j.json").toString());
        assertEquals(1, r.status(), r.err());
        assertTrue(r.out().startsWith("transfer4j on CudaBackend[cuda:0, fixture], TF32 on, batch 64, 224x224"), r.out());
        assertTrue(r.out().contains("pytorch on cuda:0 (fixture)"), r.out());
        assertTrue(r.out().contains("4 of 10 pass"), r.out());
    }

    @Test
    void reportsOfSeveralRunsAreMergedAndAllTargetsMetExitsZero(@TempDir Path dir) {
        SideBySideReport torch = SideBySideReport.read(ComparisonTest.fixture("pytorch.json"));
        List<CaseResult> mobileNet = torch.results().subList(0, 3);
        // transfer4j exactly 1.1x faster in training, as fast in inference, 10x the epochs, the same memory
        CaseResult train = mobileNet.get(0);
        CaseResult inference = mobileNet.get(1);
        CaseResult frozen = mobileNet.get(2);
        write(dir.resolve("a.json"), List.of(copy(train, train.imagesPerSecond() * 1.1, null)));
        write(dir.resolve("b.json"), List.of(copy(inference, inference.imagesPerSecond(), null),
                copy(frozen, frozen.imagesPerSecond() * 10, frozen.epochsPerSecond() * 10)));
        Path torchFile = dir.resolve("torch.json");
        new SideBySideReport("pytorch", "cuda:0", true, null, 64, 224, "sgd", 5, mobileNet).write(torchFile);
        Run r = compare("--torch", torchFile.toString(), dir.resolve("a.json").toString(), dir.resolve("b.json").toString());
        assertEquals(0, r.status(), r.out());
        assertTrue(r.out().contains("6 of 6 pass"), r.out());
    }

    @Test
    void withoutBothSidesItPrintsItsUsage() {
        Run r = compare(ComparisonTest.fixture("transfer4j.json").toString());
        assertEquals(64, r.status());
        assertTrue(r.err().startsWith("usage: Compare --torch PYTORCH.json TRANSFER4J.json"), r.err());
    }

    private static CaseResult copy(CaseResult c, double imagesPerSecond, Double epochsPerSecond) {
        return new CaseResult(c.model(), c.kind(), imagesPerSecond, c.msPerIteration(), epochsPerSecond, null,
                c.peakMemoryBytes(), c.iterations(), null, null);
    }

    private static void write(Path file, List<CaseResult> results) {
        new SideBySideReport("transfer4j", "cuda:0", true, "heuristic", 64, 224, "sgd", 5, results).write(file);
    }
}
