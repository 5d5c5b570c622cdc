package org.transfer4j.cuda.backend;

import java.util.HashMap;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.transfer4j.Transfer4jException;
import org.transfer4j.backend.DeviceProvider;
import org.transfer4j.cuda.CudaAvailability;
import org.transfer4j.cuda.driver.CudaDriver;
import org.transfer4j.cuda.driver.CudaException;
import org.transfer4j.cuda.ffm.CudaLibraryNotFoundException;
import org.transfer4j.cuda.ffm.NativeLibraryLoader;
import org.transfer4j.tensor.Device;

/**
 * The CUDA devices, for core's {@link Device#cuda(int)} and {@link Device#best()} (registered in
 * {@code META-INF/services/org.transfer4j.backend.DeviceProvider}). Constructing it touches nothing:
 * the first {@link #availability()} probes the driver ({@link CudaAvailability#probe()}: libcuda, cuInit,
 * a device), loads JCuda's native library ({@link CudaDriver#initialise()}) and cuBLAS and cuDNN
 * ({@link NativeLibraryLoader}), and remembers the answer; anything missing makes the provider
 * unavailable with a reason naming it. {@link #device(int)} opens a device's {@link CudaBackend} on
 * first use and returns the same {@link Device} afterwards.
 */
public final class CudaDeviceProvider implements DeviceProvider {
    private final Supplier<Availability> probe;
    private final IntSupplier counter;
    private final IntFunction<Device> opener;
    private final Map<Integer, Device> devices = new HashMap<>();
    private Availability availability;
    private int deviceCount;

    /** The provider ServiceLoader creates: the real probe, devices opened with {@link CudaBackend#open}. */
    public CudaDeviceProvider() {
        this(CudaDeviceProvider::probeThisProcess, () -> CudaAvailability.probe().deviceCount(),
                ordinal -> CudaBackend.open(ordinal).device());
    }

    /** A provider with the probe, the device count (asked once, when available) and the device opening given (tests). */
    CudaDeviceProvider(Supplier<Availability> probe, IntSupplier counter, IntFunction<Device> opener) {
        this.probe = probe;
        this.counter = counter;
        this.opener = opener;
    }

    @Override
    public Device.Type type() {
        return Device.Type.CUDA;
    }

    @Override
    public synchronized Availability availability() {
        if (availability == null) {
            Availability a;
            try {
                a = probe.get();
            } catch (RuntimeException | LinkageError e) { // the contract: never throws
                a = Availability.no("probing CUDA failed: " + e);
            }
            availability = a;
        }
        return availability;
    }

    @Override
    public synchronized int deviceCount() {
        if (!availability().available()) {
            return 0;
        }
        if (deviceCount == 0) {
            deviceCount = counter.getAsInt();
        }
        return deviceCount;
    }

    @Override
    public synchronized Device device(int index) {
        Availability a = availability();
        if (!a.available()) {
            throw new Transfer4jException("CUDA is not available: " + a.reason());
        }
        int count = deviceCount();
        if (index < 0 || index >= count) {
            throw new Transfer4jException("CUDA device " + index + " requested, but there "
                    + (count == 1 ? "is 1 device" : "are " + count + " devices") + " (valid indices 0.." + (count - 1) + ")");
        }
        Device d = devices.get(index);
        if (d == null) {
            try {
                d = opener.apply(index);
            } catch (CudaException e) {
                throw new Transfer4jException("opening CUDA device " + index + " failed: " + e.getMessage(), e);
            }
            devices.put(index, d);
        }
        return d;
    }

    /** The driver, a device, JCuda's native library, cuBLAS and cuDNN, in that order; the first missing one is the reason. */
    static Availability probeThisProcess() {
        CudaAvailability cuda = CudaAvailability.probe();
        if (!cuda.available()) {
            return Availability.no(cuda.reason());
        }
        try {
            CudaDriver.initialise();
        } catch (CudaException e) {
            return Availability.no(e.getMessage());
        }
        for (NativeLibraryLoader.Spec library : new NativeLibraryLoader.Spec[] {NativeLibraryLoader.CUBLAS,
                NativeLibraryLoader.CUDNN}) {
            try {
                NativeLibraryLoader.load(library);
            } catch (CudaLibraryNotFoundException e) {
                return Availability.no("the CUDA driver and " + cuda.deviceCount() + " device(s) are there, but "
                        + e.getMessage());
            }
        }
        return Availability.yes();
    }
}
