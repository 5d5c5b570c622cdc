package org.transfer4j.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.transfer4j.nn.Weight;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/** stateDict / loadStateDict: what is saved, that a restore repeats training bit for bit, and that bad state is refused. */
class OptimizerStateTest {
    private static final List<Function<List<ParamGroup>, Optimizer>> CONFIGS = List.of(
            gs -> new SGD(gs, 0.1).momentum(0.9).nesterov(true),
            gs -> new SGD(gs, 0.1, Convention.PYTORCH).momentum(0.9).weightDecay(0.01),
            gs -> new Adam(gs, 0.05),
            gs -> new Adam(gs, 0.05, Convention.PYTORCH).weightDecay(0.01),
            gs -> new AdamW(gs, 0.05),
            gs -> new AdamW(gs, 0.05, Convention.PYTORCH),
            gs -> new RMSprop(gs, 0.01).momentum(0.5).centered(true),
            gs -> new RMSprop(gs, 0.01, Convention.PYTORCH).momentum(0.5).centered(true));

    /**
     * Train 2 steps, save, train 2 more: A. Restore the weights and the state into a fresh optimizer
     * of the same configuration, train the same 2 steps: exactly A. One weight starts late, so its
     * own step count differs from the iterations.
     */
    @Test
    void restoredStateRepeatsTrainingBitForBit() {
        for (Function<List<ParamGroup>, Optimizer> make : CONFIGS) {
            Weight a = TinyWeights.weight(0.5f, -1.2f, 2f);
            Weight b = TinyWeights.weight(0.3f, 0.7f);
            List<ParamGroup> groups = List.of(ParamGroup.of("body", List.of(a)).rateMultiplier(0.3),
                    ParamGroup.of("head", List.of(b)));
            Optimizer first = make.apply(groups);
            first.setSchedule(step -> 0.05 / (1 + step));
            train(first, a, b, 0, 2);
            Map<String, Tensor> saved = first.stateDict();
            float[] savedA = TinyWeights.values(a);
            float[] savedB = TinyWeights.values(b);
            train(first, a, b, 2, 4);
            float[] expectedA = TinyWeights.values(a);
            float[] expectedB = TinyWeights.values(b);

            a.assign(savedA);
            b.assign(savedB);
            Optimizer restored = make.apply(groups);
            restored.setSchedule(step -> 0.05 / (1 + step));
            restored.loadStateDict(saved);
            assertEquals(2, restored.iterations());
            train(restored, a, b, 2, 4);
            String name = first.getClass().getSimpleName() + " " + first.convention();
            assertArrayEquals(expectedA, TinyWeights.values(a), 0f, name);
            assertArrayEquals(expectedB, TinyWeights.values(b), 0f, name);
            assertEquals(first.stateDict().keySet(), restored.stateDict().keySet(), name);
        }
    }

    @Test
    void stateDictNamesEntriesByWeightPathAndSlot() {
        Weight w = TinyWeights.weight(1f, 2f);
        Adam adam = new Adam(List.of(ParamGroup.of("all", List.of(w))), 0.01, Convention.PYTORCH);
        TinyWeights.setGrad(w, 0.5f, -0.5f);
        adam.step();
        adam.step();
        Map<String, Tensor> state = adam.stateDict();
        assertEquals(List.of("iterations", "base_learning_rate", w.path() + "/step", w.path() + "/exp_avg",
                w.path() + "/exp_avg_sq"), List.copyOf(state.keySet()));
        assertEquals(2f, state.get("iterations").item());
        assertEquals(0.01f, state.get("base_learning_rate").item());
        assertEquals(2f, state.get(w.path() + "/step").item());
        // m after two steps of g: 0.1 g + 0.9 * 0.1 g = 0.19 g
        assertArrayEquals(new float[] {0.095f, -0.095f}, state.get(w.path() + "/exp_avg").toArray(), 1e-7f);
        assertArrayEquals(w.shape(), state.get(w.path() + "/exp_avg").shape());
    }

    @Test
    void stateDictHoldsCopies() {
        Weight w = TinyWeights.weight(1f);
        SGD sgd = new SGD(List.of(ParamGroup.of("all", List.of(w))), 0.1).momentum(0.9);
        TinyWeights.setGrad(w, 1f);
        sgd.step();
        Tensor velocity = sgd.stateDict().get(w.path() + "/momentum");
        float before = velocity.item();
        sgd.step();
        assertEquals(before, velocity.item());
        assertEquals(-0.1f, before, 1e-7f); // Keras: v = 0.9*0 - 0.1*1
    }

