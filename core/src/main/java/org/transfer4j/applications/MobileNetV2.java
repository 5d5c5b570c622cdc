package org.transfer4j.applications;

import java.util.Locale;
import org.transfer4j.nn.Layer;
import org.transfer4j.nn.SymbolicTensor;
import org.transfer4j.nn.layers.Add;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.Conv2D;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.nn.layers.DepthwiseConv2D;
import org.transfer4j.nn.layers.GlobalAveragePooling2D;
import org.transfer4j.nn.layers.ReLU;
import org.transfer4j.nn.layers.ZeroPadding2D;
import org.transfer4j.tensor.Tensor;

/**
 * Keras' {@code keras.applications.MobileNetV2} (Sandler et al. 2018), layer for layer as
 * {@code keras/src/applications/mobilenet_v2.py}:
 * <pre>
 * Model model = MobileNetV2.builder().alpha(1.0).includeTop(false).pooling(Pooling.AVG).build();
 * </pre>
 * The stem {@code Conv1} / {@code bn_Conv1} / {@code Conv1_relu}, then 17 inverted residual blocks
 * ({@code expanded_conv_} for block 0, {@code block_N_} after): a 1x1 {@code expand} (not in block 0),
 * a 3x3 {@code depthwise} (stride 2 blocks first pad with {@code pad}, Keras' {@code correct_pad}), a 1x1
 * linear {@code project}, and an {@code add} of the block's input when shapes allow; then {@code Conv_1} /
 * {@code Conv_1_bn} / {@code out_relu}. Every BatchNormalization has epsilon 1e-3 and momentum 0.999, every
 * activation is {@code ReLU(6.)}. The top is a global average pooling and the Dense {@code predictions}.
 * Channel counts are rounded to multiples of 8 ({@code _make_divisible}). Input preprocessing:
 * {@link Preprocessing#MOBILENET}.
 */
public final class MobileNetV2 {
    private MobileNetV2() {
    }

    /** A builder with Keras' defaults: alpha 1.0, the 1000-class top, 224x224x3. */
    public static Builder builder() {
        return new Builder();
    }

    /** Keras' {@code mobilenet_v2.preprocess_input}: {@link Preprocessing#MOBILENET}, {@code (N,H,W,3) -> (N,H,W,3)}. */
    public static Tensor preprocessInput(Tensor images) {
        return Preprocessing.MOBILENET.apply(images);
    }

    /**
     * Keras' {@code _make_divisible(v, divisor)}: v rounded to the nearest multiple of {@code divisor} (halves up),
     * at least {@code divisor}, and one more multiple if rounding lost more than 10% of v.
     */
    static int makeDivisible(double v, int divisor) {
        int rounded = Math.max(divisor, (int) (v + divisor / 2.0) / divisor * divisor);
        return rounded < 0.9 * v ? rounded + divisor : rounded;
    }

    /**
     * Keras' {@code imagenet_utils.correct_pad(inputs, kernel_size)} for a square kernel: the
     * {@code ((top, bottom), (left, right))} zero padding before a stride-2 "valid" convolution, one less on
     * the top (left) when the height (width) is even; returned as {@code {top, bottom, left, right}}.
     */
    static int[] correctPad(int height, int width, int kernel) {
        int correct = kernel / 2;
        return new int[] {correct - (1 - height % 2), correct, correct - (1 - width % 2), correct};
    }

    /** The arguments of Keras' {@code MobileNetV2(...)}; see {@link ApplicationBuilder} for those all families share. */
    public static final class Builder extends ApplicationBuilder<Builder> {
        /** The widths that have Keras ImageNet weights; Keras (with them) refuses any other. */
        private static final double[] ALPHAS = {0.35, 0.50, 0.75, 1.0, 1.3, 1.4};
        /** Keras' {@code BASE_WEIGHT_PATH} in {@code keras/src/applications/mobilenet_v2.py}. */
        private static final String BASE_WEIGHT_PATH =
                "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/";
        private static final float BN_EPSILON = 1e-3f;
        private static final float BN_MOMENTUM = 0.999f;

        private double alpha = 1.0;

        private Builder() {
            super("MobileNetV2", Preprocessing.MOBILENET, 96, 128, 160, 192, 224);
        }

        /** The width multiplier; one of 0.35, 0.5, 0.75, 1.0, 1.3, 1.4. Default 1.0. */
        public Builder alpha(double value) {
            this.alpha = value;
            return this;
        }

        @Override
        void checkFamilyArguments() {
            checkAlpha(alpha, ALPHAS);
        }

        /** {@code mobilenetv2_<alpha:.2f>_<rows>}, rows 224 when the input is none of the weight files' sizes (as Keras). */
        @Override
        String defaultName(int rows, int cols) {
            return String.format(Locale.ROOT, "mobilenetv2_%.2f_%d", alpha, defaultSize(rows, cols));
        }

