package org.transfer4j.nn.layers;

import org.transfer4j.ops.Views;
import org.transfer4j.tensor.Tensor;

/**
 * Keras' {@code data_format} of a 2-D spatial layer. The layers compute NHWC; a {@link #CHANNELS_FIRST}
 * layer moves its input's channel axis last, {@code x (N,C,H,W) -> (N,H,W,C)}, runs that computation, and
 * moves the output's channel axis back, {@code (N,OH,OW,C') -> (N,C',OH,OW)}; its shapes (batch excluded)
 * go the same way. The permutes are recorded views, so gradients flow through them. Keras stores the
 * weights of a channels_first layer as those of a channels_last one (a Conv2D kernel is HWIO either way),
 * so the weights need no change.
 *
 * <p>Only rank-4 tensors (rank-3 shapes) are moved: an output without spatial axes, such as a global
 * pooling's {@code (N,C)}, is the same in both formats.
 */
enum DataFormat {
    CHANNELS_LAST,
    CHANNELS_FIRST;

    /** {@code "channels_last"} or {@code "channels_first"} ({@link LayerArgs#channelsFirst} checks it). */
    static DataFormat of(String keras) {
        return LayerArgs.channelsFirst(keras) ? CHANNELS_FIRST : CHANNELS_LAST;
    }

    /** Keras' spelling: {@code "channels_last"} or {@code "channels_first"}. */
    String keras() {
        return this == CHANNELS_FIRST ? "channels_first" : "channels_last";
    }

    /** The axes of an input, batch excluded, for error messages: {@code "(H,W,C)"} or {@code "(C,H,W)"}. */
    String axes() {
        return this == CHANNELS_FIRST ? "(C,H,W)" : "(H,W,C)";
    }

    /** {@code x (N,C,H,W) -> (N,H,W,C)} when channels_first; otherwise, or when x is not rank 4, x itself. */
    Tensor toLast(Tensor x) {
        return this == CHANNELS_FIRST && x.rank() == 4 ? Views.permute(x, 0, 2, 3, 1) : x;
    }

    /** {@code y (N,H,W,C) -> (N,C,H,W)} when channels_first; otherwise, or when y is not rank 4, y itself. */
    Tensor toFirst(Tensor y) {
        return this == CHANNELS_FIRST && y.rank() == 4 ? Views.permute(y, 0, 3, 1, 2) : y;
    }

    /** A shape without the batch, {@code (C,H,W) -> (H,W,C)} when channels_first; other ranks unchanged. */
    int[] toLast(int[] shape) {
        return this == CHANNELS_FIRST && shape.length == 3 ? new int[] {shape[1], shape[2], shape[0]} : shape;
    }

    /** A shape without the batch, {@code (H,W,C) -> (C,H,W)} when channels_first; other ranks unchanged. */
    int[] toFirst(int[] shape) {
        return this == CHANNELS_FIRST && shape.length == 3 ? new int[] {shape[2], shape[0], shape[1]} : shape;
    }
}
