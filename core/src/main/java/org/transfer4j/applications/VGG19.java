package org.transfer4j.applications;

import org.transfer4j.tensor.Tensor;

/**
 * Keras' {@code keras.applications.VGG19}: the VGG of {@link Vgg} with 2, 2, 4, 4, 4 convolutions in
 * blocks 1 to 5, model name {@code vgg19}. Input preprocessing: {@link Preprocessing#CAFFE}.
 * <pre>
 * Model model = VGG19.builder().includeTop(false).pooling(Pooling.MAX).build();
 * </pre>
 */
public final class VGG19 {
    private VGG19() {
    }

    /** A builder with Keras' defaults: the 1000-class top, 224x224x3. */
    public static Vgg.Builder builder() {
        return new Vgg.Builder("VGG19", "vgg19", 2, 2, 4, 4, 4);
    }

    /** Keras' {@code vgg19.preprocess_input}: {@link Preprocessing#CAFFE}, {@code (N,H,W,3) -> (N,H,W,3)}. */
    public static Tensor preprocessInput(Tensor images) {
        return Preprocessing.CAFFE.apply(images);
    }
}
