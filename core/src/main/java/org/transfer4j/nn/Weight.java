package org.transfer4j.nn;

import java.util.Arrays;
import org.transfer4j.autograd.NoGrad;
import org.transfer4j.tensor.Device;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * One named variable of a layer: a Conv2D {@code kernel (KH,KW,C,OC)}, a Dense {@code bias (units)},
 * a BatchNormalization {@code moving_mean (C)}. Its value is a leaf tensor that requires grad exactly
 * when the weight is trainable, so a frozen layer costs no gradient work.
 *
 * <p>A weight is trainable when its kind is (moving statistics never are) and its layer is.
 */
public final class Weight {
    private final Layer layer;
    private final String name;
    private final boolean trainableKind;
    private Tensor value;

    Weight(Layer layer, String name, Tensor value, boolean trainableKind) {
        this.layer = layer;
        this.name = name;
        this.value = value;
        this.trainableKind = trainableKind;
        refreshRequiresGrad();
    }

    /** The Keras weight name within its layer: {@code kernel}, {@code bias}, {@code gamma}, {@code moving_mean}. */
    public String name() {
        return name;
    }

    public Layer layer() {
        return layer;
    }

    /** {@code layerName/weightName}, e.g. {@code conv1/kernel}: how models address weights. */
    public String path() {
        return layer.name() + "/" + name;
    }

    /** The current value; optimizers update it in place. */
    public Tensor value() {
        return value;
    }

    public int[] shape() {
        return value.shape();
    }

    public int numel() {
        return value.numel();
    }

    /** True unless the weight is a statistic (moving mean/variance) or its layer is frozen. */
    public boolean isTrainable() {
        return trainableKind && layer.isTrainable();
    }

    /** Whether an optimizer may ever train this weight (false for moving statistics, whatever the layer). */
    public boolean isTrainableKind() {
        return trainableKind;
    }

    /**
     * Copies {@code source} (same shape, any device: one from elsewhere, e.g. weights read from a file on the
     * host, is moved to this weight's device first) into this weight's value, outside the tape.
     */
    public void assign(Tensor source) {
        if (!Arrays.equals(source.shape(), value.shape())) {
            throw ShapeMismatchException.of(path(), "cannot assign a value of another shape to this weight",
                    value.shape(), source.shape());
        }
        try (NoGrad ignored = NoGrad.enter()) {
            value.backend().copy(source.to(value.device()), value);
        }
    }

    /** Copies row-major {@code data} into this weight's value. */
    public void assign(float[] data) {
        if (data.length != value.numel()) {
            throw new ShapeMismatchException(path() + ": expected " + value.numel() + " values for shape "
                    + Arrays.toString(value.shape()) + ", got " + data.length);
        }
        assign(Tensor.of(value.device(), data, value.shape()));
    }

    /**
     * Replaces the value by a copy on {@code device} (nothing when it is there already), outside the tape;
     * the copy requires grad as the old value did, and the old value's gradient is dropped.
     */
    void moveTo(Device device) {
        if (value.device().equals(device)) {
            return;
        }
        try (NoGrad ignored = NoGrad.enter()) {
            value = value.detach().to(device);
        }
        refreshRequiresGrad();
    }

    /** Called when the layer's trainable flag changes: only trainable weights collect gradients. */
    void refreshRequiresGrad() {
        value.requiresGrad(isTrainable());
        if (!isTrainable()) {
            value.zeroGrad();
        }
    }

    @Override
    public String toString() {
        return "Weight(" + path() + ", shape " + Arrays.toString(value.shape())
                + (isTrainable() ? ", trainable)" : ", frozen)");
    }
}
