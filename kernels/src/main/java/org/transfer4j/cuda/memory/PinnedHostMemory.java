package org.transfer4j.cuda.memory;

import java.nio.ByteBuffer;

/**
 * The raw calls behind {@link PinnedHostPool}: page-locked host memory, which the GPU's copy engines
 * read and write directly, so that {@code cuMemcpyHtoDAsync} is truly asynchronous (from pageable
 * memory the driver first stages through its own buffer). Production: {@link JCudaPinnedHostMemory}.
 */
public interface PinnedHostMemory {

    /** Allocates {@code bytes} (at most 2^31-1) of pinned host memory, as a direct buffer of that capacity. */
    ByteBuffer alloc(int bytes);

    /** Frees a buffer {@link #alloc} returned. */
    void free(ByteBuffer buffer);
}
