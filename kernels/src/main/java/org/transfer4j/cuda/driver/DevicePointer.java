package org.transfer4j.cuda.driver;

import jcuda.driver.CUdeviceptr;

/**
 * A JCuda device pointer whose raw address can be read: {@link #address()}, the value a kernel
 * receives for a {@code float*} parameter. JCuda keeps the address in a protected field
 * ({@code getNativePointer()} plus the {@code withByteOffset} offset), hence this subclass
 * (ARCHITECTURE.md, "Facts about the CUDA libraries").
 *
 * <p>Two ways to get one: pass {@code new DevicePointer()} to {@code cuMemAlloc}, which fills in the
 * address; or {@link #at(long)} for an address obtained before (the caching allocator hands out
 * addresses), which JCuda passes to the driver as base 0 plus a byte offset. A pointer does not own
 * memory: the allocator does.
 */
public final class DevicePointer extends CUdeviceptr {

    private static final CUdeviceptr NULL = new CUdeviceptr();

    /** A null pointer for {@code cuMemAlloc} to fill in. */
    public DevicePointer() {
    }

    private DevicePointer(long address) {
        super(NULL, address);
    }

    /** A pointer to the raw device address {@code address} (not 0). */
    public static DevicePointer at(long address) {
        if (address == 0) {
            throw new IllegalArgumentException("device address must not be 0 (null)");
        }
        return new DevicePointer(address);
    }

    /** The raw device address: JCuda's native pointer plus its byte offset. */
    public long address() {
        return getNativePointer() + getByteOffset();
    }

    /** A pointer {@code bytes} further on, e.g. to an element of a buffer. */
    public DevicePointer plus(long bytes) {
        return at(address() + bytes);
    }

    @Override
    public String toString() {
        return "DevicePointer[0x" + Long.toHexString(address()) + "]";
    }
}
