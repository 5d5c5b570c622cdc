package org.transfer4j.applications;

import org.transfer4j.tensor.Tensor;

/**
 * Keras' {@code keras.applications.ResNet101}: the ResNet v1 of {@link ResNet} with 3, 4, 23 and 3 bottleneck blocks in
 * the stacks conv2 to conv5, model name {@code resnet101}. Input preprocessing: {@link Preprocessing#CAFFE}.
 * <pre>
 * Model model = ResNet101.builder().includeTop(false).pooling(Pooling.AVG).build();
 * </pre>
 */
public final class ResNet101 {
    private ResNet101() {
    }

    /** A builder with Keras' defaults: the 1000-class top, 224x224x3. */
    public static ResNet.Builder builder() {
        return new ResNet.Builder("ResNet101", "resnet101", 3, 4, 23, 3);
    }

    /** Keras' {@code resnet.preprocess_input}: {@link Preprocessing#CAFFE}, {@code (N,H,W,3) -> (N,H,W,3)}. */
    public static Tensor preprocessInput(Tensor images) {
        return Preprocessing.CAFFE.apply(images);
    }
}
