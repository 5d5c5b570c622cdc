package org.transfer4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.transfer4j.applications.ResNet50;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.Conv2D;
import org.transfer4j.nn.layers.ReLU;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/**
 * A biased convolution and the batch norm after it run as one step that skips the bias in training (it cancels in
 * the normalisation). The truth: the same two layers called one by one, which add the bias and normalise the sum.
 */
class BiasedBatchNormTest {

    @Test
    void inTrainingTheBiasIsSkippedWithTheSameOutputStatisticsAndGradients() {
        Layers a = new Layers(1);
        Layers b = new Layers(1); // the same weights (same seeds), called apart
        Tensor x = Tensor.uniform(new Generator(2), -1f, 1f, 4, 7, 7, 3);

        Tensor fused = a.model.call(x, true);
        Tensor apart = b.relu.call(b.bn.call(b.conv.call(x, true), true), true);
        assertClose("output", apart.toArray(), fused.toArray(), 1e-5);
        assertClose("moving mean", b.bn.weight("moving_mean").value().toArray(),
                a.bn.weight("moving_mean").value().toArray(), 1e-6);
        assertClose("moving variance", b.bn.weight("moving_variance").value().toArray(),
                a.bn.weight("moving_variance").value().toArray(), 1e-6);

        fused.mul(fused).mean().backward();
        apart.mul(apart).mean().backward();
        for (String w : List.of("kernel")) {
            assertClose("conv " + w, b.conv.weight(w).value().grad().toArray(), a.conv.weight(w).value().grad().toArray(), 1e-4);
        }
        for (String w : List.of("gamma", "beta")) {
            assertClose("bn " + w, b.bn.weight(w).value().grad().toArray(), a.bn.weight(w).value().grad().toArray(), 1e-4);
        }
        float[] exact = a.conv.weight("bias").value().grad().toArray();
        float[] computed = b.conv.weight("bias").value().grad().toArray();
        for (int c = 0; c < exact.length; c++) {
            assertEquals(0f, exact[c], "the bias's gradient is exactly 0");
            assertEquals(0f, computed[c], 1e-6f, "computed apart it is rounding noise around 0");
        }
    }

    @Test
    void inInferenceAndWithAFrozenBatchNormTheTwoLayersRunAsTheyAre() {
        Layers a = new Layers(3);
        Layers b = new Layers(3);
        Tensor x = Tensor.uniform(new Generator(4), -1f, 1f, 2, 7, 7, 3);
        assertArrayEquals(b.relu.call(b.bn.call(b.conv.call(x, false), false), false).toArray(),
                a.model.call(x, false).toArray(), 0f, "inference");
        a.bn.setTrainable(false);
        b.bn.setTrainable(false);
        assertArrayEquals(b.relu.call(b.bn.call(b.conv.call(x, true), true), true).toArray(),
                a.model.call(x, true).toArray(), 0f, "frozen: moving statistics in training too");
    }

    @Test
    void resNet50JoinsEveryConvolutionToItsBatchNorm() {
        Model model = ResNet50.builder().includeTop(false).inputShape(64, 64, 3).build();
        assertEquals(53, JoinFixtures.biasJoined(model).stream().filter(s -> s instanceof BiasedBatchNorm).count());
    }

    /** conv(bias) -> batch norm -> relu, weights from fixed seeds, and the model that calls them. */
    private static final class Layers {
        final Conv2D conv = new Conv2D(5, 3).padding("same");
        final BatchNormalization bn = new BatchNormalization();
        final ReLU relu = new ReLU();
        final Model model;

        Layers(long seed) {
            SymbolicTensor in = Input.of("in", 7, 7, 3);
            model = Model.of(in, relu.named("relu").apply(bn.named("bn").apply(conv.named("conv").apply(in))));
            Generator gen = new Generator(seed);
            conv.weight("kernel").assign(Tensor.uniform(gen, -0.5f, 0.5f, conv.weight("kernel").shape()));
            conv.weight("bias").assign(Tensor.uniform(gen, -2f, 2f, 5)); // large against the activations
            bn.weight("gamma").assign(Tensor.uniform(gen, 0.5f, 1.5f, 5));
            bn.weight("beta").assign(Tensor.uniform(gen, -0.5f, 0.5f, 5));
            bn.weight("moving_mean").assign(Tensor.uniform(gen, -0.5f, 0.5f, 5));
            bn.weight("moving_variance").assign(Tensor.uniform(gen, 0.5f, 2f, 5));
        }
    }

    private static void assertClose(String what, float[] expected, float[] actual, double relative) {
        double scale = 1e-6;
        for (float v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Math.abs(expected[i] - actual[i]) <= relative * scale,
                    what + "[" + i + "]: " + actual[i] + " against " + expected[i]);
        }
    }
}
