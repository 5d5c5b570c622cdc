package org.transfer4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.transfer4j.backend.FakeDevice;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.Conv2D;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.nn.layers.GlobalAveragePooling2D;
import org.transfer4j.tensor.Device;
import org.transfer4j.tensor.DeviceMismatchException;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/** {@link Model#to}: every weight moves, flags stay, nested and shared layers follow, later builds land there. */
class ModelToDeviceTest {
    private final FakeDevice fake = FakeDevice.create(7);

    /** A base (conv, BN) nested in a model with a dense head; the BN and the conv frozen. */
    private static Model model() {
        Generator.manualSeed(3);
        Model base = new Sequential("base", new int[] {4, 4, 2}, new Conv2D(3, 3).named("conv"),
                new BatchNormalization().named("bn"));
        base.layer("conv").setTrainable(false);
        SymbolicTensor in = Input.of(4, 4, 2);
        SymbolicTensor x = new GlobalAveragePooling2D().apply(base.apply(in));
        return Model.of(in, new Dense(2).named("head").apply(x));
    }

    @Test
    void everyWeightMovesWithItsValuesAndItsTrainableFlag() {
        Model cpu = model();
        Model moved = model().to(fake.device());
        assertEquals(fake.device(), moved.device());
        assertEquals(fake.device(), ((Model) moved.layer("base")).device(), "the nested model went along");
        List<Weight> weights = moved.weights();
        assertEquals(8, weights.size(), "conv kernel+bias, bn gamma/beta/moving_mean/moving_variance, dense kernel+bias");
        for (Weight w : weights) {
            assertEquals(fake.device(), w.value().device(), w.path());
            assertEquals(w.isTrainable(), w.value().requiresGrad(), w.path() + " requires grad exactly when trainable");
            assertArrayEquals(cpu.weight(w.path()).value().toArray(), w.value().toArray(), 0f, w.path());
        }
        assertFalse(moved.weight("conv/kernel").value().requiresGrad(), "the frozen conv stays frozen");
        assertTrue(moved.weight("head/kernel").value().requiresGrad());
    }

    @Test
    void theMovedModelComputesOnTheDeviceWhatItComputedOnTheCpu() {
        Model cpu = model();
        Model moved = model().to(fake.device());
        Tensor x = Tensor.randn(new Generator(1), 2, 4, 4, 2);
        Tensor y = moved.predict(x.to(fake.device()));
        assertEquals(fake.device(), y.device());
        assertArrayEquals(cpu.predict(x).toArray(), y.toArray(), 0f);
        var e = assertThrows(DeviceMismatchException.class, () -> moved.predict(x), "a host batch is refused");
        assertTrue(e.getMessage().contains("cuda:7"), e.getMessage());
    }

    @Test
    void movingToTheDeviceItIsOnKeepsTheTensorsAndMovingBackRestoresTheCpu() {
        Model m = model();
        Tensor kernel = m.weight("head/kernel").value();
        assertSame(m, m.to(Device.cpu()));
        assertSame(kernel, m.weight("head/kernel").value(), "no copy when already there");
        m.to(fake.device()).to(Device.cpu());
        assertEquals(Device.cpu(), m.weight("bn/moving_variance").value().device());
        assertArrayEquals(kernel.toArray(), m.weight("head/kernel").value().toArray(), 0f);
    }

    @Test
    void gradientsAreDroppedByTheMoveAndCutsShareIt() {
        Model m = model();
        Model cut = ((Model) m.layer("base")).cutAt("conv");
        m.call(Tensor.ones(1, 4, 4, 2), true).sum().backward();
        assertTrue(m.weight("head/kernel").value().grad() != null, "a CPU backward gave the head a gradient");
        m.to(fake.device());
        assertNull(m.weight("head/kernel").value().grad());
        assertEquals(fake.device(), cut.weight("conv/kernel").value().device(), "the cut shares the moved layers");
    }

    @Test
    void aLayerMovedBeforeItIsBuiltCreatesItsWeightsOnTheDeviceWithTheCpuValues() {
        Generator.manualSeed(5);
        Dense onCpu = new Dense(3);
        onCpu.call(Tensor.ones(1, 2), false);
        Generator.manualSeed(5);
        Dense early = new Dense(3);
        early.to(fake.device());
        Tensor y = early.call(Tensor.ones(fake.device(), 1, 2), false);
        assertEquals(fake.device(), y.device());
        assertEquals(fake.device(), early.weight("kernel").value().device());
        assertArrayEquals(onCpu.weight("kernel").value().toArray(), early.weight("kernel").value().toArray(), 0f);
    }
}