    @Test
    void wrongShapeIsRefusedAndChangesNothing() {
        Weight w = TinyWeights.weight(1f, 2f, 3f);
        Adam adam = trainedAdam(w);
        Map<String, float[]> before = snapshot(adam);
        Map<String, Tensor> bad = new LinkedHashMap<>(adam.stateDict());
        bad.put("iterations", Tensor.scalar(7));
        bad.put(w.path() + "/momentum", Tensor.zeros(3));
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> adam.loadStateDict(bad));
        assertTrue(e.getMessage().contains("'" + w.path() + "/momentum'") && e.getMessage().contains("[1, 3]")
                && e.getMessage().contains("[3]"), e.getMessage());
        assertUnchanged(before, adam);
    }

    @Test
    void unknownNamesAreRefusedAndChangeNothing() {
        Weight w = TinyWeights.weight(1f, 2f, 3f);
        Adam adam = trainedAdam(w);
        Map<String, float[]> before = snapshot(adam);

        Map<String, Tensor> noSuchWeight = new LinkedHashMap<>(adam.stateDict());
        noSuchWeight.put("no_such_layer/kernel/momentum", Tensor.zeros(1, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> adam.loadStateDict(noSuchWeight));
        assertTrue(e.getMessage().contains("'no_such_layer/kernel/momentum'"), e.getMessage());

        Map<String, Tensor> noSuchSlot = new LinkedHashMap<>(adam.stateDict());
        noSuchSlot.put(w.path() + "/exp_avg", Tensor.zeros(1, 3)); // PyTorch's name, Keras-convention optimizer
        e = assertThrows(IllegalArgumentException.class, () -> adam.loadStateDict(noSuchSlot));
        assertTrue(e.getMessage().contains("unknown slot 'exp_avg'") && e.getMessage().contains("[momentum, velocity]"),
                e.getMessage());

        Map<String, Tensor> noIterations = new LinkedHashMap<>(adam.stateDict());
        noIterations.remove("iterations");
        e = assertThrows(IllegalArgumentException.class, () -> adam.loadStateDict(noIterations));
        assertTrue(e.getMessage().contains("'iterations'"), e.getMessage());

        Map<String, Tensor> fractionalStep = new LinkedHashMap<>(adam.stateDict());
        fractionalStep.put("iterations", Tensor.scalar(2.5f));
        e = assertThrows(IllegalArgumentException.class, () -> adam.loadStateDict(fractionalStep));
        assertTrue(e.getMessage().contains("2.5"), e.getMessage());
        assertUnchanged(before, adam);
    }

    /** Entries that stateDict never writes together: slots without a step count, more updates than iterations. */
    @Test
    void inconsistentCountsAreRefusedAndChangeNothing() {
        Weight w = TinyWeights.weight(1f, 2f, 3f);
        Adam adam = trainedAdam(w);
        Map<String, float[]> before = snapshot(adam);

        Map<String, Tensor> noStep = new LinkedHashMap<>(adam.stateDict());
        noStep.remove(w.path() + "/step");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> adam.loadStateDict(noStep));
        assertEquals("Adam state has slots [momentum, velocity] for weight " + w.path() + " but no entry '" + w.path()
                + "/step' counting its updates", e.getMessage());

        Map<String, Tensor> tooMany = new LinkedHashMap<>(adam.stateDict());
        tooMany.put(w.path() + "/step", Tensor.scalar(3));
        e = assertThrows(IllegalArgumentException.class, () -> adam.loadStateDict(tooMany));
        assertEquals("Adam state entry '" + w.path() + "/step': a weight cannot have had 3 updates in 2 iterations",
                e.getMessage());

        Map<String, Tensor> nullEntry = new LinkedHashMap<>(adam.stateDict());
        nullEntry.put(w.path() + "/velocity", null);
        e = assertThrows(IllegalArgumentException.class, () -> adam.loadStateDict(nullEntry));
        assertTrue(e.getMessage().contains("'" + w.path() + "/velocity' (its value is null)"), e.getMessage());
        assertUnchanged(before, adam);
    }

    /**
     * A group's momentum set to 0 after some steps (or RMSprop's centering turned off): the buffer left behind is
     * no longer state, so the state dict leaves it out and loads back into the same optimizer.
     */
    @Test
    void stateDictLoadsBackAfterASettingDropsASlot() {
        Weight w = TinyWeights.weight(1f, 2f);
        ParamGroup group = ParamGroup.of("all", List.of(w)).momentum(0.9);
        SGD sgd = new SGD(List.of(group), 0.1);
        TinyWeights.setGrad(w, 1f, 1f);
        sgd.step();
        group.momentum(0);
        Map<String, Tensor> state = sgd.stateDict();
        assertEquals(List.of("iterations", "base_learning_rate", w.path() + "/step"), List.copyOf(state.keySet()));
        sgd.loadStateDict(state);

        Weight v = TinyWeights.weight(1f);
        RMSprop rms = new RMSprop(List.of(ParamGroup.of("all", List.of(v))), 0.01).centered(true);
        TinyWeights.setGrad(v, 1f);
        rms.step();
        rms.centered(false);
        rms.loadStateDict(rms.stateDict());
        assertEquals(List.of("iterations", "base_learning_rate", v.path() + "/step", v.path() + "/velocity"),
                List.copyOf(rms.stateDict().keySet()));
    }

    @Test
    void stateOfAnotherConventionIsRefused() {
        Weight w = TinyWeights.weight(1f);
        SGD keras = new SGD(List.of(ParamGroup.of("all", List.of(w))), 0.1).momentum(0.9);
        TinyWeights.setGrad(w, 1f);
        keras.step();
        SGD torch = new SGD(List.of(ParamGroup.of("all", List.of(w))), 0.1, Convention.PYTORCH).momentum(0.9);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> torch.loadStateDict(keras.stateDict()));
        assertTrue(e.getMessage().contains("momentum_buffer"), e.getMessage());
    }

    @Test
    void aBaseRateThatDiffersFromTheStoredOneIsReplaced() {
        Weight w = TinyWeights.weight(1f);
        SGD saved = new SGD(List.of(ParamGroup.of("all", List.of(w))), 0.25);
        SGD other = new SGD(List.of(ParamGroup.of("all", List.of(w))), 0.1);
        other.loadStateDict(saved.stateDict());
        assertEquals(0.25, other.baseLearningRate());
        SGD same = new SGD(List.of(ParamGroup.of("all", List.of(w))), 0.1);
        SGD sameRate = new SGD(List.of(ParamGroup.of("all", List.of(w))), 0.1);
        sameRate.loadStateDict(same.stateDict());
        assertEquals(0.1, sameRate.baseLearningRate(), 0.0); // the double, not the float32 0.1 it was stored as
    }

    private static Adam trainedAdam(Weight w) {
        Adam adam = new Adam(List.of(ParamGroup.of("all", List.of(w))), 0.01);
        TinyWeights.setGrad(w, 0.5f, -0.5f, 1f);
        adam.step();
        adam.step();
        return adam;
    }

    private static Map<String, float[]> snapshot(Optimizer opt) {
        Map<String, float[]> out = new LinkedHashMap<>();
        opt.stateDict().forEach((k, v) -> out.put(k, v.toArray()));
        return out;
    }

    private static void assertUnchanged(Map<String, float[]> before, Optimizer opt) {
        Map<String, float[]> after = snapshot(opt);
        assertEquals(before.keySet(), after.keySet());
        before.forEach((k, v) -> assertArrayEquals(v, after.get(k), 0f, k));
    }

    /** Steps [from, to): g = a*p + b + 0.1*step for a; b gets a gradient only from step 1 on. */
    private static void train(Optimizer opt, Weight a, Weight b, int from, int to) {
        for (int step = from; step < to; step++) {
            opt.zeroGrad();
            float[] pa = TinyWeights.values(a);
            TinyWeights.setGrad(a, pa[0] + 0.1f + 0.1f * step, 2 * pa[1] - 0.3f + 0.1f * step,
                    0.5f * pa[2] + 0.2f + 0.1f * step);
            if (step >= 1) {
                float[] pb = TinyWeights.values(b);
                TinyWeights.setGrad(b, pb[0] - 0.2f * step, -pb[1]);
            }
            opt.step();
        }
    }
}
