package org.transfer4j.backend.cpu;

import org.transfer4j.backend.Backend;
import org.transfer4j.backend.Storage;

/** Heap storage: a {@code float[]}. Closing drops the reference so the array can be collected. */
public final class CpuStorage implements Storage {
    private float[] data;
    private final int size;

    CpuStorage(float[] data) {
        this.data = data;
        this.size = data.length;
    }

    /** The backing array; throws if closed. */
    public float[] data() {
        float[] d = data;
        if (d == null) {
            throw new IllegalStateException("storage was closed");
        }
        return d;
    }

    @Override
    public Backend backend() {
        return CpuBackend.instance();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean isClosed() {
        return data == null;
    }

    @Override
    public void close() {
        data = null;
    }
}
