package org.transfer4j.nn;

import java.util.Arrays;
import java.util.List;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.FoldableConvolution;
import org.transfer4j.tensor.Device;
import org.transfer4j.tensor.Tensor;
import org.transfer4j.tensor.TensorScope;

/**
 * One step of an {@link InferenceModel}: a convolution and the layers after it that only transform its output
 * channel by channel, run as the bare convolution plus one {@code Backend.scaleShiftActivation} pass:
 *
 * <pre>
 *   [ZeroPadding2D] -> Conv2D | DepthwiseConv2D -> [BatchNormalization] -> [Add(residual)] -> [ReLU]
 *   y = clamp(conv(x) * scale[c] + shift[c] + residual, low, high)
 * </pre>
 *
 * In inference a batch normalisation is the per-channel map {@code z -> gamma (z - mean) / sqrt(var + eps) + beta},
 * so with the convolution's bias b: {@code scale = gamma / sqrt(var + eps)}, {@code shift = (b - mean) * scale
 * + beta}; without a batch norm, {@code shift = b} and there is no scale. The zero padding joins the
 * convolution's own, so the padded copy of the input is never made. The scale and the shift are computed once
 * on the host in double ({@link #refresh}), from the weights as they are then.
 */
final class ConvolutionEpilogue implements GraphStep {
    private final LayerCall convolution;
    private final FoldableConvolution layer;
    private final SymbolicTensor input;
    private final int[] pads;
    private final BatchNormalization batchNorm;
    private final SymbolicTensor residual;
    private final float low;
    private final float high;
    private final List<LayerCall> calls;
    private Tensor scale; // (C) or null
    private Tensor shift; // (C)

    /**
     * @param calls     the fused calls in graph order; the last one's output is this step's
     * @param input     what the convolution (or the zero padding before it) reads
     * @param pads      the zero padding's {top, bottom, left, right}, or zeros
     * @param batchNorm the batch normalisation after the convolution, or null
     * @param residual  the other input of the fused Add, or null
     */
    ConvolutionEpilogue(List<LayerCall> calls, LayerCall convolution, SymbolicTensor input, int[] pads,
                        BatchNormalization batchNorm, SymbolicTensor residual, float low, float high) {
        this.calls = List.copyOf(calls);
        this.convolution = convolution;
        this.layer = (FoldableConvolution) convolution.layer();
        this.input = input;
        this.pads = pads.clone();
        this.batchNorm = batchNorm;
        this.residual = residual;
        this.low = low;
        this.high = high;
        refresh();
    }

    @Override
    public List<SymbolicTensor> inputs() {
        return residual == null ? List.of(input) : List.of(input, residual);
    }

    @Override
    public SymbolicTensor output() {
        return calls.getLast().output();
    }

    /** Inference only (no tape): nothing is said about backward, so nothing is freed early on its account. */
    @Override
    public boolean backwardReadsInputs() {
        return true;
    }

    @Override
    public boolean backwardReadsOutput() {
        return true;
    }

    /** The names of the fused layers, joined by " + " ({@code "conv1_conv + conv1_bn + conv1_relu"}). */
    String describe() {
        return String.join(" + ", calls.stream().map(c -> c.layer().name()).toList());
    }

    boolean foldsBatchNorm() {
        return batchNorm != null;
    }

    @Override
    public Tensor run(List<Tensor> values, boolean modelTraining) {
        Tensor y = layer.convolveBare(values.getFirst(), pads);
        Tensor r = residual == null ? null : values.get(1).contiguous();
        if (!shift.device().equals(y.device())) { // the model moved since the last refresh; the copies are ours
            TensorScope.runOutside(() -> {
                Tensor movedScale = scale == null ? null : scale.to(y.device());
                Tensor movedShift = shift.to(y.device());
                release(scale);
                release(shift);
                scale = movedScale;
                shift = movedShift;
            });
        }
        y.backend().scaleShiftActivation(y, scale, shift, r, low, high);
        return y;
    }

    /** Computes the scale and the shift from the current bias and batch-norm weights (see the class comment). */
    void refresh() {
        int channels = convolution.output().shape()[convolution.output().shape().length - 1];
        double[] bias = new double[channels];
        if (layer.biasWeight() != null) {
            float[] b = layer.biasWeight().value().toArray();
            for (int c = 0; c < channels; c++) {
                bias[c] = b[c];
            }
        }
        Device device = ((Layer) layer).device();
        float[] shiftValues = new float[channels];
        if (batchNorm == null) {
            for (int c = 0; c < channels; c++) {
                shiftValues[c] = (float) bias[c];
            }
        } else {
            float[] gamma = batchNormVector("gamma", channels, 1f);
            float[] beta = batchNormVector("beta", channels, 0f);
            float[] mean = batchNormVector("moving_mean", channels, 0f);
            float[] variance = batchNormVector("moving_variance", channels, 1f);
            float[] scaleValues = new float[channels];
            for (int c = 0; c < channels; c++) {
                double s = gamma[c] / Math.sqrt((double) variance[c] + batchNorm.epsilon());
                scaleValues[c] = (float) s;
                shiftValues[c] = (float) ((bias[c] - mean[c]) * s + beta[c]);
            }
            release(scale);
            scale = TensorScope.outside(() -> Tensor.of(device, scaleValues, channels));
        }
        release(shift);
        shift = TensorScope.outside(() -> Tensor.of(device, shiftValues, channels)); // ours, not a caller's scope's
    }

    /** Frees the previous scale or shift now: on a GPU the garbage collector would not free it soon. */
    private static void release(Tensor old) {
        if (old != null) {
            old.close();
        }
    }

    /** A batch-norm weight's values, or {@code absent} in every channel when the layer has no such weight. */
    private float[] batchNormVector(String name, int channels, float absent) {
        for (Weight w : batchNorm.weights()) {
            if (w.name().equals(name)) {
                return w.value().toArray();
            }
        }
        float[] constant = new float[channels];
        Arrays.fill(constant, absent);
        return constant;
    }
}
