package org.transfer4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.tensor.Tensor;

/**
 * Two models with the same weights in the same order: the gradients one backward pass left in each, and the moving
 * statistics their batch norms' training updated, compared.
 */
final class SameGradients {
    private SameGradients() {
    }

    /**
     * Asserts that each weight of {@code actual} has a gradient exactly when the weight of {@code expected} at its
     * place has one, and the same bits; returns how many weights had one.
     */
    static int assertSame(Model expected, Model actual) {
        List<Weight> e = expected.weights();
        List<Weight> a = actual.weights();
        assertEquals(e.size(), a.size(), "weights");
        int compared = 0;
        for (int i = 0; i < e.size(); i++) {
            Tensor ge = e.get(i).value().grad();
            Tensor ga = a.get(i).value().grad();
            assertEquals(ge == null, ga == null, e.get(i).path());
            if (ge != null) {
                assertArrayEquals(ge.toArray(), ga.toArray(), 0f, "gradient of " + e.get(i).path());
                compared++;
            }
        }
        return compared;
    }

    /** Asserts that the batch norms at the same places hold the same bits of moving mean and moving variance. */
    static void assertSameMovingStatistics(List<BatchNormalization> expected, List<BatchNormalization> actual) {
        assertEquals(expected.size(), actual.size(), "batch norms");
        for (int i = 0; i < expected.size(); i++) {
            for (String w : List.of("moving_mean", "moving_variance")) {
                assertArrayEquals(expected.get(i).weight(w).value().toArray(), actual.get(i).weight(w).value().toArray(),
                        0f, "bn" + i + " " + w);
            }
        }
    }
}
