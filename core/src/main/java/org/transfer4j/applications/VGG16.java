package org.transfer4j.applications;

import org.transfer4j.tensor.Tensor;

/**
 * Keras' {@code keras.applications.VGG16}: the VGG of {@link Vgg} with 2, 2, 3, 3, 3 convolutions in
 * blocks 1 to 5, model name {@code vgg16}. Input preprocessing: {@link Preprocessing#CAFFE}.
 * <pre>
 * Model model = VGG16.builder().includeTop(false).pooling(Pooling.MAX).build();
 * </pre>
 */
public final class VGG16 {
    private VGG16() {
    }

    /** A builder with Keras' defaults: the 1000-class top, 224x224x3. */
    public static Vgg.Builder builder() {
        return new Vgg.Builder("VGG16", "vgg16", 2, 2, 3, 3, 3);
    }

    /** Keras' {@code vgg16.preprocess_input}: {@link Preprocessing#CAFFE}, {@code (N,H,W,3) -> (N,H,W,3)}. */
    public static Tensor preprocessInput(Tensor images) {
        return Preprocessing.CAFFE.apply(images);
    }
}
