package org.transfer4j.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.transfer4j.losses.SparseCategoricalCrossentropy;
import org.transfer4j.nn.Input;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Sequential;
import org.transfer4j.nn.SymbolicTensor;
import org.transfer4j.nn.Weight;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.Conv2D;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.nn.layers.Dropout;
import org.transfer4j.nn.layers.GlobalAveragePooling2D;
import org.transfer4j.nn.layers.ReLU;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/**
 * The transfer-learning guarantee: training a new head on a frozen base leaves every weight of the
 * base, and every batch-norm statistic, bit-identical, whatever the optimizer and its weight decay,
 * while the head's weights change.
 */
class FrozenBaseTrainingTest {
    private static final SparseCategoricalCrossentropy LOSS = new SparseCategoricalCrossentropy(true);

    @Test
    void frozenBaseStaysBitIdenticalWhileTheHeadTrains() {
        for (String optimizer : List.of("sgd", "adam", "adamw", "rmsprop")) {
            Model base = new Sequential("base", new int[] {8, 8, 3},
                    new Conv2D(6, 3).padding("same").named("conv"), new BatchNormalization().named("bn"),
                    new ReLU(), new GlobalAveragePooling2D());
            SymbolicTensor in = Input.of(8, 8, 3);
            Dense head = new Dense(3);
            Model model = Model.of(in, head.apply(new Dropout(0.3f).apply(base.apply(in))));
            base.setTrainable(false);

            Map<String, float[]> baseBefore = values(base.weights());
            Map<String, float[]> headBefore = values(head.weights());
            // The group even lists the frozen weights (group builders leave them out): step() must skip them.
            List<Weight> all = model.weights().stream().filter(Weight::isTrainableKind).toList();
            Optimizer opt = optimizer(optimizer, List.of(ParamGroup.of("everything", all)));
            Generator gen = new Generator(5);
            for (int step = 0; step < 5; step++) {
                Tensor x = Tensor.randn(gen, 4, 8, 8, 3).mul(2f).add(1f);
                int[] labels = {step % 3, (step + 1) % 3, (step + 2) % 3, step % 3};
                opt.zeroGrad();
                LOSS.compute(model.call(x, true), labels).backward();
                opt.step();
            }

            Map<String, float[]> baseAfter = values(base.weights());
            for (String path : baseBefore.keySet()) {
                assertArrayEquals(baseBefore.get(path), baseAfter.get(path), 0f, optimizer + ": " + path + " changed");
            }
            Map<String, float[]> headAfter = values(head.weights());
            for (String path : headBefore.keySet()) {
                assertFalse(Arrays.equals(headBefore.get(path), headAfter.get(path)),
                        optimizer + ": head weight " + path + " did not change");
            }
        }
    }

    private static Optimizer optimizer(String name, List<ParamGroup> groups) {
        return switch (name) {
            case "sgd" -> new SGD(groups, 0.1).momentum(0.9).weightDecay(0.01);
            case "adam" -> new Adam(groups, 0.01);
            case "adamw" -> new AdamW(groups, 0.01).weightDecay(0.1);
            case "rmsprop" -> new RMSprop(groups, 0.01);
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static Map<String, float[]> values(List<Weight> weights) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Weight w : weights) {
            out.put(w.path(), w.value().toArray());
        }
        return out;
    }
}
