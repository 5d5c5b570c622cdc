package org.transfer4j.cuda.dnn;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.transfer4j.cuda.memory.CudaOutOfMemoryException;

/**
 * The candidates of {@link AlgoSearch#BENCHMARK} for one new key: {@code cudnnFind*AlgorithmEx} run
 * with a workspace of the cache's limit, so that every algorithm the limit allows is timed. When that
 * workspace cannot be reserved (the device is out of memory), the key falls back to the heuristic
 * query's candidates and the first such fallback is reported once; the key then keeps the heuristic
 * choice (it is cached like any other).
 */
final class BenchmarkQuery {

    /** One direction's Find call, run with {@code bytes} of workspace at device address {@code workspace}. */
    @FunctionalInterface
    interface Find {
        List<AlgoPerf> run(long workspace, long bytes);
    }

    /**
     * The candidates and the workspace they were measured with.
     *
     * @param results   Find's results, or the heuristic's after a fallback
     * @param workspace the device address of the {@code limit} bytes Find ran with (the convolution call
     *                  may reuse it: any eligible result needs at most that much), or -1 after a fallback
     */
    record Outcome(List<AlgoPerf> results, long workspace) {
    }

    private final long limit;
    private final Consumer<String> warnings;
    private final AtomicBoolean warned = new AtomicBoolean();

    /**
     * @param limit    the workspace bytes Find runs with (the cache's limit)
     * @param warnings where the first fallback is reported
     */
    BenchmarkQuery(long limit, Consumer<String> warnings) {
        this.limit = limit;
        this.warnings = warnings;
    }

    /** Find's candidates for {@code what} (a key's description, for the report), or the heuristic's. */
    Outcome run(String what, DeviceWorkspace workspace, Find find, Supplier<List<AlgoPerf>> heuristic) {
        long address;
        try {
            address = workspace.reserve(limit);
        } catch (CudaOutOfMemoryException e) {
            if (warned.compareAndSet(false, true)) {
                warnings.accept("transfer4j: cuDNN algorithm benchmark for " + what + " could not reserve its " + limit
                        + "-byte workspace, so that shape keeps cuDNN's heuristic choice (later fallbacks are not reported): "
                        + e.getMessage());
            }
            return new Outcome(heuristic.get(), -1);
        }
        return new Outcome(find.run(address, limit), address);
    }
}
