package org.transfer4j.backend;

/**
 * A flat block of float32 elements owned by one backend. Tensors are views over a storage; closing the
 * storage (through any of its tensors) frees it, and every later use of a view fails clearly.
 */
public interface Storage extends AutoCloseable {
    Backend backend();

    /** Number of float32 elements. */
    long size();

    boolean isClosed();

    @Override
    void close();
}
