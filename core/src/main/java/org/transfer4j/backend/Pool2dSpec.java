package org.transfer4j.backend;

/**
 * A resolved 2-D pooling window over NHWC input: {@code x (N,H,W,C) -> y (N,OH,OW,C)}.
 * Padded cells never take part: max ignores them and average divides by the number of real cells
 * in the window, as TensorFlow/Keras do with {@code padding="same"}.
 */
public record Pool2dSpec(Kind kind, int windowH, int windowW, int strideH, int strideW,
                         int padTop, int padBottom, int padLeft, int padRight) {

    public enum Kind { MAX, AVG }

    public Pool2dSpec {
        if (windowH < 1 || windowW < 1 || strideH < 1 || strideW < 1
                || padTop < 0 || padBottom < 0 || padLeft < 0 || padRight < 0) {
            throw new IllegalArgumentException("invalid pool2d spec " + this);
        }
    }

    /** Resolves {@code padding} for an input of {@code height x width}. */
    public static Pool2dSpec of(Kind kind, Padding padding, int height, int width,
                                int windowH, int windowW, int strideH, int strideW) {
        int[] r = padding.rows(height, windowH, strideH, 1);
        int[] c = padding.cols(width, windowW, strideW, 1);
        return new Pool2dSpec(kind, windowH, windowW, strideH, strideW, r[0], r[1], c[0], c[1]);
    }

    public int outHeight(int h) {
        return Math.floorDiv(h + padTop + padBottom - windowH, strideH) + 1;
    }

    public int outWidth(int w) {
        return Math.floorDiv(w + padLeft + padRight - windowW, strideW) + 1;
    }
}
