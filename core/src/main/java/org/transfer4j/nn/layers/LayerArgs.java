package org.transfer4j.nn.layers;

import java.util.Arrays;
import java.util.Locale;
import org.transfer4j.backend.Padding;

/** Checks and conversions of layer arguments shared by several layers. */
final class LayerArgs {
    private LayerArgs() {
    }

    /** Keras' padding strings: {@code "valid"} or {@code "same"}. */
    static Padding padding(String keras) {
        return switch (keras == null ? "" : keras.toLowerCase(Locale.ROOT)) {
            case "valid" -> Padding.VALID;
            case "same" -> Padding.SAME;
            default -> throw new IllegalArgumentException("padding must be \"valid\" or \"same\", got \"" + keras + "\"");
        };
    }

    static void positive(String argument, int... values) {
        for (int v : values) {
            if (v < 1) {
                throw new IllegalArgumentException(argument + " must be positive, got " + Arrays.toString(values));
            }
        }
    }

    /** Output size of a window sliding over a (padded) axis: {@code floor((in - dilation*(k-1) - 1) / stride) + 1}. */
    static int outSize(int paddedIn, int window, int stride, int dilation) {
        return Math.floorDiv(paddedIn - dilation * (window - 1) - 1, stride) + 1;
    }

    // ---- spatial layers (DepthwiseConv2D, SeparableConv2D, pooling, padding, cropping) ---------------

    static void nonNegative(String argument, int... values) {
        for (int v : values) {
            if (v < 0) {
                throw new IllegalArgumentException(argument + " must be non-negative, got " + Arrays.toString(values));
            }
        }
    }

    /**
     * {@code {OH, OW}} of a {@code windowH x windowW} window (dilated) moved over an {@code H x W} input
     * with this padding; either may be {@code < 1} when the window does not fit, for the caller to report.
     */
    static int[] windowOutput(Padding padding, int height, int width, int windowH, int windowW, int strideH,
                              int strideW, int dilationH, int dilationW) {
        int[] rows = padding.rows(height, windowH, strideH, dilationH);
        int[] cols = padding.cols(width, windowW, strideW, dilationW);
        return new int[] {
            outSize(height + rows[0] + rows[1], windowH, strideH, dilationH),
            outSize(width + cols[0] + cols[1], windowW, strideW, dilationW)};
    }
}
