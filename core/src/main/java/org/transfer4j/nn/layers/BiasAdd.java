package org.transfer4j.nn.layers;

import org.transfer4j.nn.Weight;
import org.transfer4j.ops.Arithmetic;
import org.transfer4j.tensor.Tensor;

/**
 * The bias of Conv2D, DepthwiseConv2D, SeparableConv2D and Dense: {@code y = z + bias} broadcast over the last
 * axis. {@code z} (the convolution's or the product's output) is the layer's own intermediate, and no backward
 * pass reads its values: the convolution's and the product's gradients read their inputs, the sum's only shapes.
 * So its storage is freed as soon as {@code y} exists: in a training step it would otherwise stay on the device
 * until the step's {@link org.transfer4j.tensor.TensorScope} closed (one activation-sized tensor per biased layer;
 * ResNet50's convolutions all have biases). The tape keeps {@code z} as an edge (its shape and grad function).
 */
final class BiasAdd {
    private BiasAdd() {
    }

    /** {@code z + bias}, or {@code z} itself without a bias; {@code z} must be the caller's own, seen by nobody else. */
    static Tensor onto(Tensor z, Weight bias) {
        if (bias == null) {
            return z;
        }
        Tensor y = Arithmetic.add(z, bias.value());
        z.close();
        return y;
    }
}
