package org.transfer4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.transfer4j.nn.layers.Add;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.Conv2D;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.nn.layers.DepthwiseConv2D;
import org.transfer4j.nn.layers.MaxPooling2D;
import org.transfer4j.nn.layers.Softmax;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * Eager inputs that no layer can use fail before any op runs, with a typed error naming the layer (or
 * model) and the shapes, instead of an op-level error, a silent result or a NullPointerException.
 */
class LayerInputErrorsTest {

    @Test
    void anAxisOfSizeZeroIsRejectedNamingTheLayerAndLeavesItUnbuilt() {
        // Without the check, Dense built a (0, 3) kernel and returned the bias for every sample, and the
        // convolutions failed inside conv2d with "groups 0" or without the layer's name.
        Dense dense = new Dense(3);
        dense.named("fc");
        assertMessage(() -> dense.call(Tensor.zeros(2, 0), false), "fc (Dense)", "[0]", "at least one element");
        assertFalse(dense.isBuilt(), "the refused call must not build zero-sized weights");
        assertArrayEquals(new int[] {2, 3}, dense.call(Tensor.ones(2, 4), false).shape(), "still usable afterwards");

        assertMessage(() -> new DepthwiseConv2D(1).named("dw").call(Tensor.zeros(1, 3, 3, 0), false), "dw (DepthwiseConv2D)",
                "[3, 3, 0]");
        assertMessage(() -> new Conv2D(2, 1).named("c").call(Tensor.zeros(1, 3, 3, 0), false), "c (Conv2D)", "[3, 3, 0]");
        assertMessage(() -> new Softmax().named("sm").call(Tensor.zeros(2, 0), false), "sm (Softmax)", "[0]");
    }

    @Test
    void anEmptyBatchIsRejectedNamingTheLayer() {
        // BatchNormalization and MaxPooling2D used to fail inside their ops ("batchNorm.train: x must be
        // a non-empty ...") without naming the layer; Dense returned an empty batch.
        assertMessage(() -> new BatchNormalization().named("bn").call(Tensor.zeros(0, 4), true), "bn (BatchNormalization)",
                "empty", "[0, 4]");
        assertMessage(() -> new MaxPooling2D().named("pool").call(Tensor.zeros(0, 4, 4, 1), false), "pool (MaxPooling2D)",
                "empty");
        assertMessage(() -> new Dense(2).named("d").call(Tensor.zeros(0, 4), false), "d (Dense)", "empty");
    }

    @Test
    void aNullInputIsRejectedNamingTheLayerAndItsPosition() {
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> new Add().named("sum").call(Arrays.asList(Tensor.ones(2, 3), null), false));
        assertTrue(e.getMessage().contains("sum (Add)") && e.getMessage().contains("input 1 of 2"), e.getMessage());
        NullPointerException single = assertThrows(NullPointerException.class,
                () -> new Dense(2).named("fc").call((Tensor) null, false));
        assertTrue(single.getMessage() != null && single.getMessage().contains("fc (Dense)"), single.getMessage());
        Model model = new Sequential("net", new int[] {3}, new Dense(2));
        NullPointerException m = assertThrows(NullPointerException.class,
                () -> model.callAll(Arrays.asList((Tensor) null), false));
        assertTrue(m.getMessage().contains("net (Sequential)") && m.getMessage().contains("input 0"), m.getMessage());
    }

    @Test
    void aTensorWithoutABatchAxisIsRejectedNamingTheLayer() {
        assertMessage(() -> new Dense(2).named("fc0").call(Tensor.scalar(1f), false), "fc0 (Dense)", "batch axis");
    }

    @Test
    void callAllRejectsBatchesOfDifferentSizes() {
        // (1, 3) + (4, 3) used to broadcast silently into four samples.
        SymbolicTensor a = Input.of(3);
        SymbolicTensor b = Input.of(3);
        Model model = Model.of(List.of(a, b), List.of(new Add().apply(a, b)));
        model.named("pair");
        assertMessage(() -> model.callAll(List.of(Tensor.ones(1, 3), Tensor.ones(4, 3)), false), "pair (Model)",
                "same size", "[1, 3]", "[4, 3]");
        assertMessage(() -> model.call(List.of(Tensor.ones(1, 3), Tensor.ones(4, 3)), false), "pair (Model)", "same size");
        assertMessage(() -> model.callAll(List.of(Tensor.ones(0, 3), Tensor.ones(0, 3)), false), "pair (Model)", "empty");
    }

    private static void assertMessage(Executable call, String... parts) {
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, call);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' missing from: " + e.getMessage());
        }
    }
}
