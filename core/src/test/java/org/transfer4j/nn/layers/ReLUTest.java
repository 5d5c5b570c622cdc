package org.transfer4j.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.transfer4j.ops.OpCheck;
import org.transfer4j.tensor.Tensor;

/** Keras' ReLU(max_value, negative_slope, threshold), computed by hand from its documented formula. */
class ReLUTest {

    @Test
    void followsKerasFormulaWithAllThreeArguments() {
        // f(x) = max_value for x >= max_value; x for threshold <= x < max_value; slope * (x - threshold) otherwise
        ReLU relu = new ReLU().maxValue(6f).negativeSlope(0.1f).threshold(1f);
        Tensor x = Tensor.of(new float[] {-2f, 0.5f, 1f, 3f, 8f}, 1, 5);
        assertArrayEquals(new float[] {-0.3f, -0.05f, 1f, 3f, 6f}, relu.call(x, false).toArray(), 1e-6f);
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
    }
}
