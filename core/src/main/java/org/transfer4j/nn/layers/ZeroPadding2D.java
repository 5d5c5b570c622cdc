package org.transfer4j.nn.layers;

import org.transfer4j.nn.SingleInputLayer;
import org.transfer4j.ops.Pad;
import org.transfer4j.tensor.Tensor;

/**
 * Keras {@code ZeroPadding2D}: rows and columns of zeros around each image,
 * {@code x (N,H,W,C) -> y (N, top+H+bottom, left+W+right, C)}. The Keras forms of {@code padding}
 * map to the constructors: {@code p} is {@code (p)}, {@code (h, w)} is {@code (h, w)} (symmetric),
 * {@code ((top, bottom), (left, right))} is {@code (top, bottom, left, right)}; the default is
 * Keras' {@code (1, 1)}. With {@code dataFormat("channels_first")}, {@code x (N,C,H,W) -> y (N, C, top+H+bottom,
 * left+W+right)} ({@link DataFormat}).
 */
public class ZeroPadding2D extends SingleInputLayer {
    private final int top;
    private final int bottom;
    private final int left;
    private final int right;
    private DataFormat dataFormat = DataFormat.CHANNELS_LAST;

    public ZeroPadding2D() {
        this(1);
    }

    public ZeroPadding2D(int padding) {
        this(padding, padding);
    }

    /** {@code rows} zeros above and below, {@code cols} zeros left and right. */
    public ZeroPadding2D(int rows, int cols) {
        this(rows, rows, cols, cols);
    }

    public ZeroPadding2D(int top, int bottom, int left, int right) {
        LayerArgs.nonNegative("ZeroPadding2D padding (top, bottom, left, right)", top, bottom, left, right);
        this.top = top;
        this.bottom = bottom;
        this.left = left;
        this.right = right;
    }

    /**
     * {@code "channels_last"} (the default, {@code (N,H,W,C)}) or {@code "channels_first"} ({@code (N,C,H,W)}):
     * see {@link DataFormat}.
     */
    public ZeroPadding2D dataFormat(String value) {
        checkNotBuilt("dataFormat");
        this.dataFormat = DataFormat.of(value);
        return this;
    }

    /** {@code "channels_last"} or {@code "channels_first"}. */
    public String dataFormat() {
        return dataFormat.keras();
    }

    /** {@code {top, bottom, left, right}}. */
    public int[] padding() {
        return new int[] {top, bottom, left, right};
    }

    @Override
    protected int[] outputShape(int[] in) {
        if (in.length != 3) {
            throw shapeError("ZeroPadding2D expects " + dataFormat.axes() + " inputs", in);
        }
        int[] hwc = dataFormat.toLast(in);
        return dataFormat.toFirst(new int[] {hwc[0] + top + bottom, hwc[1] + left + right, hwc[2]});
    }

    /** Its gradient is the interior of the output's: no values are read. */
    @Override
    protected boolean backwardReadsInputs() {
        return false;
    }

    @Override
    protected boolean backwardReadsOutput() {
        return false;
    }

    @Override
    protected Tensor forward(Tensor x, boolean training) {
        Tensor y = Pad.pad(dataFormat.toLast(x), new int[][] {{0, 0}, {top, bottom}, {left, right}, {0, 0}}, 0f);
        return dataFormat.toFirst(y);
    }
}
