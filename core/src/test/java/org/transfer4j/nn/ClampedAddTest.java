package org.transfer4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.transfer4j.applications.MobileNetV2;
import org.transfer4j.applications.ResNet50;
import org.transfer4j.autograd.NoGrad;
import org.transfer4j.backend.FakeDevice;
import org.transfer4j.nn.layers.Activation;
import org.transfer4j.nn.layers.Add;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.Conv2D;
import org.transfer4j.nn.layers.GlobalAveragePooling2D;
import org.transfer4j.nn.layers.ReLU;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;
import org.transfer4j.tensor.TensorScope;

/**
 * A two-input Add and the ReLU or ReLU6 that alone reads it run as one step that clamps in the sum's pass. The truth:
 * the same graph run with the Add and the activation as two steps (the plan without {@link ClampedAdd}), which must
 * give the same values and gradients bit for bit, in training and in inference.
 */
class ClampedAddTest {

    @Test
    void onlyTheTwoInputAddsOfOneShapeReadByTheirActivationAloneJoin() {
        Graph g = new Graph(1);
        List<GraphStep> steps = JoinFixtures.allJoined(g.model);
        Set<String> joined = steps.stream().filter(s -> s instanceof ClampedAdd)
                .map(s -> s.output().layer().name()).collect(Collectors.toSet());
        // not: the Add also read by a convolution, the Add of a pooled (N,8) and an (N,7,7,8) (it broadcasts), the Add of
        // three inputs
        assertEquals(Set.of("relu_a", "relu_b"), joined);
        assertEquals(JoinFixtures.clampJoined(g.model).size() - 2, steps.size(), "each join leaves out its Add");
    }

    @Test
    void inTrainingTheJoinedStepGivesTheTwoLayersValuesStatisticsAndGradientsBitForBit() {
        Graph fused = new Graph(3);
        Graph apart = new Graph(3);
        Tensor x = Tensor.uniform(new Generator(4), -1f, 1f, 4, 7, 7, 3);

        Tensor a = fused.model.call(x, true);
        Tensor b = apart.runApart(x, true);
        assertArrayEquals(b.toArray(), a.toArray(), 0f, "output");
        SameGradients.assertSameMovingStatistics(apart.norms, fused.norms);
        a.mul(a).mean().backward();
        b.mul(b).mean().backward();
        assertTrue(SameGradients.assertSame(apart.model, fused.model) >= 5,
                "the convolutions' kernels and the batch norms' gamma and beta have gradients");
    }

    @Test
    void inInferenceOnADeviceTheValuesAndGradientsAreTheTwoLayersAndNoSumIsMade() {
        FakeDevice device = FakeDevice.create(4);
        Graph fused = new Graph(7);
        Graph apart = new Graph(7);
        fused.model.to(device.device());
        apart.model.to(device.device());
        Tensor x = Tensor.uniform(new Generator(8), -1f, 1f, 2, 7, 7, 3).to(device.device());

        // predict: no tape, each activation freed once read
        int fusedMade;
        int apartMade;
        try (NoGrad ignored = NoGrad.enter(); TensorScope scope = TensorScope.open()) {
            device.recordAllocations();
            float[] a = fused.model.call(x, false).toArray();
            fusedMade = made(device);
            device.recordAllocations();
            float[] b = apart.runApart(x, false).toArray();
            apartMade = made(device);
            assertArrayEquals(b, a, 0f, "predict");
        }
        assertEquals(apartMade - 2, fusedMade, "the two joined steps make no sum");

        // inference with a tape (frozen features): gradients through the joined steps
        try (TensorScope step = TensorScope.open()) {
            Tensor a = fused.model.call(x, false);
            Tensor b = apart.runApart(x, false);
            assertArrayEquals(b.toArray(), a.toArray(), 0f, "inference, taped");
            a.mul(a).mean().backward();
            b.mul(b).mean().backward();
        }
        assertTrue(SameGradients.assertSame(apart.model, fused.model) >= 5,
                "the convolutions' kernels and the batch norms' gamma and beta have gradients");
    }

