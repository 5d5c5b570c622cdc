package org.transfer4j.nn.layers;

/**
 * Keras' axis arguments ({@code Softmax(axis)}, {@code Concatenate(axis)}, {@code Normalization(axis)}):
 * they count the batch axis as 0 and negative values from the end, so they index the full tensor
 * {@code (N, d1, ..., dk)} of rank {@code k + 1}.
 */
final class KerasAxis {
    private KerasAxis() {
    }

    /** {@code axis} as an index in {@code [0, rank)} of a tensor of this rank (batch included), or -1 when out of range. */
    static int resolve(int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        return a >= 0 && a < rank ? a : -1;
    }
}
