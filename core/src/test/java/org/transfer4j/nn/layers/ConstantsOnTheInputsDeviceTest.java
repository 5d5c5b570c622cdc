package org.transfer4j.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.transfer4j.backend.Backend;
import org.transfer4j.backend.Storage;
import org.transfer4j.nn.Layer;
import org.transfer4j.tensor.Device;
import org.transfer4j.tensor.Tensor;

/**
 * The constants a layer combines with its input are made on the input's device, once. A fake second
 * device stands in for a GPU: its backend can allocate and upload (it records each upload) but not
 * compute, so a forward on it stops with {@link UnsupportedOperationException} at the first op that
 * reaches the backend. Reaching the backend means every operand of that op was on the fake device: a
 * CPU constant would have stopped it earlier with a DeviceMismatchException.
 */
class ConstantsOnTheInputsDeviceTest {
    private final List<float[]> uploads = new ArrayList<>();
    private final Device device = fakeDevice();

    @Test
    void normalizationGivenItsStatisticsUploadsThemOnceToTheInputsDevice() {
        // mean (1, 2, 3), variance (1, 4, 9): the divisors max(sqrt(variance), 1e-7) are (1, 2, 3).
        Layer norm = new Normalization().mean(1, 2, 3).variance(1, 4, 9);
        Tensor x = Tensor.zeros(device, 2, 3);
        assertThrows(UnsupportedOperationException.class, () -> norm.call(x, false));
        assertThrows(UnsupportedOperationException.class, () -> norm.call(x, false));
        assertEquals(2, uploads.size(), "the mean and the divisor, uploaded by the first call only");
        assertArrayEquals(new float[] {1, 2, 3}, uploads.get(0));
        assertArrayEquals(new float[] {1, 2, 3}, uploads.get(1));
    }

    @Test
    void thresholdsAreUploadedToTheInputsDevice() {
        Tensor x = Tensor.zeros(device, 2, 3);
        assertThrows(UnsupportedOperationException.class, () -> new ReLU().threshold(0.5f).call(x, false));
        assertThrows(UnsupportedOperationException.class, () -> new ThresholdedReLU().theta(2f).call(x, false));
        assertEquals(2, uploads.size());
        assertArrayEquals(new float[] {0.5f}, uploads.get(0));
        assertArrayEquals(new float[] {2f}, uploads.get(1));
    }

    @Test
    void theSameLayerServesInputsOnTheCpuAfterAnotherDevice() {
        ReLU relu = new ReLU().threshold(1f);
        assertThrows(UnsupportedOperationException.class, () -> relu.call(Tensor.zeros(device, 1, 2), false));
        // Keras: x * (x > 1) - 0 * ...: 0.5 -> 0, 3 -> 3.
        assertArrayEquals(new float[] {0f, 3f}, relu.call(Tensor.of(new float[] {0.5f, 3f}, 1, 2), false).toArray(), 0f);
    }

    /** A device whose backend allocates and uploads (recording the values) and refuses everything else. */
    private Device fakeDevice() {
        Device[] fake = new Device[1];
        Backend backend = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(),
                new Class<?>[] {Backend.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "device" -> fake[0];
                    case "allocate" -> storage((Backend) proxy, (Long) args[0]);
                    case "upload" -> {
                        float[] data = (float[]) args[0];
                        int offset = (Integer) args[1];
                        int length = (Integer) args[2];
                        uploads.add(Arrays.copyOfRange(data, offset, offset + length));
                        yield storage((Backend) proxy, length);
                    }
                    default -> throw new UnsupportedOperationException("the fake device cannot " + method.getName());
                });
        fake[0] = Device.of(Device.Type.CUDA, 3, backend);
        return fake[0];
    }

    private static Storage storage(Backend backend, long size) {
        return new Storage() {
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
                return false;
            }

            @Override
            public void close() {
            }
        };
    }
}
