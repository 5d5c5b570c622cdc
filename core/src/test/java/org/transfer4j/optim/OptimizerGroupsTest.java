package org.transfer4j.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.transfer4j.nn.Layer;
import org.transfer4j.nn.Sequential;
import org.transfer4j.nn.Weight;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/** Parameter groups: their rates and overrides, frozen and gradient-less weights, weight-decay exclusions, schedules. */
class OptimizerGroupsTest {

    /**
     * Two groups at rates r and 10r under plain SGD: the first updates differ by exactly 10x. The
     * values are dyadic with few significant bits (r = 2^-4, 10r = 0.625, p0 and g multiples of 2^-2),
     * so every product {@code r*g} and difference {@code p - r*g} is exact in float and the relation
     * holds bit for bit; with arbitrary values {@code fl(10r*g)} and {@code 10*fl(r*g)} may differ in the
     * last bit. Both ways of setting the rate (multiplier, absolute) and both conventions.
     */
    @Test
    void differentialRatesScaleTheFirstUpdateExactlyTenfold() {
        for (Convention c : Convention.values()) {
            for (boolean absolute : new boolean[] {false, true}) {
                Weight slow = TinyWeights.weight(1f, -2f, 0.5f);
                Weight fast = TinyWeights.weight(1f, -2f, 0.5f);
                ParamGroup fastGroup = ParamGroup.of("head", List.of(fast));
                if (absolute) {
                    fastGroup.learningRate(0.625);
                } else {
                    fastGroup.rateMultiplier(10);
                }
                SGD sgd = new SGD(List.of(ParamGroup.of("body", List.of(slow)), fastGroup), 0.0625, c);
                float[] g = {0.5f, -1.25f, 3f};
                TinyWeights.setGrad(slow, g);
                TinyWeights.setGrad(fast, g);
                sgd.step();
                float[] slowUpdate = minus(TinyWeights.values(slow), new float[] {1f, -2f, 0.5f});
                float[] fastUpdate = minus(TinyWeights.values(fast), new float[] {1f, -2f, 0.5f});
                assertArrayEquals(new float[] {-0.03125f, 0.078125f, -0.1875f}, slowUpdate, 0f); // -r*g
                for (int i = 0; i < 3; i++) {
                    assertEquals(10 * slowUpdate[i], fastUpdate[i], 0f, c + " absolute=" + absolute + " element " + i);
                }
            }
        }
    }

    @Test
    void absoluteGroupRatesIgnoreTheSchedule() {
        ParamGroup body = ParamGroup.of("body", List.of(TinyWeights.weight(1f))).rateMultiplier(0.1);
        ParamGroup head = ParamGroup.of("head", List.of(TinyWeights.weight(1f))).learningRate(0.5);
        SGD sgd = new SGD(List.of(body, head), 1.0);
        sgd.setSchedule(step -> 0.01 * (step + 1));
        for (int i = 0; i < 3; i++) {
            sgd.step();
        }
        // The third step (iterations 2) set the base rate to schedule.rate(2) = 0.03.
        assertEquals(0.03, sgd.baseLearningRate(), 1e-15);
        assertEquals(0.003, sgd.currentRate(body), 1e-15);
        assertEquals(0.5, sgd.currentRate(head));
        assertEquals(3, sgd.iterations());
    }

    /**
     * A group's momentum overrides the optimizer's. PyTorch SGD, lr 0.5, constant g = 1 from p = 0:
     * with momentum 0.9, b1 = g, p1 = -0.5; b2 = 0.9*1 + 1 = 1.9, p2 = -0.5 - 0.95 = -1.45;
     * the other group keeps the optimizer's momentum 0: p2 = -1.
     */
    @Test
    void groupMomentumOverridesTheOptimizers() {
        Weight withMomentum = TinyWeights.weight(0f);
        Weight plain = TinyWeights.weight(0f);
        SGD sgd = new SGD(List.of(ParamGroup.of("a", List.of(withMomentum)).momentum(0.9),
                ParamGroup.of("b", List.of(plain))), 0.5, Convention.PYTORCH);
        for (int i = 0; i < 2; i++) {
            TinyWeights.setGrad(withMomentum, 1f);
            TinyWeights.setGrad(plain, 1f);
            sgd.step();
        }
        assertEquals(-1.45f, TinyWeights.values(withMomentum)[0], 1e-6f);
        assertEquals(-1f, TinyWeights.values(plain)[0], 0f);
    }

