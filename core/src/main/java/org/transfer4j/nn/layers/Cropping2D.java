package org.transfer4j.nn.layers;

import org.transfer4j.nn.SingleInputLayer;
import org.transfer4j.ops.Views;
import org.transfer4j.tensor.Tensor;

/**
 * Keras {@code Cropping2D}: drops rows and columns at the borders of each image,
 * {@code x (N,H,W,C) -> y (N, H-top-bottom, W-left-right, C)}. The Keras forms of {@code cropping}
 * map to the constructors: {@code c} is {@code (c)}, {@code (h, w)} is {@code (h, w)} (symmetric),
 * {@code ((top, bottom), (left, right))} is {@code (top, bottom, left, right)}; the default crops
 * nothing, as in Keras. The output is a view of the input (its gradient goes back through the slices).
 * With {@code dataFormat("channels_first")}, {@code x (N,C,H,W) -> y (N, C, H-top-bottom, W-left-right)}
 * ({@link DataFormat}).
 */
public class Cropping2D extends SingleInputLayer {
    private final int top;
    private final int bottom;
    private final int left;
    private final int right;
    private DataFormat dataFormat = DataFormat.CHANNELS_LAST;

    public Cropping2D() {
        this(0);
    }

    public Cropping2D(int cropping) {
        this(cropping, cropping);
    }

    /** {@code rows} rows cut at the top and at the bottom, {@code cols} columns at the left and at the right. */
    public Cropping2D(int rows, int cols) {
        this(rows, rows, cols, cols);
    }

    public Cropping2D(int top, int bottom, int left, int right) {
        LayerArgs.nonNegative("Cropping2D cropping (top, bottom, left, right)", top, bottom, left, right);
        this.top = top;
        this.bottom = bottom;
        this.left = left;
        this.right = right;
    }

    /**
     * {@code "channels_last"} (the default, {@code (N,H,W,C)}) or {@code "channels_first"} ({@code (N,C,H,W)}):
     * see {@link DataFormat}.
     */
    public Cropping2D dataFormat(String value) {
        checkNotBuilt("dataFormat");
        this.dataFormat = DataFormat.of(value);
        return this;
    }

    /** {@code "channels_last"} or {@code "channels_first"}. */
    public String dataFormat() {
        return dataFormat.keras();
    }

    /** {@code {top, bottom, left, right}}. */
    public int[] cropping() {
        return new int[] {top, bottom, left, right};
    }

    @Override
    protected int[] outputShape(int[] in) {
        if (in.length != 3) {
            throw shapeError("Cropping2D expects " + dataFormat.axes() + " inputs", in);
        }
        int[] hwc = dataFormat.toLast(in);
        int h = hwc[0] - top - bottom;
        int w = hwc[1] - left - right;
        if (h < 1 || w < 1) {
            throw shapeError("cropping " + top + "+" + bottom + " rows and " + left + "+" + right
                    + " columns leaves nothing of the input", in);
        }
        return dataFormat.toFirst(new int[] {h, w, hwc[2]});
    }

    @Override
    protected Tensor forward(Tensor x, boolean training) {
        Tensor nhwc = dataFormat.toLast(x);
        Tensor rows = Views.slice(nhwc, 1, top, nhwc.shape(1) - bottom, 1);
        return dataFormat.toFirst(Views.slice(rows, 2, left, nhwc.shape(2) - right, 1));
    }
}
