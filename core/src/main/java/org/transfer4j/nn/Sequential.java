package org.transfer4j.nn;

import java.util.List;

/**
 * A plain stack of single-input layers (Keras' {@code Sequential}): each layer's output feeds the next.
 * It is a {@link Model} whose graph is a chain.
 *
 * <pre>
 * Model m = new Sequential(new int[] {28, 28, 1},
 *         new Conv2D(8, 3).activation("relu"), new Flatten(), new Dense(10));
 * </pre>
 */
public class Sequential extends Model {

    public Sequential(int[] inputShape, Layer... layers) {
        this(null, inputShape, layers);
    }

    public Sequential(String name, int[] inputShape, Layer... layers) {
        SymbolicTensor input = Input.of(inputShape);
        SymbolicTensor x = input;
        for (Layer layer : layers) {
            x = layer.apply(x);
        }
        super(name, List.of(input), List.of(x));
    }
}
