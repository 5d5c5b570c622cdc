package org.transfer4j.backend.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/**
 * The one thread pool every CPU primitive shares. Its size is {@code -Dtransfer4j.threads=N}, by
 * default the number of available cores. Work is split recursively, so nested parallel loops (a
 * convolution calling GEMM) share the same workers by work stealing.
 */
public final class CpuParallel {
    private static final int THREADS = Integer.getInteger("transfer4j.threads",
            Runtime.getRuntime().availableProcessors());
    private static final ForkJoinPool POOL = new ForkJoinPool(Math.max(1, THREADS),
            pool -> {
                var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
                t.setName("transfer4j-cpu-" + t.getPoolIndex());
                t.setDaemon(true);
                return t;
            }, null, false);

    private CpuParallel() {
    }

    /** The body of a parallel loop: handles indices {@code [from, to)}. */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    public static int threads() {
        return POOL.getParallelism();
    }

    /**
     * Runs {@code body} over {@code [0, n)} in chunks of at least {@code grain} indices, on all cores.
     * Small loops run on the calling thread.
     */
    public static void forRange(int n, int grain, Range body) {
        if (n <= 0) {
            return;
        }
        int g = Math.max(1, grain);
        if (n <= g || POOL.getParallelism() == 1) {
            body.run(0, n);
            return;
        }
        // Aim for a few chunks per thread so uneven chunks balance out.
        int chunk = Math.max(g, (n + 4 * POOL.getParallelism() - 1) / (4 * POOL.getParallelism()));
        Task task = new Task(body, 0, n, chunk);
        if (ForkJoinTask.getPool() == POOL) {
            task.invoke(); // already on a worker: split in place
        } else {
            POOL.invoke(task);
        }
    }

    private static final class Task extends RecursiveAction {
        private final Range body;
        private final int from;
        private final int to;
        private final int chunk;

        Task(Range body, int from, int to, int chunk) {
            this.body = body;
            this.from = from;
            this.to = to;
            this.chunk = chunk;
        }

        @Override
        protected void compute() {
            if (to - from <= chunk) {
                body.run(from, to);
                return;
            }
            int mid = from + (to - from) / 2;
            invokeAll(new Task(body, from, mid, chunk), new Task(body, mid, to, chunk));
        }
    }
}
