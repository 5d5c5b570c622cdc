package org.transfer4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.transfer4j.backend.FakeDevice;

/** {@link Tensor#to}: a copy on another device, the tensor itself on its own, gradients flowing back. */
class TensorToDeviceTest {
    private final FakeDevice fake = FakeDevice.create(7);

    @Test
    void toItsOwnDeviceReturnsTheSameTensor() {
        Tensor t = Tensor.of(new float[] {1, 2}, 2);
        assertSame(t, t.to(Device.cpu()));
        Tensor there = t.to(fake.device());
        assertSame(there, there.to(fake.device()));
    }

    @Test
    void toAnotherDeviceCopiesTheValuesOfAnyViewThereAndBack() {
        // (2,3) = [[1,2,3],[4,5,6]], transposed: (3,2) = [[1,4],[2,5],[3,6]], a non-contiguous view
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).transpose(0, 1);
        Tensor there = t.to(fake.device());
        assertEquals(fake.device(), there.device());
        assertArrayEquals(new int[] {3, 2}, there.shape());
        assertTrue(there.isContiguous());
        Tensor back = there.to(Device.cpu());
        assertEquals(Device.cpu(), back.device());
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, back.toArray(), 0f);
    }

    @Test
    void gradientFlowsBackToTheSourceDevice() {
        // y = sum(3 * x) computed on the other device: dy/dx = 3 for each element, on the CPU where x lives
        Tensor x = Tensor.of(new float[] {1, -2, 5}, 3).requiresGrad(true);
        Tensor y = x.to(fake.device()).mul(3f).sum();
        assertEquals(fake.device(), y.device());
        y.backward();
        assertEquals(Device.cpu(), x.grad().device());
        assertArrayEquals(new float[] {3, 3, 3}, x.grad().toArray(), 0f);
    }

    @Test
    void theFakeDeviceRefusesACpuTensorEvenWhereNoOpCheckLooks() {
        Tensor there = Tensor.zeros(fake.device(), 2);
        // Backend.copy is called directly by weights and caches; the fake backend itself throws there.
        var e = assertThrows(DeviceMismatchException.class,
                () -> there.backend().copy(Tensor.ones(2), there));
        assertTrue(e.getMessage().contains("cuda:7") && e.getMessage().contains("cpu"), e.getMessage());
    }
}
