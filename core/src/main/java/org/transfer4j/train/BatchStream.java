package org.transfer4j.train;

import java.util.Iterator;

/**
 * One epoch of a {@link Dataset}, batch by batch. It may decode ahead on background threads, so it must
 * be closed (try-with-resources) to stop them when an epoch is cut short.
 */
public interface BatchStream extends Iterator<Batch>, AutoCloseable {

    /** How many batches this epoch has: {@code ceil(size / batchSize)}, less any batch left empty by skipped samples. */
    int batchCount();

    /**
     * Samples skipped so far in this epoch because they could not be read (a corrupt or truncated
     * file); each was logged with its path when it was skipped. Training reports the count per epoch.
     */
    int skipped();

    /** Stops background work; the stream returns no more batches. Idempotent, never throws. */
    @Override
    void close();
}
