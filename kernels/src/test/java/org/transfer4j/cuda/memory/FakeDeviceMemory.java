package org.transfer4j.cuda.memory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jcuda.driver.CUresult;
import org.transfer4j.cuda.driver.CudaException;

/**
 * A device of {@code total} bytes for allocator tests: malloc hands out increasing fake addresses and
 * fails with CUDA_ERROR_OUT_OF_MEMORY when the live bytes would exceed the total, like cuMemAlloc.
 */
final class FakeDeviceMemory implements DeviceMemory {

    private final long total;
    private final Map<Long, Long> live = new HashMap<>();
    final List<Long> mallocRequests = new ArrayList<>();
    final List<Long> freed = new ArrayList<>();
    private long next = 0x7f00_0000_0000L;
    private long used;
    /** When set, malloc fails with this code (not out of memory) instead. */
    int failWith = CudaException.SUCCESS;

    FakeDeviceMemory(long total) {
        this.total = total;
    }

    @Override
    public long malloc(long bytes) {
        mallocRequests.add(bytes);
        CudaException.check(failWith, "cuMemAlloc(" + bytes + " bytes)");
        if (used + bytes > total) {
            throw new CudaException(CUresult.CUDA_ERROR_OUT_OF_MEMORY, "cuMemAlloc(" + bytes + " bytes)");
        }
        long address = next;
        next += bytes;
        live.put(address, bytes);
        used += bytes;
        return address;
    }

    @Override
    public void free(long address) {
        Long bytes = live.remove(address);
        if (bytes == null) {
            throw new IllegalStateException("double or foreign free of 0x" + Long.toHexString(address));
        }
        used -= bytes;
        freed.add(address);
    }

    @Override
    public Info memGetInfo() {
        return new Info(total - used, total);
    }

    long used() {
        return used;
    }
}
