package org.transfer4j.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.transfer4j.losses.MeanSquaredError;
import org.transfer4j.nn.Initializers;
import org.transfer4j.nn.Layer;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Sequential;
import org.transfer4j.nn.Weight;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.optim.schedules.ExponentialDecay;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/**
 * The range test on a tiny regression problem: {@code Dense(1)} on 256 random inputs {@code x (256, 3)} whose
 * third feature has 10 times the scale of the others, with the target {@code y = x . [1, -2, 0.5] + 0.3 + noise
 * (std 0.3)}, mean squared error over all 256 rows as the batch. Gradient descent on this quadratic diverges
 * beyond rate 2 / (largest curvature, about 2 * 100), so the loss is flat at tiny rates, falls as the rates
 * approach 1e-2 and diverges soon after, before the small directions have converged: the textbook curve.
 */
class LrFinderTest {
    private static final float[] TRUE_KERNEL = {1f, -2f, 0.5f};

    /** A problem with its own model and data, made the same way for every seed. */
    private record Problem(Model model, Tensor x, Tensor y) {
        static Problem make(long seed) {
            Generator gen = new Generator(seed);
            float[] xs = Tensor.normal(gen, 0f, 1f, 256, 3).toArray();
            for (int i = 0; i < 256; i++) {
                xs[3 * i + 2] *= 10;
            }
            float[] noise = Tensor.normal(gen, 0f, 0.3f, 256).toArray();
            Tensor x = Tensor.of(xs, 256, 3);
            float[] ys = new float[256];
            for (int i = 0; i < 256; i++) {
                ys[i] = 0.3f + noise[i];
                for (int k = 0; k < 3; k++) {
                    ys[i] += xs[3 * i + k] * TRUE_KERNEL[k];
                }
            }
            // Start from zero weights: the whole target is to be learnt, and twins start equal.
            Model model = new Sequential(new int[] {3},
                    new Dense(1).kernelInitializer(Initializers.zeros()).named("dense"));
            return new Problem(model, x, Tensor.of(ys, 256, 1));
        }

        Tensor loss(int batch) {
            return new MeanSquaredError().compute(model.call(x, true), y);
        }

        List<ParamGroup> groups() {
            return ParamGroups.all(model);
        }
    }

    private static float[][] values(Model model) {
        return model.weights().stream().map(w -> w.value().toArray()).toArray(float[][]::new);
    }

    @Test
    void curveFallsThenDivergesAndTheSuggestionLiesOnTheDescent() {
        Problem p = Problem.make(7);
        LrFindResult r = new LrFinder(new SGD(p.groups(), 0.01)).restoring(p.model()).run(p::loss);
        double[] rates = r.rates();
        double[] losses = r.losses();
        double[] smoothed = r.smoothedLosses();

        // Flat at first: the first tenth of the batches moves the loss by less than 1%.
        for (int i = 0; i < 10; i++) {
            assertEquals(losses[0], losses[i], 0.01 * losses[0], "batch " + i + " at rate " + rates[i]);
        }
        // Then it falls well below the start, and diverges before the end rate.
        int lowest = argmin(losses);
        assertTrue(losses[lowest] < 0.1 * losses[0], "the loss falls: " + r);
        assertTrue(r.stoppedEarly() && r.size() < 100, "diverged before rate 10: " + r);
        assertTrue(smoothed[r.size() - 1] > 4 * smoothed[argmin(smoothed)], "stopped at 4x the smoothed minimum");

        // The suggestion lies between where the smoothed loss starts falling and its minimum.
        int fallStart = 0;
        while (smoothed[fallStart] >= 0.99 * smoothed[0]) {
            fallStart++;
        }
        double atMinimum = rates[argmin(smoothed)];
        assertTrue(rates[fallStart] <= r.suggestion() && r.suggestion() <= atMinimum,
                "suggestion " + r.suggestion() + " outside [" + rates[fallStart] + ", " + atMinimum + "]");
        assertTrue(r.suggestion() < 10 * r.minimumRate() && 10 * r.minimumRate() <= atMinimum,
                "minimum/10 " + r.minimumRate() + " vs minimum " + atMinimum);
    }

