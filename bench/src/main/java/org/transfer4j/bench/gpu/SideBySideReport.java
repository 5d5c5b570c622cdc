package org.transfer4j.bench.gpu;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What one run of a harness writes: the framework, the settings, and one {@link CaseResult} per model and case.
 * JSON with snake_case names ({@code images_per_second}, {@code peak_memory_bytes}); unknown fields are ignored
 * when reading, so either harness may add its own.
 *
 * @param framework  {@code transfer4j} or {@code pytorch}
 * @param device     the device in words ({@code cuda:0 (NVIDIA H100 80GB HBM3)}, {@code cpu})
 * @param tf32       whether convolutions may use TF32
 * @param cudnnAlgorithms how cuDNN convolution algorithms were chosen: {@code heuristic} or {@code benchmark}
 *                   (transfer4j's {@code AlgoSearch}, PyTorch's {@code cudnn.benchmark}); null where unknown (the CPU,
 *                   or a report that does not say)
 * @param batch      images per batch
 * @param imageSize  the square input size
 * @param optimizer  {@code sgd} (momentum 0.9) or {@code adam}
 * @param warmup     untimed iterations before each timed case
 * @param results    the cases
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SideBySideReport(String framework, String device, boolean tf32, String cudnnAlgorithms, int batch, int imageSize, String optimizer,
                               int warmup, List<CaseResult> results) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .enable(SerializationFeature.INDENT_OUTPUT);

    public SideBySideReport {
        results = List.copyOf(results);
    }

    public void write(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            JSON.writeValue(file.toFile(), this);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report " + file, e);
        }
    }

    public static SideBySideReport read(Path file) {
        try {
            SideBySideReport r = JSON.readValue(file.toFile(), SideBySideReport.class);
            if (r.framework() == null || r.results() == null) {
                throw new IllegalArgumentException(file + " is not a side-by-side report: it lacks \"framework\" or \"results\"");
            }
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the report " + file + ": " + e.getMessage(), e);
        }
    }

    /** The reports of one framework from several runs (one per model or case) as one; settings from the first. */
    public static SideBySideReport merge(List<SideBySideReport> reports) {
        if (reports.isEmpty()) {
            throw new IllegalArgumentException("nothing to merge: no report");
        }
        SideBySideReport first = reports.getFirst();
        List<CaseResult> all = new ArrayList<>();
        for (SideBySideReport r : reports) {
            if (!r.framework().equals(first.framework())) {
                throw new IllegalArgumentException("cannot merge reports of " + first.framework() + " and " + r.framework());
            }
            all.addAll(r.results());
        }
        return new SideBySideReport(first.framework(), first.device(), first.tf32(), first.cudnnAlgorithms(), first.batch(), first.imageSize(),
                first.optimizer(), first.warmup(), all);
    }
}
