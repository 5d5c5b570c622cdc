package org.transfer4j.cuda.backend;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.transfer4j.cuda.backend.GpuParity.cuda;
import static org.transfer4j.cuda.backend.GpuParity.gpu;
import static org.transfer4j.cuda.backend.ModelParity.assertCloseToScale;
import static org.transfer4j.cuda.backend.ModelParity.assertNormwiseClose;
import static org.transfer4j.cuda.backend.ModelParity.assertRelativelyClose;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.transfer4j.applications.MobileNet;
import org.transfer4j.applications.MobileNetV2;
import org.transfer4j.autograd.NoGrad;
import org.transfer4j.cuda.GpuTest;
import org.transfer4j.nn.Layer;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.SymbolicTensor;
import org.transfer4j.nn.Weight;
import org.transfer4j.ops.SoftmaxCrossEntropy;
import org.transfer4j.optim.AdamW;
import org.transfer4j.optim.Optimizer;
import org.transfer4j.optim.ParamGroups;
import org.transfer4j.optim.SGD;
import org.transfer4j.tensor.Device;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/**
 * MobileNet (alpha 0.25 and 1.0) and MobileNetV2 (alpha 1.0) on random weights, built on the CPU and, from the same
 * seed, a twin moved to the GPU ({@link ModelParity#twin}): 128x128 inputs, 10 classes, logits (no softmax; the
 * MobileNet top's dropout at rate 0, so that it is the identity), a batch of 4 random images in [-1, 1].
 *
 * <p>What is compared, and to what tolerance ("to scale" and "normwise" as defined in {@link ModelParity}):
 * <ul>
 *   <li><b>Every layer on its own</b>, forward and backward, in training and in inference mode: the layer on the
 *       GPU is given the CPU's input of that layer (from a CPU run of the whole network) and the same random output
 *       gradient; its output, its input gradients, its weights' gradients and (batch norm) its moving statistics
 *       match to 1e-4 of scale in fp32 (TF32 off), the bar; 1e-2 of scale with TF32 convolutions (cuDNN
 *       rounds their inputs to a 10-bit mantissa, relative error up to 2^-11 each, and sums in fp32).</li>
 *   <li><b>The whole network</b>, each layer fed by the previous GPU layer, so that differences compound through
 *       about 90 (MobileNet) to 155 (MobileNetV2) layers: every layer's activations to 1e-3 of scale in fp32 (3e-2
 *       with TF32), the loss to 1e-4 relative (1e-2), and every weight's gradient of the softmax cross-entropy
 *       normwise to 1e-2 (5e-2). The gradient bound is looser than the activations' because of ReLU6's two kinks:
 *       with millions of pre-activations, a few lie within rounding distance of 0 or 6 and take the other branch on
 *       the GPU, passing (or stopping) their whole upstream gradient; this changes a few terms of the
 *       batch-norm and kernel gradient sums above them, not the forward values (ReLU6 is continuous).</li>
 *   <li><b>Training</b>: five steps of SGD with momentum and of AdamW through the optimizers, fp32: the loss curve
 *       matches to 1e-4 relative before the first step and 1e-3 after (the steps carry the gradient differences
 *       into the weights; AdamW's normalised update can turn a near-zero gradient of either sign into a full step,
 *       which moves the loss little but the weight much, so the weights themselves are not compared).</li>
 * </ul>
 */
@GpuTest
class MobileNetsGpuParityTest {
    private static final int SIZE = 128;
    private static final int CLASSES = 10;
    private static final int[] LABELS = {3, 0, 7, 9};

    private static final double LAYER_FP32 = 1e-4;
    private static final double LAYER_TF32 = 1e-2;
    private static final double CHAIN_ACTIVATIONS_FP32 = 1e-3;
    private static final double CHAIN_ACTIVATIONS_TF32 = 3e-2;
    private static final double CHAIN_LOSS_FP32 = 1e-4;
    private static final double CHAIN_LOSS_TF32 = 1e-2;
    private static final double CHAIN_GRADIENTS_FP32 = 1e-2;
    private static final double CHAIN_GRADIENTS_TF32 = 5e-2;
    private static final double CURVE_FIRST = 1e-4;
    private static final double CURVE_LATER = 1e-3;

