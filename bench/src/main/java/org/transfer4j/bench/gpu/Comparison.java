package org.transfer4j.bench.gpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * transfer4j against PyTorch, case by case, with issue 7's targets:
 * <ul>
 *   <li>training step: transfer4j's images/s at least 1.1x PyTorch eager's (TF32);</li>
 *   <li>inference: at least 1.0x;</li>
 *   <li>frozen base: with feature caching, epochs/s at least 10x PyTorch's frozen-base epochs (base in eval mode
 *       under no_grad every epoch); the rate with the one-time feature pass counted in is shown beside it;</li>
 *   <li>peak GPU memory of every case at most PyTorch's (ratio at most 1.0).</li>
 * </ul>
 * A case that is missing from either report, failed in either, or has no number to compare is a FAIL that says so.
 */
public final class Comparison {
    /** One comparison: {@code ratio = transfer4j / pytorch} against {@code target} ({@code atLeast} or at most). */
    public record Row(String model, String kind, String metric, Double transfer4j, Double pytorch, Double ratio,
                      double target, boolean atLeast, boolean pass, String note) {
        public String verdict() {
            return pass ? "PASS" : "FAIL";
        }
    }

    private final List<Row> rows;

    private Comparison(List<Row> rows) {
        this.rows = List.copyOf(rows);
    }

    public List<Row> rows() {
        return rows;
    }

    public boolean allPass() {
        return rows.stream().allMatch(Row::pass);
    }

    /** The rows for every (model, case) of the PyTorch report, in its order, then any only transfer4j has. */
    public static Comparison of(SideBySideReport transfer4j, SideBySideReport pytorch) {
        List<Row> rows = new ArrayList<>();
        List<CaseResult> keys = new ArrayList<>(pytorch.results());
        for (CaseResult r : transfer4j.results()) {
            if (find(pytorch, r.model(), r.kind()).isEmpty()) {
                keys.add(r);
            }
        }
        for (CaseResult key : keys) {
            Optional<CaseResult> ours = find(transfer4j, key.model(), key.kind());
            Optional<CaseResult> theirs = find(pytorch, key.model(), key.kind());
            switch (key.kind()) {
                case CaseResult.TRAIN -> rows.add(row(key, "images/s", ours, theirs, CaseResult::imagesPerSecond, 1.1, true));
                case CaseResult.INFERENCE -> rows.add(row(key, "images/s", ours, theirs, CaseResult::imagesPerSecond, 1.0, true));
                case CaseResult.FROZEN -> rows.add(row(key, "epochs/s", ours, theirs, CaseResult::epochsPerSecond, 10.0, true));
                default -> rows.add(new Row(key.model(), key.kind(), "?", null, null, null, 0, true, false,
                        "unknown case '" + key.kind() + "'"));
            }
            rows.add(row(key, "peak memory MiB", ours, theirs,
                    r -> r.peakMemoryBytes() == null ? null : r.peakMemoryBytes() / 1048576.0, 1.0, false));
        }
        return new Comparison(rows);
    }

    private static Optional<CaseResult> find(SideBySideReport report, String model, String kind) {
        return report.results().stream().filter(r -> r.model().equals(model) && r.kind().equals(kind)).findFirst();
    }

    private static Row row(CaseResult key, String metric, Optional<CaseResult> ours, Optional<CaseResult> theirs,
                           Function<CaseResult, Double> value, double target, boolean atLeast) {
        String missing = ours.isEmpty() ? "transfer4j has no such case" : theirs.isEmpty() ? "PyTorch has no such case"
                : !ours.get().ok() ? "transfer4j failed: " + ours.get().error()
                : !theirs.get().ok() ? "PyTorch failed: " + theirs.get().error() : null;
        Double a = ours.filter(CaseResult::ok).map(value).orElse(null);
        Double b = theirs.filter(CaseResult::ok).map(value).orElse(null);
        if (missing == null && (a == null || b == null || b == 0)) {
            missing = "no " + metric + " to compare";
        }
        if (missing != null) {
            return new Row(key.model(), key.kind(), metric, a, b, null, target, atLeast, false, missing);
        }
        double ratio = a / b;
        boolean pass = atLeast ? ratio >= target : ratio <= target;
        String note = "";
        if (key.kind().equals(CaseResult.FROZEN) && ours.get().epochsPerSecondWithCache() != null && metric.equals("epochs/s")) {
            note = String.format(Locale.ROOT, "with the feature pass: %.2f epochs/s, %.2fx",
                    ours.get().epochsPerSecondWithCache(), ours.get().epochsPerSecondWithCache() / b);
        }
        return new Row(key.model(), key.kind(), metric, a, b, ratio, target, atLeast, pass, note);
    }

    /** The table: model, case, metric, both values, the ratio, the target, PASS/FAIL and a note. */
    public String table() {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%-12s %-10s %-16s %12s %12s %8s %8s %-5s %s%n",
                "model", "case", "metric", "transfer4j", "pytorch", "ratio", "target", "", "note"));
        for (Row r : rows) {
            s.append(String.format(Locale.ROOT, "%-12s %-10s %-16s %12s %12s %8s %8s %-5s %s%n", r.model(), r.kind(), r.metric(),
                    ResultTable.num(r.transfer4j(), 1), ResultTable.num(r.pytorch(), 1),
                    r.ratio() == null ? "-" : ResultTable.num(r.ratio(), 2) + "x",
                    (r.atLeast() ? ">=" : "<=") + ResultTable.num(r.target(), 1), r.verdict(), r.note()));
        }
        long passed = rows.stream().filter(Row::pass).count();
        s.append(passed).append(" of ").append(rows.size()).append(" pass\n");
        return s.toString();
    }
}
