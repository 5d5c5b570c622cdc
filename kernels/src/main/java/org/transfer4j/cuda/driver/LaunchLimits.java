package org.transfer4j.cuda.driver;

import org.transfer4j.cuda.LaunchGeometry;
import org.transfer4j.cuda.LaunchGrid;

/**
 * What one kernel may be launched with on one device: the block size (the device's limit, lowered
 * for a kernel whose register use allows fewer threads, {@code CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK}),
 * {@code gridDim.x} ({@code CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X}) and the dynamic shared memory per
 * block (the device's default per-block limit, {@code CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK},
 * 48 KiB everywhere, less the kernel's static shared memory; the larger opt-in limit is not used).
 *
 * @param maxThreadsPerBlock  most threads per block for this kernel on this device
 * @param maxGridX            most blocks in x
 * @param maxDynamicSharedBytes most dynamic shared memory bytes per block
 */
public record LaunchLimits(int maxThreadsPerBlock, long maxGridX, int maxDynamicSharedBytes) {

    public LaunchLimits {
        if (maxThreadsPerBlock < 1 || maxGridX < 1 || maxDynamicSharedBytes < 0) {
            throw new IllegalArgumentException("invalid launch limits: " + maxThreadsPerBlock + " threads, "
                    + maxGridX + " blocks, " + maxDynamicSharedBytes + " shared bytes");
        }
    }

    /**
     * The limits of a kernel from the device's and the function's attributes.
     *
     * @param deviceMaxThreads   {@code CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK}
     * @param deviceMaxGridX     {@code CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X}
     * @param deviceSharedBytes  {@code CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK}
     * @param functionMaxThreads {@code CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK}
     * @param staticSharedBytes  {@code CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES}
     */
    public static LaunchLimits of(int deviceMaxThreads, int deviceMaxGridX, int deviceSharedBytes,
                                  int functionMaxThreads, int staticSharedBytes) {
        return new LaunchLimits(Math.min(deviceMaxThreads, functionMaxThreads), deviceMaxGridX,
                Math.max(0, deviceSharedBytes - staticSharedBytes));
    }

    /**
     * Checks a launch of {@code kernel} with {@code geometry} and {@code dynamicSharedBytes}.
     *
     * @throws IllegalArgumentException naming the kernel, the value and the limit it exceeds
     */
    public void check(String kernel, LaunchGeometry geometry, int dynamicSharedBytes) {
        if (geometry.blockX() > maxThreadsPerBlock) {
            throw new IllegalArgumentException("kernel " + kernel + " launched with " + geometry.blockX()
                    + " threads per block, above its limit of " + maxThreadsPerBlock + " on this device");
        }
        if (geometry.gridX() > maxGridX) {
            throw new IllegalArgumentException("kernel " + kernel + " launched with " + geometry.gridX()
                    + " blocks, above the device's gridDim.x limit of " + maxGridX);
        }
        if (dynamicSharedBytes < 0 || dynamicSharedBytes > maxDynamicSharedBytes) {
            throw new IllegalArgumentException("kernel " + kernel + " launched with " + dynamicSharedBytes
                    + " bytes of dynamic shared memory, outside 0.." + maxDynamicSharedBytes
                    + " (the device's per-block limit less the kernel's static shared memory)");
        }
    }

    /**
     * Checks a 3-D launch of {@code kernel} (the grid's y and z sides are checked by {@link LaunchGrid} itself).
     *
     * @throws IllegalArgumentException naming the kernel, the value and the limit it exceeds
     */
    public void check(String kernel, LaunchGrid grid, int dynamicSharedBytes) {
        if (grid.threadsPerBlock() > maxThreadsPerBlock) {
            throw new IllegalArgumentException("kernel " + kernel + " launched with " + grid.threadsPerBlock()
                    + " threads per block (" + grid + "), above its limit of " + maxThreadsPerBlock + " on this device");
        }
        check(kernel, new LaunchGeometry(grid.gridX(), 1), dynamicSharedBytes);
    }
}
