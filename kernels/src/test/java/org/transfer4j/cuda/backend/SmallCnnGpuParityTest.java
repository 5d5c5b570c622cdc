package org.transfer4j.cuda.backend;

import static org.transfer4j.cuda.backend.GpuParity.assertClose;
import static org.transfer4j.cuda.backend.GpuParity.cuda;
import static org.transfer4j.cuda.backend.GpuParity.gpu;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.transfer4j.backend.Padding;
import org.transfer4j.ops.Arithmetic;
import org.transfer4j.ops.BatchNorm;
import org.transfer4j.ops.Conv2d;
import org.transfer4j.ops.MatMul;
import org.transfer4j.ops.Pool2d;
import org.transfer4j.ops.SoftmaxCrossEntropy;
import org.transfer4j.ops.Unary;
import org.transfer4j.tensor.Device;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/**
 * A small CNN, forward and backward, on the CPU and on the GPU with the same weights:
 * {@code x (4,12,12,3)} -> Conv2D 3x3/2 same (8) -> BatchNormalization -> ReLU -> DepthwiseConv2D 3x3 same
 * -> BatchNormalization -> ReLU -> GlobalAveragePooling2D -> Dense (5) -> sparse softmax cross-entropy,
 * then three SGD steps. It is written with the ops the Keras layers lower to ({@code Conv2D.forward} is
 * {@link Conv2d#conv2d}, {@code BatchNormalization} is {@link BatchNorm#train}, and so on) because core cannot
 * yet move a model's weights to a device; once {@code Model.to(Device)} exists (branch device-move), the
 * same check should build the layers themselves.
 *
 * <p>Tolerances: forward 1e-4 relative (fp32, TF32 off for the convolution); gradients and the loss after
 * the SGD steps 1e-3 (ten ops compound the per-op differences of summation order).
 */
@Tag("gpu")
class SmallCnnGpuParityTest {

    /** The weights of the network, by Keras name, on one device. */
    private static Map<String, Tensor> weights(Device device, Map<String, Tensor> cpu) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        cpu.forEach((name, t) -> out.put(name, Tensor.of(device, t.toArray(), t.shape())
                .requiresGrad(!name.contains("moving"))));
        return out;
    }

    private static Tensor forward(Map<String, Tensor> w, Tensor x, int[] labels) {
        Tensor h = Conv2d.conv2d(x, w.get("conv/kernel"), Padding.SAME, 2);
        h = BatchNorm.train(h, w.get("bn1/gamma"), w.get("bn1/beta"), w.get("bn1/moving_mean"), w.get("bn1/moving_variance"),
                0.99f, 1e-3f);
        h = Unary.relu(h);
        h = Conv2d.depthwiseConv2d(h, w.get("dw/depthwise_kernel"), Padding.SAME, 1);
        h = BatchNorm.train(h, w.get("bn2/gamma"), w.get("bn2/beta"), w.get("bn2/moving_mean"), w.get("bn2/moving_variance"),
                0.99f, 1e-3f);
        h = Unary.relu(h);
        h = Pool2d.globalAvgPool(h, false);
        Tensor logits = Arithmetic.add(MatMul.matmul(h, w.get("dense/kernel")), w.get("dense/bias"));
        return SoftmaxCrossEntropy.sparse(logits, labels);
    }

    @Test
    void forwardBackwardAndSgdStepsMatchTheCpu() {
        cuda().setTf32Convolutions(false);
        try {
            Generator gen = new Generator(2024);
            Map<String, Tensor> cpu = new LinkedHashMap<>();
            cpu.put("conv/kernel", Tensor.normal(gen, 0f, 0.3f, 3, 3, 3, 8));
            cpu.put("bn1/gamma", Tensor.uniform(gen, 0.5f, 1.5f, 8));
            cpu.put("bn1/beta", Tensor.uniform(gen, -0.5f, 0.5f, 8));
            cpu.put("bn1/moving_mean", Tensor.zeros(8));
            cpu.put("bn1/moving_variance", Tensor.ones(8));
            cpu.put("dw/depthwise_kernel", Tensor.normal(gen, 0f, 0.3f, 3, 3, 8, 1));
            cpu.put("bn2/gamma", Tensor.uniform(gen, 0.5f, 1.5f, 8));
            cpu.put("bn2/beta", Tensor.uniform(gen, -0.5f, 0.5f, 8));
            cpu.put("bn2/moving_mean", Tensor.zeros(8));
            cpu.put("bn2/moving_variance", Tensor.ones(8));
            cpu.put("dense/kernel", Tensor.normal(gen, 0f, 0.5f, 8, 5));
            cpu.put("dense/bias", Tensor.zeros(5));
            Map<String, Tensor> cpuWeights = weights(Device.cpu(), cpu);
            Map<String, Tensor> gpuWeights = weights(gpu(), cpu);
            Tensor xCpu = Tensor.uniform(gen, 0f, 1f, 4, 12, 12, 3);
            Tensor xGpu = Tensor.of(gpu(), xCpu.toArray(), xCpu.shape());
            int[] labels = {0, 3, 4, 1};
            for (int step = 0; step < 3; step++) {
                Tensor lossCpu = forward(cpuWeights, xCpu, labels);
                Tensor lossGpu = forward(gpuWeights, xGpu, labels);
                assertClose("loss at step " + step, lossCpu, lossGpu, step == 0 ? 1e-4 : 1e-3);
                lossCpu.backward();
                lossGpu.backward();
                for (String name : cpuWeights.keySet()) {
                    Tensor wc = cpuWeights.get(name);
                    Tensor wg = gpuWeights.get(name);
                    if (name.contains("moving")) {
                        assertClose(name + " after step " + step, wc, wg, 1e-3);
                        continue;
                    }
                    assertClose("gradient of " + name + " at step " + step, wc.grad(), wg.grad(), 1e-3);
                    wc.backend().sgdUpdate(wc.detach(), wc.grad(), null, 0, -0.1, 1, false, 0, 0);
                    wg.backend().sgdUpdate(wg.detach(), wg.grad(), null, 0, -0.1, 1, false, 0, 0);
                    wc.zeroGrad();
                    wg.zeroGrad();
                }
            }
        } finally {
            cuda().setTf32Convolutions(true);
        }
    }
}
