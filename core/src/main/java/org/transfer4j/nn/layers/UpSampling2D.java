package org.transfer4j.nn.layers;

import java.util.Locale;
import org.transfer4j.nn.SingleInputLayer;
import org.transfer4j.ops.Views;
import org.transfer4j.tensor.Tensor;

/**
 * Keras {@code UpSampling2D} with nearest-neighbour interpolation: every pixel becomes a
 * {@code sizeH x sizeW} block, {@code x (N,H,W,C) -> y (N, H*sizeH, W*sizeW, C)} with
 * {@code y[n, i, j, c] = x[n, i / sizeH, j / sizeW, c]}. The default size is Keras' {@code (2, 2)}. With
 * {@code dataFormat("channels_first")}, {@code x (N,C,H,W) -> y (N, C, H*sizeH, W*sizeW)} ({@link DataFormat}).
 *
 * <p>Only {@code interpolation = "nearest"} (Keras' default) is supported: the other Keras modes
 * ("bilinear", ...) follow {@code tf.image.resize} conventions that no reference here checks, so they
 * are rejected rather than guessed.
 */
public class UpSampling2D extends SingleInputLayer {
    private static final String NEAREST = "nearest";

    private final int sizeH;
    private final int sizeW;
    private DataFormat dataFormat = DataFormat.CHANNELS_LAST;

    public UpSampling2D() {
        this(2);
    }

    public UpSampling2D(int size) {
        this(size, size);
    }

    public UpSampling2D(int sizeH, int sizeW) {
        LayerArgs.positive("UpSampling2D size", sizeH, sizeW);
        this.sizeH = sizeH;
        this.sizeW = sizeW;
    }

    /**
     * {@code "channels_last"} (the default, {@code (N,H,W,C)}) or {@code "channels_first"} ({@code (N,C,H,W)}):
     * see {@link DataFormat}.
     */
    public UpSampling2D dataFormat(String value) {
        checkNotBuilt("dataFormat");
        this.dataFormat = DataFormat.of(value);
        return this;
    }

    /** {@code "channels_last"} or {@code "channels_first"}. */
    public String dataFormat() {
        return dataFormat.keras();
    }

    /** Keras' {@code interpolation}; only {@code "nearest"} is supported. */
    public UpSampling2D interpolation(String keras) {
        checkNotBuilt("interpolation");
        if (keras == null || !NEAREST.equals(keras.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("UpSampling2D supports interpolation \"" + NEAREST + "\" only, got \""
                    + keras + "\"");
        }
        return this;
    }

    public String interpolation() {
        return NEAREST;
    }

    /** {@code {sizeH, sizeW}}. */
    public int[] size() {
        return new int[] {sizeH, sizeW};
    }

    @Override
    protected int[] outputShape(int[] in) {
        if (in.length != 3) {
            throw shapeError("UpSampling2D expects " + dataFormat.axes() + " inputs", in);
        }
        int[] hwc = dataFormat.toLast(in);
        int[] out = {Math.multiplyExact(hwc[0], sizeH), Math.multiplyExact(hwc[1], sizeW), hwc[2]};
        return dataFormat.toFirst(out);
    }

    /**
     * {@code (N,H,W,C) -> (N,H,1,W,1,C) -> broadcast (N,H,sizeH,W,sizeW,C) -> reshape (N,H*sizeH,W*sizeW,C)}:
     * row-major, the two repeat axes sit right after the axis they repeat. Views and a reshape only, so
     * the backward is theirs: the gradient of each block is summed back into its pixel.
     */
    @Override
    protected Tensor forward(Tensor x, boolean training) {
        Tensor nhwc = dataFormat.toLast(x);
        int[] s = nhwc.shape();
        Tensor blocks = Views.unsqueeze(Views.unsqueeze(nhwc, 2), 4);
        Tensor repeated = Views.broadcastTo(blocks, s[0], s[1], sizeH, s[2], sizeW, s[3]);
        return dataFormat.toFirst(Views.reshape(repeated, s[0], s[1] * sizeH, s[2] * sizeW, s[3]));
    }
}
