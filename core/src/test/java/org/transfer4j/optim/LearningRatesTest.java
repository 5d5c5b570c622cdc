package org.transfer4j.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.transfer4j.nn.Input;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.SymbolicTensor;
import org.transfer4j.nn.layers.Dense;

class LearningRatesTest {

    private static void assertRates(double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length, "number of rates");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-12 * expected[i], "rate " + i);
        }
    }

    @Test
    void spreadIsGeometricLikeFastaiEvenMults() {
        // even_mults(start, stop, n) = [start * (stop/start)^(i/(n-1))]: by hand 2 * 16^(i/4) = 2 * 2^i.
        assertRates(new double[] {2, 4, 8, 16, 32}, LearningRates.spread(2, 32, 5));
        // fastai's slice(1e-5, 1e-3) over 3 groups: 1e-5, 1e-4, 1e-3.
        double[] rates = LearningRates.spread(1e-5, 1e-3, 3);
        assertRates(new double[] {1e-5, 1e-4, 1e-3}, rates);
        assertEquals(1e-5, rates[0], 0.0, "the first rate is exactly lo");
        assertEquals(1e-3, rates[2], 0.0, "the last rate is exactly hi");
    }

    @Test
    void spreadOfOneGroupIsTheHighRate() {
        assertArrayEquals(new double[] {1e-3}, LearningRates.spread(1e-5, 1e-3, 1));
        assertArrayEquals(new double[] {0.1, 0.1, 0.1}, LearningRates.spread(0.1, 0.1, 3));
    }

    @Test
    void upToIsFastaiSliceOfHigh() {
        // fastai: slice(hi) -> [hi/10] * (n-1) + [hi]
        assertArrayEquals(new double[] {1e-4, 1e-4, 1e-4, 1e-3}, LearningRates.upTo(1e-3, 4));
        assertArrayEquals(new double[] {1e-3}, LearningRates.upTo(1e-3, 1));
    }

    @Test
    void ratesApplyToGroupsAsAbsoluteRatesOrMultipliers() {
        SymbolicTensor in = Input.of(4);
        SymbolicTensor x = new Dense(3).named("d1").apply(in);
        x = new Dense(3).named("d2").apply(x);
        Model model = Model.of(in, new Dense(2).named("d3").apply(x));
        List<ParamGroup> groups = ParamGroups.splitAt(model, "d2", "d3");

        LearningRates.setMultipliers(groups, LearningRates.spread(0.01, 1, 3));
        assertEquals(0.01 * 0.5, groups.get(0).effectiveRate(0.5), 1e-15);
        assertEquals(0.1 * 0.5, groups.get(1).effectiveRate(0.5), 1e-15);
        assertEquals(0.5, groups.get(2).effectiveRate(0.5), 0.0);

        LearningRates.setRates(groups, LearningRates.upTo(1e-3, 3));
        assertEquals(1e-4, groups.get(0).effectiveRate(0.5), 0.0, "an absolute rate ignores the base rate");
        assertEquals(1e-3, groups.get(2).effectiveRate(0.5), 0.0);
    }

    @Test
    void mismatchedCountsAndBadRangesAreRejected() {
        SymbolicTensor in = Input.of(4);
        Model model = Model.of(in, new Dense(2).named("only").apply(in));
        List<ParamGroup> groups = ParamGroups.all(model);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LearningRates.setRates(groups, 1e-4, 1e-3));
        assertEquals("2 rates [1.0E-4, 0.001] for 1 parameter groups [only]; give one per group", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LearningRates.spread(1e-3, 1e-5, 3));
        assertTrue(e.getMessage().contains("lo=0.001"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LearningRates.spread(0, 1e-3, 3));
        assertThrows(IllegalArgumentException.class, () -> LearningRates.upTo(1e-3, 0));
    }
}
