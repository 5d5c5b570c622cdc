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
 */
public class Cropping2D extends SingleInputLayer {
    private final int top;
    private final int bottom;
    private final int left;
    private final int right;

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

    /** {@code {top, bottom, left, right}}. */
    public int[] cropping() {
        return new int[] {top, bottom, left, right};
    }

    @Override
    protected int[] outputShape(int[] in) {
        if (in.length != 3) {
            throw shapeError("Cropping2D expects (H,W,C) inputs", in);
        }
        int h = in[0] - top - bottom;
        int w = in[1] - left - right;
        if (h < 1 || w < 1) {
            throw shapeError("cropping " + top + "+" + bottom + " rows and " + left + "+" + right
                    + " columns leaves nothing of the input", in);
        }
        return new int[] {h, w, in[2]};
    }

    @Override
    protected Tensor forward(Tensor x, boolean training) {
        Tensor rows = Views.slice(x, 1, top, x.shape(1) - bottom, 1);
        return Views.slice(rows, 2, left, x.shape(2) - right, 1);
    }
}
