package org.transfer4j.applications;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.transfer4j.backend.FakeDevice;
import org.transfer4j.nn.Model;
import org.transfer4j.optim.Optimizer;
import org.transfer4j.optim.ParamGroups;
import org.transfer4j.optim.SGD;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;
import org.transfer4j.tensor.TensorScope;

/**
 * How many times a whole training step of ResNet50 and of MobileNetV2 calls each backend primitive (on a GPU each is a
 * kernel launch or a library call or two): what the training joins leave of the layers. Per model, every batch norm
 * trains in one call that also updates its moving statistics, with its ReLU or ReLU6 inside (no {@code unary} and no
 * {@code batchNormMovingAverages} at all); each biased convolution before a batch norm adds no bias; ResNet50's 16
 * residual sums come with their ReLU ({@code addClamped}), whose derivative is the only {@code unaryBackward} but the
 * loss's mean's; every fork's second gradient is added in place. A change that adds a pass shows here. Step 2 of
 * SGD with momentum (the momentum exists), {@code x (2,32,32,3)}, no top, the loss {@code mean(y * y)}.
 */
class TrainingStepCallsTest {

    @Test
    void resNet50() {
        Map<String, Integer> expected = new TreeMap<>(Map.ofEntries(
                Map.entry("conv2d", 53), Map.entry("conv2dBackwardData", 52), Map.entry("conv2dBackwardFilter", 53),
                Map.entry("batchNormTrainingWithMovingAverages", 53), Map.entry("batchNormBackward", 53),
                Map.entry("pool2d", 1), Map.entry("pool2dBackward", 1), // the stem's max pooling, its padding joined
                Map.entry("addClamped", 16),
                Map.entry("unaryBackward", 17),   // the 16 sums' ReLUs and the mean's scale
                Map.entry("addInPlace", 17),      // the 16 block inputs' two gradients, and y's in y * y
                Map.entry("binary", 3),           // the loss's y * y, and its two gradients
                Map.entry("reduceSumScaled", 1),  // the loss's mean
                Map.entry("copy", 1),             // the mean's gradient spread over y
                Map.entry("allocate", 1), Map.entry("fill", 1), // backward()'s gradient 1 of the scalar loss
                Map.entry("sgdUpdateGroup", 1)));
        assertEquals(expected, callsOfTheSecondStep(ResNet50.builder().includeTop(false).inputShape(32, 32, 3).build()));
    }

    @Test
    void mobileNetV2() {
        Map<String, Integer> expected = new TreeMap<>(Map.ofEntries(
                Map.entry("conv2d", 52), Map.entry("conv2dBackwardData", 51), Map.entry("conv2dBackwardFilter", 52),
                Map.entry("batchNormTrainingWithMovingAverages", 52), Map.entry("batchNormBackward", 52),
                Map.entry("binary", 13),          // the 10 residual sums (no ReLU after them), y * y and its gradients
                Map.entry("addInPlace", 11),      // the 10 block inputs' two gradients, and y's
                Map.entry("unaryBackward", 1),    // the mean's scale: every ReLU6 is inside its batch norm
                Map.entry("reduceSumScaled", 1), Map.entry("copy", 1),
                Map.entry("allocate", 1), Map.entry("fill", 1),
                Map.entry("sgdUpdateGroup", 1)));
        assertEquals(expected, callsOfTheSecondStep(MobileNetV2.builder().includeTop(false).inputShape(32, 32, 3).build()));
    }

    private static Map<String, Integer> callsOfTheSecondStep(Model model) {
        FakeDevice fake = FakeDevice.create(8);
        model.to(fake.device());
        Optimizer opt = new SGD(ParamGroups.all(model), 0.01).momentum(0.9);
        Tensor x = Tensor.uniform(new Generator(1), -1f, 1f, 2, 32, 32, 3).to(fake.device());
        for (int step = 0; step < 2; step++) {
            if (step == 1) {
                fake.recordCalls();
            }
            opt.zeroGrad();
            try (TensorScope ignored = TensorScope.open()) {
                Tensor y = model.call(x, true);
                y.mul(y).mean().backward();
                opt.step();
            }
        }
        Map<String, Integer> counts = new TreeMap<>();
        for (String call : fake.calls()) {
            counts.merge(call, 1, Integer::sum);
        }
        return counts;
    }
}
