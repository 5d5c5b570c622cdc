package org.transfer4j.nn;

import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/** Creates the starting value of a weight (Keras' {@code keras.initializers}); see {@link Initializers}. */
@FunctionalInterface
public interface Initializer {
    /** A new tensor of this shape; random initialisers draw from {@code gen}. */
    Tensor create(int[] shape, Generator gen);
}
