package org.transfer4j.nn.layers;

import org.transfer4j.backend.Padding;
import org.transfer4j.nn.SingleInputLayer;
import org.transfer4j.ops.Pool2d;
import org.transfer4j.tensor.Tensor;

/**
 * Keras {@code MaxPooling2D}: {@code x (N,H,W,C) -> y (N,OH,OW,C)}, the maximum of each window
 * (padded cells never win).
 * Defaults as in Keras: pool size {@code (2, 2)}, strides equal to the pool size unless set, padding
 * "valid" ({@code OH = (H - poolH) / strideH + 1}); "same" gives {@code OH = ceil(H / strideH)}.
 */
public class MaxPooling2D extends SingleInputLayer {
    private final int poolH;
    private final int poolW;
    private int strideH;
    private int strideW;
    private Padding padding = Padding.VALID;

    public MaxPooling2D() {
        this(2);
    }

    public MaxPooling2D(int poolSize) {
        this(poolSize, poolSize);
    }

    public MaxPooling2D(int poolH, int poolW) {
        LayerArgs.positive("MaxPooling2D poolSize", poolH, poolW);
        this.poolH = poolH;
        this.poolW = poolW;
        this.strideH = poolH; // Keras: strides=None means the pool size
        this.strideW = poolW;
    }

    public MaxPooling2D strides(int stride) {
        return strides(stride, stride);
    }

    public MaxPooling2D strides(int strideH, int strideW) {
        checkNotBuilt("strides");
        LayerArgs.positive("strides", strideH, strideW);
        this.strideH = strideH;
        this.strideW = strideW;
        return this;
    }

    /** {@code "valid"} or {@code "same"} (TensorFlow's: extra padding goes bottom/right). */
    public MaxPooling2D padding(String keras) {
        return padding(LayerArgs.padding(keras));
    }

    public MaxPooling2D padding(Padding value) {
        checkNotBuilt("padding");
        this.padding = value;
        return this;
    }

    /** {@code {poolH, poolW}}. */
    public int[] poolSize() {
        return new int[] {poolH, poolW};
    }

    /** {@code {strideH, strideW}}. */
    public int[] strides() {
        return new int[] {strideH, strideW};
    }

    @Override
    protected int[] outputShape(int[] in) {
        if (in.length != 3) {
            throw shapeError("MaxPooling2D expects (H,W,C) inputs", in);
        }
        int[] out = LayerArgs.windowOutput(padding, in[0], in[1], poolH, poolW, strideH, strideW, 1, 1);
        if (out[0] < 1 || out[1] < 1) {
            throw shapeError("the " + poolH + "x" + poolW + " pool with " + padding + " padding does not fit the input",
                    in);
        }
        return new int[] {out[0], out[1], in[2]};
    }

    @Override
    protected Tensor forward(Tensor x, boolean training) {
        return Pool2d.maxPool2d(x, poolH, poolW, strideH, strideW, padding);
    }
}
