package org.transfer4j.backend;

/**
 * How a convolution or pooling window is padded, in Keras' words. {@code SAME} follows
 * TensorFlow: output size {@code ceil(in / stride)}, and when the total padding is odd the extra
 * row/column goes at the bottom/right (PyTorch would put it at the top/left).
 */
public sealed interface Padding {
    Padding SAME = new Same();
    Padding VALID = new Explicit(0, 0, 0, 0);

    /** Padding {@code {before, after}} of the rows (height axis). */
    int[] rows(int height, int window, int stride, int dilation);

    /** Padding {@code {before, after}} of the columns (width axis). */
    int[] cols(int width, int window, int stride, int dilation);

    static Padding explicit(int top, int bottom, int left, int right) {
        return new Explicit(top, bottom, left, right);
    }

    /** The same padding on all four sides, as PyTorch's {@code padding=p}. */
    static Padding explicit(int all) {
        return new Explicit(all, all, all, all);
    }

    record Same() implements Padding {
        @Override
        public int[] rows(int height, int window, int stride, int dilation) {
            return split(height, window, stride, dilation);
        }

        @Override
        public int[] cols(int width, int window, int stride, int dilation) {
            return split(width, window, stride, dilation);
        }

        private static int[] split(int in, int window, int stride, int dilation) {
            int effective = dilation * (window - 1) + 1;
            int out = (in + stride - 1) / stride;
            int total = Math.max((out - 1) * stride + effective - in, 0);
            return new int[] {total / 2, total - total / 2};
        }

        @Override
        public String toString() {
            return "same";
        }
    }

    record Explicit(int top, int bottom, int left, int right) implements Padding {
        public Explicit {
            if (top < 0 || bottom < 0 || left < 0 || right < 0) {
                throw new IllegalArgumentException("negative padding " + top + "," + bottom + "," + left + "," + right);
            }
        }

        @Override
        public int[] rows(int height, int window, int stride, int dilation) {
            return new int[] {top, bottom};
        }

        @Override
        public int[] cols(int width, int window, int stride, int dilation) {
            return new int[] {left, right};
        }
    }
}
