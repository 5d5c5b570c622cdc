package org.transfer4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.transfer4j.ops.OpCheck;
import org.transfer4j.tensor.Tensor;

/** Every named activation has a correct gradient; values are checked against Keras in the layer fixtures. */
class ActivationsTest {

    @Test
    void everyActivationHasAGradientMatchingFiniteDifferences() {
        for (String name : Activations.names()) {
            OpCheck.gradcheck(name, x -> Activations.get(name).apply(x[0]), OpCheck.awayFromZero(7, 3, 5));
        }
    }

    @Test
    void softplusDoesNotOverflowForLargeInputs() {
        float[] y = Activations.softplus(Tensor.of(new float[] {100f, -100f, 0f}, 3)).toArray();
        assertEquals(100f, y[0], 1e-5f);
        assertEquals(0f, y[1], 1e-6f);
        assertEquals((float) Math.log(2), y[2], 1e-6f);
    }

    @Test
    void softplusHasSlopeOneHalfAtZero() {
        Tensor x = Tensor.zeros(1).requiresGrad(true);
        Activations.softplus(x).sum().backward();
        assertEquals(0.5f, x.grad().toArray()[0], 1e-7f);
    }

    @Test
    void unknownActivationListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Activations.get("mish"));
        assertTrue(e.getMessage().contains("mish") && e.getMessage().contains("swish"), e.getMessage());
    }
}