    /**
     * A group's betas override Adam's. PyTorch Adam, lr 0.1, eps 0, g1 = 1 then g2 = 2 from p = 0. Step 1
     * moves by lr whatever the betas (m^ = g, v^ = g^2). Step 2 with betas (0.5, 0.75):
     * m2 = 0.5*0.5 + 0.5*2 = 1.25, m^ = 1.25/(1 - 0.25) = 5/3; v2 = 0.75*0.25 + 0.25*4 = 1.1875,
     * v^ = 1.1875/(1 - 0.5625) = 19/7; p2 = -0.1 - 0.1*(5/3)/sqrt(19/7).
     * With the default betas (0.9, 0.999): m2 = 0.9*0.1 + 0.1*2 = 0.29, m^ = 0.29/0.19;
     * v2 = 0.999*0.001 + 0.001*4 = 0.004999, v^ = 0.004999/0.001999; p2 = -0.1 - 0.1*m^/sqrt(v^).
     */
    @Test
    void groupBetasOverrideAdams() {
        Weight custom = TinyWeights.weight(0f);
        Weight standard = TinyWeights.weight(0f);
        Adam adam = new Adam(List.of(ParamGroup.of("custom", List.of(custom)).betas(0.5, 0.75),
                ParamGroup.of("standard", List.of(standard))), 0.1, Convention.PYTORCH).epsilon(0);
        for (float g : new float[] {1f, 2f}) {
            TinyWeights.setGrad(custom, g);
            TinyWeights.setGrad(standard, g);
            adam.step();
        }
        assertEquals(-0.1 - 0.1 * (5.0 / 3) / Math.sqrt(19.0 / 7), TinyWeights.values(custom)[0], 1e-6);
        assertEquals(-0.1 - 0.1 * (0.29 / 0.19) / Math.sqrt(0.004999 / 0.001999), TinyWeights.values(standard)[0], 1e-6);
    }

    @Test
    void frozenWeightsAreNeverChanged() {
        Dense frozen = new Dense(2);
        Dense trained = new Dense(2);
        new Sequential(new int[] {3}, frozen, trained);
        List<Weight> all = new java.util.ArrayList<>(frozen.weights());
        all.addAll(trained.weights());
        SGD sgd = new SGD(List.of(ParamGroup.of("all", all)), 0.1, Convention.PYTORCH).momentum(0.9).weightDecay(0.1);
        frozen.setTrainable(false);
        float[] kernelBefore = frozen.weight("kernel").value().toArray();
        float[] trainedBefore = trained.weight("kernel").value().toArray();
        // Even a gradient put there by hand after freezing is ignored.
        for (Weight w : all) {
            TinyWeights.setGrad(w, ones(w.numel()));
        }
        sgd.step();
        sgd.step();
        assertArrayEquals(kernelBefore, frozen.weight("kernel").value().toArray(), 0f);
        assertArrayEquals(new float[2], frozen.weight("bias").value().toArray(), 0f);
        assertFalse(java.util.Arrays.equals(trainedBefore, trained.weight("kernel").value().toArray()));
        assertTrue(sgd.stateDict().keySet().stream().noneMatch(k -> k.startsWith(frozen.name() + "/")),
                "no state for frozen weights: " + sgd.stateDict().keySet());
    }

    @Test
    void weightsWithoutAGradientAreSkipped() {
        Weight used = TinyWeights.weight(1f, 1f);
        Weight unused = TinyWeights.weight(1f, 1f);
        Adam adam = new Adam(List.of(ParamGroup.of("all", List.of(used, unused))), 0.1);
        TinyWeights.setGrad(used, 1f, -1f);
        adam.step();
        assertArrayEquals(new float[] {1f, 1f}, TinyWeights.values(unused), 0f);
        assertNull(unused.value().grad());
        assertEquals(1, adam.iterations());
        assertTrue(adam.stateDict().keySet().stream().noneMatch(k -> k.startsWith(unused.path())));
        assertTrue(adam.stateDict().containsKey(used.path() + "/momentum"));
    }

