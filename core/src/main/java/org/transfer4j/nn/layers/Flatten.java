package org.transfer4j.nn.layers;

import org.transfer4j.nn.SingleInputLayer;
import org.transfer4j.ops.Views;
import org.transfer4j.tensor.Tensor;

/**
 * Keras {@code Flatten(data_format=None)}: {@code x (N, d1, ..., dk) -> y (N, d1 * ... * dk)} in row-major
 * order; an input with no axis besides the batch becomes {@code (N, 1)}, as in Keras. With
 * {@code channels_first} the channel axis is first moved last, so the order of the features matches a
 * {@code channels_last} model (Keras does the same).
 */
public class Flatten extends SingleInputLayer {
    private boolean channelsFirst;

    /** {@code "channels_last"} (the default) or {@code "channels_first"}. */
    public Flatten dataFormat(String value) {
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
        long n = 1;
        for (int d : in) {
            n *= d;
        }
        if (n > Integer.MAX_VALUE) {
            throw shapeError("the flattened size " + n + " does not fit an int", in);
        }
        return new int[] {(int) n};
    }

    @Override
    protected Tensor forward(Tensor x, boolean training) {
        if (x.rank() == 2) {
            return x;
        }
        int features = 1;
        for (int i = 1; i < x.rank(); i++) {
            features *= x.shape(i);
        }
        Tensor y = x;
        if (channelsFirst && x.rank() > 2) {
            int[] axes = new int[x.rank()]; // (0, 2, 3, ..., 1): channels last
            for (int i = 1; i < axes.length - 1; i++) {
                axes[i] = i + 1;
            }
            axes[axes.length - 1] = 1;
            y = Views.permute(x, axes);
        }
        return Views.reshape(y, x.shape(0), features);
    }
}
