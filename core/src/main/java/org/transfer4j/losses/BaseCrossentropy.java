package org.transfer4j.losses;

/**
 * The arguments {@link BinaryCrossentropy} and {@link CategoricalCrossentropy} share, as in Keras:
 * {@code from_logits} (predictions are logits rather than probabilities) and {@code label_smoothing}
 * in {@code [0, 1]} (each loss applies it to its targets in its own way, stated on its class).
 */
abstract sealed class BaseCrossentropy implements Loss permits BinaryCrossentropy, CategoricalCrossentropy {
    final boolean fromLogits;
    final float labelSmoothing;

    BaseCrossentropy(boolean fromLogits, float labelSmoothing) {
        this.fromLogits = fromLogits;
        this.labelSmoothing = LossArgs.labelSmoothing(getClass().getSimpleName(), labelSmoothing);
    }

    public boolean fromLogits() {
        return fromLogits;
    }

    public float labelSmoothing() {
        return labelSmoothing;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(fromLogits=" + fromLogits + ", labelSmoothing=" + labelSmoothing + ")";
    }
}