    /**
     * A weight that first gets a gradient at the fourth step (unfrozen late) starts Adam at t = 1 in both
     * conventions: its own update count, as PyTorch's {@code state['step']}, and as Keras, which needs a new
     * optimizer (so t = 1) for variables it was not built with. Step 1 with m = 0.1 g, v = 0.001 g^2:
     * PyTorch {@code m^ = g, v^ = g^2}, a move of {@code lr * g / (|g| + eps)}; Keras
     * {@code alpha = lr * sqrt(0.001) / 0.1}, a move of {@code alpha * 0.1 g / (sqrt(0.001) |g| + eps)}.
     */
    @Test
    void adamBiasCorrectionCountsEachWeightsOwnUpdatesInBothConventions() {
        double g = 0.5;
        double lr = 0.1;
        double torch = lr * g / (g + 1e-8);
        double keras = lr * Math.sqrt(0.001) / 0.1 * 0.1 * g / (Math.sqrt(0.001) * g + 1e-7);
        assertEquals(-torch, lateFirstUpdate(Convention.PYTORCH, (float) g, lr), 1e-7);
        assertEquals(-keras, lateFirstUpdate(Convention.KERAS, (float) g, lr), 1e-7);
    }

    /**
     * Fine-tuning with the optimizer that trained the head: a base weight unfrozen after 1000 steps, with a
     * constant gradient g. Its k-th update has {@code m = (1 - 0.9^k) g}, {@code v = (1 - 0.999^k) g^2}, so
     * Adam's bias-corrected step is {@code lr * g / (|g| + eps')}, about lr, at every step: PyTorch
     * {@code eps' = eps}; Keras, whose epsilon is added before the correction, {@code eps' = eps / sqrt(1 - 0.999^k)}.
     * (Counting t from the optimizer's iterations instead, the fresh zero moments meet
     * {@code 1 - beta^t ~ 1}: the 10th step would be {@code lr * sqrt(1 - 0.999^1010) / (1 - 0.9^1010) *
     * (1 - 0.9^10) / sqrt(1 - 0.999^10)}, about 5.2 lr.)
     */
    @Test
    void aWeightUnfrozenLateTakesAdamsFirstStepsNotLargerOnes() {
        for (Convention c : Convention.values()) {
            Weight head = TinyWeights.weight(0f);
            Weight base = TinyWeights.weight(0f);
            Adam adam = new Adam(List.of(ParamGroup.of("all", List.of(base, head))), 1e-3, c);
            base.layer().setTrainable(false);
            for (int i = 0; i < 1000; i++) {
                TinyWeights.setGrad(head, 1f);
                adam.step();
            }
            base.layer().setTrainable(true);
            for (int k = 1; k <= 10; k++) {
                double eps = c == Convention.KERAS ? 1e-7 / Math.sqrt(1 - Math.pow(0.999, k)) : 1e-8;
                float before = TinyWeights.values(base)[0];
                TinyWeights.setGrad(base, 0.5f);
                adam.step();
                double move = TinyWeights.values(base)[0] - before;
                assertEquals(-1e-3 * 0.5 / (0.5 + eps), move, 5e-9, c + " step " + k + " after unfreezing");
            }
        }
    }

    private static double lateFirstUpdate(Convention c, float g, double lr) {
        Weight early = TinyWeights.weight(0f);
        Weight late = TinyWeights.weight(0f);
        Adam adam = new Adam(List.of(ParamGroup.of("all", List.of(early, late))), lr, c);
        for (int i = 0; i < 3; i++) {
            TinyWeights.setGrad(early, 1f);
            adam.step();
        }
        TinyWeights.setGrad(late, g);
        adam.step();
        return TinyWeights.values(late)[0];
    }

    /**
     * Weight decay skips biases and batch-norm gamma/beta unless the group asks. With zero gradients
     * only the decay moves a weight: {@code w * (1 - lr*wd)} in both conventions (Keras: decoupled
     * {@code w - w*wd*lr}; PyTorch: {@code g' = 0 + wd*w}, {@code w - lr*g'}), here lr 0.1, wd 0.5.
     */
    @Test
    void weightDecaySkipsBiasesAndBatchNormUnlessAsked() {
        for (Convention c : Convention.values()) {
            for (boolean decayAll : new boolean[] {false, true}) {
                Dense dense = new Dense(2);
                BatchNormalization bn = new BatchNormalization();
                Layer model = new Sequential(new int[] {3}, dense, bn);
                List<Weight> trainable = model.trainableWeights();
                for (Weight w : trainable) {
                    w.assign(filled(w.numel(), 0.75f));
                }
                SGD sgd = new SGD(List.of(ParamGroup.of("all", trainable).decayNormAndBias(decayAll)), 0.1, c)
                        .weightDecay(0.5);
                for (Weight w : trainable) {
                    TinyWeights.setGrad(w, new float[w.numel()]);
                }
                sgd.step();
                for (Weight w : trainable) {
                    boolean decays = decayAll || w == dense.weight("kernel");
                    float expected = decays ? 0.75f * (1 - 0.05f) : 0.75f;
                    assertArrayEquals(filled(w.numel(), expected), w.value().toArray(), 1e-7f,
                            c + " " + w.path() + " decayNormAndBias=" + decayAll);
                }
                assertEquals(4, trainable.size(), "kernel, bias, gamma, beta");
            }
        }
    }

