package org.transfer4j.bench.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness's {@code --device cpu} smoke mode: a tiny MobileNetV2 (alpha 0.35, 32x32, batch 2) runs all three
 * cases and writes a report that reads back. It proves the plumbing, not any speed.
 */
class GpuSideBySideSmokeTest {

    @Test
    void cpuSmokeRunWritesAReportWithEveryCase(@TempDir Path dir) {
        Path out = dir.resolve("smoke.json");
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        int status = GpuSideBySide.run(new PrintStream(text, true, StandardCharsets.UTF_8), "--device", "cpu",
                "--models", "MobileNetV2", "--alpha", "0.35", "--image-size", "32", "--batch", "2", "--classes", "10",
                "--warmup", "1", "--iterations", "2", "--frozen-images", "6", "--frozen-epochs", "2", "--head-classes", "3",
                "--out", out.toString());
        String printed = text.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, printed);

        SideBySideReport report = SideBySideReport.read(out);
        assertEquals("transfer4j", report.framework());
        assertEquals("cpu", report.device());
        assertEquals(2, report.batch());
        assertEquals(32, report.imageSize());
        List<String> kinds = report.results().stream().map(CaseResult::kind).toList();
        assertEquals(List.of("train", "inference", "frozen"), kinds);
        for (CaseResult r : report.results()) {
            assertTrue(r.ok(), r.error());
            assertEquals("MobileNetV2", r.model());
            assertTrue(r.imagesPerSecond() > 0, r.toString());
            assertNull(r.peakMemoryBytes(), "the CPU has no device allocator to read");
        }
        CaseResult train = report.results().get(0);
        assertEquals(2, train.iterations());
        // random labels over 10 classes: the loss starts near ln(10) = 2.30 and two SGD steps cannot make it 0
        double loss = ((Number) train.details().get("last_loss")).doubleValue();
        assertTrue(loss > 0.1 && loss < 50, "loss " + loss);

        CaseResult frozen = report.results().get(2);
        assertNotNull(frozen.epochsPerSecond());
        // the feature pass adds time, so the rate with it counted in is lower
        assertTrue(frozen.epochsPerSecondWithCache() < frozen.epochsPerSecond(), frozen.toString());
        // images/s of the head = 6 images x epochs/s
        assertEquals(6 * frozen.epochsPerSecond(), frozen.imagesPerSecond(), 1e-6 * frozen.imagesPerSecond());
        Map<String, Object> d = frozen.details();
        assertEquals(6, ((Number) d.get("images")).intValue());
        // Keras' mobilenet_v2.py keeps 1280 filters in the last block for alpha <= 1, pooled by the head
        assertEquals(List.of(1280), d.get("feature_shape"));
        assertTrue(printed.contains("wrote " + out), printed);
    }

    @Test
    void cudnnAlgorithmsOptionTakesHeuristicOrBenchmarkAndRejectsOtherValuesByName(@TempDir Path dir) {
        Path out = dir.resolve("smoke.json");
        String[] tiny = {"--device", "cpu", "--models", "MobileNetV2", "--cases", "inference", "--alpha", "0.35",
            "--image-size", "32", "--batch", "1", "--classes", "3", "--warmup", "0", "--iterations", "1", "--out", out.toString()};
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        int status = GpuSideBySide.run(new PrintStream(text, true, StandardCharsets.UTF_8),
                concat(tiny, "--cudnn-algorithms", "benchmark"));
        assertEquals(0, status, text.toString(StandardCharsets.UTF_8));
        // the CPU has no cuDNN: the report says nothing rather than a mode that was not used
        assertNull(SideBySideReport.read(out).cudnnAlgorithms());

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            status = GpuSideBySide.run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    concat(tiny, "--cudnn-algorithms", "fastest"));
        } finally {
            System.setErr(oldErr);
        }
        String message = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, status, message);
        assertTrue(message.contains("--cudnn-algorithms") && message.contains("'fastest'") && message.contains("heuristic or benchmark"),
                message);
    }

    @Test
    void reportRecordsTheCudnnAlgorithmsAndReadsItBack(@TempDir Path dir) {
        Path file = dir.resolve("r.json");
        new SideBySideReport("transfer4j", "cuda:0", false, "benchmark", 64, 224, "sgd", 5, List.of()).write(file);
        assertEquals("benchmark", SideBySideReport.read(file).cudnnAlgorithms());
        assertTrue(ResultTable.of(SideBySideReport.read(file)).startsWith("transfer4j on cuda:0, TF32 off, cuDNN algorithms benchmark,"));
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
