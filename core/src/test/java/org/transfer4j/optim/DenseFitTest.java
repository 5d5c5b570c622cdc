package org.transfer4j.optim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/**
 * End to end: a {@code Dense(1)} fit by gradient descent through autograd to the linear target
 * {@code y = x . [1, -2, 0.5] + 0.3} on 64 random inputs, with every optimizer and convention. The
 * mean squared error must fall below 1% of its starting value within 200 steps (a linear model can
 * reach 0 on this data).
 */
class DenseFitTest {
    private static final float[] TRUE_KERNEL = {1f, -2f, 0.5f};
    private static final float TRUE_BIAS = 0.3f;

    @Test
    void everyOptimizerFitsALinearTarget() {
        List<Function<List<ParamGroup>, Optimizer>> configs = List.of(
                gs -> new SGD(gs, 0.1),
                gs -> new SGD(gs, 0.05, Convention.PYTORCH).momentum(0.9).nesterov(true),
                gs -> new Adam(gs, 0.05),
                gs -> new Adam(gs, 0.05, Convention.PYTORCH),
                gs -> new AdamW(gs, 0.05),
                gs -> new AdamW(gs, 0.05, Convention.PYTORCH),
                gs -> new RMSprop(gs, 0.01).momentum(0.5),
                gs -> new RMSprop(gs, 0.01, Convention.PYTORCH).centered(true));
        for (Function<List<ParamGroup>, Optimizer> make : configs) {
            Generator gen = new Generator(42);
            Tensor x = Tensor.normal(gen, 0f, 1f, 64, 3);
            Tensor y = target(x);
            Dense dense = new Dense(1);
            dense.call(x, true); // builds the kernel (3, 1) and bias (1)
            Optimizer opt = make.apply(List.of(ParamGroup.of("all", dense.trainableWeights())));
            float first = Float.NaN;
            float last = Float.NaN;
            for (int step = 0; step < 200; step++) {
                Tensor diff = dense.call(x, true).sub(y);
                Tensor loss = diff.mul(diff).mean();
                if (step == 0) {
                    first = loss.item();
                }
                last = loss.item();
                opt.zeroGrad();
                loss.backward();
                opt.step();
            }
            String name = opt.getClass().getSimpleName() + " " + opt.convention();
            assertTrue(last < 0.01f * first, name + ": loss went from " + first + " to " + last);
        }
    }

    /** {@code x (N, 3) -> y (N, 1) = x . TRUE_KERNEL + TRUE_BIAS}. */
    private static Tensor target(Tensor x) {
        float[] xs = x.toArray();
        int n = x.shape(0);
        float[] ys = new float[n];
        for (int i = 0; i < n; i++) {
            ys[i] = TRUE_BIAS;
            for (int k = 0; k < 3; k++) {
                ys[i] += xs[i * 3 + k] * TRUE_KERNEL[k];
            }
        }
        return Tensor.of(ys, n, 1);
    }
}
