package org.transfer4j.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.transfer4j.Transfer4jException;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

class AutogradTest {

    @Test
    void gradientsAccumulateAcrossBackwardCalls() {
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 3).requiresGrad(true);
        x.mul(2f).sum().backward();
        Tensor first = x.grad();
        assertArrayEquals(new float[] {2, 2, 2}, first.toArray());
        x.mul(x).sum().backward(); // a separate graph: adds 2x
        assertArrayEquals(new float[] {4, 6, 8}, x.grad().toArray());
        assertArrayEquals(new float[] {2, 2, 2}, first.toArray(), "the earlier gradient tensor is not overwritten");
    }

    @Test
    void aTensorUsedTwiceGetsBothContributions() {
        Tensor x = Tensor.of(new float[] {0.5f, -2f}, 2).requiresGrad(true);
        Tensor e = x.exp();
        e.mul(x).add(e).add(x).sum().backward(); // d/dx (x e^x + e^x + x) = x e^x + 2 e^x + 1
        float[] g = x.grad().toArray();
        assertEquals(0.5 * Math.exp(0.5) + 2 * Math.exp(0.5) + 1, g[0], 1e-5);
        assertEquals(-2 * Math.exp(-2) + 2 * Math.exp(-2) + 1, g[1], 1e-5);
    }

    @Test
    void aTensorPassedAsBothInputsOfOneOpGetsBothContributions() {
        Tensor x = Tensor.of(new float[] {3f}, 1).requiresGrad(true);
        x.mul(x).sum().backward();
        assertArrayEquals(new float[] {6f}, x.grad().toArray());
    }

    @Test
    void zeroGradClearsTheGradient() {
        Tensor x = Tensor.ones(2).requiresGrad(true);
        x.sum().backward();
        x.zeroGrad();
        assertNull(x.grad());
        x.mul(3f).sum().backward();
        assertArrayEquals(new float[] {3, 3}, x.grad().toArray());
    }

    @Test
    void onlyLeavesKeepGradients() {
        Tensor x = Tensor.ones(2).requiresGrad(true);
        Tensor y = x.mul(2f);
        y.sum().backward();
        assertNull(y.grad());
        assertTrue(y.requiresGrad());
        assertThrows(IllegalStateException.class, () -> y.requiresGrad(true));
    }

    @Test
    void detachStopsGradients() {
        Tensor x = Tensor.of(new float[] {2f, 5f}, 2).requiresGrad(true);
        Tensor d = x.detach();
        assertFalse(d.requiresGrad());
        assertNull(d.gradFn());
        x.mul(d).sum().backward(); // only the non-detached factor contributes: d
        assertArrayEquals(new float[] {2f, 5f}, x.grad().toArray());
        assertThrows(Transfer4jException.class, () -> x.detach().mul(3f).sum().backward());
    }

    @Test
    void noGradRecordsNothingAndNests() {
        Tensor x = Tensor.ones(2).requiresGrad(true);
        try (NoGrad outer = NoGrad.enter()) {
            try (NoGrad inner = NoGrad.enter()) {
                assertFalse(NoGrad.isGradEnabled());
            }
            assertFalse(NoGrad.isGradEnabled(), "closing the inner scope keeps the outer one");
            Tensor y = x.mul(2f).exp().sum();
            assertFalse(y.requiresGrad());
            assertNull(y.gradFn());
            outer.close();
            outer.close(); // closing twice is harmless
            assertTrue(NoGrad.isGradEnabled());
        }
        assertTrue(NoGrad.isGradEnabled());
        assertTrue(x.mul(2f).requiresGrad());
    }

    @Test
    void noGradIsPerThread() throws Exception {
        try (NoGrad ignored = NoGrad.enter()) {
            boolean[] enabledElsewhere = new boolean[1];
            Thread t = new Thread(() -> enabledElsewhere[0] = NoGrad.isGradEnabled());
            t.start();
            t.join();
            assertTrue(enabledElsewhere[0]);
        }
    }

    @Test
    void backwardTwiceThroughTheSameGraphFailsClearly() {
        Tensor x = Tensor.ones(3).requiresGrad(true);
        Tensor loss = x.exp().sum();
        loss.backward();
        var e = assertThrows(Transfer4jException.class, loss::backward);
        assertTrue(e.getMessage().contains("second time") && e.getMessage().contains("released"), e.getMessage());
    }

    @Test
    void backwardTakesAGivenOutputGradient() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2).requiresGrad(true);
        Tensor g = Tensor.of(new float[] {1, -1, 0.5f, 2}, 2, 2);
        x.mul(3f).backward(g);
        assertArrayEquals(new float[] {3, -3, 1.5f, 6}, x.grad().toArray());
        Tensor leaf = Tensor.zeros(2).requiresGrad(true);
        leaf.backward(Tensor.of(new float[] {4, 5}, 2)); // a leaf's own gradient goes straight into it
        assertArrayEquals(new float[] {4, 5}, leaf.grad().toArray());
        leaf.sum().backward();
        assertArrayEquals(new float[] {5, 6}, leaf.grad().toArray());
    }

    @Test
    void backwardRejectsMissingOrMisshapenGradients() {
        Tensor x = Tensor.ones(2, 2).requiresGrad(true);
        var e = assertThrows(ShapeMismatchException.class, () -> x.mul(2f).backward());
        assertTrue(e.getMessage().contains("backward") && e.getMessage().contains("[2, 2]"), e.getMessage());
        assertThrows(ShapeMismatchException.class, () -> x.mul(2f).backward(Tensor.ones(4)));
        var none = assertThrows(Transfer4jException.class, () -> Tensor.ones(1).exp().backward());
        assertTrue(none.getMessage().contains("does not require grad"), none.getMessage());
    }

    @Test
    void aBackwardFunctionWithTheWrongShapeOrNoGradientIsReported() {
        Tensor x = Tensor.ones(3).requiresGrad(true);
        Tensor bad = Autograd.record("badShape", Tensor.ones(3), g -> new Tensor[] {Tensor.ones(2)}, x);
        var e = assertThrows(ShapeMismatchException.class, () -> bad.sum().backward());
        assertTrue(e.getMessage().contains("badShape"), e.getMessage());
        Tensor missing = Autograd.record("noGradient", Tensor.ones(3), g -> new Tensor[] {null}, x);
        var m = assertThrows(Transfer4jException.class, () -> missing.sum().backward());
        assertTrue(m.getMessage().contains("noGradient"), m.getMessage());
    }

    @Test
    void aDeepChainDoesNotOverflowTheStack() {
        Tensor x = Tensor.of(new float[] {1f}, 1).requiresGrad(true);
        Tensor y = x;
        for (int i = 0; i < 10_000; i++) {
            y = y.mul(1.0001f);
        }
        y.sum().backward();
        assertEquals(Math.pow(1.0001, 10_000), x.grad().item(), 1e-3);
    }

    @Test
    void aWideGraphWithSharedNodesIsWalkedOnce() {
        // a diamond repeated: each level doubles the number of paths, so a walk per path would take 2^30 steps
        Tensor x = Tensor.of(new float[] {1f}, 1).requiresGrad(true);
        Tensor y = x;
        for (int i = 0; i < 30; i++) {
            y = y.mul(0.5f).add(y.mul(0.5f));
        }
        y.sum().backward();
        assertEquals(1f, x.grad().item(), 1e-5f);
    }
}
