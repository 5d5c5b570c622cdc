package org.transfer4j.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.transfer4j.backend.FakeDevice;
import org.transfer4j.metrics.ConfusionMatrix;
import org.transfer4j.metrics.TopKAccuracy;
import org.transfer4j.ops.Gather;
import org.transfer4j.ops.SoftmaxCrossEntropy;
import org.transfer4j.tensor.Device;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/**
 * Losses (every option: label smoothing, class weights, from logits or probabilities) and metrics take scores
 * on another device and compute there, making their targets and weights on the scores' device: the loss and
 * the gradient equal the CPU's bit for bit, and {@link FakeDevice} would refuse any CPU tensor on the way.
 */
class LossesOnAnotherDeviceTest {
    private static final int[] LABELS = {2, 0, 1, 1};
    private static final float[] CLASS_WEIGHTS = {0.5f, 2f, 1f};

    /** A loss of {@code scores (4,3)} and the labels, built on the scores' device. */
    private interface Case extends BiFunction<Tensor, int[], Tensor> {
    }

    static Stream<Arguments> losses() {
        return Stream.of(
                Arguments.of("sparse softmax CE", (Case) (s, l) -> SoftmaxCrossEntropy.sparse(s, l)),
                Arguments.of("sparse softmax CE, smoothing and class weights", (Case) (s, l) -> SoftmaxCrossEntropy
                        .sparse(s, l, 0.1f, Tensor.of(s.device(), CLASS_WEIGHTS, 3))),
                Arguments.of("soft-target CE with class weights", (Case) (s, l) -> SoftmaxCrossEntropy.loss(s,
                        Gather.oneHot(s.device(), l, 3).mul(0.8f).add(0.1f), 0.05f,
                        Tensor.of(s.device(), CLASS_WEIGHTS, 3))),
                Arguments.of("SparseCategoricalCrossentropy logits, int labels",
                        (Case) (s, l) -> new SparseCategoricalCrossentropy(true).compute(s, l)),
                Arguments.of("SparseCategoricalCrossentropy probabilities, tensor labels",
                        (Case) (s, l) -> new SparseCategoricalCrossentropy(false).compute(s.softmax(1),
                                Tensor.of(s.device(), new float[] {2, 0, 1, 1}, 4))),
                Arguments.of("CategoricalCrossentropy logits smoothed", (Case) (s, l) ->
                        new CategoricalCrossentropy(true, 0.1f).compute(s, Gather.oneHot(s.device(), l, 3))),
                Arguments.of("CategoricalCrossentropy probabilities smoothed", (Case) (s, l) ->
                        new CategoricalCrossentropy(false, 0.1f).compute(s.softmax(1), Gather.oneHot(s.device(), l, 3))),
                Arguments.of("BinaryCrossentropy logits", (Case) (s, l) ->
                        new BinaryCrossentropy(true, 0.2f).compute(s, Gather.oneHot(s.device(), l, 3))),
                Arguments.of("BinaryCrossentropy probabilities", (Case) (s, l) ->
                        new BinaryCrossentropy(false).compute(s.sigmoid(), Gather.oneHot(s.device(), l, 3))),
                Arguments.of("MeanSquaredError", (Case) (s, l) ->
                        new MeanSquaredError().compute(s, Gather.oneHot(s.device(), l, 3))));
    }

    private static float[][] lossAndGradient(Case loss, Device device) {
        Tensor scores = Tensor.randn(new Generator(4), 4, 3).to(device).requiresGrad(true);
        Tensor value = loss.apply(scores, LABELS);
        assertEquals(device, value.device());
        value.backward();
        return new float[][] {value.toArray(), scores.grad().toArray()};
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void lossAndItsGradientOnAnotherDeviceEqualTheCpus(String name, Case loss) {
        float[][] cpu = lossAndGradient(loss, Device.cpu());
        float[][] other = lossAndGradient(loss, FakeDevice.create(7).device());
        assertArrayEquals(cpu[0], other[0], 0f, "loss");
        assertArrayEquals(cpu[1], other[1], 0f, "gradient");
    }

    @Test
    void metricsReadScoresFromAnotherDevice() {
        Device other = FakeDevice.create(7).device();
        Tensor scores = Tensor.randn(new Generator(4), 4, 3);
        ConfusionMatrix a = new ConfusionMatrix(3);
        ConfusionMatrix b = new ConfusionMatrix(3);
        a.update(scores, LABELS);
        b.update(scores.to(other), LABELS);
        assertArrayEquals(a.matrix(), b.matrix());
        TopKAccuracy top = new TopKAccuracy(2);
        TopKAccuracy topOther = new TopKAccuracy(2);
        top.update(scores, Gather.oneHot(LABELS, 3));
        topOther.update(scores.to(other), Gather.oneHot(other, LABELS, 3));
        assertEquals(top.result(), topOther.result());
        assertEquals(4, topOther.count());
    }
}
