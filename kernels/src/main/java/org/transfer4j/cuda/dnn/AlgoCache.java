package org.transfer4j.cuda.dnn;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The convolution algorithms chosen so far, one per (shape, direction, math, search): the cuDNN query
 * runs once per key, as PyTorch's benchmark cache does. Keys are {@link ConvPlan}s, which compare by value.
 * Every choice respects the workspace limit given at construction, and a key with TF32 off only takes
 * {@code CUDNN_FMA_MATH} results ({@link AlgoSelector#select(List, long, boolean)}).
 */
public final class AlgoCache {

    /**
     * The key of one choice. The search mode is part of it so that a heuristic choice and a measured one
     * for the same shape never stand in for each other when the mode changes at run time.
     */
    public record Key(ConvPlan plan, ConvDirection direction, boolean tf32, AlgoSearch search) {
        public Key {
            Objects.requireNonNull(search, "search");
        }
    }

    private final long workspaceLimit;
    private final Map<Key, AlgoPerf> chosen = new ConcurrentHashMap<>();

    /** @param workspaceLimit the most workspace bytes a chosen algorithm may need */
    public AlgoCache(long workspaceLimit) {
        if (workspaceLimit < 0) {
            throw new IllegalArgumentException("workspace limit must not be negative, got " + workspaceLimit);
        }
        this.workspaceLimit = workspaceLimit;
    }

    /** The limit in bytes. */
    public long workspaceLimit() {
        return workspaceLimit;
    }

    /**
     * The algorithm for {@code key}: the cached one, or the one {@link AlgoSelector} picks from
     * {@code query}'s results (run once per key).
     *
     * @throws CudnnException naming the key, the limit and the results when no algorithm qualifies
     */
    public AlgoPerf choose(Key key, Supplier<List<AlgoPerf>> query) {
        return chosen.computeIfAbsent(key, k -> {
            List<AlgoPerf> results = query.get();
            return AlgoSelector.select(results, workspaceLimit, !k.tf32()).orElseThrow(() -> new CudnnException(
                    "no cuDNN " + k.direction() + " algorithm runs " + k.plan() + " within " + workspaceLimit
                            + " workspace bytes" + (k.tf32() ? "" : " with CUDNN_FMA_MATH (TF32 off)") + " ("
                            + k.search().propertyValue() + "); results: " + describe(k.direction(), results)));
        });
    }

    /** How many choices are cached. */
    public int size() {
        return chosen.size();
    }

    static String describe(ConvDirection direction, List<AlgoPerf> results) {
        StringBuilder sb = new StringBuilder("[");
        for (AlgoPerf p : results) {
            sb.append(sb.length() > 1 ? ", " : "").append(direction.algoName(p.algo())).append(" status=").append(p.status())
                    .append(" workspace=").append(p.memory())
                    .append(" mathType=").append(p.mathType());
        }
        return sb.append(']').toString();
    }
}
