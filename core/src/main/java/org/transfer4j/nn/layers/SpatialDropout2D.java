package org.transfer4j.nn.layers;

import org.transfer4j.tensor.Tensor;

/**
 * Keras {@code SpatialDropout2D(rate, data_format=None, seed=None)}: dropout of whole feature maps,
 * {@code x (N,H,W,C) -> y (N,H,W,C)}. In training one draw per sample and channel, a mask {@code (N,1,1,C)}
 * ({@code (N,C,1,1)} for {@code channels_first}), zeroes a channel with probability {@code rate} and scales
 * the kept ones by {@code 1 / (1 - rate)}; at inference it is the identity. Neighbouring pixels of a
 * feature map are strongly correlated, so dropping single pixels would hardly regularise a conv net
 * (Tompson et al. 2015). Rate and seed work as described on {@link BaseDropout}.
 */
public class SpatialDropout2D extends BaseDropout<SpatialDropout2D> {
    private boolean channelsFirst;

    public SpatialDropout2D(float rate) {
        super(rate);
    }

    /** {@code "channels_last"} (the default, NHWC) or {@code "channels_first"} (NCHW). */
    public SpatialDropout2D dataFormat(String value) {
        checkNotBuilt("dataFormat");
        this.channelsFirst = LayerArgs.channelsFirst(value);
        return this;
    }

    /** {@code "channels_last"} or {@code "channels_first"}. */
    public String dataFormat() {
        return channelsFirst ? "channels_first" : "channels_last";
    }

    @Override
    protected int[] outputShape(int[] in) {
        if (in.length != 3) {
            throw shapeError("SpatialDropout2D expects inputs of rank 4, " + (channelsFirst ? "(N,C,H,W)" : "(N,H,W,C)"),
                    in);
        }
        return in.clone();
    }

    /** One draw per sample and channel: {@code (N,1,1,C)}, or {@code (N,C,1,1)} for channels_first. */
    @Override
    int[] maskShape(Tensor x) {
        int n = x.shape(0);
        return channelsFirst ? new int[] {n, x.shape(1), 1, 1} : new int[] {n, 1, 1, x.shape(3)};
    }
}
