package org.transfer4j.nn.layers;

import org.transfer4j.nn.Activations;
import org.transfer4j.nn.Weight;
import org.transfer4j.tensor.Tensor;

/**
 * A convolution whose epilogue an {@link org.transfer4j.nn.InferenceModel} can take over: {@link Conv2D} and
 * {@link DepthwiseConv2D}. It runs the bare convolution ({@link #convolveBare}) and then, in one pass, what
 * the layers after it would add: this layer's bias, a batch normalisation, a residual and a ReLU
 * ({@code Backend.scaleShiftActivation}). A {@code ZeroPadding2D} before it joins the convolution's own
 * padding, so the padded copy is never made.
 */
public interface FoldableConvolution {

    /** The bias {@code (C')}, or null without one. */
    Weight biasWeight();

    /** Keras' name of this layer's own activation ({@code "linear"} when none). */
    String activation();

    /** True for channels_last data, the only layout the epilogue takes. */
    boolean isChannelsLast();

    /**
     * This layer's convolution without bias and activation, of {@code x (N,H,W,C)} (channels_last) padded first
     * with {@code pads = {top, bottom, left, right}} zero rows and columns: {@code -> (N,OH,OW,C')}, what the
     * layer computes, before its bias, on the padded input.
     */
    Tensor convolveBare(Tensor x, int[] pads);

    /**
     * The layer's whole computation (bias and activation included) on {@code x (N,H,W,C)} padded first with
     * {@code pads} zeros, without making the padded copy: what a {@code ZeroPadding2D} then this layer compute.
     */
    default Tensor forwardPadded(Tensor x, int[] pads) {
        return Activations.get(activation()).apply(BiasAdd.onto(convolveBare(x, pads), biasWeight()));
    }
}
