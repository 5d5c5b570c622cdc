package org.transfer4j.nn;

import org.transfer4j.nn.layers.Activation;
import org.transfer4j.nn.layers.ReLU;

/**
 * The activations that are a clamp, {@code y = min(max(x, low), high)}, and their bounds {@code {low, high}}: what a
 * fused step can apply in another op's output pass ({@link InferenceModel}'s convolution epilogue, a batch norm in
 * training in {@link ClampedBatchNorm}, a residual sum in {@link ClampedAdd}). ReLU is {@code 0, +inf}, ReLU6
 * {@code 0, 6}, linear {@code -inf, +inf}.
 */
final class ClampBounds {
    private ClampBounds() {
    }

    /** {@code {low, high}} of a ReLU layer (no threshold, no slope) or an activation layer that clamps, else null. */
    static float[] of(Layer layer) {
        return switch (layer) {
            case ReLU relu when relu.threshold() == 0f && relu.negativeSlope() == 0f -> new float[] {0f, relu.maxValue()};
            case Activation a -> ofName(a.activation());
            default -> null;
        };
    }

    /** {@code {low, high}} of a Keras activation name that is a clamp (null, Keras' None, is linear), else null. */
    static float[] ofName(String name) {
        if (name == null) {
            return new float[] {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
        }
        return switch (name) {
            case "linear" -> new float[] {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
            case "relu" -> new float[] {0f, Float.POSITIVE_INFINITY};
            case "relu6" -> new float[] {0f, 6f};
            default -> null;
        };
    }

    /** Whether {@code bounds} clamp at all (not {@code -inf, +inf}). */
    static boolean clamps(float[] bounds) {
        return bounds[0] != Float.NEGATIVE_INFINITY || bounds[1] != Float.POSITIVE_INFINITY;
    }
}