    @Test
    void zeroGradClearsEveryGroupsGradients() {
        Weight a = TinyWeights.weight(1f);
        Weight b = TinyWeights.weight(1f);
        SGD sgd = new SGD(List.of(ParamGroup.of("a", List.of(a)), ParamGroup.of("b", List.of(b))), 0.1);
        TinyWeights.setGrad(a, 1f);
        TinyWeights.setGrad(b, 1f);
        sgd.zeroGrad();
        assertNull(a.value().grad());
        assertNull(b.value().grad());
    }

    @Test
    void invalidConfigurationsAreRejectedWithTheValue() {
        Weight w = TinyWeights.weight(1f);
        assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(), 0.1));
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> new SGD(List.of(ParamGroup.of("a", List.of(w)), ParamGroup.of("b", List.of(w))), 0.1));
        assertTrue(twice.getMessage().contains(w.path()), twice.getMessage());
        IllegalArgumentException rate = assertThrows(IllegalArgumentException.class,
                () -> new SGD(List.of(ParamGroup.of("a", List.of(w))), -1));
        assertTrue(rate.getMessage().contains("-1.0"), rate.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(ParamGroup.of("a", List.of(w))), 0.1)
                .momentum(1.5));
        assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(ParamGroup.of("a", List.of(w))), 0.1)
                .betas(0.9, 1.0));
        IllegalArgumentException momentum = assertThrows(IllegalArgumentException.class,
                () -> ParamGroup.of("a", List.of(w)).momentum(-0.5));
        assertTrue(momentum.getMessage().contains("'a'") && momentum.getMessage().contains("-0.5"),
                momentum.getMessage());
    }

    @Test
    void aScheduleGivingABadRateIsNamedWithItsStepAndChangesNothing() {
        Weight w = TinyWeights.weight(1f);
        SGD sgd = new SGD(List.of(ParamGroup.of("all", List.of(w))), 0.1);
        sgd.setSchedule(step -> step < 2 ? 0.1 : Double.NaN);
        TinyWeights.setGrad(w, 1f);
        sgd.step();
        sgd.step();
        float[] before = TinyWeights.values(w);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, sgd::step);
        assertTrue(e.getMessage().contains("NaN") && e.getMessage().contains("step 2"), e.getMessage());
        assertArrayEquals(before, TinyWeights.values(w), 0f);
        assertEquals(2, sgd.iterations());
    }

    /** A gradient put there by hand with the wrong shape: refused naming the weight, before any weight moves. */
    @Test
    void aGradientOfAnotherShapeIsRefusedBeforeAnyWeightChanges() {
        Weight first = TinyWeights.weight(1f, 2f);
        Weight wrong = TinyWeights.weight(1f, 2f, 3f);
        SGD sgd = new SGD(List.of(ParamGroup.of("body", List.of(first)), ParamGroup.of("head", List.of(wrong))), 0.1);
        TinyWeights.setGrad(first, 1f, 1f);
        wrong.value().accumulateGrad(Tensor.of(new float[] {1f, 1f, 1f}, 3));
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, sgd::step);
        assertTrue(e.getMessage().contains(wrong.path()) && e.getMessage().contains("'head'")
                && e.getMessage().contains("[1, 3]") && e.getMessage().contains("[3]"), e.getMessage());
        assertArrayEquals(new float[] {1f, 2f}, TinyWeights.values(first), 0f);
        assertEquals(0, sgd.iterations());
    }

    private static float[] minus(float[] a, float[] b) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] - b[i];
        }
        return out;
    }

    private static float[] ones(int n) {
        return filled(n, 1f);
    }

    private static float[] filled(int n, float value) {
        float[] out = new float[n];
        java.util.Arrays.fill(out, value);
        return out;
    }
}
