package org.transfer4j.applications;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.transfer4j.nn.Layer;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.GlobalAveragePooling2D;
import org.transfer4j.nn.layers.ZeroPadding2D;

/**
 * Layer names, counts and arguments of MobileNetV2, ResNet and VGG as written in keras/src/applications
 * (mobilenet_v2.py, resnet.py, vgg16.py, vgg19.py); expected counts are worked out from that code in comments.
 */
class ArchitectureNamesTest {

    private static List<String> names(Model model) {
        return model.layers().stream().map(Layer::name).toList();
    }

    @Test
    void makeDivisibleRoundsAsKeras() {
        // int(v + 4) // 8 * 8, at least 8, plus 8 when that lost more than 10% of v
        assertEquals(16, MobileNetV2.makeDivisible(32 * 0.35, 8)); // 8 < 0.9 * 11.2, so 8 + 8
        assertEquals(32, MobileNetV2.makeDivisible(32, 8));
        assertEquals(8, MobileNetV2.makeDivisible(5, 8)); // int(16 * 0.35) = 5 -> the minimum 8
        assertEquals(112, MobileNetV2.makeDivisible(108, 8)); // int(112) // 8 * 8
        assertEquals(1664, MobileNetV2.makeDivisible(1280 * 1.3, 8));
        assertEquals(1792, MobileNetV2.makeDivisible(1280 * 1.4, 8));
    }

    @Test
    void correctPadPadsLessOnTopLeftForEvenSizes() {
        // kernel 3: correct = 1, adjust = 1 - size % 2; ((1 - adjust_h, 1), (1 - adjust_w, 1))
        assertArrayEquals(new int[] {0, 1, 0, 1}, MobileNetV2.correctPad(112, 112, 3));
        assertArrayEquals(new int[] {1, 1, 1, 1}, MobileNetV2.correctPad(7, 7, 3));
        assertArrayEquals(new int[] {0, 1, 1, 1}, MobileNetV2.correctPad(14, 7, 3));
    }

    @Test
    void mobileNetV2HasKerasNamesAndLayerCount() {
        Model model = MobileNetV2.builder().includeTop(false).build();
        assertEquals("mobilenetv2_1.00_224", model.name());
        // 1 input + 3 stem + 5 in block 0 + 8 in blocks 1..16 + 4 pads (blocks 1, 3, 6, 13) + 10 adds
        // (blocks 2, 4, 5, 7, 8, 9, 11, 12, 14, 15) + 3 (Conv_1, Conv_1_bn, out_relu) = 154, the count the
        // TensorFlow transfer-learning tutorial prints for len(base_model.layers)
        assertEquals(154, model.layers().size());
        List<String> names = names(model);
        assertEquals(List.of("Conv1", "bn_Conv1", "Conv1_relu", "expanded_conv_depthwise", "expanded_conv_depthwise_BN",
                "expanded_conv_depthwise_relu", "expanded_conv_project", "expanded_conv_project_BN", "block_1_expand",
                "block_1_expand_BN", "block_1_expand_relu", "block_1_pad", "block_1_depthwise", "block_1_depthwise_BN",
                "block_1_depthwise_relu", "block_1_project", "block_1_project_BN", "block_2_expand"),
                names.subList(1, 19));
        assertEquals(List.of("block_16_project_BN", "Conv_1", "Conv_1_bn", "out_relu"), names.subList(150, 154));
        assertEquals("block_2_add", model.layer("block_2_add").name());
        BatchNormalization bn = (BatchNormalization) model.layer("block_5_expand_BN");
        assertEquals(0.999f, bn.momentum());
        assertEquals(1e-3f, bn.epsilon());
        ZeroPadding2D pad = (ZeroPadding2D) model.layer("block_13_pad");
        assertArrayEquals(new int[] {0, 1, 0, 1}, pad.padding()); // correct_pad on 14x14
        // expand: 6 x the block's input channels; project: _make_divisible(int(filters * alpha), 8)
        assertArrayEquals(new int[] {1, 1, 96, 576}, model.weight("block_13_expand/kernel").shape());
        assertArrayEquals(new int[] {1, 1, 960, 320}, model.weight("block_16_project/kernel").shape());
    }

    @Test
    void mobileNetV2WidensTheLastConvolutionOnlyAboveAlphaOne() {
        Model wide = MobileNetV2.builder().alpha(1.4).includeTop(false).build();
        assertEquals("mobilenetv2_1.40_224", wide.name());
        assertArrayEquals(new int[] {7, 7, 1792}, wide.output().shape());
        assertArrayEquals(new int[] {3, 3, 3, 48}, wide.weight("Conv1/kernel").shape()); // _make_divisible(44.8, 8)
        Model narrow = MobileNetV2.builder().alpha(0.35).includeTop(false).build();
        assertArrayEquals(new int[] {7, 7, 1280}, narrow.output().shape());
        assertArrayEquals(new int[] {3, 3, 3, 16}, narrow.weight("Conv1/kernel").shape());
    }

