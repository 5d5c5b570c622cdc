package org.transfer4j.bench.gpu;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints transfer4j against PyTorch from the two harnesses' JSON reports, with the ratios and issue 7's targets
 * ({@link Comparison}). Several transfer4j reports (one per model or case, run in separate JVMs) are merged.
 *
 * <pre>
 * java -cp transfer4j-gpu.jar org.transfer4j.bench.gpu.Compare --torch pytorch.json transfer4j-*.json
 * </pre>
 * Exit status: 0 when every row passes, 1 when one fails, 64 for bad arguments.
 */
public final class Compare {
    private Compare() {
    }

    public static void main(String[] args) {
        System.exit(run(System.out, System.err, args));
    }

    static int run(PrintStream out, PrintStream err, String... args) {
        Path torch = null;
        List<Path> ours = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--torch") && i + 1 < args.length) {
                torch = Path.of(args[++i]);
            } else if (args[i].startsWith("-")) {
                err.println("unknown option " + args[i]);
                return usage(err);
            } else {
                ours.add(Path.of(args[i]));
            }
        }
        if (torch == null || ours.isEmpty()) {
            return usage(err);
        }
        SideBySideReport pytorch = SideBySideReport.read(torch);
        SideBySideReport transfer4j = SideBySideReport.merge(ours.stream().map(SideBySideReport::read).toList());
        out.print(ResultTable.of(transfer4j));
        out.println();
        out.print(ResultTable.of(pytorch));
        out.println();
        if (transfer4j.batch() != pytorch.batch() || transfer4j.imageSize() != pytorch.imageSize()
                || transfer4j.tf32() != pytorch.tf32() || !transfer4j.optimizer().equals(pytorch.optimizer())) {
            out.println("WARNING: the runs differ in batch, image size, TF32 or optimizer: transfer4j " + settings(transfer4j)
                    + ", PyTorch " + settings(pytorch));
        }
        Comparison c = Comparison.of(transfer4j, pytorch);
        out.print(c.table());
        return c.allPass() ? 0 : 1;
    }

    private static String settings(SideBySideReport r) {
        return "batch " + r.batch() + ", " + r.imageSize() + "px, TF32 " + r.tf32() + ", " + r.optimizer();
    }

    private static int usage(PrintStream err) {
        err.println("usage: Compare --torch PYTORCH.json TRANSFER4J.json [MORE_TRANSFER4J.json ...]");
        return 64;
    }
}
