package org.transfer4j.applications;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ImageNet weight files of each family and configuration. Every expected URL and hash below is written out
 * from Keras' source, {@code keras-team/keras}, {@code keras/src/applications/}:
 * <ul>
 * <li>{@code mobilenet.py}: {@code BASE_WEIGHT_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet/"},
 *     file {@code "mobilenet_%s_%d_tf.h5" % (alpha_text, rows)} / {@code "mobilenet_%s_%d_tf_no_top.h5"},
 *     alpha_text "1_0" (1.0), "7_5" (0.75), "5_0" (0.50), "2_5" (else), rows 224 unless the input is square and
 *     in [128, 160, 192, 224]; no {@code file_hash}.</li>
 * <li>{@code mobilenet_v2.py}: {@code BASE_WEIGHT_PATH = ".../keras-applications/mobilenet_v2/"}, file
 *     {@code "mobilenet_v2_weights_tf_dim_ordering_tf_kernels" f"_{float(alpha)}_{rows}.h5"} /
 *     {@code f"_{float(alpha)}_{rows}_no_top.h5"}, rows 224 unless square and in [96, 128, 160, 192, 224];
 *     no {@code file_hash}.</li>
 * <li>{@code resnet.py}: {@code BASE_WEIGHTS_PATH = ".../keras-applications/resnet/"}, file
 *     {@code model_name + "_weights_tf_dim_ordering_tf_kernels.h5"} / {@code "_notop.h5"}, {@code WEIGHTS_HASHES}.</li>
 * <li>{@code vgg16.py} / {@code vgg19.py}: {@code WEIGHTS_PATH} / {@code WEIGHTS_PATH_NO_TOP} and the
 *     {@code file_hash} of their {@code get_file} calls.</li>
 * </ul>
 * The one hash Keras does not publish, that of {@code mobilenet_2_5_224_tf_no_top.h5}, is the SHA-256 in
 * {@code shared/data/keras/INVENTORY.md}.
 */
class ImagenetWeightsTest {
    private static final String BASE = "https://storage.googleapis.com/tensorflow/keras-applications/";

    static Stream<Arguments> kerasFiles() {
        return Stream.of(
                // MobileNet
                row(() -> MobileNet.builder(), "mobilenet/mobilenet_1_0_224_tf.h5", null),
                row(() -> MobileNet.builder().alpha(0.25).includeTop(false), "mobilenet/mobilenet_2_5_224_tf_no_top.h5",
                        "dbdb03ee2a22fd895301636cd328b234bb3a9952358f436d82f46b81e0d5b0bf"),
                row(() -> MobileNet.builder().alpha(0.25), "mobilenet/mobilenet_2_5_224_tf.h5", null),
                row(() -> MobileNet.builder().alpha(0.5).includeTop(false).inputShape(160, 160, 3),
                        "mobilenet/mobilenet_5_0_160_tf_no_top.h5", null),
                row(() -> MobileNet.builder().alpha(0.75).inputShape(192, 192, 3), "mobilenet/mobilenet_7_5_192_tf.h5", null),
                row(() -> MobileNet.builder().includeTop(false).inputShape(128, 128, 3),
                        "mobilenet/mobilenet_1_0_128_tf_no_top.h5", null),
                // non-square, or a size without its own file: Keras loads the 224 weights
                row(() -> MobileNet.builder().includeTop(false).inputShape(200, 150, 3),
                        "mobilenet/mobilenet_1_0_224_tf_no_top.h5", null),
                row(() -> MobileNet.builder().alpha(0.5).includeTop(false).inputShape(96, 96, 3),
                        "mobilenet/mobilenet_5_0_224_tf_no_top.h5", null),
                // MobileNetV2
                row(() -> MobileNetV2.builder(), "mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5", null),
                row(() -> MobileNetV2.builder().alpha(0.35).includeTop(false).inputShape(96, 96, 3),
                        "mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5", null),
                row(() -> MobileNetV2.builder().alpha(0.5).includeTop(false).inputShape(128, 128, 3),
                        "mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.5_128_no_top.h5", null),
                row(() -> MobileNetV2.builder().alpha(0.75).inputShape(160, 160, 3),
                        "mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.75_160.h5", null),
                row(() -> MobileNetV2.builder().alpha(1.3), "mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.3_224.h5", null),
                row(() -> MobileNetV2.builder().alpha(1.4).includeTop(false).inputShape(300, 300, 3),
                        "mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.4_224_no_top.h5", null),
                // ResNet
                row(() -> ResNet50.builder(), "resnet/resnet50_weights_tf_dim_ordering_tf_kernels.h5",
                        "2cb95161c43110f7111970584f804107"),
                row(() -> ResNet50.builder().includeTop(false).inputShape(100, 120, 3),
                        "resnet/resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5", "4d473c1dd8becc155b73f8504c6f6626"),
                row(() -> ResNet101.builder(), "resnet/resnet101_weights_tf_dim_ordering_tf_kernels.h5",
                        "f1aeb4b969a6efcfb50fad2f0c20cfc5"),
                row(() -> ResNet101.builder().includeTop(false), "resnet/resnet101_weights_tf_dim_ordering_tf_kernels_notop.h5",
                        "88cf7a10940856eca736dc7b7e228a21"),
                row(() -> ResNet152.builder(), "resnet/resnet152_weights_tf_dim_ordering_tf_kernels.h5",
                        "100835be76be38e30d865e96f2aaae62"),
                row(() -> ResNet152.builder().includeTop(false), "resnet/resnet152_weights_tf_dim_ordering_tf_kernels_notop.h5",
                        "ee4c566cf9a93f14d82f913c2dc6dd0c"),
                // VGG
                row(() -> VGG16.builder(), "vgg16/vgg16_weights_tf_dim_ordering_tf_kernels.h5",
                        "64373286793e3c8b2b4e3219cbf3544b"),
                row(() -> VGG16.builder().includeTop(false).inputShape(64, 64, 3),
                        "vgg16/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5", "6d6bbae143d832006294945121d1f1fc"),
                row(() -> VGG19.builder(), "vgg19/vgg19_weights_tf_dim_ordering_tf_kernels.h5",
                        "cbe5617147190e668d6c5d5026f83318"),
                row(() -> VGG19.builder().includeTop(false), "vgg19/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5",
                        "253f8cb515780f3b799900260a226db6"));
    }

    private static Arguments row(Supplier<ApplicationBuilder<?>> builder, String path, String hash) {
        return Arguments.of(builder, path, hash);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("kerasFiles")
    void eachConfigurationListsKerasFile(Supplier<ApplicationBuilder<?>> builder, String path, String hash) {
        PretrainedWeights w = builder.get().imagenetWeights();
        assertEquals(URI.create(BASE + path), w.url());
        assertEquals(path.substring(path.lastIndexOf('/') + 1), w.fileName());
        assertEquals(hash, w.fileHash());
    }

    @Test
    void theListingFollowsTheBuildersCurrentConfiguration() {
        MobileNet.Builder b = MobileNet.builder().alpha(0.25);
        assertEquals("mobilenet_2_5_224_tf.h5", b.imagenetWeights().fileName());
        b.includeTop(false).inputShape(192, 192, 3);
        assertEquals("mobilenet_2_5_192_tf_no_top.h5", b.imagenetWeights().fileName());
        assertNull(b.imagenetWeights().fileHash(), "Keras publishes no hash for the MobileNet files");
    }

    @Test
    void configurationsWithoutAnImagenetFileAreRefusedQuotingTheValue() {
        IllegalArgumentException alpha = assertThrows(IllegalArgumentException.class,
                () -> MobileNet.builder().alpha(0.3).imagenetWeights());
        assertTrue(alpha.getMessage().contains("alpha=0.3"), alpha.getMessage());
        IllegalArgumentException v2Alpha = assertThrows(IllegalArgumentException.class,
                () -> MobileNetV2.builder().alpha(0.25).imagenetWeights());
        assertTrue(v2Alpha.getMessage().contains("alpha=0.25"), v2Alpha.getMessage());
        IllegalArgumentException depth = assertThrows(IllegalArgumentException.class,
                () -> MobileNet.builder().depthMultiplier(2).imagenetWeights());
        assertTrue(depth.getMessage().contains("depthMultiplier=2"), depth.getMessage());
        IllegalArgumentException classes = assertThrows(IllegalArgumentException.class,
                () -> ResNet50.builder().classes(10).imagenetWeights());
        assertTrue(classes.getMessage().contains("classes=10"), classes.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> VGG16.builder().inputShape(200, 200, 3).imagenetWeights());
        assertTrue(shape.getMessage().contains("(200, 200, 3)"), shape.getMessage());
        // a new head without the top takes the backbone's file, whatever its classes
        assertEquals("resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5",
                ResNet50.builder().includeTop(false).classes(10).imagenetWeights().fileName());
    }

    @Test
    void theRecordChecksItsFields() {
        URI url = URI.create(BASE + "vgg16/vgg16_weights_tf_dim_ordering_tf_kernels.h5");
        assertThrows(IllegalArgumentException.class, () -> new PretrainedWeights(url, "other.h5", null));
        assertThrows(IllegalArgumentException.class,
                () -> new PretrainedWeights(url, "vgg16_weights_tf_dim_ordering_tf_kernels.h5", "not-a-hash"));
        assertThrows(IllegalArgumentException.class, () -> new PretrainedWeights(
                URI.create("file:///m/a.h5"), "a.h5", null));
        assertEquals("vgg16_weights_tf_dim_ordering_tf_kernels.h5",
                new PretrainedWeights(url, "vgg16_weights_tf_dim_ordering_tf_kernels.h5", null).fileName());
    }
}
