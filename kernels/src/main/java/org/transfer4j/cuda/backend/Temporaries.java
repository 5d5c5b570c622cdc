package org.transfer4j.cuda.backend;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Scratch tensors and buffers of one op, closed together when the op has queued its work. Closing
 * hands their blocks back to the caching allocator for the backend's one stream, so the next op may
 * reuse them: its work is queued after this op's on the same stream, so it cannot overwrite them early.
 */
final class Temporaries implements AutoCloseable {
    private final Deque<AutoCloseable> held = new ArrayDeque<>();

    /** Registers {@code resource} to be closed with this scope; returns it. */
    <T extends AutoCloseable> T add(T resource) {
        held.push(resource);
        return resource;
    }

    @Override
    public void close() {
        RuntimeException first = null;
        while (!held.isEmpty()) {
            try {
                held.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = e instanceof RuntimeException r ? r : new IllegalStateException(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
