package org.transfer4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.transfer4j.autograd.NoGrad;
import org.transfer4j.applications.MobileNetV2;
import org.transfer4j.applications.ResNet50;
import org.transfer4j.backend.FakeDevice;
import org.transfer4j.nn.layers.Activation;
import org.transfer4j.nn.layers.Add;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.Conv2D;
import org.transfer4j.nn.layers.ReLU;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;
import org.transfer4j.tensor.TensorScope;

/**
 * A batch norm and the ReLU or ReLU6 after it run as one step that clamps in the batch norm's pass. The truth: the
 * same graph run with the batch norm and the activation as two steps (the plan without {@link ClampedBatchNorm}),
 * which must give the same values and gradients bit for bit.
 */
class ClampedBatchNormTest {

    /**
     * An {@code Activation(None)} (Keras' linear, a null name: MobileNet's top with {@code classifierActivation(null)})
     * is not a clamp: a batch norm before it does not join, and the plan is made without failing (the first GPU run
     * of session 10 found a NullPointerException here).
     */
    @Test
    void aLinearActivationWithoutANameDoesNotJoinAndTrains() {
        SymbolicTensor in = Input.of("in", 5, 5, 3);
        Model model = Model.of(in, new Activation(null).named("none").apply(new BatchNormalization().named("bn")
                .apply(new Conv2D(4, 3).named("conv").apply(in))));
        assertEquals(0, JoinFixtures.clampJoined(model).stream().filter(s -> s instanceof ClampedBatchNorm).count());
        Tensor y = model.call(Tensor.uniform(new Generator(9), -1f, 1f, 2, 5, 5, 3), true);
        assertEquals(2 * 3 * 3 * 4, y.numel()); // a 3x3 convolution without padding
    }

    @Test
    void inTrainingTheJoinedStepGivesTheTwoLayersValuesStatisticsAndGradientsBitForBit() {
        Block fused = new Block(1);
        Block apart = new Block(1);
        assertEquals(2, count(fused.model, ClampedBatchNorm.class),
                "the unbiased and the biased batch norm join their ReLUs; the one before the Add does not");
        assertEquals(1, JoinFixtures.biasJoined(fused.model).stream().filter(s -> s instanceof BiasedBatchNorm).count(),
                "one of the two is a biased convolution's batch norm (a BiasedBatchNorm step inside)");
        Tensor x = Tensor.uniform(new Generator(2), -1f, 1f, 4, 7, 7, 3);

        Tensor a = fused.model.call(x, true);
        Tensor b = apart.runTwoStep(x, true);
        assertArrayEquals(b.toArray(), a.toArray(), 0f, "output");
        SameGradients.assertSameMovingStatistics(apart.norms, fused.norms);
        a.mul(a).mean().backward();
        b.mul(b).mean().backward();
        SameGradients.assertSame(apart.model, fused.model);
    }

    @Test
    void withFrozenBatchNormsAndInInferenceTheLayersRunAsTheyAreAndTheNormalisedValueGoesAtOnce() {
        FakeDevice device = FakeDevice.create(3);
        Block fused = new Block(5);
        Block apart = new Block(5);
        fused.model.to(device.device());
        apart.model.to(device.device());
        fused.norms.forEach(n -> n.setTrainable(false));
        apart.norms.forEach(n -> n.setTrainable(false));
        Tensor x = Tensor.uniform(new Generator(6), -1f, 1f, 2, 7, 7, 3).to(device.device());

        long fusedLive;
        long apartLive;
        try (TensorScope step = TensorScope.open()) {
            long before = device.liveStorages();
            Tensor a = fused.model.call(x, true);
            fusedLive = device.liveStorages() - before;
            Tensor b = apart.runTwoStep(x, true);
            apartLive = device.liveStorages() - before - fusedLive;
            assertArrayEquals(b.toArray(), a.toArray(), 0f, "frozen: moving statistics in training too");
            a.mul(a).mean().backward();
            b.mul(b).mean().backward();
        }
        SameGradients.assertSame(apart.model, fused.model);
        assertEquals(apartLive, fusedLive, "the joined step keeps no more activations than the two steps");
        try (TensorScope step = TensorScope.open()) {
            assertArrayEquals(apart.runTwoStep(x, false).toArray(), fused.model.call(x, false).toArray(), 0f, "inference");
        }
    }

