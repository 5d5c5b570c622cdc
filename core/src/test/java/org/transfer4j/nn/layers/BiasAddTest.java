package org.transfer4j.nn.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.transfer4j.backend.FakeDevice;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Sequential;
import org.transfer4j.ops.OpCheck;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;
import org.transfer4j.tensor.TensorScope;

/**
 * A biased layer's pre-bias output is freed as soon as the biased one exists ({@link BiasAdd}): in a training step
 * the device then holds one tensor per layer, as without a bias; and no backward pass needs the freed values.
 */
class BiasAddTest {
    private final FakeDevice fake = FakeDevice.create(8);

    private static Model model(boolean bias) {
        Generator.manualSeed(9);
        return new Sequential(new int[] {6, 6, 2}, new Conv2D(3, 3).padding("same").useBias(bias), new Activation("tanh"),
                new SeparableConv2D(4, 3).useBias(bias), new Flatten(), new Dense(3).useBias(bias));
    }

    /** Storages a training-mode forward pass leaves live on the device (inside a step's scope, before backward). */
    private long liveAfterForward(Model model) {
        Model onDevice = model.to(fake.device());
        Tensor x = Tensor.randn(new Generator(3), 2, 6, 6, 2).to(fake.device());
        try (TensorScope ignored = TensorScope.open()) {
            long before = fake.liveStorages();
            Tensor y = onDevice.call(x, true);
            long live = fake.liveStorages() - before;
            y.sum().backward(); // runs: the freed values were not needed
            return live;
        }
    }

    @Test
    void aBiasedLayerLeavesAsManyTensorsOnTheDeviceAsAnUnbiasedOne() {
        // without BiasAdd's freeing, the three biased layers would each leave their pre-bias output: 3 more
        assertEquals(liveAfterForward(model(false)), liveAfterForward(model(true)));
    }

    @Test
    void theInputGradientThroughBiasedLayersMatchesFiniteDifferences() {
        Model m = model(true);
        OpCheck.gradcheck("conv, separable and dense with biases", xs -> m.call(xs[0], true),
                OpCheck.randn(5, 2, 6, 6, 2));
    }

    @Test
    void withoutABiasTheLayersOwnOutputIsReturnedUntouched() {
        Tensor z = Tensor.of(new float[] {1, 2}, 1, 2);
        assertEquals(z, BiasAdd.onto(z, null));
        assertEquals(false, z.isClosed());
    }
}