    /** A network under test, named for the test report. */
    record Net(String name, Supplier<Model> build) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Net> nets() {
        return Stream.of(
                new Net("MobileNet alpha 0.25", () -> MobileNet.builder().alpha(0.25).inputShape(SIZE, SIZE, 3)
                        .classes(CLASSES).classifierActivation(null).dropout(0).build()),
                new Net("MobileNet alpha 1.0", () -> MobileNet.builder().alpha(1.0).inputShape(SIZE, SIZE, 3)
                        .classes(CLASSES).classifierActivation(null).dropout(0).build()),
                new Net("MobileNetV2 alpha 1.0", () -> MobileNetV2.builder().alpha(1.0).inputShape(SIZE, SIZE, 3)
                        .classes(CLASSES).classifierActivation(null).build()));
    }

    @BeforeEach
    void fp32Convolutions() {
        cuda().setTf32Convolutions(false);
    }

    @AfterEach
    void restoreTf32() {
        cuda().setTf32Convolutions(true);
    }

    /** A batch of 4 random images in [-1, 1] of the model's input shape. */
    private static Tensor images(Model model) {
        int[] shape = model.input().shape();
        return Tensor.uniform(new Generator(99), -1f, 1f, 4, shape[0], shape[1], shape[2]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nets")
    void everyLayerGivenTheCpusInputMatchesItForwardAndBackwardInFp32(Net net) {
        ModelParity.Twin twin = ModelParity.twin(net.build(), 1);
        for (boolean training : new boolean[] {true, false}) {
            checkEveryLayerAlone(twin, training, LAYER_FP32);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nets")
    void everyLayerGivenTheCpusInputMatchesItWithTf32Convolutions(Net net) {
        cuda().setTf32Convolutions(true);
        checkEveryLayerAlone(ModelParity.twin(net.build(), 2), true, LAYER_TF32);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nets")
    void wholeNetworkForwardAndBackwardMatchTheCpuInFp32(Net net) {
        checkWholeNetwork(ModelParity.twin(net.build(), 3), CHAIN_ACTIVATIONS_FP32, CHAIN_LOSS_FP32, CHAIN_GRADIENTS_FP32);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nets")
    void wholeNetworkForwardAndBackwardMatchTheCpuWithTf32Convolutions(Net net) {
        cuda().setTf32Convolutions(true);
        checkWholeNetwork(ModelParity.twin(net.build(), 4), CHAIN_ACTIVATIONS_TF32, CHAIN_LOSS_TF32, CHAIN_GRADIENTS_TF32);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nets")
    void fiveStepsOfSgdWithMomentumGiveTheCpusLossCurve(Net net) {
        checkLossCurve(ModelParity.twin(net.build(), 5), m -> new SGD(ParamGroups.all(m), 0.01).momentum(0.9));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nets")
    void fiveStepsOfAdamWGiveTheCpusLossCurve(Net net) {
        checkLossCurve(ModelParity.twin(net.build(), 6), m -> new AdamW(ParamGroups.all(m), 1e-3));
    }

    /**
     * Runs the whole network on the CPU to get every layer's input, then each layer alone on both devices from those
     * inputs (fresh leaves), with the same random output gradient {@code dy}, and compares everything it computes.
     */
    private static void checkEveryLayerAlone(ModelParity.Twin twin, boolean training, double rtol) {
        Model cpu = twin.cpu();
        Tensor x = images(cpu);
        Map<SymbolicTensor, Tensor> values = new IdentityHashMap<>();
        values.put(cpu.input(), x);
        List<Layer> layers = ModelParity.computingLayers(cpu);
        // The run that gives the inputs must leave the CPU model's moving statistics as they were, as the GPU
        // twin's are: the layers are then called once each, on both devices, from the same state.
        Map<Weight, float[]> statistics = new HashMap<>();
        for (Weight w : cpu.nonTrainableWeights()) {
            statistics.put(w, w.value().toArray());
        }
        try (NoGrad ignored = NoGrad.enter()) {
            List<Tensor> outputs = ModelParity.everyLayer(cpu).callAll(List.of(x), training);
            for (int i = 0; i < layers.size(); i++) {
                values.put(cpu.outputOf(layers.get(i).name()), outputs.get(i));
            }
        }
        statistics.forEach(Weight::assign);
        String mode = training ? " (training)" : " (inference)";
        List<Layer> gpuLayers = ModelParity.twinLayers(twin.gpu(), layers);
        Generator dyGen = new Generator(17);
        for (int l = 0; l < layers.size(); l++) {
            Layer layer = layers.get(l);
            Layer onGpu = gpuLayers.get(l);
            String name = layer.name() + mode;
            List<SymbolicTensor> in = cpu.outputOf(layer.name()).inputs();
            List<Tensor> inCpu = new ArrayList<>();
            List<Tensor> inGpu = new ArrayList<>();
            for (SymbolicTensor s : in) {
                inCpu.add(ModelParity.leaf(Device.cpu(), values.get(s)));
                inGpu.add(ModelParity.leaf(gpu(), values.get(s)));
            }
            Tensor yCpu = layer.call(inCpu, training);
            Tensor yGpu = onGpu.call(inGpu, training);
            assertCloseToScale(name + ": output", yCpu, yGpu, rtol);

            Tensor dy = Tensor.uniform(dyGen, -1f, 1f, yCpu.shape());
            yCpu.backward(dy);
            yGpu.backward(dy.to(gpu()));
            for (int i = 0; i < in.size(); i++) {
                assertCloseToScale(name + ": gradient of input " + i, inCpu.get(i).grad(), inGpu.get(i).grad(), rtol);
            }
            for (Weight w : layer.weights()) {
                Weight twinWeight = onGpu.weight(w.name());   // Keras' weight names within a layer: kernel, gamma, ...
                if (w.isTrainable()) {
                    assertCloseToScale(name + ": gradient of " + w.path(), w.value().grad(), twinWeight.value().grad(), rtol);
                    w.value().zeroGrad();
                    twinWeight.value().zeroGrad();
                } else {
                    assertCloseToScale(name + ": " + w.path() + " after the call", w.value(), twinWeight.value(), rtol);
                }
            }
        }
    }

    /** The whole network in training mode on both devices: every layer's output, the loss, every weight's gradient. */
    private static void checkWholeNetwork(ModelParity.Twin twin, double activations, double loss, double gradients) {
        Tensor x = images(twin.cpu());
        List<Layer> layers = ModelParity.computingLayers(twin.cpu());
        assertSame(twin.cpu().output().layer(), layers.getLast(), "the last layer called gives the logits");
        List<Tensor> outCpu = ModelParity.everyLayer(twin.cpu()).callAll(List.of(x), true);
        List<Tensor> outGpu = ModelParity.everyLayer(twin.gpu()).callAll(List.of(x.to(gpu())), true);
        for (int i = 0; i < layers.size(); i++) {
            assertCloseToScale("output of layer " + i + " '" + layers.get(i).name() + "' of the whole network",
                    outCpu.get(i), outGpu.get(i), activations);
        }
        // the last computing layer is the model's output: the logits (N, CLASSES)
        Tensor lossCpu = SoftmaxCrossEntropy.sparse(outCpu.getLast(), LABELS);
        Tensor lossGpu = SoftmaxCrossEntropy.sparse(outGpu.getLast(), LABELS);
        assertRelativelyClose("loss", lossCpu.item(), lossGpu.item(), loss);
        lossCpu.backward();
        lossGpu.backward();
        int compared = 0;
        List<Weight> gpuWeights = twin.gpu().weights();   // paired by place, as in ModelParity.assertSameWeights
        for (int i = 0; i < gpuWeights.size(); i++) {
            Weight w = twin.cpu().weights().get(i);
            if (w.isTrainable()) {
                assertNormwiseClose("gradient of " + w.path(), w.value().grad(), gpuWeights.get(i).value().grad(), gradients);
                compared++;
            }
        }
        assertTrue(compared > 20, "only " + compared + " trainable weights compared");
    }

    /** Five training steps with the same optimizer on both devices: the losses before each step. */
    private static void checkLossCurve(ModelParity.Twin twin, Function<Model, Optimizer> optimizer) {
        Tensor x = images(twin.cpu());
        double[] cpu = lossCurve(twin.cpu(), x, optimizer.apply(twin.cpu()));
        double[] onGpu = lossCurve(twin.gpu(), x.to(gpu()), optimizer.apply(twin.gpu()));
        for (int step = 0; step < cpu.length; step++) {
            assertRelativelyClose("loss before step " + step, cpu[step], onGpu[step], step == 0 ? CURVE_FIRST : CURVE_LATER);
        }
        assertTrue(Math.abs(cpu[cpu.length - 1] - cpu[0]) > 1e-3 * Math.abs(cpu[0]),
                "the loss should move in 5 steps: " + Arrays.toString(cpu));
    }

    private static double[] lossCurve(Model model, Tensor x, Optimizer optimizer) {
        double[] losses = new double[5];
        for (int step = 0; step < losses.length; step++) {
            Tensor loss = SoftmaxCrossEntropy.sparse(model.call(x, true), LABELS);
            losses[step] = loss.item();
            loss.backward();
            optimizer.step();
            optimizer.zeroGrad();
        }
        return losses;
    }
}
