package org.transfer4j.applications;

import java.util.List;
import java.util.Map;
import org.transfer4j.nn.Layer;
import org.transfer4j.nn.SymbolicTensor;
import org.transfer4j.nn.layers.Activation;
import org.transfer4j.nn.layers.Add;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.Conv2D;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.nn.layers.GlobalAveragePooling2D;
import org.transfer4j.nn.layers.MaxPooling2D;
import org.transfer4j.nn.layers.ZeroPadding2D;
import org.transfer4j.tensor.Tensor;

/**
 * Keras' ResNet v1 family (He et al. 2015), layer for layer as {@code keras/src/applications/resnet.py}
 * ({@code ResNet(stack_fn, preact=False, use_bias=True, ...)}); build one with {@link ResNet50#builder()},
 * {@link ResNet101#builder()} or {@link ResNet152#builder()}.
 *
 * <p>The stem {@code conv1_pad} (3 each side), {@code conv1_conv} (7x7, stride 2, 64 filters), {@code conv1_bn},
 * {@code conv1_relu}, {@code pool1_pad}, {@code pool1_pool} (3x3 max, stride 2); then four stacks
 * {@code conv2..conv5} of bottleneck blocks {@code convS_blockB_}: {@code _1_conv} 1x1, {@code _2_conv} 3x3 "same",
 * {@code _3_conv} 1x1 to 4x the filters, each with its {@code _bn} (epsilon 1.001e-5) and, but the last, a
 * {@code _relu}; the first block of a stack has the projection shortcut {@code _0_conv} / {@code _0_bn} and
 * carries the stack's stride (1 for conv2, 2 after); then {@code _add} and {@code _out}. Every convolution has a
 * bias. The top is {@code avg_pool} and the Dense {@code predictions}; without it, pooling layers are named
 * {@code avg_pool} / {@code max_pool}. Input preprocessing: {@link Preprocessing#CAFFE}.
 */
public final class ResNet {
    private static final float BN_EPSILON = 1.001e-5f;
    /** Keras' {@code BASE_WEIGHTS_PATH} in {@code keras/src/applications/resnet.py}. */
    private static final String BASE_WEIGHTS_PATH =
            "https://storage.googleapis.com/tensorflow/keras-applications/resnet/";
    /** Keras' {@code WEIGHTS_HASHES} there (MD5s): model name to (with the top, without). */
    private static final Map<String, List<String>> WEIGHTS_HASHES = Map.of(
            "resnet50", List.of("2cb95161c43110f7111970584f804107", "4d473c1dd8becc155b73f8504c6f6626"),
            "resnet101", List.of("f1aeb4b969a6efcfb50fad2f0c20cfc5", "88cf7a10940856eca736dc7b7e228a21"),
            "resnet152", List.of("100835be76be38e30d865e96f2aaae62", "ee4c566cf9a93f14d82f913c2dc6dd0c"));

    private ResNet() {
    }

    /** Keras' {@code resnet.preprocess_input}: {@link Preprocessing#CAFFE}, {@code (N,H,W,3) -> (N,H,W,3)}. */
    public static Tensor preprocessInput(Tensor images) {
        return Preprocessing.CAFFE.apply(images);
    }

    /** The arguments of Keras' {@code ResNet50(...)} (and 101, 152); see {@link ApplicationBuilder}. */
    public static final class Builder extends ApplicationBuilder<Builder> {
        private final String modelName;
        /** Blocks in the stacks conv2, conv3, conv4, conv5. */
        private final int[] blocks;

        Builder(String family, String modelName, int... blocks) {
            super(family, Preprocessing.CAFFE);
            this.modelName = modelName;
            this.blocks = blocks.clone();
        }

        @Override
        String defaultName(int rows, int cols) {
            return modelName;
        }

        /**
         * As {@code resnet.py}: {@code BASE_WEIGHTS_PATH + model_name + "_weights_tf_dim_ordering_tf_kernels.h5"}, or
         * {@code _notop.h5} without the top, with the MD5 of {@code WEIGHTS_HASHES[model_name]}; one file for every
         * input size.
         */
        @Override
        PretrainedWeights imagenetWeights(int rows) {
            return PretrainedWeights.tfKernels(BASE_WEIGHTS_PATH, modelName, includeTop(), WEIGHTS_HASHES);
        }

        @Override
        SymbolicTensor assemble(SymbolicTensor input) {
            SymbolicTensor x = new ZeroPadding2D(3, 3, 3, 3).named("conv1_pad").apply(input);
            x = new Conv2D(64, 7).strides(2).useBias(true).named("conv1_conv").apply(x);
            x = batchNorm("conv1_bn").apply(x);
            x = new Activation("relu").named("conv1_relu").apply(x);
            x = new ZeroPadding2D(1, 1, 1, 1).named("pool1_pad").apply(x);
            x = new MaxPooling2D(3).strides(2).named("pool1_pool").apply(x);

            x = stack(x, 64, blocks[0], 1, "conv2");
            x = stack(x, 128, blocks[1], 2, "conv3");
            x = stack(x, 256, blocks[2], 2, "conv4");
            x = stack(x, 512, blocks[3], 2, "conv5");

            if (!includeTop()) {
                return pool(x, "avg_pool", "max_pool");
            }
            x = new GlobalAveragePooling2D().named("avg_pool").apply(x);
            return new Dense(classes()).activation(classifierActivation()).named("predictions").apply(x);
        }

        /** Keras' {@code stack_residual_blocks_v1}: block 1 with the projection shortcut and the stride, then identities. */
        private static SymbolicTensor stack(SymbolicTensor x, int filters, int count, int firstStride, String name) {
            x = block(x, filters, firstStride, true, name + "_block1");
            for (int i = 2; i <= count; i++) {
                x = block(x, filters, 1, false, name + "_block" + i);
            }
            return x;
        }

        /** Keras' {@code residual_block_v1(x, filters, kernel_size=3, stride, conv_shortcut, name)}. */
        private static SymbolicTensor block(SymbolicTensor x, int filters, int stride, boolean convShortcut, String name) {
            SymbolicTensor shortcut = x;
            if (convShortcut) {
                shortcut = new Conv2D(4 * filters, 1).strides(stride).named(name + "_0_conv").apply(x);
                shortcut = batchNorm(name + "_0_bn").apply(shortcut);
            }
            x = new Conv2D(filters, 1).strides(stride).named(name + "_1_conv").apply(x);
            x = batchNorm(name + "_1_bn").apply(x);
            x = new Activation("relu").named(name + "_1_relu").apply(x);
            x = new Conv2D(filters, 3).padding("same").named(name + "_2_conv").apply(x);
            x = batchNorm(name + "_2_bn").apply(x);
            x = new Activation("relu").named(name + "_2_relu").apply(x);
            x = new Conv2D(4 * filters, 1).named(name + "_3_conv").apply(x);
            x = batchNorm(name + "_3_bn").apply(x);
            x = new Add().named(name + "_add").apply(shortcut, x);
            return new Activation("relu").named(name + "_out").apply(x);
        }

        private static Layer batchNorm(String name) {
            return new BatchNormalization().epsilon(BN_EPSILON).named(name);
        }
    }
}
