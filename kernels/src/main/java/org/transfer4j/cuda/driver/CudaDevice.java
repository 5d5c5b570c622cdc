package org.transfer4j.cuda.driver;

import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT;

import java.nio.charset.StandardCharsets;
import jcuda.driver.CUdevice;
import jcuda.driver.JCudaDriver;
import org.transfer4j.cuda.ComputeCapability;

/**
 * A CUDA device, selected by ordinal ({@code cuDeviceGet}), with what the rest of the backend needs
 * to know about it: name, compute capability (which PTX it runs), total memory and the launch limits.
 * Holds no resources; {@link CudaContext#primary(CudaDevice)} makes it usable.
 */
public final class CudaDevice {

    private final int ordinal;
    private final CUdevice handle;
    private final String name;
    private final ComputeCapability computeCapability;
    private final long totalMemory;
    private final int maxThreadsPerBlock;
    private final int maxGridX;
    private final int maxSharedMemoryPerBlock;
    private final int multiprocessors;

    private CudaDevice(int ordinal, CUdevice handle) {
        this.ordinal = ordinal;
        this.handle = handle;
        String op = "device " + ordinal;
        byte[] nameBytes = new byte[256];
        CudaException.check(JCudaDriver.cuDeviceGetName(nameBytes, nameBytes.length, handle), "cuDeviceGetName(" + op + ")");
        int end = 0;
        while (end < nameBytes.length && nameBytes[end] != 0) {
            end++;
        }
        this.name = new String(nameBytes, 0, end, StandardCharsets.UTF_8);
        this.computeCapability = new ComputeCapability(attribute(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, "major"),
                attribute(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, "minor"));
        long[] bytes = new long[1];
        CudaException.check(JCudaDriver.cuDeviceTotalMem(bytes, handle), "cuDeviceTotalMem(" + op + ")");
        this.totalMemory = bytes[0];
        this.maxThreadsPerBlock = attribute(CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK, "max threads per block");
        this.maxGridX = attribute(CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X, "max grid x");
        this.maxSharedMemoryPerBlock = attribute(CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK, "max shared memory per block");
        this.multiprocessors = attribute(CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, "multiprocessor count");
    }

    /**
     * The number of CUDA devices the driver reports.
     *
     * @throws CudaUnavailableException when there is no usable driver
     */
    public static int count() {
        CudaDriver.initialise();
        int[] count = new int[1];
        CudaException.check(JCudaDriver.cuDeviceGetCount(count), "cuDeviceGetCount");
        return count[0];
    }

    /**
     * The device of ordinal {@code ordinal} (0 is the first; {@code CUDA_VISIBLE_DEVICES} renumbers).
     *
     * @throws CudaUnavailableException when there is no usable driver
     * @throws IllegalArgumentException when there is no such device, giving the device count
     */
    public static CudaDevice get(int ordinal) {
        checkOrdinal(ordinal, count());
        CUdevice handle = new CUdevice();
        CudaException.check(JCudaDriver.cuDeviceGet(handle, ordinal), "cuDeviceGet(" + ordinal + ")");
        return new CudaDevice(ordinal, handle);
    }

    /**
     * Checks an ordinal against the device count.
     *
     * @throws IllegalArgumentException when {@code ordinal} is not in {@code 0..count-1}
     */
    static void checkOrdinal(int ordinal, int count) {
        if (ordinal < 0 || ordinal >= count) {
            throw new IllegalArgumentException("CUDA device " + ordinal + " requested, but the driver reports "
                    + count + (count == 1 ? " device" : " devices")
                    + (count == 0 ? "" : " (valid ordinals 0.." + (count - 1) + ")"));
        }
    }

    private int attribute(int attribute, String what) {
        int[] value = new int[1];
        CudaException.check(JCudaDriver.cuDeviceGetAttribute(value, attribute, handle),
                "cuDeviceGetAttribute(" + what + ", device " + ordinal + ")");
        return value[0];
    }

    /** The ordinal this device was selected by. */
    public int ordinal() {
        return ordinal;
    }

    /** JCuda's handle. */
    public CUdevice handle() {
        return handle;
    }

    /** The device name, e.g. {@code NVIDIA H100 80GB HBM3}. */
    public String name() {
        return name;
    }

    /** The compute capability, e.g. 9.0 for an H100. */
    public ComputeCapability computeCapability() {
        return computeCapability;
    }

    /** Total device memory in bytes ({@code cuDeviceTotalMem}). */
    public long totalMemory() {
        return totalMemory;
    }

    /** {@code CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK}. */
    public int maxThreadsPerBlock() {
        return maxThreadsPerBlock;
    }

    /** {@code CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X}. */
    public int maxGridX() {
        return maxGridX;
    }

    /** {@code CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK} in bytes. */
    public int maxSharedMemoryPerBlock() {
        return maxSharedMemoryPerBlock;
    }

    /** The number of streaming multiprocessors. */
    public int multiprocessors() {
        return multiprocessors;
    }

    @Override
    public String toString() {
        return "cuda:" + ordinal + " (" + name + ", compute capability " + computeCapability + ", "
                + (totalMemory >> 20) + " MiB)";
    }
}
