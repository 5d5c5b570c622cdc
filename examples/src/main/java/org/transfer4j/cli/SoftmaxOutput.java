package org.transfer4j.cli;

import org.transfer4j.nn.Layer;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.SymbolicTensor;
import org.transfer4j.nn.layers.Activation;
import org.transfer4j.nn.layers.BaseConv2D;
import org.transfer4j.nn.layers.BaseDropout;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.nn.layers.Flatten;
import org.transfer4j.nn.layers.Reshape;
import org.transfer4j.nn.layers.Softmax;

/**
 * Whether a classifier gives probabilities or logits, told from its graph: its output comes from a softmax over
 * the last axis, as Keras Applications' models end ({@code Activation("softmax")}, a {@code Softmax} layer, or a
 * {@code Dense}/{@code Conv2D} with {@code activation="softmax"}), possibly followed by layers that leave each
 * last-axis slice as it is at inference ({@code Reshape}/{@code Flatten} keeping the last size, as MobileNet's
 * {@code (1,1,C) -> (C)}, and dropout). A nested model is looked into. The loss of such a model is computed
 * from probabilities ({@code SparseCategoricalCrossentropy(from_logits=False)}); softmax again over
 * probabilities would give a wrong loss.
 */
final class SoftmaxOutput {
    private SoftmaxOutput() {
    }

    /** True when the model's one output is a softmax over its last axis (see the class comment). */
    static boolean endsInSoftmax(Model model) {
        return model.outputs().size() == 1 && isSoftmax(model.output());
    }

    private static boolean isSoftmax(SymbolicTensor t) {
        Layer layer = t.layer();
        return switch (layer) {
            case Model nested -> nested.outputs().size() == 1 && isSoftmax(nested.output());
            // Keras counts the batch axis: -1 and rank (batch excluded) both name the last axis.
            case Softmax s -> s.axis() == -1 || s.axis() == t.shape().length;
            case Activation a -> "softmax".equals(a.activation());
            case Dense d -> "softmax".equals(d.activation());
            case BaseConv2D c -> "softmax".equals(c.activation());
            case Reshape r -> keepsLastAxis(t) && isSoftmax(t.inputs().getFirst());
            case Flatten f -> keepsLastAxis(t) && isSoftmax(t.inputs().getFirst());
            case BaseDropout<?> d -> isSoftmax(t.inputs().getFirst());
            default -> false;
        };
    }

    /** A reshape whose output's last size is its input's: every last-axis slice goes through whole. */
    private static boolean keepsLastAxis(SymbolicTensor t) {
        if (t.inputs().size() != 1) {
            return false;
        }
        int[] in = t.inputs().getFirst().shape();
        int[] out = t.shape();
        return in.length > 0 && out.length > 0 && in[in.length - 1] == out[out.length - 1];
    }
}
