package org.transfer4j.applications;

import java.util.Locale;
import org.transfer4j.nn.SymbolicTensor;
import org.transfer4j.nn.layers.Activation;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.Conv2D;
import org.transfer4j.nn.layers.DepthwiseConv2D;
import org.transfer4j.nn.layers.Dropout;
import org.transfer4j.nn.layers.GlobalAveragePooling2D;
import org.transfer4j.nn.layers.ReLU;
import org.transfer4j.nn.layers.Reshape;
import org.transfer4j.nn.layers.ZeroPadding2D;
import org.transfer4j.tensor.Tensor;

/**
 * Keras' {@code keras.applications.MobileNet} (MobileNet v1, Howard et al. 2017), layer for layer as
 * {@code keras/src/applications/mobilenet.py}:
 * <pre>
 * Model model = MobileNet.builder().alpha(0.25).includeTop(false).pooling(Pooling.AVG).build();
 * </pre>
 * A stem {@code conv1} (3x3, stride 2, "same") then 13 depthwise-separable blocks {@code conv_dw_N} /
 * {@code conv_pw_N}, each convolution followed by BatchNormalization (Keras' defaults: momentum 0.99,
 * epsilon 1e-3) and {@code ReLU(6.)}; the strided blocks 2, 4, 6 and 12 pad with {@code conv_pad_N}
 * (one row and column of zeros at the bottom and right) and use a "valid" depthwise convolution. The
 * top is {@code GlobalAveragePooling2D(keepdims=True)}, {@code dropout}, the 1x1 convolution
 * {@code conv_preds}, {@code reshape_2} and the activation {@code predictions}. Input preprocessing:
 * {@link Preprocessing#MOBILENET}.
 */
public final class MobileNet {
    private MobileNet() {
    }

    /** A builder with Keras' defaults: alpha 1.0, depth multiplier 1, dropout 0.001, the 1000-class top, 224x224x3. */
    public static Builder builder() {
        return new Builder();
    }

    /** Keras' {@code mobilenet.preprocess_input}: {@link Preprocessing#MOBILENET}, {@code (N,H,W,3) -> (N,H,W,3)}. */
    public static Tensor preprocessInput(Tensor images) {
        return Preprocessing.MOBILENET.apply(images);
    }

    /** The arguments of Keras' {@code MobileNet(...)}; see {@link ApplicationBuilder} for those all families share. */
    public static final class Builder extends ApplicationBuilder<Builder> {
        /** The widths that have Keras ImageNet weights; Keras (with them) refuses any other. */
        private static final double[] ALPHAS = {0.25, 0.50, 0.75, 1.0};
        /** Keras' {@code BASE_WEIGHT_PATH} in {@code keras/src/applications/mobilenet.py}. */
        private static final String BASE_WEIGHT_PATH =
                "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet/";
        /**
         * The SHA-256 of {@code mobilenet_2_5_224_tf_no_top.h5}, which Keras publishes no checksum for: computed from
         * the copy in the project's test data ({@code shared/data/keras/INVENTORY.md}), which
         * {@code shared/data/keras/README.md} records as a byte-for-byte copy of the original Keras Applications file
         * (Keras 2.0.4, weights only; its 135 arrays equal those of the alpha 0.25 full model there).
         */
        static final String ALPHA_0_25_NO_TOP_SHA256 = "dbdb03ee2a22fd895301636cd328b234bb3a9952358f436d82f46b81e0d5b0bf";

        private double alpha = 1.0;
        private int depthMultiplier = 1;
        private double dropout = 1e-3;

        private Builder() {
            super("MobileNet", Preprocessing.MOBILENET, 128, 160, 192, 224);
        }

        /** The width multiplier: every layer's filters times alpha; one of 0.25, 0.5, 0.75, 1.0. Default 1.0. */
        public Builder alpha(double value) {
            this.alpha = value;
            return this;
        }

        /** The depthwise convolutions' depth multiplier (the paper's resolution multiplier is not this); default 1. */
        public Builder depthMultiplier(int value) {
            this.depthMultiplier = value;
            return this;
        }

        /** The rate of the top's dropout, in [0, 1); default 0.001. */
        public Builder dropout(double value) {
            this.dropout = value;
            return this;
        }

        @Override
        void checkFamilyArguments() {
            checkAlpha(alpha, ALPHAS);
            if (depthMultiplier < 1) {
                throw new IllegalArgumentException("MobileNet: depthMultiplier must be positive, got " + depthMultiplier);
            }
            if (includeTop() && !(dropout >= 0 && dropout < 1)) {
                throw new IllegalArgumentException("MobileNet: dropout must be in [0, 1), got " + dropout);
            }
        }

