package org.transfer4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.transfer4j.nn.layers.Activation;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.Conv2D;
import org.transfer4j.nn.layers.DepthwiseConv2D;
import org.transfer4j.nn.layers.MaxPooling2D;
import org.transfer4j.nn.layers.ReLU;
import org.transfer4j.nn.layers.ZeroPadding2D;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/**
 * A model runs a zero padding and the convolution reading it as one step (MobileNetV2's strided blocks): the
 * outputs and gradients are those of the two layers called one after the other.
 */
class JoinedPaddingTest {

    @Test
    void theJoinedStepComputesWhatTheTwoLayersComputeForwardAndBackward() {
        ZeroPadding2D pad = new ZeroPadding2D(0, 1, 0, 1);
        DepthwiseConv2D dw = new DepthwiseConv2D(3).strides(2).depthMultiplier(2);
        ReLU relu = new ReLU().maxValue(6f);
        SymbolicTensor in = Input.of("in", 8, 8, 3);
        Model model = Model.of(in, relu.named("relu").apply(dw.named("dw").apply(pad.named("pad").apply(in))));
        assertEquals(List.of(JoinedPadding.class, LayerCall.class),
                JoinFixtures.paddingJoined(model).stream().map(Object::getClass).toList());

        Tensor x = Tensor.uniform(new Generator(3), -1f, 1f, 2, 8, 8, 3).requiresGrad(true);
        Tensor joined = model.call(x, true);
        List<float[]> joinedGrads = backward(joined, x, dw);

        Tensor x2 = Tensor.of(x.toArray(), x.shape()).requiresGrad(true);
        Tensor apart = relu.call(dw.call(pad.call(x2, true), true), true);
        List<float[]> apartGrads = backward(apart, x2, dw);

        assertArrayEquals(apart.toArray(), joined.toArray(), 1e-6f);
        for (int i = 0; i < apartGrads.size(); i++) {
            assertArrayEquals(apartGrads.get(i), joinedGrads.get(i), 1e-5f, "gradient " + i);
        }
    }

    @Test
    void aMaxPoolingAfterAReluLeavesThePaddedZerosOutWithTheSameValuesAndGradients() {
        // ResNet50's stem: conv, relu, ZeroPadding2D(1), MaxPooling2D(3, strides 2). The ReLU makes exact zeros,
        // so windows tie with the padded zeros; the ReLU's derivative (0 at 0) makes the gradients agree anyway.
        Conv2D conv = new Conv2D(4, 3).padding("same");
        Activation relu = new Activation("relu");
        ZeroPadding2D pad = new ZeroPadding2D(1);
        MaxPooling2D pool = new MaxPooling2D(3).strides(2);
        SymbolicTensor in = Input.of("in", 9, 9, 3);
        Model model = Model.of(in, pool.named("pool").apply(pad.named("pad").apply(relu.named("relu").apply(
                conv.named("conv").apply(in)))));
        assertEquals(List.of(LayerCall.class, LayerCall.class, JoinedPadding.class),
                JoinFixtures.paddingJoined(model).stream().map(Object::getClass).toList());

        Tensor x = Tensor.uniform(new Generator(5), -1f, 1f, 2, 9, 9, 3).requiresGrad(true);
        Tensor joined = model.call(x, true);
        List<float[]> joinedGrads = backward(joined, x, conv);
        Tensor x2 = Tensor.of(x.toArray(), x.shape()).requiresGrad(true);
        Tensor apart = pool.call(pad.call(relu.call(conv.call(x2, true), true), true), true);
        List<float[]> apartGrads = backward(apart, x2, conv);

        assertArrayEquals(apart.toArray(), joined.toArray(), 0f);
        for (int i = 0; i < apartGrads.size(); i++) {
            assertArrayEquals(apartGrads.get(i), joinedGrads.get(i), 0f, "gradient " + i);
        }
    }

    @Test
    void aMaxPoolingAfterALayerThatMayBeNegativeKeepsItsPadding() {
        SymbolicTensor in = Input.of("in", 9, 9, 3);
        SymbolicTensor padded = new ZeroPadding2D(1).named("pad").apply(new BatchNormalization().named("bn").apply(in));
        Model model = Model.of(in, new MaxPooling2D(3).strides(2).named("pool").apply(padded));
        assertEquals(List.of(LayerCall.class, LayerCall.class, LayerCall.class),
                JoinFixtures.paddingJoined(model).stream().map(Object::getClass).toList(),
                "a zero could beat the negative values of a window: the pad stays");
    }

    /** The gradients of sum(y^2) with respect to x and the layer's weights (cleared first). */
    private static List<float[]> backward(Tensor y, Tensor x, Layer layer) {
        layer.weights().forEach(w -> w.value().zeroGrad());
        y.mul(y).sum().backward();
        List<float[]> grads = new ArrayList<>();
        grads.add(x.grad().toArray());
        layer.weights().forEach(w -> grads.add(w.value().grad().toArray()));
        return grads;
    }
}
