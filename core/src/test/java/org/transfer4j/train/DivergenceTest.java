package org.transfer4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.transfer4j.backend.FakeDevice;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Sequential;
import org.transfer4j.nn.Weight;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.tensor.Device;
import org.transfer4j.tensor.Tensor;

class DivergenceTest {
    private final FakeDevice fake = FakeDevice.create(3);

    /** {@code (N,3) -> (N,2) -> (N,2)}: two dense layers, weights dense1/kernel (3,2), dense1/bias (2), dense2/... */
    private static Model twoDense(Device device) {
        return new Sequential("two", new int[] {3}, new Dense(2).named("dense1"), new Dense(2).named("dense2"))
                .to(device);
    }

    private static Tensor full(Device device, float value, int... shape) {
        float[] v = new float[Math.toIntExact(Arrays.stream(shape).asLongStream().reduce(1, (a, b) -> a * b))];
        Arrays.fill(v, value);
        return Tensor.of(device, v, shape);
    }

    private static void gradients(Model model, float value) {
        for (Weight w : model.weights()) {
            w.value().zeroGrad();
            w.value().accumulateGrad(full(w.value().device(), value, w.value().shape()));
        }
    }

    @Test
    void hugeButFiniteGradientsAreNotDivergence() {
        // every element 3e38: finite, but dense1/kernel's 6 elements sum to 1.8e39, past float's range (3.4e38),
        // so the check that summed the gradients called this divergence and named dense1/kernel
        for (Device device : List.of(Device.cpu(), fake.device())) {
            Model model = twoDense(device);
            gradients(model, 3e38f);
            Divergence.checkGradients(model, 1, 1, 0.5);
            assertNull(Divergence.firstNonFinite(model.weights(), w -> w.value().grad()), device.toString());
            gradients(model, -3e38f);
            Divergence.checkGradients(model, 1, 1, 0.5);
        }
    }

    @Test
    void theFirstNonFiniteGradientInModelOrderIsNamedOnTheDevice() {
        Model model = twoDense(fake.device());
        gradients(model, 1f);
        long before = fake.downloads();
        Divergence.checkGradients(model, 2, 3, 0.25);
        assertEquals(1, fake.downloads() - before, "one count downloaded for all four gradients");

        Weight bias2 = model.weight("dense2/bias");
        bias2.value().zeroGrad();
        bias2.value().accumulateGrad(Tensor.of(fake.device(), new float[] {0f, Float.NEGATIVE_INFINITY}, 2));
        Weight kernel2 = model.weight("dense2/kernel");
        kernel2.value().zeroGrad();
        kernel2.value().accumulateGrad(Tensor.of(fake.device(), new float[] {Float.NaN, 0, 0, 0}, 2, 2));
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> Divergence.checkGradients(model, 2, 3, 0.25));
        assertEquals("dense2/kernel", e.parameter(), "the first in model order, not the last found");
        assertTrue(e.getMessage().contains("the gradient of dense2/kernel is not finite"), e.getMessage());
    }

    @Test
    void tensorsOnSeveralDevicesAreCountedOnEach() {
        FakeDevice other = FakeDevice.create(4);
        Tensor onCpu = Tensor.of(new float[] {1f, 2f}, 2);
        Tensor onFake = Tensor.of(fake.device(), new float[] {3f, 4f, 5f}, 3);
        Tensor onOther = Tensor.of(other.device(), new float[] {6f}, 1);
        long fakeBefore = fake.downloads();
        long otherBefore = other.downloads();
        assertTrue(Divergence.allFinite(List.of(onFake, onCpu, onOther, full(fake.device(), 3e38f, 4))));
        assertEquals(1, fake.downloads() - fakeBefore, "one count for both tensors of the fake device");
        assertEquals(1, other.downloads() - otherBefore);

        assertFalse(Divergence.allFinite(List.of(onCpu, onFake, Tensor.of(other.device(), new float[] {Float.NaN}, 1))));
        assertFalse(Divergence.allFinite(List.of(Tensor.of(new float[] {Float.POSITIVE_INFINITY}, 1), onFake)));
        assertTrue(Divergence.allFinite(List.of()));
    }
}