        /**
         * As {@code mobilenet_v2.py}: {@code BASE_WEIGHT_PATH + "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_"
         * + str(float(alpha)) + "_" + str(rows) + ".h5"}, or {@code _no_top.h5} without the top; Keras passes no
         * {@code file_hash}. Java's {@code Double.toString} writes the six alphas as Python's {@code str(float)}
         * does ("0.35", "0.5", "0.75", "1.0", "1.3", "1.4").
         */
        @Override
        PretrainedWeights imagenetWeights(int rows) {
            String fileName = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_" + Double.toString(alpha) + "_" + rows
                    + (includeTop() ? "" : "_no_top") + ".h5";
            return PretrainedWeights.of(BASE_WEIGHT_PATH, fileName, null);
        }

        @Override
        SymbolicTensor assemble(SymbolicTensor input) {
            SymbolicTensor x = new Conv2D(makeDivisible(32 * alpha, 8), 3).strides(2).padding("same").useBias(false)
                    .named("Conv1").apply(input);
            x = batchNorm("bn_Conv1").apply(x);
            x = relu6("Conv1_relu").apply(x);

            x = invertedResidual(x, 1, 1, 16, 0);
            x = invertedResidual(x, 6, 2, 24, 1);
            x = invertedResidual(x, 6, 1, 24, 2);
            x = invertedResidual(x, 6, 2, 32, 3);
            x = invertedResidual(x, 6, 1, 32, 4);
            x = invertedResidual(x, 6, 1, 32, 5);
            x = invertedResidual(x, 6, 2, 64, 6);
            for (int block = 7; block <= 9; block++) {
                x = invertedResidual(x, 6, 1, 64, block);
            }
            for (int block = 10; block <= 12; block++) {
                x = invertedResidual(x, 6, 1, 96, block);
            }
            x = invertedResidual(x, 6, 2, 160, 13);
            x = invertedResidual(x, 6, 1, 160, 14);
            x = invertedResidual(x, 6, 1, 160, 15);
            x = invertedResidual(x, 6, 1, 320, 16);

            // No alpha on the last convolution, as in the paper, unless alpha > 1 widens it.
            int lastFilters = alpha > 1.0 ? makeDivisible(1280 * alpha, 8) : 1280;
            x = new Conv2D(lastFilters, 1).useBias(false).named("Conv_1").apply(x);
            x = batchNorm("Conv_1_bn").apply(x);
            x = relu6("out_relu").apply(x);

            if (!includeTop()) {
                return pool(x, null, null);
            }
            x = new GlobalAveragePooling2D().apply(x);
            return new Dense(classes()).activation(classifierActivation()).named("predictions").apply(x);
        }

        /** Keras' {@code _inverted_res_block(inputs, expansion, stride, alpha, filters, block_id)}. */
        private SymbolicTensor invertedResidual(SymbolicTensor inputs, int expansion, int stride, int filters, int block) {
            int inChannels = inputs.shape()[2];
            int pointwiseFilters = makeDivisible((int) (filters * alpha), 8);
            SymbolicTensor x = inputs;
            String prefix = "block_" + block + "_";
            if (block != 0) {
                x = new Conv2D(expansion * inChannels, 1).padding("same").useBias(false).named(prefix + "expand").apply(x);
                x = batchNorm(prefix + "expand_BN").apply(x);
                x = relu6(prefix + "expand_relu").apply(x);
            } else {
                prefix = "expanded_conv_";
            }
            if (stride == 2) {
                int[] shape = x.shape();
                int[] pad = correctPad(shape[0], shape[1], 3);
                x = new ZeroPadding2D(pad[0], pad[1], pad[2], pad[3]).named(prefix + "pad").apply(x);
            }
            x = new DepthwiseConv2D(3).strides(stride).useBias(false).padding(stride == 1 ? "same" : "valid")
                    .named(prefix + "depthwise").apply(x);
            x = batchNorm(prefix + "depthwise_BN").apply(x);
            x = relu6(prefix + "depthwise_relu").apply(x);
            x = new Conv2D(pointwiseFilters, 1).padding("same").useBias(false).named(prefix + "project").apply(x);
            x = batchNorm(prefix + "project_BN").apply(x);
            if (inChannels == pointwiseFilters && stride == 1) {
                return new Add().named(prefix + "add").apply(inputs, x);
            }
            return x;
        }

        private static Layer batchNorm(String name) {
            return new BatchNormalization().epsilon(BN_EPSILON).momentum(BN_MOMENTUM).named(name);
        }

        private static Layer relu6(String name) {
            return new ReLU().maxValue(6f).named(name);
        }
    }
}
