package org.transfer4j.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.transfer4j.backend.FakeDevice;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Sequential;
import org.transfer4j.nn.Weight;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.ops.SoftmaxCrossEntropy;
import org.transfer4j.tensor.Device;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/**
 * Every optimizer keeps its state on its weights' device: four steps on another device equal four on the CPU;
 * a model moved there after two CPU steps takes its state along (slots follow on the next step); and the state
 * of a run on the device, as {@code stateDict} writes it, loads into an optimizer of a CPU model and continues
 * exactly, and the other way round.
 */
class OptimizersOnAnotherDeviceTest {
    private static final int[] LABELS = {0, 1, 2, 1, 0, 2};
    private static final Tensor X = Tensor.randn(new Generator(2), 6, 4);

    static Stream<Arguments> optimizers() {
        return Stream.of(
                Arguments.of("SGD", (Function<Model, Optimizer>) m -> new SGD(ParamGroups.all(m), 0.1)),
                Arguments.of("SGD momentum nesterov decay PyTorch", (Function<Model, Optimizer>) m ->
                        new SGD(ParamGroups.all(m), 0.1, Convention.PYTORCH).momentum(0.9).nesterov(true).weightDecay(0.01)),
                Arguments.of("Adam clipNorm", (Function<Model, Optimizer>) m ->
                        new Adam(ParamGroups.all(m), 0.01).clipNorm(0.5)),
                Arguments.of("AdamW PyTorch clipValue", (Function<Model, Optimizer>) m ->
                        new AdamW(ParamGroups.all(m), 0.01, Convention.PYTORCH).clipValue(0.05)),
                Arguments.of("RMSprop centered momentum decay", (Function<Model, Optimizer>) m ->
                        new RMSprop(ParamGroups.all(m), 0.01).centered(true).momentum(0.5).weightDecay(0.01)));
    }

    /** {@code x (N,4) -> (N,3)}: dense, batch norm, dense; the same weights on every build. */
    private static Model model() {
        Generator.manualSeed(8);
        return new Sequential("mlp", new int[] {4}, new Dense(5).named("d1"), new BatchNormalization().named("bn"),
                new Dense(3).named("d2"));
    }

    private static void steps(Model model, Optimizer optimizer, int n) {
        for (int i = 0; i < n; i++) {
            optimizer.zeroGrad();
            SoftmaxCrossEntropy.sparse(model.call(X.to(model.device()), true), LABELS).backward();
            optimizer.step();
        }
    }

    private static void assertSame(Model expected, Model actual, String what) {
        for (Weight w : expected.weights()) {
            assertArrayEquals(w.value().toArray(), actual.weight(w.path()).value().toArray(), 0f, what + ": " + w.path());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void optimizerStateLivesOnTheWeightsDeviceAndTravelsWithIt(String name, Function<Model, Optimizer> make) {
        Device fake = FakeDevice.create(7).device();
        Model cpu = model();
        Optimizer a = make.apply(cpu);
        steps(cpu, a, 4);

        Model other = model().to(fake);
        Optimizer b = make.apply(other);
        steps(other, b, 4);
        assertSame(cpu, other, "four steps on the device");
        for (Map.Entry<String, Tensor> s : b.stateDict().entrySet()) {
            assertArrayEquals(a.stateDict().get(s.getKey()).toArray(), s.getValue().toArray(), 0f, s.getKey());
        }

        Model moved = model();
        Optimizer c = make.apply(moved);
        steps(moved, c, 2);
        moved.to(fake);
        steps(moved, c, 2);
        assertSame(cpu, moved, "two steps on the CPU, two on the device");

        for (Device[] pair : new Device[][] {{fake, Device.cpu()}, {Device.cpu(), fake}}) {
            Model first = model().to(pair[0]);
            Optimizer d = make.apply(first);
            steps(first, d, 2);
            Model second = model().to(pair[1]);
            for (Weight w : first.weights()) {
                second.weight(w.path()).assign(w.value().toArray());
            }
            Optimizer e = make.apply(second);
            e.loadStateDict(d.stateDict());
            steps(second, e, 2);
            assertEquals(pair[1], second.weight("d2/kernel").value().device());
            assertSame(cpu, second, "two steps on " + pair[0] + ", state restored on " + pair[1] + ", two more");
        }
    }

    @Test
    void globalNormOfGradientsOnTheDeviceDownloadsOneTensor() {
        FakeDevice fake = FakeDevice.create(7);
        // |(3, 4)|^2 + |(12)|^2 + |(0, 0, 0)|^2 = 25 + 144 + 0 = 169, whose root is 13
        java.util.List<Tensor> grads = java.util.List.of(Tensor.of(fake.device(), new float[] {3, 4}, 2),
                Tensor.of(fake.device(), new float[] {12}, 1), Tensor.zeros(fake.device(), 3));
        long before = fake.downloads();
        assertEquals(13.0, GradientClipping.globalNorm(grads), 0.0);
        assertEquals(1, fake.downloads() - before, "one download for all the gradients");
    }
}
