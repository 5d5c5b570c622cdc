package org.transfer4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.transfer4j.backend.FakeDevice;
import org.transfer4j.nn.layers.Activation;
import org.transfer4j.nn.layers.Add;
import org.transfer4j.nn.layers.Reshape;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/**
 * predict frees each activation once the last layer reading it has run: a deep network's forward pass then holds
 * a few activations on the device at a time (PyTorch's inference does the same through reference counts).
 */
class ModelPredictMemoryTest {
    private final FakeDevice fake = FakeDevice.create(6);

    /** Records the device's live storages whenever it runs; otherwise the identity. */
    private final class Probe extends SingleInputLayer {
        final List<Long> seen = new ArrayList<>();

        @Override
        protected int[] outputShape(int[] inputShape) {
            return inputShape;
        }

        @Override
        protected Tensor forward(Tensor x, boolean training) {
            seen.add(fake.liveStorages());
            return x;
        }
    }

    @Test
    void aDeepChainHoldsAFewActivationsAtATime() {
        Probe probe = new Probe();
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            layers.add(new Activation(i % 2 == 0 ? "relu" : "tanh"));
        }
        layers.add(new Reshape(2, 8)); // a view of its input: that storage must live on as the output's
        layers.add(probe);
        layers.add(new Activation("sigmoid"));
        Model model = new Sequential(new int[] {4, 4}, layers.toArray(Layer[]::new)).to(fake.device());
        Tensor x = Tensor.randn(new Generator(2), 3, 4, 4).to(fake.device());
        long before = fake.liveStorages();

        Tensor y = model.predict(x);

        assertEquals(1, probe.seen.size());
        assertTrue(probe.seen.getFirst() <= before + 2,
                "30 activations in, the device should hold the current one (and perhaps one more), not "
                        + (probe.seen.getFirst() - before));
        assertEquals(before + 1, fake.liveStorages(), "after predict only the output is left");
        // the same values as a forward pass that frees nothing (no scope)
        assertArrayEquals(model.call(x, false).toArray(), y.toArray(), 0f);
    }

    /** Makes two temporaries and returns a third tensor: x * 2 + 1 + (-1). */
    private static final class Temporaries extends SingleInputLayer {
        @Override
        protected int[] outputShape(int[] inputShape) {
            return inputShape;
        }

        @Override
        protected Tensor forward(Tensor x, boolean training) {
            return x.mul(2f).add(1f).add(-1f);
        }
    }

    @Test
    void whatALayerMakesBesidesItsOutputIsFreedWhenItReturns() {
        Probe probe = new Probe();
        Model model = new Sequential(new int[] {3}, new Temporaries(), new Temporaries(), probe, new Activation("relu"))
                .to(fake.device());
        Tensor x = Tensor.of(fake.device(), new float[] {1, -2, 3}, 1, 3);
        long before = fake.liveStorages();
        Tensor y = model.predict(x);
        assertEquals(before + 1, probe.seen.getFirst(), "only the second layer's output is live at the probe");
        assertArrayEquals(new float[] {4, 0, 12}, y.toArray(), 0f);
    }

    @Test
    void aValueReadByTwoLaterLayersLivesUntilTheSecondHasRun() {
        SymbolicTensor in = Input.of(5);
        SymbolicTensor a = new Activation("relu").apply(in);
        SymbolicTensor b = new Activation("tanh").apply(a);
        SymbolicTensor c = new Activation("sigmoid").apply(b);
        SymbolicTensor sum = new Add().apply(List.of(a, c)); // a is read again after b and c
        Model model = Model.of(List.of(in), List.of(sum)).to(fake.device());
        float[] xs = {-1, 0.5f, 2, -3, 0.25f};
        Tensor y = model.predict(Tensor.of(fake.device(), xs, 1, 5));
        float[] expected = new float[5];
        for (int i = 0; i < 5; i++) {
            float relu = Math.max(0, xs[i]);
            expected[i] = relu + (float) (1 / (1 + Math.exp(-Math.tanh(relu))));
        }
        assertArrayEquals(expected, y.toArray(), 1e-6f);
    }
}
