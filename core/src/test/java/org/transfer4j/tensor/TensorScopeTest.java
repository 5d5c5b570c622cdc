package org.transfer4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.transfer4j.backend.FakeDevice;

class TensorScopeTest {

    @Test
    void closingFreesWhatWasMadeInsideButNotWhatExistedBefore() {
        Tensor before = Tensor.of(new float[] {1, 2, 3}, 3);
        Tensor made;
        Tensor viewOfBefore;
        try (TensorScope scope = TensorScope.open()) {
            made = before.mul(2f);
            viewOfBefore = before.reshape(1, 3); // a view: same storage, not the scope's
            assertEquals(1, scope.trackedCount());
        }
        assertTrue(made.isClosed());
        assertThrows(ClosedTensorException.class, made::toArray, "a tensor freed by the scope fails on use");
        assertArrayEquals(new float[] {1, 2, 3}, before.toArray());
        assertArrayEquals(new float[] {1, 2, 3}, viewOfBefore.toArray());
    }

    @Test
    void aKeptTensorAndItsViewsSurviveWhileTheRestIsFreed() {
        Tensor x = Tensor.of(new float[] {1, -2, 3, -4}, 2, 2);
        Tensor kept;
        Tensor view;
        Tensor intermediate;
        try (TensorScope scope = TensorScope.open()) {
            intermediate = x.mul(3f);
            kept = scope.keep(intermediate.add(1f));
            view = kept.reshape(4);
        }
        assertTrue(intermediate.isClosed());
        assertArrayEquals(new float[] {4, -5, 10, -11}, kept.toArray());
        assertArrayEquals(new float[] {4, -5, 10, -11}, view.toArray());
    }

    @Test
    void aStorageKeptByAnInnerScopeIsFreedByTheOuterUnlessKeptThereToo() {
        Tensor x = Tensor.of(new float[] {1, 2}, 2);
        Tensor fromInner;
        Tensor keptTwice;
        try (TensorScope outer = TensorScope.open()) {
            try (TensorScope inner = TensorScope.open()) {
                fromInner = inner.keep(x.add(1f));
                keptTwice = inner.keep(x.add(2f));
            }
            assertFalse(fromInner.isClosed(), "kept by the inner scope");
            assertEquals(2, outer.trackedCount(), "both passed to the outer scope");
            outer.keep(keptTwice);
        }
        assertTrue(fromInner.isClosed(), "the outer scope frees what only the inner one kept");
        assertArrayEquals(new float[] {3, 4}, keptTwice.toArray());
    }

    @Test
    void whatIsMadeOutsideTrackingBelongsToNoScope() {
        Tensor x = Tensor.of(new float[] {5}, 1);
        Tensor state;
        try (TensorScope ignored = TensorScope.open()) {
            state = TensorScope.outside(() -> x.mul(2f));
            assertTrue(TensorScope.isTracking(), "tracking resumes after outside()");
        }
        assertFalse(state.isClosed());
        assertArrayEquals(new float[] {10}, state.toArray());
        assertFalse(TensorScope.isTracking(), "no scope is open any more");
    }

    @Test
    void keepingOnlyPassesTheReturnedTensorOnAndLeavesWhatWasMadeAheadAlone() {
        Tensor x = Tensor.of(new float[] {1, 2}, 2);
        Tensor[] madeAhead = new Tensor[1];
        Tensor returned;
        try (TensorScope outer = TensorScope.open()) {
            returned = TensorScope.keepingOnly(() -> {
                madeAhead[0] = x.mul(5f);          // a stream preparing its next batch
                return x.add(1f);
            }, t -> t);
            assertEquals(1, outer.trackedCount(), "only the returned tensor is the outer scope's");
            assertArrayEquals(new float[] {2, 3}, returned.toArray());
        }
        assertTrue(returned.isClosed(), "the outer scope freed what it was handed");
        assertFalse(madeAhead[0].isClosed(), "what was made ahead is left to its maker");
        assertArrayEquals(new float[] {5, 10}, madeAhead[0].toArray());
    }

    @Test
    void scopesCloseInReverseOrderOnTheirOwnThread() throws Exception {
        TensorScope outer = TensorScope.open();
        TensorScope inner = TensorScope.open();
        assertThrows(IllegalStateException.class, outer::close, "the inner scope is still open");
        Thread other = new Thread(() -> assertThrows(IllegalStateException.class, inner::close));
        other.start();
        other.join();
        inner.close();
        outer.close();
        outer.close(); // idempotent
        assertFalse(TensorScope.isTracking());
    }

    @Test
    void aWeightGradientOutlivesTheStepThatComputedItUntilZeroGrad() {
        Tensor w = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
        try (TensorScope ignored = TensorScope.open()) {
            w.mul(w).sum().backward(); // dL/dw = 2w
        }
        Tensor grad = w.grad();
        assertNotNull(grad);
        assertArrayEquals(new float[] {2, 4}, grad.toArray());
        w.zeroGrad();
        assertTrue(grad.isClosed(), "zeroGrad frees the gradient's storage");
    }

    @Test
    void aScopeOverADelegatingBackendFreesItsStoragesAndKeepsTheKeptOnes() {
        FakeDevice fake = FakeDevice.create(3);
        Tensor x = Tensor.of(fake.device(), new float[] {1, 2, 3, 4}, 4);
        long live = fake.liveStorages();
        Tensor kept;
        try (TensorScope scope = TensorScope.open()) {
            Tensor a = x.mul(2f);
            Tensor b = a.add(x);
            kept = scope.keep(b.mul(b));
            assertEquals(live + 3, fake.liveStorages());
        }
        assertEquals(live + 1, fake.liveStorages(), "only the kept result is left on the device");
        assertArrayEquals(new float[] {9, 36, 81, 144}, kept.toArray());
    }
}
