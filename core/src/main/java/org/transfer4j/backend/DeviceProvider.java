package org.transfer4j.backend;

import org.transfer4j.tensor.Device;

/**
 * A source of devices other than the CPU, found with {@link java.util.ServiceLoader}: the CUDA backend in
 * the {@code kernels} module registers one in {@code META-INF/services/org.transfer4j.backend.DeviceProvider},
 * so core never depends on it, and a CPU-only build (no {@code kernels} jar) simply has none.
 * {@link Device#cuda(int)} and {@link Device#best()} ask the providers.
 */
public interface DeviceProvider {

    /** The kind of device served, e.g. {@link Device.Type#CUDA}. */
    Device.Type type();

    /**
     * Whether devices can be served in this process, and if not, why, naming what is missing (driver,
     * library, GPU). Never throws.
     */
    Availability availability();

    /** The devices of this type with index {@code 0..deviceCount()-1}; 0 when unavailable. */
    int deviceCount();

    /**
     * The device with this index (the same instance on every call), its backend ready to allocate.
     *
     * @throws org.transfer4j.Transfer4jException when unavailable (with {@link Availability#reason()}) or
     *                                            when the index is out of range (naming the count)
     */
    Device device(int index);

    /** @param reason why the provider cannot serve devices; empty when {@code available} */
    record Availability(boolean available, String reason) {
        public static Availability yes() {
            return new Availability(true, "");
        }

        public static Availability no(String reason) {
            return new Availability(false, reason);
        }
    }
}
