package org.transfer4j.images;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.transfer4j.Transfer4jException;
import org.transfer4j.tensor.Tensor;
import org.transfer4j.train.Batch;
import org.transfer4j.train.BatchStream;

/**
 * One epoch of an {@link ImageDataset}, decoded ahead on its own pool of loader threads.
 *
 * <p>Each sample is one task, so the samples of a batch decode in parallel. At most {@code prefetch + 1}
 * batches are in flight (the one the consumer waits for and {@code prefetch} behind it): that bounds the
 * memory held ahead, and handing out a batch submits the next. Batches are assembled in epoch order by
 * the consuming thread; each worker writes its sample into its own slot of the batch's array (the
 * {@link Future} hand-over makes the write visible). Which thread decodes a sample changes nothing: its
 * values depend only on {@code (seed, index)}.
 *
 * <p>A sample whose file cannot be decoded ({@link ImageDecodeException}) is logged with the file's path
 * when its batch is assembled, counted in {@link #skipped()} and left out, so the batch is smaller; a
 * batch left with no samples is not handed out. Any other failure of a worker is a bug and is rethrown by
 * {@link #next()}. Single consumer: the stream itself is not thread-safe.
 */
final class ImageBatchStream implements BatchStream {
    private static final Logger LOG = LoggerFactory.getLogger(ImageBatchStream.class);
    private static final AtomicLong STREAMS = new AtomicLong();

    private final ImageDataset data;
    private final int[] order;
    private final int batchSize;
    private final long seed;
    private final int sampleSize;
    private final int prefetch;
    private final String threadPrefix;
    private final ExecutorService pool;
    private final List<Thread> workers = new CopyOnWriteArrayList<>();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final int totalBatches;
    private int submitted;
    private int emptyBatches;
    private int skipped;
    private Batch ready;
    private volatile boolean closed;

    /** A batch in flight: its sample indices, the array the workers fill, and one future per sample. */
    private record Pending(int[] indices, float[] values, List<Future<ImageDecodeException>> samples) {
    }

    ImageBatchStream(ImageDataset data, int[] order, int batchSize, long seed, int threads, int prefetch) {
        this.data = data;
        this.order = order;
        this.batchSize = batchSize;
        this.seed = seed;
        this.sampleSize = data.imageSize() * data.imageSize() * 3;
        this.prefetch = prefetch;
        this.totalBatches = (order.length + batchSize - 1) / batchSize;
        if ((long) batchSize * sampleSize > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("batches: " + batchSize + " images of " + data.imageSize() + "x"
                    + data.imageSize() + " do not fit in one tensor");
        }
        this.threadPrefix = "transfer4j-images-" + STREAMS.incrementAndGet() + "-";
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, threadPrefix + count.incrementAndGet());
            t.setDaemon(true); // a stream the caller forgot to close must not keep the JVM alive
            workers.add(t);
            return t;
        };
        this.pool = Executors.newFixedThreadPool(threads, factory);
        while (submitted < totalBatches && pending.size() <= prefetch) {
            submitNext();
        }
    }

    private void submitNext() {
        int start = submitted * batchSize;
        int[] indices = Arrays.copyOfRange(order, start, Math.min(order.length, start + batchSize));
        float[] values = new float[indices.length * sampleSize];
        List<Future<ImageDecodeException>> samples = new ArrayList<>(indices.length);
        for (int slot = 0; slot < indices.length; slot++) {
            int index = indices[slot];
            int offset = slot * sampleSize;
            samples.add(pool.submit(() -> load(index, values, offset)));
        }
        pending.add(new Pending(indices, values, samples));
        submitted++;
    }

    private ImageDecodeException load(int index, float[] values, int offset) {
        if (closed) {
            return null;
        }
        try {
            System.arraycopy(data.load(index, seed), 0, values, offset, sampleSize);
            return null;
        } catch (ImageDecodeException e) {
            return e;
        }
    }

    @Override
    public boolean hasNext() {
        while (ready == null && !closed && !pending.isEmpty()) {
            Pending batch = pending.poll();
            if (submitted < totalBatches) {
                submitNext();
            }
            ready = assemble(batch);
        }
        if (ready == null) {
            close();
        }
        return ready != null;
    }

    @Override
    public Batch next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more batches in this epoch");
        }
        Batch batch = ready;
        ready = null;
        return batch;
    }

    /** The batch of the samples that decoded, or null when none did. */
    private Batch assemble(Pending batch) {
        int n = batch.indices.length;
        boolean[] failed = new boolean[n];
        int kept = 0;
        for (int slot = 0; slot < n; slot++) {
            ImageDecodeException failure = await(batch.samples.get(slot));
            if (failure != null) {
                failed[slot] = true;
                skipped++;
                LOG.warn("Skipping an image that cannot be decoded: {}", failure.getMessage());
            } else {
                kept++;
            }
        }
        if (kept == 0) {
            emptyBatches++;
            return null;
        }
        float[] values = batch.values;
        int[] indices = batch.indices;
        if (kept < n) {
            values = new float[kept * sampleSize];
            indices = new int[kept];
            for (int slot = 0, k = 0; slot < n; slot++) {
                if (!failed[slot]) {
                    System.arraycopy(batch.values, slot * sampleSize, values, k * sampleSize, sampleSize);
                    indices[k++] = batch.indices[slot];
                }
            }
        }
        int[] labels = new int[kept];
        for (int k = 0; k < kept; k++) {
            labels[k] = data.label(indices[k]);
        }
        int size = data.imageSize();
        return new Batch(Tensor.of(values, kept, size, size, 3), labels, indices);
    }

    private ImageDecodeException await(Future<ImageDecodeException> sample) {
        try {
            return sample.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new Transfer4jException("interrupted while waiting for images to decode", e);
        } catch (CancellationException e) {
            throw new Transfer4jException("the image stream was closed", e);
        } catch (ExecutionException e) {
            close();
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new Transfer4jException("image loader failed", e.getCause());
        }
    }

    @Override
    public int batchCount() {
        return totalBatches - emptyBatches;
    }

    @Override
    public int skipped() {
        return skipped;
    }

    /** The name prefix of this stream's loader threads. */
    String threadPrefix() {
        return threadPrefix;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ready = null;
        for (Pending batch : pending) {
            batch.samples.forEach(f -> f.cancel(true));
        }
        pending.clear();
        pool.shutdownNow();
        try {
            // a task already decoding finishes its file (ImageIO does not stop on interrupt): milliseconds.
            // The pool reports termination from its last worker before that thread ends, so join them too.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            pool.awaitTermination(10, TimeUnit.SECONDS);
            for (Thread t : workers) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
            if (workers.stream().anyMatch(Thread::isAlive)) {
                LOG.warn("Image loader threads {}* still running 10 s after close", threadPrefix);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
