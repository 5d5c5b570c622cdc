package org.transfer4j.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.transfer4j.ops.OpCheck;
import org.transfer4j.tensor.Tensor;

/** Keras' ReLU(max_value, negative_slope, threshold), computed by hand from its documented formula. */
class ReLUTest {

    @Test
    void followsKerasFormulaWithAllThreeArguments() {
        // f(x) = max_value for x >= max_value; x for threshold < x < max_value; slope * (x - threshold) otherwise.
        // At x = threshold Keras gives 0, not x: it computes x * (x > threshold) - slope * relu(threshold - x)
        // (keras/src/activations/activations.py, tf.keras backend.relu), whatever its docstring's "<=" says;
        // see thresholdItselfGivesZeroAsInKerasDocumentedExamples.
        ReLU relu = new ReLU().maxValue(6f).negativeSlope(0.1f).threshold(1f);
        Tensor x = Tensor.of(new float[] {-2f, 0.5f, 1f, 3f, 8f}, 1, 5);
        assertArrayEquals(new float[] {-0.3f, -0.05f, 0f, 3f, 6f}, relu.call(x, false).toArray(), 1e-6f);
    }

    @Test
    void thresholdItselfGivesZeroAsInKerasDocumentedExamples() {
        // keras.activations.relu docstring: relu([-10, -5, 0.0, 5, 10], threshold=5.) -> [-0., -0., 0., 0., 10.]
        Tensor x = Tensor.of(new float[] {-10f, -5f, 0f, 5f, 10f}, 1, 5);
        assertArrayEquals(new float[] {0f, 0f, 0f, 0f, 10f}, new ReLU().threshold(5f).call(x, false).toArray(), 0f);
        // tf.keras ReLU docstring: ReLU(threshold=1.5) on [-3.0, -1.0, 1.0, 2.0] -> [0.0, 0.0, 0.0, 2.0]
        assertArrayEquals(new float[] {0f, 0f, 0f, 2f}, new ReLU().threshold(1.5f)
                .call(Tensor.of(new float[] {-3f, -1f, 1f, 2f}, 1, 4), false).toArray(), 0f);
        // keras.layers.ReLU docstring: ReLU(max_value=10, negative_slope=0.5, threshold=0) on
        // [-10, -5, 0.0, 5, 10] -> [-5., -2.5, 0., 5., 10.]
        assertArrayEquals(new float[] {-5f, -2.5f, 0f, 5f, 10f}, new ReLU().maxValue(10f).negativeSlope(0.5f)
                .call(x, false).toArray(), 0f);
    }

    @Test
    void maxValueSixIsMobileNetsReLU6() {
        Tensor x = Tensor.of(new float[] {-1f, 2f, 7f}, 1, 3);
        assertArrayEquals(new float[] {0f, 2f, 6f}, new ReLU().maxValue(6f).call(x, false).toArray(), 0f);
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        OpCheck.gradcheck("ReLU(6, 0.1, 0.5)", x -> new ReLU().maxValue(6f).negativeSlope(0.1f).threshold(0.5f)
                .call(x[0], true), Tensor.of(new float[] {-2f, -0.3f, 0.2f, 0.9f, 3f, 5.5f, 7f, 9f}, 2, 4));
    }

    @Test
    void negativeArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new ReLU().maxValue(-1f));
        assertThrows(IllegalArgumentException.class, () -> new ReLU().negativeSlope(-0.1f));
        // Keras: "threshold of a ReLU layer cannot be None or a negative value"
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ReLU().threshold(-0.5f));
        assertTrue(e.getMessage().contains("-0.5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ReLU().threshold(Float.NaN));
    }
}
