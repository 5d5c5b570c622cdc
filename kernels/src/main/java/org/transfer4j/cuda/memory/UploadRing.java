package org.transfer4j.cuda.memory;

import java.nio.ByteBuffer;
import java.util.function.Supplier;
import org.transfer4j.cuda.driver.CudaEvent;
import org.transfer4j.cuda.driver.CudaStream;

/**
 * Staging for small uploads that return before their copy has run: a ring of {@value #SLOTS} pinned slots of
 * {@value #SLOT_BYTES} bytes, each with an event recorded after its copy. A slot is refilled only once its
 * event has completed, which is normally long before, {@value #SLOTS} uploads later. The copy reads the slot,
 * not the caller's array, so the caller may change the array at once; stream order puts every later use of
 * the destination after the copy. A training step's one-hot targets and gather indices go this way, so
 * they no longer make the host wait for the GPU to drain. Slots and events are made on first use.
 */
final class UploadRing implements AutoCloseable {
    /** Slots in the ring. */
    static final int SLOTS = 16;
    /** Bytes per slot: the pool's smallest block, 64 KiB; a larger upload takes the waiting path. */
    static final int SLOT_BYTES = PinnedHostPool.MIN_BYTES;

    private final PinnedHostPool pool;
    private final Supplier<CudaEvent> eventFactory;
    private final PinnedHostPool.Lease[] slots = new PinnedHostPool.Lease[SLOTS];
    private final CudaEvent[] copied = new CudaEvent[SLOTS];
    private int next;

    UploadRing(PinnedHostPool pool, Supplier<CudaEvent> eventFactory) {
        this.pool = pool;
        this.eventFactory = eventFactory;
    }

    /** The next slot's buffer (position 0, limit {@code bytes}), after its previous copy has completed. */
    ByteBuffer acquire(int bytes) {
        int i = next;
        if (slots[i] == null) {
            slots[i] = pool.acquire(SLOT_BYTES);
            copied[i] = eventFactory.get();
        } else {
            copied[i].synchronize(); // recorded SLOTS uploads ago: normally complete already
        }
        return slots[i].buffer().limit(bytes);
    }

    /** Marks the slot {@link #acquire} gave as in flight: its copy is queued on {@code stream}. */
    void queued(CudaStream stream) {
        copied[next].record(stream);
        next = (next + 1) % SLOTS;
    }

    /** Waits for the copies in flight and returns the slots to the pool. */
    @Override
    public void close() {
        for (int i = 0; i < SLOTS; i++) {
            if (slots[i] != null) {
                copied[i].synchronize();
                copied[i].close();
                slots[i].close();
                slots[i] = null;
            }
        }
    }
}