    @Test
    void ratesGrowExponentiallyFromStartToEnd() {
        Problem p = Problem.make(3);
        // rate_i = 1e-7 * (10 / 1e-7)^(i / 99) for the default 100 batches from 1e-7 to 10.
        LrFindResult r = new LrFinder(new SGD(p.groups(), 0.01)).run(p::loss);
        for (int i = 0; i < r.size(); i++) {
            assertEquals(1e-7 * Math.pow(1e8, i / 99.0), r.rates()[i], 1e-12 * r.rates()[i], "batch " + i);
        }
        // A short range that cannot diverge runs to its end, which it reaches exactly.
        Problem q = Problem.make(3);
        LrFindResult s = new LrFinder(new SGD(q.groups(), 0.01)).range(1e-6, 1e-4).batches(10).run(q::loss);
        assertEquals(10, s.size());
        assertFalse(s.stoppedEarly());
        assertEquals(1e-6, s.rates()[0], 0.0);
        assertEquals(1e-4, s.rates()[9], 0.0);
        assertEquals(1e-6 * Math.pow(100, 4 / 9.0), s.rates()[4], 1e-18);
    }

    @Test
    void weightsAndOptimizerStateAreRestoredBitwise() {
        Problem p = Problem.make(11);
        Adam adam = new Adam(p.groups(), 0.05);
        ExponentialDecay schedule = new ExponentialDecay(0.05, 10, 0.5);
        adam.setSchedule(schedule);
        for (int i = 0; i < 5; i++) {                      // some training first: Adam's slots are not zero
            adam.zeroGrad();
            p.loss(i).backward();
            adam.step();
        }
        float[][] weightsBefore = values(p.model());
        Map<String, Tensor> stateBefore = adam.stateDict();
        double rateBefore = adam.baseLearningRate();

        LrFindResult r = new LrFinder(adam).restoring(p.model()).run(p::loss);
        assertTrue(r.size() > 10, "the test ran: " + r);

        float[][] weightsAfter = values(p.model());
        for (int i = 0; i < weightsBefore.length; i++) {
            assertArrayEquals(weightsBefore[i], weightsAfter[i], "weight " + p.model().weights().get(i).path());
        }
        Map<String, Tensor> stateAfter = adam.stateDict();
        assertEquals(stateBefore.keySet(), stateAfter.keySet());
        for (String key : stateBefore.keySet()) {
            assertArrayEquals(stateBefore.get(key).toArray(), stateAfter.get(key).toArray(), key);
        }
        assertEquals(5, adam.iterations());
        assertEquals(rateBefore, adam.baseLearningRate(), 0.0);
        assertSame(schedule, adam.schedule());
        for (Weight w : p.model().trainableWeights()) {
            assertNull(w.value().grad(), "gradients are cleared: " + w.path());
        }
    }

    @Test
    void trainingAfterTheTestMatchesTrainingWithoutIt() {
        Problem tested = Problem.make(5);
        Problem twin = Problem.make(5);
        Adam a = new Adam(tested.groups(), 0.05);
        Adam b = new Adam(twin.groups(), 0.05);
        for (int i = 0; i < 8; i++) {
            if (i == 3) {
                new LrFinder(a).restoring(tested.model()).run(tested::loss);
            }
            a.zeroGrad();
            tested.loss(i).backward();
            a.step();
            b.zeroGrad();
            twin.loss(i).backward();
            b.step();
        }
        float[][] va = values(tested.model());
        float[][] vb = values(twin.model());
        for (int i = 0; i < va.length; i++) {
            assertArrayEquals(vb[i], va[i], "weight " + i + " after 8 steps");
        }
    }

    /** A trainable layer outside the optimizer's groups collects gradients during the test: they are cleared too. */
    @Test
    void gradientsOfTheWholeModelAreCleared() {
        Problem p = Problem.make(19);
        Layer first = new Dense(3).named("first");
        Layer last = new Dense(1).named("last");
        Model model = new Sequential(new int[] {3}, first, last);
        SGD sgd = new SGD(List.of(ParamGroup.of("last", last.trainableWeights())), 0.01);
        MeanSquaredError mse = new MeanSquaredError();
        new LrFinder(sgd).restoring(model).batches(5).run(i -> mse.compute(model.call(p.x(), true), p.y()));
        for (Weight w : model.weights()) {
            assertNull(w.value().grad(), "gradient of " + w.path());
        }
    }

