package org.transfer4j.tensor;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;
import org.transfer4j.backend.Backend;
import org.transfer4j.backend.Storage;

/** Ops refuse tensors from two devices; a fake second device stands in for a GPU. */
class DeviceCheckTest {
    /** A device whose backend can only allocate: enough to make tensors that live "elsewhere". */
    private static Device fakeDevice() {
        Device[] device = new Device[1];
        Backend backend = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(),
                new Class<?>[] {Backend.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "device" -> device[0];
                    case "allocate" -> fakeStorage((Backend) proxy, (Long) args[0]);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        device[0] = Device.of(Device.Type.CUDA, 7, backend);
        return device[0];
    }

    private static Storage fakeStorage(Backend backend, long size) {
        return new Storage() {
            private boolean closed;

            @Override
            public Backend backend() {
                return backend;
            }

            @Override
            public long size() {
                return size;
            }

            @Override
            public boolean isClosed() {
                return closed;
            }

            @Override
            public void close() {
                closed = true;
            }
        };
    }

    @Test
    void binaryOpOnTwoDevicesNamesBothDevices() {
        Tensor cpu = Tensor.zeros(2, 3);
        Tensor other = Tensor.zeros(fakeDevice(), 2, 3);
        var e = assertThrows(DeviceMismatchException.class, () -> cpu.add(other));
        assertTrue(e.getMessage().contains("cpu") && e.getMessage().contains("cuda:7"), e.getMessage());
        assertThrows(DeviceMismatchException.class, () -> cpu.matmul(other.reshape(3, 2)));
    }

    @Test
    void closedTensorFailsClearlyInOps() {
        Tensor t = Tensor.ones(4);
        Tensor view = t.reshape(2, 2);
        t.close();
        var e = assertThrows(ClosedTensorException.class, () -> view.add(view));
        assertTrue(e.getMessage().contains("[2, 2]"), e.getMessage());
        assertThrows(ClosedTensorException.class, t::toArray);
        assertThrows(ClosedTensorException.class, () -> t.relu());
    }
}
