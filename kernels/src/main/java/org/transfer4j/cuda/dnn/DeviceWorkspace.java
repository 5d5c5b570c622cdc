package org.transfer4j.cuda.dnn;

/**
 * Device scratch memory for cuDNN, provided by the caller's allocator: {@link #reserve} returns the
 * device address of at least {@code bytes} bytes that stay valid until the work queued on the stream
 * has finished (a caching allocator reusing memory on the same stream satisfies this).
 */
@FunctionalInterface
public interface DeviceWorkspace {

    /** A device address of at least {@code bytes} bytes; 0 may be returned for 0 bytes. */
    long reserve(long bytes);
}