    @Test
    void resNet50HasKerasBlockNamesAndLayerCount() {
        Model model = ResNet50.builder().includeTop(false).pooling(Pooling.AVG).build();
        assertEquals("resnet50", model.name());
        // 1 input + 6 stem + 4 first blocks of 12 layers (with _0_conv, _0_bn) + 12 identity blocks of 10
        // (2 + 3 + 5 + 2) = 175, plus avg_pool
        assertEquals(176, model.layers().size());
        List<String> names = names(model);
        assertEquals(List.of("conv1_pad", "conv1_conv", "conv1_bn", "conv1_relu", "pool1_pad", "pool1_pool"),
                names.subList(1, 7));
        // Keras' order (model.summary() of keras.applications.ResNet50): by depth, so the shortcut's
        // _0_conv and _0_bn sit beside _3_conv and _3_bn
        assertEquals(List.of("conv2_block1_1_conv", "conv2_block1_1_bn", "conv2_block1_1_relu", "conv2_block1_2_conv",
                "conv2_block1_2_bn", "conv2_block1_2_relu", "conv2_block1_0_conv", "conv2_block1_3_conv",
                "conv2_block1_0_bn", "conv2_block1_3_bn", "conv2_block1_add", "conv2_block1_out", "conv2_block2_1_conv"),
                names.subList(7, 20));
        assertEquals("avg_pool", names.getLast());
        assertEquals("conv5_block3_out", names.get(names.size() - 2));
        for (String suffix : List.of("_0_conv", "_0_bn", "_1_conv", "_1_bn", "_1_relu", "_2_conv", "_2_bn", "_2_relu",
                "_3_conv", "_3_bn", "_add", "_out")) {
            assertEquals("conv2_block1" + suffix, model.layer("conv2_block1" + suffix).name());
        }
        assertEquals(1.001e-5f, ((BatchNormalization) model.layer("conv4_block6_2_bn")).epsilon());
        assertEquals(0.99f, ((BatchNormalization) model.layer("conv4_block6_2_bn")).momentum());
        // the stride sits on the first 1x1 convolution and the shortcut, as in Keras' v1 block
        assertArrayEquals(new int[] {1, 1, 256, 128}, model.weight("conv3_block1_1_conv/kernel").shape());
        assertArrayEquals(new int[] {1, 1, 256, 512}, model.weight("conv3_block1_0_conv/kernel").shape());
        assertArrayEquals(new int[] {7, 7, 3, 64}, model.weight("conv1_conv/kernel").shape());
        assertArrayEquals(new int[] {64}, model.weight("conv1_conv/bias").shape());
        assertEquals("max_pool", names(ResNet50.builder().includeTop(false).pooling(Pooling.MAX)
                .inputShape(64, 64, 3).build()).getLast());
    }

    @Test
    void resNet152HasKerasStackDepths() {
        Model model = ResNet152.builder().includeTop(false).inputShape(32, 32, 3).build();
        assertEquals("resnet152", model.name());
        assertEquals("conv3_block8_out", model.layer("conv3_block8_out").name());
        assertEquals("conv4_block36_out", model.layer("conv4_block36_out").name());
        assertEquals("conv5_block3_out", names(model).getLast());
    }

    @Test
    void vgg19HasKerasNames() {
        Model model = VGG19.builder().includeTop(false).inputShape(64, 64, 3).build();
        assertEquals("vgg19", model.name());
        assertEquals(List.of("block1_conv1", "block1_conv2", "block1_pool", "block2_conv1", "block2_conv2", "block2_pool",
                "block3_conv1", "block3_conv2", "block3_conv3", "block3_conv4", "block3_pool", "block4_conv1",
                "block4_conv2", "block4_conv3", "block4_conv4", "block4_pool", "block5_conv1", "block5_conv2",
                "block5_conv3", "block5_conv4", "block5_pool"), names(model).subList(1, 22));
        assertEquals(22, model.layers().size());
        assertArrayEquals(new int[] {3, 3, 512, 512}, model.weight("block5_conv4/kernel").shape());
    }

    @Test
    void vgg16TopIsFlattenAndThreeDenseLayers() {
        Model model = VGG16.builder().includeTop(false).inputShape(32, 32, 3).pooling(Pooling.AVG).build();
        assertEquals("vgg16", model.name());
        assertEquals(20, model.layers().size()); // input + 13 conv + 5 pool + pooling
        assertInstanceOf(GlobalAveragePooling2D.class, model.layers().getLast());
    }
}
