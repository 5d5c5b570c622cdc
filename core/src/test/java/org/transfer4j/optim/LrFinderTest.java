package org.transfer4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LrFinderTest {

    @Test
    void smoothedLossIsBiasCorrectedMovingAverage() {
        // fastai AvgSmoothLoss, beta 0.98, from avg = 0: avg_k = 0.98 avg_{k-1} + 0.02 loss_k, value avg_k / (1 - 0.98^k)
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
