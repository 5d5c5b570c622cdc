package org.transfer4j.applications;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.transfer4j.nn.Model;

/** The argument checks of build(), Keras' (with its ImageNet weights) and ours, each quoting the value at fault. */
class BuilderArgumentsTest {

    private static void failsQuoting(Executable build, String quoted) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertTrue(e.getMessage().contains(quoted), "message should quote " + quoted + ": " + e.getMessage());
    }

    @Test
    void alphaWithoutKerasWeightsIsRefused() {
        failsQuoting(() -> MobileNet.builder().alpha(0.35).build(), "alpha=0.35");
        failsQuoting(() -> MobileNetV2.builder().alpha(0.25).build(), "alpha=0.25");
    }

    @Test
    void topWithAnInputShapeItWasNotTrainedForIsRefused() {
        failsQuoting(() -> MobileNet.builder().alpha(0.25).inputShape(200, 200, 3).build(), "(200, 200, 3)");
        failsQuoting(() -> ResNet50.builder().inputShape(160, 160, 3).build(), "(160, 160, 3)");
        failsQuoting(() -> VGG16.builder().inputShape(224, 224, 1).build(), "(224, 224, 1)");
    }

    @Test
    void mobileNetTopAcceptsTheSizesKerasHasWeightsFor() {
        // Keras' default_size for MobileNet is the input's when square and one of 128, 160, 192, 224
        Model model = MobileNet.builder().alpha(0.25).inputShape(128, 128, 3).build();
        assertEquals("mobilenet_0.25_128", model.name());
        assertArrayEquals(new int[] {1000}, model.output().shape());
        // MobileNetV2 also has 96
        assertEquals("mobilenetv2_0.35_96", MobileNetV2.builder().alpha(0.35).inputShape(96, 96, 3).build().name());
    }

    @Test
    void inputSmallerThan32IsRefused() {
        failsQuoting(() -> MobileNet.builder().alpha(0.25).includeTop(false).inputShape(31, 64, 3).build(),
                "(31, 64, 3)");
        failsQuoting(() -> ResNet50.builder().includeTop(false).inputShape(64, 16, 3).build(), "(64, 16, 3)");
    }

    @Test
    void inputWithoutThreeChannelsIsRefused() {
        failsQuoting(() -> MobileNetV2.builder().alpha(0.35).includeTop(false).inputShape(64, 64, 1).build(),
                "(64, 64, 1)");
    }

    @Test
    void smallestInputStillBuildsEveryFamily() {
        // 32x32 is Keras' min_size: every stride-2 stage still leaves at least one pixel
        assertArrayEquals(new int[] {1, 1, 256},
                MobileNet.builder().alpha(0.25).includeTop(false).inputShape(32, 32, 3).build().output().shape());
        assertArrayEquals(new int[] {1, 1, 1280},
                MobileNetV2.builder().alpha(0.35).includeTop(false).inputShape(32, 32, 3).build().output().shape());
        assertArrayEquals(new int[] {1, 1, 2048},
                ResNet50.builder().includeTop(false).inputShape(32, 32, 3).build().output().shape());
        assertArrayEquals(new int[] {1, 1, 512},
                VGG19.builder().includeTop(false).inputShape(33, 32, 3).build().output().shape());
    }

    @Test
    void nonSquareInputWithoutTopKeepsKerasDefaultName() {
        // Keras names the model after the weights it would load: the 224 ones for a size without weights
        Model model = MobileNet.builder().alpha(0.5).includeTop(false).inputShape(100, 120, 3).build();
        assertEquals("mobilenet_0.50_224", model.name());
        assertArrayEquals(new int[] {3, 3, 512}, model.output().shape());
    }

    @Test
    void poolingTogetherWithTheTopIsRefused() {
        failsQuoting(() -> MobileNet.builder().alpha(0.25).pooling(Pooling.AVG).build(), "AVG");
    }

    @Test
    void classesMustBePositive() {
        failsQuoting(() -> ResNet50.builder().classes(0).build(), "got 0");
    }

    @Test
    void unknownClassifierActivationIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MobileNet.builder().alpha(0.25).classifierActivation("softmaxx").build());
        assertTrue(e.getMessage().contains("softmaxx"), e.getMessage());
    }

    @Test
    void depthMultiplierAndDropoutAreChecked() {
        failsQuoting(() -> MobileNet.builder().alpha(0.25).depthMultiplier(0).build(), "got 0");
        failsQuoting(() -> MobileNet.builder().alpha(0.25).dropout(1.0).build(), "got 1.0");
    }

    @Test
    void classesAndClassifierActivationShapeTheTop() {
        // 10 classes, logits: conv_preds 1x1 256 -> 10 with bias
        Model model = MobileNet.builder().alpha(0.25).classes(10).classifierActivation(null).build();
        assertArrayEquals(new int[] {10}, model.output().shape());
        assertArrayEquals(new int[] {1, 1, 256, 10}, model.weight("conv_preds/kernel").shape());
        assertEquals(475_544L - 256 * 990 - 990, model.countParams());
    }

    @Test
    void depthMultiplierWidensTheDepthwiseConvolutions() {
        // depth multiplier 2: conv_dw_1 maps 8 channels to 16, so conv_pw_1's kernel is (1,1,16,16)
        Model model = MobileNet.builder().alpha(0.25).depthMultiplier(2).includeTop(false).build();
        assertArrayEquals(new int[] {3, 3, 8, 2}, model.weight("conv_dw_1/depthwise_kernel").shape());
        assertArrayEquals(new int[] {1, 1, 16, 16}, model.weight("conv_pw_1/kernel").shape());
    }

    @Test
    void nameOverridesTheKerasDefault() {
        assertEquals("backbone", MobileNet.builder().alpha(0.25).includeTop(false).name("backbone").build().name());
        assertEquals("resnet50", ResNet50.builder().includeTop(false).inputShape(64, 64, 3).build().name());
    }
}