    @Test
    void aNonFiniteLossStopsTheTestWithoutRecordingIt() {
        Problem p = Problem.make(13);
        float[][] before = values(p.model());
        LrFindResult r = new LrFinder(new SGD(p.groups(), 0.01))
                .run(i -> i == 6 ? Tensor.scalar(Float.NaN) : p.loss(i));
        assertEquals(6, r.size());
        assertTrue(r.stoppedEarly());
        float[][] after = values(p.model());
        for (int i = 0; i < before.length; i++) {
            assertArrayEquals(before[i], after[i]);
        }
    }

    @Test
    void weightsAreRestoredWhenTheLossFunctionThrows() {
        Problem p = Problem.make(17);
        float[][] before = values(p.model());
        SGD sgd = new SGD(p.groups(), 0.01);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new LrFinder(sgd).run(i -> {
            if (i == 4) {
                throw new IllegalStateException("data loader failed");
            }
            return p.loss(i);
        }));
        assertEquals("data loader failed", e.getMessage());
        float[][] after = values(p.model());
        for (int i = 0; i < before.length; i++) {
            assertArrayEquals(before[i], after[i]);
        }
        assertEquals(0, sgd.iterations());
    }

    private static int argmin(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] < v[best]) {
                best = i;
            }
        }
        return best;
    }

    @Test
    void smoothedLossIsBiasCorrectedMovingAverage() {
        // fastai AvgSmoothLoss, beta 0.98, from avg = 0:
        // avg_k = 0.98 avg_{k-1} + 0.02 loss_k, value avg_k / (1 - 0.98^k)
        // losses 1, 2, 3: avg 0.02, 0.0596, 0.118408; divisors 0.02, 0.0396, 0.058808.
        LossSmoother s = new LossSmoother(0.98);
        assertEquals(1.0, s.add(1), 1e-12);
        assertEquals(0.0596 / 0.0396, s.add(2), 1e-12);
        assertEquals(0.118408 / 0.058808, s.add(3), 1e-12);
    }

    @Test
    void suggestionsAreSteepestDescentAndMinimumOverTenWithoutTheEnds() {
        int n = 60;
        double[] rates = new double[n];
        double[] smoothed = new double[n];
        for (int i = 0; i < n; i++) {
            rates[i] = 1e-6 * Math.pow(10, i / 10.0);      // one decade every 10 batches: equal log steps
        }
        // By hand: flat at 2, with a steep drop in the first tenth (skipped), a descent from batch 20 whose
        // biggest step is 23 -> 24, the minimum at batch 27, a rise, and a fake drop in the last 5 (skipped).
        double[] descent = {0.05, 0.1, 0.2, 0.4, 0.2, 0.1, 0.05};
        double loss = 2;
        for (int i = 0; i < n; i++) {
            smoothed[i] = loss;
            if (i == 2) {
                loss -= 1.5;                                // batch 3 drops by 1.5 ...
            } else if (i == 3) {
                loss += 1.5;                                // ... and batch 4 is back: noise at the start
            } else if (i >= 20 && i < 27) {
                loss -= descent[i - 20];
            } else if (i >= 27 && i < 55) {
                loss *= 1.05;
            } else if (i >= 55) {
                loss -= 3;                                  // not a real descent: the end is skipped
            }
        }
        LrFindResult r = LrFindResult.of(rates, smoothed.clone(), smoothed, n, false);
        assertEquals(rates[23], r.steepestRate(), 0.0, "s[24] - s[23] = -0.4 is the steepest step");
        assertEquals(rates[23], r.suggestion(), 0.0);
        assertEquals(rates[27] / 10, r.minimumRate(), 0.0, "the lowest smoothed loss is at batch 27");
    }

    @Test
    void aCurveTooShortToTrimUsesEveryPoint() {
        double[] rates = {1e-3, 1e-2, 1e-1};
        double[] smoothed = {1.0, 0.5, 0.9};
        LrFindResult r = LrFindResult.of(rates, smoothed, smoothed, 100, true);
        assertEquals(1e-3, r.steepestRate(), 0.0);
        assertEquals(1e-3, r.minimumRate(), 0.0, "minimum at 1e-2, divided by 10");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LrFindResult.of(new double[] {1e-7}, new double[] {9}, new double[] {9}, 100, true));
        assertEquals("an LR range test needs at least 2 batches to suggest a rate, got 1 (the loss diverged at once:"
                + " lower the start rate)", e.getMessage());
    }
}
