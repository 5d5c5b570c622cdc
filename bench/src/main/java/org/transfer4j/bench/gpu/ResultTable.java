package org.transfer4j.bench.gpu;

import java.util.Locale;

/** The text table of one framework's report: a line per case, numbers or the case's error. */
final class ResultTable {
    private ResultTable() {
    }

    static String of(SideBySideReport report) {
        StringBuilder b = new StringBuilder();
        b.append(report.framework()).append(" on ").append(report.device()).append(", TF32 ").append(report.tf32() ? "on" : "off")
                .append(report.cudnnAlgorithms() == null ? "" : ", cuDNN algorithms " + report.cudnnAlgorithms())
                .append(", batch ").append(report.batch()).append(", ").append(report.imageSize()).append('x').append(report.imageSize())
                .append('\n');
        b.append(String.format(Locale.ROOT, "%-12s %-10s %12s %12s %10s %12s %11s%n", "model", "case", "images/s", "ms/iter",
                "epochs/s", "ep/s+cache", "peak MiB"));
        for (CaseResult r : report.results()) {
            b.append(line(r)).append('\n');
        }
        return b.toString();
    }

    static String line(CaseResult r) {
        if (!r.ok()) {
            return String.format(Locale.ROOT, "%-12s %-10s FAILED: %s", r.model(), r.kind(), r.error());
        }
        return String.format(Locale.ROOT, "%-12s %-10s %12s %12s %10s %12s %11s", r.model(), r.kind(), num(r.imagesPerSecond(), 1),
                num(r.msPerIteration(), 2), num(r.epochsPerSecond(), 2), num(r.epochsPerSecondWithCache(), 2),
                r.peakMemoryBytes() == null ? "-" : num(r.peakMemoryBytes() / 1048576.0, 0));
    }

    static String num(Double v, int decimals) {
        return v == null ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