    /**
     * {@code predict} runs the layers one by one, not the training joins: a joined step holds its input until both
     * its layers are done, so with moving statistics it held the convolution's output, the normalised value and the
     * clamped one at once (MobileNetV2's frozen-base case on an H200: 1632 MiB where it had been 1340). The peak of
     * device memory is that of the layers run as separate steps.
     */
    @Test
    void predictHoldsNoMoreAtOnceThanTheLayersRunOneByOne() {
        FakeDevice device = FakeDevice.create(3);
        Block block = new Block(5);
        block.model.to(device.device());
        Tensor x = Tensor.uniform(new Generator(6), -1f, 1f, 2, 7, 7, 3).to(device.device());
        long joined = peakOf(device, () -> block.model.predict(x));
        long apart = peakOf(device, () -> {
            try (NoGrad ignored = NoGrad.enter(); TensorScope scope = TensorScope.open()) {
                block.model.runSteps(JoinFixtures.paddingJoined(block.model), List.of(x), false);
            }
        });
        assertEquals(apart, joined, "floats held at once");
    }

    /** The most floats held at once while {@code work} runs, beyond those held before. */
    private static long peakOf(FakeDevice device, Runnable work) {
        long before = device.liveFloats();
        device.resetPeak();
        work.run();
        return device.peakFloats() - before;
    }

    @Test
    void resNet50AndMobileNetV2JoinEveryBatchNormReadOnlyByAReLU() {
        // ResNet50: the stem and two per bottleneck (16) follow a batch norm; the 16 after an Add do not
        Model resnet = ResNet50.builder().includeTop(false).inputShape(64, 64, 3).build();
        assertEquals(33, count(resnet, ClampedBatchNorm.class));
        // MobileNetV2: every ReLU6 follows a batch norm: the stem, the first block's depthwise, two per later block
        // (16), the last convolution's
        Model mobile = MobileNetV2.builder().includeTop(false).inputShape(64, 64, 3).build();
        assertEquals(35, count(mobile, ClampedBatchNorm.class));
    }

    private static long count(Model model, Class<?> kind) {
        return JoinFixtures.clampJoined(model).stream().filter(kind::isInstance).count();
    }

    /**
     * conv (no bias) -> bn -> ReLU(max 1), conv (bias) -> bn -> Activation("relu"), conv -> bn -> Add(the relu's output) ->
     * relu: two joins and one batch norm that must stay alone. Weights from fixed seeds.
     */
    private static final class Block {
        final List<BatchNormalization> norms = new ArrayList<>();
        final Model model;

        Block(long seed) {
            SymbolicTensor in = Input.of("in", 7, 7, 3);
            // a cap of 1: normalised values cross both bounds often, so the masks matter
            SymbolicTensor h = new ReLU().maxValue(1f).named("relu1")
                    .apply(norm("bn0").apply(new Conv2D(20, 3).padding("same").useBias(false).named("conv0").apply(in)));
            SymbolicTensor r = new Activation("relu").named("relu")
                    .apply(norm("bn1").apply(new Conv2D(19, 3).padding("same").named("conv1").apply(h)));
            SymbolicTensor s = norm("bn2").apply(new Conv2D(19, 1).useBias(false).named("conv2").apply(r));
            model = Model.of(in, new ReLU().named("out").apply(new Add().named("add").apply(List.of(s, r))));
            JoinFixtures.seededWeights(model, seed);
        }

        private BatchNormalization norm(String name) {
            BatchNormalization bn = new BatchNormalization();
            bn.named(name);
            norms.add(bn);
            return bn;
        }

        /** The graph with the batch norms and their activations as two steps each. */
        Tensor runTwoStep(Tensor x, boolean training) {
            return model.runSteps(JoinFixtures.biasJoined(model), List.of(x), training).getFirst();
        }
    }
}
