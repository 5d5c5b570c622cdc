package org.transfer4j.applications;

import java.util.List;
import java.util.Map;
import org.transfer4j.nn.SymbolicTensor;
import org.transfer4j.nn.layers.Conv2D;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.nn.layers.Flatten;
import org.transfer4j.nn.layers.MaxPooling2D;

/**
 * Keras' VGG family (Simonyan and Zisserman 2014), layer for layer as {@code keras/src/applications/vgg16.py}
 * and {@code vgg19.py}; build one with {@link VGG16#builder()} or {@link VGG19#builder()}.
 *
 * <p>Five blocks of 3x3 "same" convolutions with ReLU, {@code blockB_convC} (64, 128, 256, 512 and 512
 * filters), each block ending with the 2x2 max pooling {@code blockB_pool}. The top is {@code flatten},
 * the Dense {@code fc1} and {@code fc2} (4096 units, ReLU) and the Dense {@code predictions}; so the top's
 * weights depend on the input size, which is why it needs 224x224. Without the top, the pooling layers have
 * automatic names, as in Keras. Input preprocessing: {@link Preprocessing#CAFFE}.
 */
public final class Vgg {
    private static final int[] FILTERS = {64, 128, 256, 512, 512};
    /**
     * The {@code file_hash} (MD5s) of {@code keras/src/applications/vgg16.py} and {@code vgg19.py}: model name to
     * (with the top, without).
     */
    private static final Map<String, List<String>> WEIGHTS_HASHES = Map.of(
            "vgg16", List.of("64373286793e3c8b2b4e3219cbf3544b", "6d6bbae143d832006294945121d1f1fc"),
            "vgg19", List.of("cbe5617147190e668d6c5d5026f83318", "253f8cb515780f3b799900260a226db6"));

    private Vgg() {
    }

    /** The arguments of Keras' {@code VGG16(...)} and {@code VGG19(...)}; see {@link ApplicationBuilder}. */
    public static final class Builder extends ApplicationBuilder<Builder> {
        private final String modelName;
        /** Convolutions in blocks 1 to 5. */
        private final int[] convolutions;

        Builder(String family, String modelName, int... convolutions) {
            super(family, Preprocessing.CAFFE);
            this.modelName = modelName;
            this.convolutions = convolutions.clone();
        }

        @Override
        String defaultName(int rows, int cols) {
            return modelName;
        }

        /**
         * As {@code vgg16.py} / {@code vgg19.py}: {@code WEIGHTS_PATH} and {@code WEIGHTS_PATH_NO_TOP},
         * {@code https://storage.googleapis.com/tensorflow/keras-applications/<name>/<name>_weights_tf_dim_ordering_tf_kernels.h5}
         * ({@code _notop.h5} without the top), with Keras' MD5; one file for every input size.
         */
        @Override
        PretrainedWeights imagenetWeights(int rows) {
            return PretrainedWeights.tfKernels("https://storage.googleapis.com/tensorflow/keras-applications/" + modelName
                    + "/", modelName, includeTop(), WEIGHTS_HASHES);
        }

        @Override
        SymbolicTensor assemble(SymbolicTensor input) {
            SymbolicTensor x = input;
            for (int b = 1; b <= FILTERS.length; b++) {
                for (int c = 1; c <= convolutions[b - 1]; c++) {
                    x = new Conv2D(FILTERS[b - 1], 3).activation("relu").padding("same")
                            .named("block" + b + "_conv" + c).apply(x);
                }
                x = new MaxPooling2D(2).strides(2).named("block" + b + "_pool").apply(x);
            }
            if (!includeTop()) {
                return pool(x, null, null);
            }
            x = new Flatten().named("flatten").apply(x);
            x = new Dense(4096).activation("relu").named("fc1").apply(x);
            x = new Dense(4096).activation("relu").named("fc2").apply(x);
            return new Dense(classes()).activation(classifierActivation()).named("predictions").apply(x);
        }
    }
}
