package org.transfer4j.cuda.dnn;

import java.util.List;
import java.util.Optional;

/**
 * Picks a convolution algorithm from cuDNN's perf results: among those whose status is
 * {@code CUDNN_STATUS_SUCCESS}, whose workspace fits the limit and (for plain fp32) whose math type is
 * {@code CUDNN_FMA_MATH}, the fastest. "Fastest" is the smallest measured time when the results carry
 * times ({@code cudnnFind*}, every eligible time {@code >= 0}); the heuristic {@code *_v7} queries
 * return their results best-first and may leave times unset (negative), and then the first eligible
 * one in cuDNN's order is taken. Ties keep cuDNN's order.
 */
public final class AlgoSelector {

    private AlgoSelector() {
    }

    /** The chosen result with any math type, or empty when none succeeds within {@code workspaceLimit} bytes. */
    public static Optional<AlgoPerf> select(List<AlgoPerf> results, long workspaceLimit) {
        return select(results, workspaceLimit, false);
    }

    /**
     * The chosen result, or empty when none qualifies.
     *
     * @param fmaOnly keep only results whose mathType is {@code CUDNN_FMA_MATH}: when TF32 is off, the
     *                descriptor asks for FMA math, and a result reporting another math type would, once
     *                set on the descriptor, let cuDNN round fp32 inputs to TF32. PyTorch asserts the same
     *                of the algorithm it picks (Conv_v7.cpp, {@code ASSERT_CORRECT_PRECISION}: fp32 without
     *                {@code allow_tf32} must be {@code CUDNN_FMA_MATH}); here such results are skipped.
     */
    public static Optional<AlgoPerf> select(List<AlgoPerf> results, long workspaceLimit, boolean fmaOnly) {
        List<AlgoPerf> eligible = results.stream()
                .filter(p -> p.status() == CudnnConstants.STATUS_SUCCESS && p.memory() <= workspaceLimit)
                .filter(p -> !fmaOnly || p.mathType() == CudnnConstants.FMA_MATH)
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
