package org.transfer4j.nn.layers;

import org.transfer4j.tensor.Tensor;

/**
 * What {@link MaxPooling2D} and {@link AveragePooling2D} share, as Keras' {@code BasePooling}: the pool
 * size; strides, padding, data format and the output shape {@code x (N,H,W,C) -> y (N,OH,OW,C)} come from
 * {@link SlidingWindow2D}; a subclass only chooses the pooling op. Defaults as in Keras: strides equal to
 * the pool size unless set, padding "valid" ({@code OH = (H - poolH) / strideH + 1}); "same" gives
 * {@code OH = ceil(H / strideH)}. With {@code dataFormat("channels_first")},
 * {@code x (N,C,H,W) -> y (N,C,OH,OW)} ({@link DataFormat}).
 *
 * @param <T> the subclass itself ({@code MaxPooling2D extends Pooling2D<MaxPooling2D>}): see {@link SlidingWindow2D}
 */
public abstract class Pooling2D<T extends Pooling2D<T>> extends SlidingWindow2D<T> {

    /** Package-private: the subclasses are this package's two pooling layers; {@code layer} is the Keras class name. */
    Pooling2D(String layer, int poolH, int poolW) {
        super(layer, Window2D.pool(layer, poolH, poolW));
    }

    /** The pooling op over this window, {@code x (N,H,W,C) -> (N,OH,OW,C)}. */
    abstract Tensor pool(Tensor x, Window2D window);

    /** {@code {poolH, poolW}}. */
    public int[] poolSize() {
        return new int[] {window().height(), window().width()};
    }

    /** Pooling keeps the channels. */
    @Override
    final int outputChannels(int channels, int[] in) {
        return channels;
    }

    @Override
    final Tensor computeChannelsLast(Tensor x) {
        return pool(x, window());
    }
}
