package org.transfer4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.transfer4j.nn.Weight;

/** A group's own settings refuse values an optimizer could not use, quoting the group and the value. */
class ParamGroupTest {

    @Test
    void nonFiniteRatesAndDecaysAreRefusedWithTheGroupAndTheValue() {
        ParamGroup g = ParamGroup.of("head", List.of(TinyWeights.weight(1f)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> g.learningRate(Double.POSITIVE_INFINITY));
        assertEquals("parameter group 'head': learning rate must be finite and >= 0, got Infinity", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> g.learningRate(Double.NaN));
        assertEquals("parameter group 'head': learning rate must be finite and >= 0, got NaN", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> g.rateMultiplier(Double.POSITIVE_INFINITY));
        assertEquals("parameter group 'head': rate multiplier must be finite and >= 0, got Infinity", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> g.weightDecay(Double.POSITIVE_INFINITY));
        assertEquals("parameter group 'head': weight decay must be finite and >= 0, got Infinity", e.getMessage());
        assertEquals(1.0, g.effectiveRate(1.0), 0.0, "the refused values changed nothing");
    }

    @Test
    void aWeightListedTwiceIsRefusedNamingIt() {
        Weight w = TinyWeights.weight(1f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ParamGroup.of("body", List.of(w, TinyWeights.weight(2f), w)));
        assertEquals("parameter group 'body' lists weight " + w.path() + " twice; a weight is updated once per step",
                e.getMessage());
    }
}
