package org.transfer4j.tensor;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import org.transfer4j.Transfer4jException;
import org.transfer4j.backend.Backend;
import org.transfer4j.backend.DeviceProvider;
import org.transfer4j.backend.cpu.CpuBackend;

/**
 * Where a tensor's memory lives and which {@link Backend} computes on it. The CPU is always there; GPUs
 * come from a {@link DeviceProvider} on the class path (the {@code kernels} module's CUDA backend), so
 * {@link #cuda(int)} says what is missing when there is none, and {@link #best()} falls back to the CPU.
 */
public final class Device {
    public enum Type { CPU, CUDA }

    private static final Device CPU = new Device(Type.CPU, 0, CpuBackend.instance());

    private final Type type;
    private final int index;
    private final Backend backend;

    private Device(Type type, int index, Backend backend) {
        this.type = type;
        this.index = index;
        this.backend = backend;
    }

    public static Device cpu() {
        return CPU;
    }

    /** A device served by a backend from another module (the CUDA backend registers itself this way). */
    public static Device of(Type type, int index, Backend backend) {
        if (type == Type.CPU) {
            throw new Transfer4jException("the CPU device is Device.cpu(); it cannot be registered again");
        }
        return new Device(type, index, Objects.requireNonNull(backend, "backend"));
    }

    /**
     * CUDA device {@code index}.
     *
     * @throws Transfer4jException naming what is missing: no CUDA backend on the class path (the
     *                             {@code transfer4j-kernels} jar), or the provider's reason (no driver, no
     *                             GPU, no cuBLAS/cuDNN), or an index out of range
     */
    public static Device cuda(int index) {
        DeviceProvider provider = provider(Type.CUDA).orElseThrow(() -> new Transfer4jException(
                "no CUDA backend on the class path: put the transfer4j-kernels jar (and JCuda) beside core"));
        DeviceProvider.Availability availability = provider.availability();
        if (!availability.available()) {
            throw new Transfer4jException("CUDA is not available: " + availability.reason());
        }
        return provider.device(index);
    }

    /** The fastest device available: CUDA device 0 when a CUDA provider can serve one, else the CPU. */
    public static Device best() {
        return provider(Type.CUDA)
                .filter(p -> p.availability().available() && p.deviceCount() > 0)
                .map(p -> p.device(0))
                .orElse(CPU);
    }

    /**
     * Why {@link #best()} is the CPU, for a message such as {@code --device auto}'s: empty when a GPU is
     * available, else what is missing.
     */
    public static Optional<String> whyNoGpu() {
        Optional<DeviceProvider> cuda = provider(Type.CUDA);
        if (cuda.isEmpty()) {
            return Optional.of("no CUDA backend on the class path (the transfer4j-kernels jar)");
        }
        DeviceProvider.Availability availability = cuda.get().availability();
        if (!availability.available()) {
            return Optional.of(availability.reason());
        }
        return cuda.get().deviceCount() > 0 ? Optional.empty() : Optional.of("the CUDA driver reports no device");
    }

    private static Optional<DeviceProvider> provider(Type type) {
        return Providers.ALL.stream().filter(p -> p.type() == type).findFirst();
    }

    /** The providers, found on first use (not when the CPU device is), once; a provider's constructor must not touch the driver. */
    private static final class Providers {
        static final List<DeviceProvider> ALL = ServiceLoader.load(DeviceProvider.class).stream()
                .map(ServiceLoader.Provider::get).toList();
    }

    public Type type() {
        return type;
    }

    public int index() {
        return index;
    }

    public Backend backend() {
        return backend;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Device d && d.type == type && d.index == index;
    }

    @Override
    public int hashCode() {
        return type.hashCode() * 31 + index;
    }

    @Override
    public String toString() {
        return type == Type.CPU ? "cpu" : type.name().toLowerCase() + ":" + index;
    }
}
