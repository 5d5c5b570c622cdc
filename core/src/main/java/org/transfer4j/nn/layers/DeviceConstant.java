package org.transfer4j.nn.layers;

import java.util.Arrays;
import org.transfer4j.tensor.Device;
import org.transfer4j.tensor.Tensor;
import org.transfer4j.tensor.TensorScope;

/**
 * A constant that a layer's forward combines with its input (a ReLU's threshold, the ones standing in
 * for BatchNormalization's gamma when {@code scale} is off): its values are fixed when the layer is
 * built, and {@link #on} hands them out as a tensor on the input's device, so that an input on a GPU
 * meets a constant on the same GPU. The tensor is made the first time a device asks and reused while
 * the inputs stay there. Weights are not constants: they live where the model puts them.
 */
final class DeviceConstant {
    private final float[] values;
    private final int[] shape;
    private Tensor cached;

    /** The row-major {@code values} of a tensor of this shape. */
    DeviceConstant(float[] values, int... shape) {
        this.values = values.clone();
        this.shape = shape.clone();
    }

    /** A constant of this shape with every element {@code value}. */
    static DeviceConstant filled(float value, int... shape) {
        float[] values = new float[Arrays.stream(shape).reduce(1, Math::multiplyExact)];
        Arrays.fill(values, value);
        return new DeviceConstant(values, shape);
    }

    int[] shape() {
        return shape.clone();
    }

    /** The constant as a tensor on {@code device} (not recorded by autograd: it never requires grad). */
    Tensor on(Device device) {
        Tensor t = cached;
        if (t == null || !t.device().equals(device)) {
            t = TensorScope.outside(() -> Tensor.of(device, values, shape)); // the layer's, not the step's
            cached = t;
        }
        return t;
    }
}