        /**
         * {@code mobilenet_<alpha:.2f>_<rows>}; as in Keras, rows is 224 when the input is not square or not one
         * of 128, 160, 192, 224 (the sizes of Keras' weight files; Keras then loads the 224 ones).
         */
        @Override
        String defaultName(int rows, int cols) {
            return String.format(Locale.ROOT, "mobilenet_%.2f_%d", alpha, defaultSize(rows, cols));
        }

        @Override
        void checkImagenetWeightsFit() {
            if (depthMultiplier != 1) {
                throw new IllegalArgumentException("MobileNet: the ImageNet weights have depthMultiplier 1 (Keras"
                        + " refuses any other with them); got depthMultiplier=" + depthMultiplier);
            }
        }

        /**
         * As {@code mobilenet.py}: {@code BASE_WEIGHT_PATH + "mobilenet_%s_%d_tf.h5" % (alpha_text, rows)}, or
         * {@code _tf_no_top.h5} without the top, alpha_text "1_0", "7_5", "5_0" or "2_5". Keras passes no
         * {@code file_hash}; we know the SHA-256 of one file (see {@link #ALPHA_0_25_NO_TOP_SHA256}).
         */
        @Override
        PretrainedWeights imagenetWeights(int rows) {
            String alphaText = alpha == 1.0 ? "1_0" : alpha == 0.75 ? "7_5" : alpha == 0.50 ? "5_0" : "2_5";
            String fileName = String.format(Locale.ROOT, "mobilenet_%s_%d_tf%s.h5", alphaText, rows,
                    includeTop() ? "" : "_no_top");
            String hash = fileName.equals("mobilenet_2_5_224_tf_no_top.h5") ? ALPHA_0_25_NO_TOP_SHA256 : null;
            return PretrainedWeights.of(BASE_WEIGHT_PATH, fileName, hash);
        }

        @Override
        SymbolicTensor assemble(SymbolicTensor input) {
            SymbolicTensor x = convBlock(input, 32, 2);
            x = depthwiseBlock(x, 64, 1, 1);
            x = depthwiseBlock(x, 128, 2, 2);
            x = depthwiseBlock(x, 128, 1, 3);
            x = depthwiseBlock(x, 256, 2, 4);
            x = depthwiseBlock(x, 256, 1, 5);
            x = depthwiseBlock(x, 512, 2, 6);
            for (int block = 7; block <= 11; block++) {
                x = depthwiseBlock(x, 512, 1, block);
            }
            x = depthwiseBlock(x, 1024, 2, 12);
            x = depthwiseBlock(x, 1024, 1, 13);
            if (!includeTop()) {
                return pool(x, null, null);
            }
            x = new GlobalAveragePooling2D().keepdims(true).apply(x);
            x = new Dropout((float) dropout).named("dropout").apply(x);
            x = new Conv2D(classes(), 1).padding("same").named("conv_preds").apply(x);
            x = new Reshape(classes()).named("reshape_2").apply(x);
            return new Activation(classifierActivation()).named("predictions").apply(x);
        }

        /** Keras' {@code _conv_block}: conv1, conv1_bn, conv1_relu. */
        private SymbolicTensor convBlock(SymbolicTensor x, int filters, int stride) {
            x = new Conv2D(width(filters), 3).padding("same").useBias(false).strides(stride).named("conv1").apply(x);
            x = new BatchNormalization().named("conv1_bn").apply(x);
            return new ReLU().maxValue(6f).named("conv1_relu").apply(x);
        }

        /** Keras' {@code _depthwise_conv_block}: [conv_pad_N], conv_dw_N (+_bn, _relu), conv_pw_N (+_bn, _relu). */
        private SymbolicTensor depthwiseBlock(SymbolicTensor x, int pointwiseFilters, int stride, int block) {
            if (stride != 1) {
                x = new ZeroPadding2D(0, 1, 0, 1).named("conv_pad_" + block).apply(x);
            }
            x = new DepthwiseConv2D(3).padding(stride == 1 ? "same" : "valid").depthMultiplier(depthMultiplier)
                    .strides(stride).useBias(false).named("conv_dw_" + block).apply(x);
            x = new BatchNormalization().named("conv_dw_" + block + "_bn").apply(x);
            x = new ReLU().maxValue(6f).named("conv_dw_" + block + "_relu").apply(x);
            x = new Conv2D(width(pointwiseFilters), 1).padding("same").useBias(false).strides(1)
                    .named("conv_pw_" + block).apply(x);
            x = new BatchNormalization().named("conv_pw_" + block + "_bn").apply(x);
            return new ReLU().maxValue(6f).named("conv_pw_" + block + "_relu").apply(x);
        }

        /** Keras' {@code int(filters * alpha)}: the product in double, truncated. */
        private int width(int filters) {
            return (int) (filters * alpha);
        }
    }
}
