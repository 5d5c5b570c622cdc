package org.transfer4j.nn;

import java.util.List;
import java.util.Optional;

/**
 * A placeholder for a batch in a functional graph (Keras' {@code KerasTensor}): it has a shape
 * (batch axis excluded) and remembers which layer call produced it. {@code layer.apply(x)} returns
 * one; {@code Model.of(inputs, outputs)} turns the graph between them into a model.
 */
public final class SymbolicTensor {
    private final int[] shape;
    private final LayerCall producer;

    SymbolicTensor(int[] shape, LayerCall producer) {
        this.shape = shape.clone();
        this.producer = producer;
    }

    /** The shape without the batch axis. */
    public int[] shape() {
        return shape.clone();
    }

    /** The layer whose call produced this tensor (an {@link InputLayer} for model inputs). */
    public Layer layer() {
        return producer.layer();
    }

    /**
     * The tensors the layer call that produced this one took, in call order; empty for a model input.
     * With {@link #layer()} this lets code outside the package walk a graph (e.g. to describe it in a
     * Keras model config).
     */
    public List<SymbolicTensor> inputs() {
        return producer.inputs();
    }

    /**
     * The mode the call that produced this tensor always runs in ({@code layer.apply(inputs, training)},
     * Keras' {@code training=} keyword), or empty when it follows the model's mode.
     */
    public Optional<Boolean> fixedTraining() {
        return Optional.ofNullable(producer.fixedTraining());
    }

    LayerCall producer() {
        return producer;
    }

    /** {@code (None, 32, 32, 3)}, as Keras prints shapes. */
    public String shapeString() {
        return LayerNames.batchShape(shape);
    }

    @Override
    public String toString() {
        return "SymbolicTensor(shape=" + shapeString() + ", from " + producer.layer().name() + ")";
    }
}
