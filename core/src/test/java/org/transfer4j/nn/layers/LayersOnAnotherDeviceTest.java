package org.transfer4j.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.transfer4j.backend.FakeDevice;
import org.transfer4j.nn.Layer;
import org.transfer4j.nn.Weight;
import org.transfer4j.tensor.Device;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/**
 * Every layer computes on another device what it computes on the CPU, forward in both modes and backward (the
 * input's gradient and every weight's), bit for bit, with no CPU tensor on the way: {@link FakeDevice} computes
 * with the CPU backend and refuses any tensor of another device, including constants a layer might make on
 * the CPU ({@code Tensor.of(values)} without a device).
 */
class LayersOnAnotherDeviceTest {
    private static final int[] IMAGE = {2, 6, 6, 3};

    static Stream<Arguments> layers() {
        List<Arguments> cases = new ArrayList<>();
        add(cases, "Conv2D strided relu", () -> new Conv2D(4, 3).strides(2).padding("same").activation("relu"), IMAGE);
        add(cases, "Conv2D dilated no bias", () -> new Conv2D(2, 3).dilationRate(2).useBias(false), IMAGE);
        add(cases, "DepthwiseConv2D x2", () -> new DepthwiseConv2D(3).depthMultiplier(2).padding("same"), IMAGE);
        add(cases, "SeparableConv2D", () -> new SeparableConv2D(4, 3).activation("relu6"), IMAGE);
        add(cases, "Dense softmax", () -> new Dense(4).activation("softmax"), 2, 5);
        add(cases, "Dense on images", () -> new Dense(2).activation("gelu"), IMAGE);
        add(cases, "BatchNormalization", BatchNormalization::new, IMAGE);
        add(cases, "BatchNormalization no scale/center axis 1",
                () -> new BatchNormalization().scale(false).center(false).axis(1), IMAGE);
        add(cases, "ReLU6 with slope and threshold",
                () -> new ReLU().maxValue(6f).negativeSlope(0.1f).threshold(0.2f), IMAGE);
        add(cases, "ThresholdedReLU", () -> new ThresholdedReLU().theta(0.3f), IMAGE);
        add(cases, "LeakyReLU", () -> new LeakyReLU().negativeSlope(0.2f), IMAGE);
        add(cases, "ELU", () -> new ELU().alpha(0.7f), IMAGE);
        add(cases, "PReLU shared", () -> new PReLU().sharedAxes(1, 2), IMAGE);
        add(cases, "Softmax", Softmax::new, IMAGE);
        for (String a : List.of("sigmoid", "tanh", "swish", "softplus", "hard_sigmoid", "elu", "selu", "softsign",
                "exponential", "gelu", "relu6", "linear")) {
            add(cases, "Activation " + a, () -> new Activation(a), IMAGE);
        }
        add(cases, "MaxPooling2D", () -> new MaxPooling2D(2), IMAGE);
        add(cases, "AveragePooling2D same", () -> new AveragePooling2D(3).strides(2).padding("same"), IMAGE);
        add(cases, "GlobalAveragePooling2D", GlobalAveragePooling2D::new, IMAGE);
        add(cases, "GlobalMaxPooling2D keepdims", () -> new GlobalMaxPooling2D().keepdims(true), IMAGE);
        add(cases, "ZeroPadding2D", () -> new ZeroPadding2D(1, 2, 0, 1), IMAGE);
        add(cases, "Cropping2D", () -> new Cropping2D(1, 0, 2, 1), IMAGE);
        add(cases, "UpSampling2D nearest", () -> new UpSampling2D(2), IMAGE);
        add(cases, "Flatten", Flatten::new, IMAGE);
        add(cases, "Reshape", () -> new Reshape(9, 12), IMAGE);
        add(cases, "Rescaling", () -> new Rescaling(1 / 127.5f, -1f), IMAGE);
        add(cases, "Normalization given", () -> new Normalization().mean(1, 2, 3).variance(1, 4, 9), IMAGE);
        add(cases, "Normalization adapted on host data", () -> new AdaptOnTheHost(), IMAGE);
        add(cases, "Dropout", () -> new Dropout(0.4f), IMAGE);
        add(cases, "Dropout seeded noise shape", () -> new Dropout(0.4f).seed(9).noiseShape(-1, 1, 1, -1), IMAGE);
        add(cases, "SpatialDropout2D", () -> new SpatialDropout2D(0.5f), IMAGE);
        return cases.stream();
    }

