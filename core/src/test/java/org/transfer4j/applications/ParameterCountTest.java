package org.transfer4j.applications;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.transfer4j.nn.Model;

/**
 * The parameter counts of the models built here against the ones Keras publishes, with the top, in the
 * "Available models" table of keras.io/api/applications (keras-team/keras-io,
 * templates/api/applications/index.md): MobileNet 4,253,864; MobileNetV2 3,538,984; ResNet50 25,636,712;
 * ResNet101 44,707,176; ResNet152 60,419,944; VGG16 138,357,544; VGG19 143,667,240. Without the top, the
 * expected counts are those minus the top's weights, computed by hand in each test from the Keras code.
 * VGG and the deeper ResNets allocate up to 0.6 GB of float32 weights each, so each is built once.
 */
class ParameterCountTest {

    @Test
    void mobileNetMatchesKerasPublishedCount() {
        assertEquals(4_253_864L, MobileNet.builder().build().countParams());
    }

    @Test
    void mobileNetWithoutTopLosesOnlyConvPreds() {
        // the top's only weights: conv_preds, a 1x1 Conv2D 1024 -> 1000 with bias: 1024*1000 + 1000 = 1,025,000
        Model model = MobileNet.builder().includeTop(false).pooling(Pooling.AVG).build();
        assertEquals(4_253_864L - 1_025_000L, model.countParams());
        assertArrayEquals(new int[] {1024}, model.output().shape());
    }

    @Test
    void mobileNetV2MatchesKerasPublishedCount() {
        assertEquals(3_538_984L, MobileNetV2.builder().build().countParams());
    }

    @Test
    void mobileNetV2WithoutTopLosesOnlyPredictions() {
        // predictions: Dense 1280 -> 1000 with bias = 1,281,000
        Model model = MobileNetV2.builder().includeTop(false).build();
        assertEquals(3_538_984L - 1_281_000L, model.countParams());
        assertArrayEquals(new int[] {7, 7, 1280}, model.output().shape());
    }

    @Test
    void resNet50MatchesKerasPublishedCount() {
        assertEquals(25_636_712L, ResNet50.builder().build().countParams());
    }

    @Test
    void resNet50WithoutTopLosesOnlyPredictions() {
        // predictions: Dense 2048 -> 1000 with bias = 2,049,000
        Model model = ResNet50.builder().includeTop(false).pooling(Pooling.MAX).build();
        assertEquals(25_636_712L - 2_049_000L, model.countParams());
        assertArrayEquals(new int[] {2048}, model.output().shape());
    }

    @Test
    void resNet101MatchesKerasPublishedCount() {
        assertEquals(44_707_176L, ResNet101.builder().build().countParams());
    }

    @Test
    void resNet152MatchesKerasPublishedCount() {
        assertEquals(60_419_944L, ResNet152.builder().build().countParams());
    }

    @Test
    void vgg16MatchesKerasPublishedCount() {
        assertEquals(138_357_544L, VGG16.builder().build().countParams());
    }

    @Test
    void vgg16WithoutTopKeepsOnlyTheConvolutions() {
        // the top: fc1 7*7*512 -> 4096 (102,764,544), fc2 4096 -> 4096 (16,781,312), predictions 4096 -> 1000
        // (4,097,000), each with bias
        Model model = VGG16.builder().includeTop(false).build();
        assertEquals(138_357_544L - 102_764_544L - 16_781_312L - 4_097_000L, model.countParams());
        assertArrayEquals(new int[] {7, 7, 512}, model.output().shape());
    }

    @Test
    void vgg19MatchesKerasPublishedCount() {
        assertEquals(143_667_240L, VGG19.builder().build().countParams());
    }
}
