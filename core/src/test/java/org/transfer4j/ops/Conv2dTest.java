package org.transfer4j.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.transfer4j.backend.Padding;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

class Conv2dTest {

    @Test
    void conv2dOfOnesCountsTheWindowInsideTheImage() {
        Tensor x = Tensor.ones(1, 3, 3, 1);
        Tensor k = Tensor.ones(3, 3, 1, 1);
        float[] y = Conv2d.conv2d(x, k, Padding.SAME, 1).toArray();
        assertArrayEquals(new float[] {4, 6, 4, 6, 9, 6, 4, 6, 4}, y);
    }

    @Test
    void depthwiseConv2dOrdersOutputChannelsByInputChannelThenMultiplier() {
        Tensor x = Tensor.of(new float[] {1, 2}, 1, 1, 1, 2);
        // Keras DepthwiseConv2D kernel (KH,KW,C,M): channel 0 -> (10, 20), channel 1 -> (30, 40).
        Tensor k = Tensor.of(new float[] {10, 20, 30, 40}, 1, 1, 2, 2);
        assertArrayEquals(new float[] {10, 20, 60, 80}, Conv2d.depthwiseConv2d(x, k, Padding.VALID, 1).toArray());
    }

    @Test
    void conv2dBackwardMatchesFiniteDifferences() {
        check("3x3 same stride 1", new int[] {2, 5, 4, 3}, new int[] {3, 3, 3, 2},
                (x, k) -> Conv2d.conv2d(x, k, Padding.SAME, 1));
        check("3x3 same stride 2, even input", new int[] {1, 6, 4, 3}, new int[] {3, 3, 3, 2},
                (x, k) -> Conv2d.conv2d(x, k, Padding.SAME, 2));
        check("3x3 valid stride 2", new int[] {2, 7, 5, 2}, new int[] {3, 3, 2, 3},
                (x, k) -> Conv2d.conv2d(x, k, Padding.VALID, 2));
        check("2x3 asymmetric padding, strides (2,1), dilation 2", new int[] {1, 6, 5, 2}, new int[] {2, 3, 2, 2},
                (x, k) -> Conv2d.conv2d(x, k, Padding.explicit(0, 2, 1, 0), 2, 1, 2, 2, 1));
        check("1x1 pointwise", new int[] {2, 3, 3, 3}, new int[] {1, 1, 3, 4},
                (x, k) -> Conv2d.conv2d(x, k, Padding.VALID, 1));
    }

    @Test
    void groupedAndDepthwiseConv2dBackwardMatchesFiniteDifferences() {
        check("groups 2", new int[] {1, 5, 4, 4}, new int[] {3, 3, 2, 4},
                (x, k) -> Conv2d.conv2d(x, k, Padding.SAME, 1, 1, 1, 1, 2));
        check("depthwise multiplier 2", new int[] {1, 5, 4, 3}, new int[] {3, 3, 3, 2},
                (x, k) -> Conv2d.depthwiseConv2d(x, k, Padding.SAME, 1));
        check("depthwise, 17 channels (vector loop and tail), stride 2", new int[] {1, 5, 4, 17},
                new int[] {3, 3, 17, 1}, (x, k) -> Conv2d.depthwiseConv2d(x, k, Padding.SAME, 2));
        check("depthwise dilation 2 via groups", new int[] {1, 5, 5, 2}, new int[] {3, 3, 1, 2},
                (x, k) -> Conv2d.conv2d(x, k, Padding.SAME, 1, 1, 2, 2, 2));
    }

    @Test
    void conv2dOfATransposedViewBackpropagatesToTheView() {
        // x is stored (N,W,H,C) and permuted to (N,H,W,C): the op copies it and the copy's gradient flows back.
        check("permuted input", new int[] {1, 4, 5, 2}, new int[] {3, 3, 2, 2},
                (x, k) -> Conv2d.conv2d(x.permute(0, 2, 1, 3), k, Padding.SAME, 1));
    }

    @Test
    void conv2dBackwardWithOneConstantInputMatchesFiniteDifferences() {
        // Only the gradient that is needed is computed: x alone (frozen kernel), then the kernel alone (input data).
        Tensor x = OpCheck.randn(11, 1, 5, 4, 2);
        Tensor k = OpCheck.randn(12, 3, 3, 2, 3);
        OpCheck.Fn conv = t -> Conv2d.conv2d(t[0], t[1], Padding.SAME, 2);
        OpCheck.gradcheck("x only", OpCheck.DEFAULT, new boolean[] {true, false}, conv, x, k);
        OpCheck.gradcheck("kernel only", OpCheck.DEFAULT, new boolean[] {false, true}, conv, x, k);
    }

    @Test
    void conv2dRejectsShapesThatDoNotFit() {
        Tensor x = Tensor.zeros(1, 5, 5, 4);
        assertRejects(() -> Conv2d.conv2d(Tensor.zeros(5, 5, 4), Tensor.zeros(3, 3, 4, 8), Padding.SAME, 1),
                "rank 4", "[5, 5, 4]", "[3, 3, 4, 8]");
        assertRejects(() -> Conv2d.conv2d(x, Tensor.zeros(3, 3, 3, 8), Padding.SAME, 1),
                "kernel in-channels 3 must equal C/groups = 4/1 = 4", "[1, 5, 5, 4]", "[3, 3, 3, 8]");
        assertRejects(() -> Conv2d.conv2d(x, Tensor.zeros(3, 3, 2, 8), Padding.SAME, 1, 1, 1, 1, 3),
                "input channels 4 are not divisible by groups 3");
        assertRejects(() -> Conv2d.conv2d(x, Tensor.zeros(3, 3, 2, 5), Padding.SAME, 1, 1, 1, 1, 2),
                "output channels 5 are not divisible by groups 2");
        assertRejects(() -> Conv2d.conv2d(x, Tensor.zeros(3, 3, 4, 8), Padding.VALID, 1, 1, 3, 3, 1),
                "output would be -1x-1");
        assertRejects(() -> Conv2d.depthwiseConv2d(x, Tensor.zeros(3, 3, 3, 1), Padding.SAME, 1),
                "depthwiseConv2d", "(KH,KW,C,depthMultiplier)", "[3, 3, 3, 1]");
    }

    @Test
    void conv2dRejectsNonPositiveStride() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Conv2d.conv2d(Tensor.zeros(1, 5, 5, 4), Tensor.zeros(3, 3, 4, 8), Padding.SAME, 0));
        assertTrue(e.getMessage().contains("strides 0x0"), e.getMessage());
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    @FunctionalInterface
    private interface Conv {
        Tensor apply(Tensor x, Tensor kernel);
    }

    /** Gradchecks both x and the kernel of a small convolution. */
    private static void check(String name, int[] xShape, int[] kernelShape, Conv conv) {
        Tensor x = OpCheck.randn(11, xShape);
        Tensor k = OpCheck.randn(12, kernelShape);
        OpCheck.gradcheck(name + " " + Arrays.toString(xShape) + " * " + Arrays.toString(kernelShape),
                t -> conv.apply(t[0], t[1]), x, k);
    }

    private static void assertRejects(org.junit.jupiter.api.function.Executable call, String... fragments) {
        var e = assertThrows(ShapeMismatchException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + e.getMessage() + "' should mention '" + f + "'");
        }
        assertTrue(e.getMessage().startsWith("conv2d") || e.getMessage().startsWith("depthwiseConv2d"), e.getMessage());
    }
}
