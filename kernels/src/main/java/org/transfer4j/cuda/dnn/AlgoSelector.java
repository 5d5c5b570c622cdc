package org.transfer4j.cuda.dnn;

import java.util.List;
import java.util.Optional;

/**
 * Picks a convolution algorithm from cuDNN's perf results: among those whose status is
 * {@code CUDNN_STATUS_SUCCESS} and whose workspace fits the limit, the fastest. "Fastest" is the
 * smallest measured time when the results carry times ({@code cudnnFind*}, every eligible time
 * {@code >= 0}); the heuristic {@code *_v7} queries return their results best-first and may leave
 * times unset (negative), and then the first eligible one in cuDNN's order is taken. Ties keep
 * cuDNN's order.
 */
public final class AlgoSelector {

    private AlgoSelector() {
    }

    /** The chosen result, or empty when none succeeds within {@code workspaceLimit} bytes. */
    public static Optional<AlgoPerf> select(List<AlgoPerf> results, long workspaceLimit) {
        List<AlgoPerf> eligible = results.stream()
                .filter(p -> p.status() == CudnnConstants.STATUS_SUCCESS && p.memory() <= workspaceLimit)
                .toList();
        if (eligible.isEmpty()) {
            return Optional.empty();
        }
        boolean measured = eligible.stream().allMatch(p -> p.timeMs() >= 0);
        if (!measured) {
            return Optional.of(eligible.getFirst());
        }
        AlgoPerf best = eligible.getFirst();
        for (AlgoPerf p : eligible) {
            if (p.timeMs() < best.timeMs()) {
                best = p;
            }
        }
        return Optional.of(best);
    }
}
