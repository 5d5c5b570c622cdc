package org.transfer4j.backend.cpu;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import org.transfer4j.backend.Backend;

/**
 * The CPU backend with one of the SPI's fusions left to its {@code default} method (the composite it is defined as),
 * every other method the CPU's own: how the tests check that a backend that does not override a fusion computes the
 * same values as one that does.
 */
final class SpiDefault {
    private SpiDefault() {
    }

    /** The CPU backend, but the methods named {@code method} run the interface's default. */
    static Backend cpuWithDefault(String method) {
        CpuBackend cpu = CpuBackend.instance();
        InvocationHandler handler = (proxy, m, args) -> {
            if (m.getName().equals(method)) {
                return InvocationHandler.invokeDefault(proxy, m, args);
            }
            try {
                return m.invoke(cpu, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class}, handler);
    }
}
