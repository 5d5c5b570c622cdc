/**
 * Device and pinned host memory: {@link org.transfer4j.cuda.memory.CachingAllocator}, a caching
 * allocator after PyTorch's (size classes, reuse per stream, statistics, {@code emptyCache()}, and an
 * out-of-memory retry that ends in {@link org.transfer4j.cuda.memory.CudaOutOfMemoryException});
 * {@link org.transfer4j.cuda.memory.PinnedHostPool} of page-locked buffers; and
 * {@link org.transfer4j.cuda.memory.HostTransfers}, float uploads and downloads through them.
 *
 * <p>The allocator and the pool sit on small interfaces over the raw calls
 * ({@link org.transfer4j.cuda.memory.DeviceMemory}: malloc, free, memGetInfo;
 * {@link org.transfer4j.cuda.memory.PinnedHostMemory}), implemented with JCuda in production and by
 * fakes in the tests, so all their logic is tested on the CPU.
 */
package org.transfer4j.cuda.memory;