    @Test
    void resNet50JoinsTheAddOfEachBottleneckAndMobileNetV2None() {
        // ResNet50: each of the 16 bottlenecks ends in Add(shortcut, branch) then ReLU
        Model resnet = ResNet50.builder().includeTop(false).inputShape(64, 64, 3).build();
        assertEquals(16, JoinFixtures.allJoined(resnet).stream().filter(s -> s instanceof ClampedAdd).count());
        // MobileNetV2: its 10 Adds (inverted residuals) have no activation after them
        Model mobile = MobileNetV2.builder().includeTop(false).inputShape(64, 64, 3).build();
        assertEquals(0, JoinFixtures.allJoined(mobile).stream().filter(s -> s instanceof ClampedAdd).count());
    }

    /** The storages made since {@link FakeDevice#recordAllocations}. */
    private static int made(FakeDevice device) {
        return (int) device.allocations().stream().filter(e -> e[0] > 0).count();
    }

    /**
     * <pre>
     *   h = ReLU(max 1)(bn0(conv0(in)))
     *   r = Activation("relu")(Add(bn1(conv1(h)), h))            joins: relu_a
     *   s = Add(conv2(r), r)                                     read by relu_s and conv3: does not join
     *   v = ReLU(max 1)(Add(ReLU(max 1.5)(s), conv3(s)))         joins: relu_b
     *   w = ReLU()(Add(v, GlobalAveragePooling2D(v)))            (N,7,7,8) + (N,8) broadcasts: does not join
     *   out = Activation("relu6")(Add(w, r, v))                  three inputs: does not join
     * </pre>
     * Caps of 1: sums cross both bounds often, so the masks matter. Weights from fixed seeds.
     */
    private static final class Graph {
        final List<BatchNormalization> norms = new ArrayList<>();
        final Model model;

        Graph(long seed) {
            SymbolicTensor in = Input.of("in", 7, 7, 3);
            SymbolicTensor h = new ReLU().maxValue(1f).named("relu_h")
                    .apply(norm("bn0").apply(conv("conv0", 3, false).apply(in)));
            SymbolicTensor r = new Activation("relu").named("relu_a").apply(new Add().named("add_a")
                    .apply(List.of(norm("bn1").apply(conv("conv1", 3, true).apply(h)), h)));
            SymbolicTensor s = new Add().named("add_s").apply(List.of(conv("conv2", 1, true).apply(r), r));
            SymbolicTensor v = new ReLU().maxValue(1f).named("relu_b").apply(new Add().named("add_b")
                    .apply(List.of(new ReLU().maxValue(1.5f).named("relu_s").apply(s), conv("conv3", 3, true).apply(s))));
            SymbolicTensor pooled = new GlobalAveragePooling2D().named("pool").apply(v);
            SymbolicTensor w = new ReLU().named("relu_w").apply(new Add().named("add_w").apply(List.of(v, pooled)));
            SymbolicTensor out = new Activation("relu6").named("relu_out")
                    .apply(new Add().named("add_out").apply(List.of(w, r, v)));
            model = Model.of(in, out);
            JoinFixtures.seededWeights(model, seed);
        }

        private static Conv2D conv(String name, int size, boolean bias) {
            Conv2D c = new Conv2D(8, size).padding("same").useBias(bias);
            c.named(name);
            return c;
        }

        private BatchNormalization norm(String name) {
            BatchNormalization bn = new BatchNormalization();
            bn.named(name);
            norms.add(bn);
            return bn;
        }

        /** The graph with each Add and its activation as two steps. */
        Tensor runApart(Tensor x, boolean training) {
            return model.runSteps(JoinFixtures.clampJoined(model), List.of(x), training).getFirst();
        }
    }
}
