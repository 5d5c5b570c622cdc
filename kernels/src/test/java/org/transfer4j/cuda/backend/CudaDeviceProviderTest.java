package org.transfer4j.cuda.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.transfer4j.Transfer4jException;
import org.transfer4j.backend.DeviceProvider;
import org.transfer4j.backend.cpu.CpuBackend;
import org.transfer4j.cuda.CudaAvailability;
import org.transfer4j.tensor.Device;

class CudaDeviceProviderTest {

    @Test
    void serviceLoaderFindsTheCudaProvider() {
        List<DeviceProvider> providers = ServiceLoader.load(DeviceProvider.class).stream().map(ServiceLoader.Provider::get).toList();
        assertTrue(providers.stream().anyMatch(p -> p instanceof CudaDeviceProvider && p.type() == Device.Type.CUDA),
                providers.toString());
    }

    /** On a machine without a usable driver (this build machine), core falls back to the CPU with the probe's reason. */
    @Test
    void withoutADriverCoreFallsBackToTheCpuWithTheProbesReason() {
        CudaAvailability probe = CudaAvailability.probe();
        assumeFalse(probe.available(), "a CUDA driver and device are present: the fallback cannot be observed here");
        CudaDeviceProvider provider = new CudaDeviceProvider();
        assertFalse(provider.availability().available());
        assertEquals(probe.reason(), provider.availability().reason());
        assertEquals(0, provider.deviceCount());
        assertSame(Device.cpu(), Device.best());
        assertEquals(probe.reason(), Device.whyNoGpu().orElseThrow());
        Transfer4jException e = assertThrows(Transfer4jException.class, () -> Device.cuda(0));
        assertTrue(e.getMessage().contains(probe.reason()), e.getMessage());
    }

    @Test
    void unavailableProviderRefusesDevicesNamingTheReason() {
        CudaDeviceProvider provider = new CudaDeviceProvider(() -> DeviceProvider.Availability.no("no libcudnn.so.9 found"),
                () -> 1, i -> {
                    throw new AssertionError("must not open a device");
                });
        assertEquals(0, provider.deviceCount());
        Transfer4jException e = assertThrows(Transfer4jException.class, () -> provider.device(0));
        assertTrue(e.getMessage().contains("no libcudnn.so.9 found"), e.getMessage());
    }

    @Test
    void probeRunsOnceAndAThrowingProbeIsReportedNotThrown() {
        AtomicInteger probes = new AtomicInteger();
        CudaDeviceProvider provider = new CudaDeviceProvider(() -> {
            probes.incrementAndGet();
            throw new UnsatisfiedLinkError("libJCudaDriver");
        }, () -> 1, i -> null);
        assertFalse(provider.availability().available());
        assertTrue(provider.availability().reason().contains("libJCudaDriver"), provider.availability().reason());
        assertEquals(1, probes.get());
    }

    @Test
    void deviceIsOpenedOnceLazilyAndIndicesAreChecked() {
        AtomicInteger opened = new AtomicInteger();
        CudaDeviceProvider provider = new CudaDeviceProvider(DeviceProvider.Availability::yes, () -> 2, i -> {
            opened.incrementAndGet();
            return Device.of(Device.Type.CUDA, i, CpuBackend.instance()); // a stand-in backend: only identity matters here
        });
        assertEquals(0, opened.get());
        Device d = provider.device(1);
        assertSame(d, provider.device(1));
        assertEquals(1, opened.get());
        assertEquals(1, d.index());
        Transfer4jException e = assertThrows(Transfer4jException.class, () -> provider.device(2));
        assertTrue(e.getMessage().contains("2 devices"), e.getMessage());
    }
}