    /**
     * A Normalization adapted, once moved, to statistics of data that lives on the host (as a dataset's does):
     * its mean (0.5, 1, 1.5) and variance 4 over the axes, as for x = (0.5, 1, 1.5) + 2 * N(0, 1) samples.
     */
    private static final class AdaptOnTheHost extends Normalization {
        private boolean adapted;

        @Override
        protected Tensor forward(Tensor x, boolean training) {
            if (!adapted) {
                adapted = true;
                Tensor data = Tensor.randn(new Generator(3), 8, 6, 6, 3).mul(2f)
                        .add(Tensor.of(new float[] {0.5f, 1f, 1.5f}, 3));
                adapt(data);
            }
            return super.forward(x, training);
        }
    }

    private static void add(List<Arguments> cases, String name, Supplier<Layer> layer, int... shape) {
        cases.add(Arguments.of(name, layer, shape, 1));
    }

    static Stream<Arguments> merges() {
        return Stream.of(
                Arguments.of("Add", (Supplier<Layer>) Add::new, IMAGE, 2),
                Arguments.of("Multiply", (Supplier<Layer>) Multiply::new, IMAGE, 3),
                Arguments.of("Concatenate", (Supplier<Layer>) Concatenate::new, IMAGE, 2));
    }

    /** What a layer computed: outputs in training and inference, and the gradients of the training output. */
    private record Result(float[] training, float[] inference, List<float[]> inputGrads, List<float[]> weightGrads,
                          List<float[]> weightsAfter) {
    }

    private static Result run(Supplier<Layer> factory, int[] shape, int inputs, Device device) {
        Generator.manualSeed(17);
        Layer layer = factory.get();
        layer.to(device);
        List<Tensor> xs = new ArrayList<>();
        for (int i = 0; i < inputs; i++) {
            xs.add(Tensor.randn(new Generator(100 + i), shape).to(device).requiresGrad(true));
        }
        Tensor y = layer.call(xs, true);
        assertEquals(device, y.device());
        // loss = sum(y * r) for a fixed random r: each output's gradient is its own r value
        Tensor r = Tensor.randn(new Generator(7), y.shape()).to(device);
        y.mul(r).sum().backward();
        Result result = new Result(y.toArray(), layer.call(xs, false).toArray(),
                xs.stream().map(x -> x.grad().toArray()).toList(),
                layer.weights().stream().filter(Weight::isTrainable).map(w -> w.value().grad().toArray()).toList(),
                layer.weights().stream().map(w -> w.value().toArray()).toList());
        for (Weight w : layer.weights()) {
            assertEquals(device, w.value().device(), w.path());
        }
        return result;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"layers", "merges"})
    void layerComputesOnAnotherDeviceWhatItComputesOnTheCpu(String name, Supplier<Layer> factory, int[] shape,
                                                            int inputs) {
        Result cpu = run(factory, shape, inputs, Device.cpu());
        Result other = run(factory, shape, inputs, FakeDevice.create(7).device());
        assertArrayEquals(cpu.training(), other.training(), 0f, "training output");
        assertArrayEquals(cpu.inference(), other.inference(), 0f, "inference output");
        for (int i = 0; i < inputs; i++) {
            assertArrayEquals(cpu.inputGrads().get(i), other.inputGrads().get(i), 0f, "gradient of input " + i);
        }
        assertEquals(cpu.weightGrads().size(), other.weightGrads().size());
        for (int i = 0; i < cpu.weightGrads().size(); i++) {
            assertArrayEquals(cpu.weightGrads().get(i), other.weightGrads().get(i), 0f, "gradient of weight " + i);
        }
        for (int i = 0; i < cpu.weightsAfter().size(); i++) {
            assertArrayEquals(cpu.weightsAfter().get(i), other.weightsAfter().get(i), 0f,
                    "weight " + i + " (moving statistics updated by the training call)");
        }
    }
}
