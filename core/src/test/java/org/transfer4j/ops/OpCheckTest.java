package org.transfer4j.ops;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.transfer4j.autograd.Autograd;
import org.transfer4j.tensor.Tensor;

/** The gradient-check harness must be able to fail: a wrong backward is caught, a right one passes. */
class OpCheckTest {

    /** {@code y = x} recorded with the backward {@code dx = scale * dy}: right only for scale 1. */
    private static OpCheck.Fn identityWithGradientScale(float scale) {
        return t -> Autograd.record("scaledIdentity", Views.copy(t[0].detach()),
                g -> new Tensor[] {g.mul(scale)}, t[0]);
    }

    @Test
    void aCorrectBackwardPasses() {
        OpCheck.gradcheck("identity", identityWithGradientScale(1f), OpCheck.randn(1, 3, 4));
    }

    @Test
    void aBackwardThatDoublesTheGradientFails() {
        var e = assertThrows(AssertionFailedError.class,
                () -> OpCheck.gradcheck("doubled", identityWithGradientScale(2f), OpCheck.randn(1, 3, 4)));
        assertTrue(e.getMessage().contains("doubled") && e.getMessage().contains("analytic"), e.getMessage());
    }

    @Test
    void aGradientFivePercentOffFails() {
        assertThrows(AssertionFailedError.class,
                () -> OpCheck.gradcheck("5% off", identityWithGradientScale(1.05f), OpCheck.randn(2, 6).mul(10f)));
    }

    @Test
    void aGradientWrongInOnlyOneElementFails() {
        OpCheck.Fn oneWrong = t -> Autograd.record("oneWrong", Views.copy(t[0].detach()),
                g -> new Tensor[] {g.add(Tensor.of(new float[] {0, 0, 0.1f, 0}, 4))}, t[0]);
        assertThrows(AssertionFailedError.class, () -> OpCheck.gradcheck("one wrong", oneWrong, OpCheck.randn(3, 4)));
    }

    @Test
    void aWrongGradientOfASecondInputFails() {
        // y = a * b with db computed as g * b instead of g * a
        OpCheck.Fn wrong = t -> {
            Tensor a = t[0];
            Tensor b = t[1];
            Tensor y = Arithmetic.binary("mul", org.transfer4j.backend.BinaryOp.MUL, a, b);
            return Autograd.record("badMul", y, g -> new Tensor[] {g.mul(b), g.mul(b)}, a, b);
        };
        assertThrows(AssertionFailedError.class,
                () -> OpCheck.gradcheck("bad mul", wrong, OpCheck.randn(4, 5), OpCheck.randn(5, 5)));
    }
}
