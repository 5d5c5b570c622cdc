package org.transfer4j.cuda.backend;

import static org.transfer4j.cuda.backend.GpuParity.assertClose;
import static org.transfer4j.cuda.backend.GpuParity.cuda;
import static org.transfer4j.cuda.backend.GpuParity.gpu;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.transfer4j.cuda.GpuTest;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Sequential;
import org.transfer4j.nn.Weight;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.Conv2D;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.nn.layers.DepthwiseConv2D;
import org.transfer4j.nn.layers.GlobalAveragePooling2D;
import org.transfer4j.nn.layers.ReLU;
import org.transfer4j.ops.SoftmaxCrossEntropy;
import org.transfer4j.optim.Optimizer;
import org.transfer4j.optim.ParamGroups;
import org.transfer4j.optim.SGD;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/**
 * A small CNN built from the Keras layers, once on the CPU and once moved to the GPU with
 * {@code Model.to(Device.cuda(0))}, with the same weights: {@code x (4,12,12,3)} -> Conv2D 3x3/2 same (8, no bias)
 * -> BatchNormalization -> ReLU -> DepthwiseConv2D 3x3 same -> BatchNormalization -> ReLU6 ->
 * GlobalAveragePooling2D -> Dense (5) -> sparse softmax cross-entropy; then three steps of SGD with momentum
 * through the optimizer, on both devices.
 *
 * <p>Tolerances ({@link GpuParity#assertClose}, relative with a floor): the loss before any step 1e-4 (fp32, TF32
 * off for the convolutions); gradients, moving statistics and the losses after a step 1e-3 (ten ops compound the
 * per-op differences of summation order, and a step carries them into the weights).
 */
@GpuTest
class SmallCnnGpuParityTest {

    @AfterEach
    void restoreTf32() {
        cuda().setTf32Convolutions(true);
    }

    /** The network, its weights drawn from the default generator seeded with {@code seed}. */
    private static Model cnn(long seed) {
        Generator.manualSeed(seed);
        Model model = new Sequential("small_cnn", new int[] {12, 12, 3},
                new Conv2D(8, 3).strides(2).padding("same").useBias(false).named("conv"),
                new BatchNormalization().named("bn1"),
                new ReLU().named("relu1"),
                new DepthwiseConv2D(3).padding("same").useBias(false).named("dw"),
                new BatchNormalization().named("bn2"),
                new ReLU().maxValue(6f).named("relu2"),
                new GlobalAveragePooling2D().named("gap"),
                new Dense(5).named("dense"));
        // Random gamma and beta, so that a swapped pair or a dropped affine term cannot go unseen.
        Generator g = new Generator(seed + 1);
        for (String bn : new String[] {"bn1", "bn2"}) {
            model.weight(bn + "/gamma").assign(Tensor.uniform(g, 0.5f, 1.5f, 8));
            model.weight(bn + "/beta").assign(Tensor.uniform(g, -0.5f, 0.5f, 8));
        }
        return model;
    }

    @Test
    void forwardBackwardAndSgdStepsOfTheMovedModelMatchTheCpu() {
        cuda().setTf32Convolutions(false);
        Model cpu = cnn(2024);
        Model onGpu = cnn(2024).to(gpu());
        ModelParity.assertSameWeights(cpu, onGpu);
        Optimizer sgdCpu = new SGD(ParamGroups.all(cpu), 0.1).momentum(0.9);
        Optimizer sgdGpu = new SGD(ParamGroups.all(onGpu), 0.1).momentum(0.9);

        Tensor xCpu = Tensor.uniform(new Generator(7), 0f, 1f, 4, 12, 12, 3);
        Tensor xGpu = xCpu.to(gpu());
        int[] labels = {0, 3, 4, 1};
        for (int step = 0; step < 3; step++) {
            Tensor lossCpu = SoftmaxCrossEntropy.sparse(cpu.call(xCpu, true), labels);
            Tensor lossGpu = SoftmaxCrossEntropy.sparse(onGpu.call(xGpu, true), labels);
            assertClose("loss at step " + step, lossCpu, lossGpu, step == 0 ? 1e-4 : 1e-3);
            lossCpu.backward();
            lossGpu.backward();
            for (Weight w : cpu.weights()) {
                Weight twin = onGpu.weight(w.path());
                if (w.isTrainable()) {
                    assertClose("gradient of " + w.path() + " at step " + step, w.value().grad(), twin.value().grad(), 1e-3);
                } else {
                    assertClose(w.path() + " after the forward pass of step " + step, w.value(), twin.value(), 1e-3);
                }
            }
            sgdCpu.step();
            sgdGpu.step();
            sgdCpu.zeroGrad();
            sgdGpu.zeroGrad();
        }
        for (Weight w : cpu.weights()) {
            assertClose(w.path() + " after 3 steps", w.value(), onGpu.weight(w.path()).value(), 1e-3);
        }
    }
}
