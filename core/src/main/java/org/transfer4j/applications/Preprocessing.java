package org.transfer4j.applications;

import org.transfer4j.ops.Arithmetic;
import org.transfer4j.ops.Gather;
import org.transfer4j.ops.Unary;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * The input preprocessing each Keras Application was trained with (Keras' {@code imagenet_utils.preprocess_input}
 * modes), applied to RGB pixels 0..255 in channels-last layout: {@code x (N,H,W,3)} or one image {@code (H,W,3)}
 * {@code -> y} of the same shape, float32, computed with the same float32 operations in the same order as
 * Keras, on the input's device. Each builder says which one its family uses ({@code builder.preprocessing()}).
 */
public enum Preprocessing {
    /**
     * Keras mode {@code "tf"} (MobileNet, MobileNetV2): {@code x / 127.5 - 1}, pixels in [-1, 1].
     * (Keras does not look at the channel count in this mode; here, as for the others, the last axis must be 3.)
     */
    MOBILENET {
        @Override
        Tensor compute(Tensor x) {
            return Unary.affine(Arithmetic.div(x, constant(x, 127.5f)), 1f, -1f);
        }
    },
    /**
     * Keras mode {@code "caffe"} (ResNet50/101/152, VGG16/19): RGB to BGR, then minus the ImageNet mean
     * pixel in BGR order {@code [103.939, 116.779, 123.68]}; no scaling.
     */
    CAFFE {
        @Override
        Tensor compute(Tensor x) {
            Tensor bgr = Gather.gather(x, -1, new int[] {2, 1, 0});
            return Arithmetic.sub(bgr, constant(x, 103.939f, 116.779f, 123.68f));
        }
    },
    /**
     * Keras mode {@code "torch"}: {@code x / 255}, then per RGB channel minus the ImageNet mean
     * {@code [0.485, 0.456, 0.406]} and divided by the ImageNet std {@code [0.229, 0.224, 0.225]}.
     * None of the families here was trained with it; it is PyTorch's torchvision convention.
     */
    TORCH {
        @Override
        Tensor compute(Tensor x) {
            Tensor scaled = Arithmetic.div(x, constant(x, 255f));
            Tensor centred = Arithmetic.sub(scaled, constant(x, 0.485f, 0.456f, 0.406f));
            return Arithmetic.div(centred, constant(x, 0.229f, 0.224f, 0.225f));
        }
    };

    /** The preprocessed images; see the constant's description for the formula. */
    abstract Tensor compute(Tensor x);

    /**
     * {@code images (N,H,W,3)} or {@code (H,W,3)}, RGB pixels 0..255 {@code -> (N,H,W,3)} / {@code (H,W,3)}
     * preprocessed for this family. The input is not changed (Keras' NumPy path writes over its input).
     */
    public Tensor apply(Tensor images) {
        int[] shape = images.shape();
        if ((shape.length != 3 && shape.length != 4) || shape[shape.length - 1] != 3) {
            throw ShapeMismatchException.of("Preprocessing." + name(),
                    "expects RGB images (N,H,W,3) or one image (H,W,3)", shape);
        }
        return compute(images);
    }

    /** These values as a float32 tensor {@code (values.length)} on {@code like}'s device (it broadcasts over channels). */
    private static Tensor constant(Tensor like, float... values) {
        return Tensor.of(like.device(), values, values.length);
    }
}
