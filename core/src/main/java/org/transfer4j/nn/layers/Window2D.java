package org.transfer4j.nn.layers;

import org.transfer4j.backend.Padding;

/**
 * The window a 2D convolution or pooling layer slides over {@code x (N,H,W,C)}: its size, strides,
 * padding and dilation, the rules they obey, and the output size {@code (OH, OW)} they give.
 * {@link SlidingWindow2D} (the base of the convolution and pooling layers) holds one, and its fluent
 * setters replace it with a changed copy ({@code window = window.withStrides(2, 2)}), so each rule is
 * written here once.
 *
 * @param kind the word error messages use for the window: {@code "kernel"} or {@code "pool"}
 */
record Window2D(String kind, int height, int width, int strideH, int strideW, Padding padding, int dilationH,
                int dilationW) {

    /** A convolution kernel of this layer with Keras' defaults: strides 1, padding "valid", dilation 1. */
    static Window2D kernel(String layer, int height, int width) {
        LayerArgs.positive(layer + " kernelSize", height, width);
        return new Window2D("kernel", height, width, 1, 1, Padding.VALID, 1, 1);
    }

    /** A pooling window of this layer with Keras' defaults: strides equal to the pool size, padding "valid". */
    static Window2D pool(String layer, int height, int width) {
        LayerArgs.positive(layer + " poolSize", height, width);
        return new Window2D("pool", height, width, height, width, Padding.VALID, 1, 1);
    }

    Window2D withStrides(int newStrideH, int newStrideW) {
        LayerArgs.positive("strides", newStrideH, newStrideW);
        return new Window2D(kind, height, width, newStrideH, newStrideW, padding, dilationH, dilationW);
    }

    Window2D withPadding(Padding newPadding) {
        return new Window2D(kind, height, width, strideH, strideW, newPadding, dilationH, dilationW);
    }

    Window2D withDilation(int newDilationH, int newDilationW) {
        LayerArgs.positive("dilationRate", newDilationH, newDilationW);
        return new Window2D(kind, height, width, strideH, strideW, padding, newDilationH, newDilationW);
    }

    /**
     * {@code {OH, OW}} over an {@code inH x inW} input, each {@code floor((in + padding - dilation*(k-1) - 1)
     * / stride) + 1}; null when the window does not fit, for the layer to report with {@link #misfit()}.
     */
    int[] output(int inH, int inW) {
        int[] rows = padding.rows(inH, height, strideH, dilationH);
        int[] cols = padding.cols(inW, width, strideW, dilationW);
        int oh = outSize(inH + rows[0] + rows[1], height, strideH, dilationH);
        int ow = outSize(inW + cols[0] + cols[1], width, strideW, dilationW);
        return oh < 1 || ow < 1 ? null : new int[] {oh, ow};
    }

    /** The error text for a window that does not fit, e.g. "the 5x5 kernel (dilation 1x1) does not fit the input". */
    String misfit() {
        // A pool is never dilated; what decides whether it fits, besides its size, is the padding.
        String setting = kind.equals("pool") ? "with " + padding + " padding"
                : "(dilation " + dilationH + "x" + dilationW + ")";
        return "the " + height + "x" + width + " " + kind + " " + setting + " does not fit the input";
    }

    private static int outSize(int paddedIn, int window, int stride, int dilation) {
        return Math.floorDiv(paddedIn - dilation * (window - 1) - 1, stride) + 1;
    }
}
