package org.transfer4j.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
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
 * The optimizers update a parameter group with one fused group call per set of weights with equal scalars
 * ({@code Backend.*UpdateGroup}). Truth: the same optimizer with one group per weight, where every call
 * holds one weight, i.e. the per-weight update. The two must agree bit for bit, also when a layer is
 * unfrozen late (its Adam step count, hence its bias correction, then differs from the others' in the
 * same group) and on another device (FakeDevice), where the number of calls shows the batching.
 */
class GroupUpdateTest {
    private static final int[] LABELS = {0, 1, 2, 1, 0, 2, 2};
    private static final Tensor X = Tensor.randn(new Generator(3), 7, 5);

    static Stream<Arguments> optimizers() {
        return Stream.of(
                Arguments.of("SGD momentum decay Keras", (Function<List<ParamGroup>, Optimizer>) g ->
                        new SGD(g, 0.1).momentum(0.9).weightDecay(0.01)),
                Arguments.of("SGD nesterov decay PyTorch", (Function<List<ParamGroup>, Optimizer>) g ->
                        new SGD(g, 0.1, Convention.PYTORCH).momentum(0.9).nesterov(true).weightDecay(0.01)),
                Arguments.of("SGD plain", (Function<List<ParamGroup>, Optimizer>) g -> new SGD(g, 0.05)),
                Arguments.of("Adam PyTorch L2", (Function<List<ParamGroup>, Optimizer>) g ->
                        new Adam(g, 0.01, Convention.PYTORCH).weightDecay(0.01)),
                Arguments.of("AdamW Keras", (Function<List<ParamGroup>, Optimizer>) g -> new AdamW(g, 0.01)),
                Arguments.of("AdamW PyTorch", (Function<List<ParamGroup>, Optimizer>) g ->
                        new AdamW(g, 0.01, Convention.PYTORCH)),
                Arguments.of("RMSprop centered momentum decay", (Function<List<ParamGroup>, Optimizer>) g ->
                        new RMSprop(g, 0.01).centered(true).momentum(0.5).weightDecay(0.01)),
                Arguments.of("RMSprop PyTorch L2", (Function<List<ParamGroup>, Optimizer>) g ->
                        new RMSprop(g, 0.01, Convention.PYTORCH).weightDecay(0.01)));
    }

    /** {@code x (N,5) -> (N,3)}: dense, batch norm, dense; the same weights on every build. */
    private static Model model() {
        Generator.manualSeed(11);
        return new Sequential("mlp", new int[] {5}, new Dense(9).named("d1"), new BatchNormalization().named("bn"),
                new Dense(3).named("d2"));
    }

    /** Every weight of the model in one group (what the optimizers batch). */
    private static List<ParamGroup> oneGroup(Model m) {
        return List.of(ParamGroup.of("all", m.weights().stream().filter(Weight::isTrainableKind).toList()));
    }

    /** One group per weight: every update call holds exactly one weight. */
    private static List<ParamGroup> groupPerWeight(Model m) {
        List<ParamGroup> groups = new ArrayList<>();
        for (Weight w : m.weights().stream().filter(Weight::isTrainableKind).toList()) {
            groups.add(ParamGroup.of(w.path(), List.of(w)));
        }
        return groups;
    }

    /** Two steps with d1 frozen, then three with everything trainable (d1 then has fewer updates). */
    private static void train(Model model, Optimizer optimizer) {
        model.layer("d1").setTrainable(false);
        for (int i = 0; i < 5; i++) {
            if (i == 2) {
                model.layer("d1").setTrainable(true);
            }
            optimizer.zeroGrad();
            SoftmaxCrossEntropy.sparse(model.call(X.to(model.device()), true), LABELS).backward();
            optimizer.step();
        }
    }

    private static void assertBitIdentical(Model expected, Model actual, String what) {
        for (Weight w : expected.weights()) {
            assertArrayEquals(bits(w.value().toArray()), bits(actual.weight(w.path()).value().toArray()),
                    what + ": " + w.path());
        }
    }

    private static int[] bits(float[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Float.floatToRawIntBits(values[i]);
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void groupUpdateEqualsPerWeightUpdatesBitForBitOnTheCpu(String name, Function<List<ParamGroup>, Optimizer> make) {
        Model perWeight = model();
        train(perWeight, make.apply(groupPerWeight(perWeight)));
        Model grouped = model();
        train(grouped, make.apply(oneGroup(grouped)));
        assertBitIdentical(perWeight, grouped, name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void groupUpdateEqualsPerWeightUpdatesBitForBitOnAnotherDevice(String name,
                                                                  Function<List<ParamGroup>, Optimizer> make) {
        Model cpu = model();
        train(cpu, make.apply(groupPerWeight(cpu)));
        Device fake = FakeDevice.create(3).device();
        Model grouped = model();
        grouped.to(fake);
        train(grouped, make.apply(oneGroup(grouped)));
        grouped.to(Device.cpu());
        assertBitIdentical(cpu, grouped, name);
    }

    @Test
    void aGroupCostsOneCallPerSetOfEqualScalars() {
        // Trainable: d1.kernel, d1.bias, bn.gamma, bn.beta, d2.kernel, d2.bias (6 weights).
        FakeDevice sgdDevice = FakeDevice.create(4);
        Model a = model();
        a.to(sgdDevice.device());
        // Decayed kernels and undecayed biases/BN weights: 2 calls a step (while d1 is frozen, d2.kernel
        // is decayed and bn, d2.bias are not: still 2).
        train(a, new SGD(oneGroup(a), 0.1).momentum(0.9).weightDecay(0.01));
        assertEquals(5 * 2, sgdDevice.optimizerCalls());

        FakeDevice adamDevice = FakeDevice.create(5);
        Model b = model();
        b.to(adamDevice.device());
        // No decay: 1 call a step while d1 is frozen or all weights share t; after the unfreezing d1's
        // kernel and bias are at t = 1, 2, 3 while the others are at 3, 4, 5: 2 calls for those 3 steps.
        train(b, new Adam(oneGroup(b), 0.01));
        assertEquals(2 * 1 + 3 * 2, adamDevice.optimizerCalls());
    }
}
