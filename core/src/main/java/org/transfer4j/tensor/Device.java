package org.transfer4j.tensor;

import java.util.Objects;
import org.transfer4j.Transfer4jException;
import org.transfer4j.backend.Backend;
import org.transfer4j.backend.cpu.CpuBackend;

/**
 * Where a tensor's memory lives and which {@link Backend} computes on it.
 * Only the CPU exists in this build; {@code cuda(i)} is added by the {@code kernels} module.
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

    /** The fastest device available; the CPU until a GPU backend is on the class path. */
    public static Device best() {
        return CPU;
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
