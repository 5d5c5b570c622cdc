package org.transfer4j.nn;

/** Keras' {@code keras.Input(shape=...)}: the symbolic input of a functional model. */
public final class Input {
    private Input() {
    }

    /** A new input for batches of {@code (N, shape...)}, e.g. {@code Input.of(224, 224, 3)}. */
    public static SymbolicTensor of(int... shape) {
        return new InputLayer(shape).output();
    }

    /** A named input, e.g. {@code Input.of("image", 224, 224, 3)}. */
    public static SymbolicTensor of(String name, int... shape) {
        InputLayer layer = new InputLayer(shape);
        layer.named(name);
        return layer.output();
    }
}
