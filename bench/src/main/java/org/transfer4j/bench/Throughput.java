package org.transfer4j.bench;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs one benchmark class through JMH (with the command-line options given, e.g.
 * {@code -f 1 -wi 2 -i 3}) and prints, for every result in ms/op, the rate in the unit the caller
 * names: GFLOP/s for compute-bound ops, GB/s for memory-bound ones.
 */
final class Throughput {
    /** Work done by one call of a benchmark method on one {@code shape} parameter, in giga-units (GFLOP or GB). */
    @FunctionalInterface
    interface WorkPerCall {
        double giga(String method, String shape);
    }

    private Throughput() {
    }

    static void print(Class<?> benchmark, String[] args, String unit, WorkPerCall work) throws Exception {
        var options = new OptionsBuilder().parent(new CommandLineOptions(args))
                .include(benchmark.getName() + ".*").build();
        for (RunResult r : new Runner(options).run()) {
            String method = r.getParams().getBenchmark().replaceAll(".*\\.", "");
            String shape = r.getParams().getParam("shape");
            double ms = r.getPrimaryResult().getScore();
            System.out.printf("%-16s %-30s %9.3f ms  %7.1f %s%n", method, shape, ms,
                    work.giga(method, shape) / (ms * 1e-3), unit);
        }
    }
}
