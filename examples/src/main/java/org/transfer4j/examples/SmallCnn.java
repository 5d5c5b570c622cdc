package org.transfer4j.examples;

import java.util.List;
import org.transfer4j.backend.Padding;
import org.transfer4j.ops.Conv2d;
import org.transfer4j.ops.Pool2d;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/**
 * A small convolutional network written directly with ops (layers come later):
 * <pre>
 * x (N,S,S,3)
 *   conv 3x3, 8 filters, same padding, + bias, ReLU  -> (N,S,S,8)
 *   max pool 2x2, stride 2                          -> (N,S/2,S/2,8)
 *   conv 3x3, 16 filters, same padding, + bias, ReLU -> (N,S/2,S/2,16)
 *   max pool 2x2, stride 2                          -> (N,S/4,S/4,16)
 *   global average pool                             -> (N,16)
 *   dense 16 -> classes, + bias                     -> logits (N,classes)
 * </pre>
 * Weights are He-normal ({@code std = sqrt(2 / fanIn)}, right for ReLU), biases zero. Every
 * parameter is a leaf tensor that requires grad, so {@code loss.backward()} fills its {@code grad()}.
 */
public final class SmallCnn {
    private static final int FILTERS1 = 8;
    private static final int FILTERS2 = 16;

    private final Tensor kernel1; // (3,3,3,8), HWIO as Keras stores Conv2D kernels
    private final Tensor bias1;   // (8)
    private final Tensor kernel2; // (3,3,8,16)
    private final Tensor bias2;   // (16)
    private final Tensor dense;   // (16,classes), Keras Dense layout (in, out)
    private final Tensor bias3;   // (classes)

    public SmallCnn(int classes, Generator gen) {
        kernel1 = heNormal(gen, 3, 3, 3, FILTERS1);
        bias1 = Tensor.zeros(FILTERS1).requiresGrad(true);
        kernel2 = heNormal(gen, 3, 3, FILTERS1, FILTERS2);
        bias2 = Tensor.zeros(FILTERS2).requiresGrad(true);
        dense = heNormal(gen, FILTERS2, classes);
        bias3 = Tensor.zeros(classes).requiresGrad(true);
    }

    /** The trainable tensors, in a fixed order (the optimizer keeps its state by position). */
    public List<Tensor> parameters() {
        return List.of(kernel1, bias1, kernel2, bias2, dense, bias3);
    }

    public int parameterCount() {
        return parameters().stream().mapToInt(Tensor::numel).sum();
    }

    /** {@code x (N,S,S,3) -> logits (N,classes)}. */
    public Tensor forward(Tensor x) {
        Tensor h = Conv2d.conv2d(x, kernel1, Padding.SAME, 1).add(bias1).relu();
        h = Pool2d.maxPool2d(h, 2, 2, Padding.VALID);
        h = Conv2d.conv2d(h, kernel2, Padding.SAME, 1).add(bias2).relu();
        h = Pool2d.maxPool2d(h, 2, 2, Padding.VALID);
        Tensor features = Pool2d.globalAvgPool(h, false);
        return features.matmul(dense).add(bias3);
    }

    /** A description such as {@code conv3x3(8)-relu-maxpool-conv3x3(16)-relu-maxpool-gap-dense(10)}. */
    public String describe() {
        return "conv3x3(" + FILTERS1 + ")-relu-maxpool-conv3x3(" + FILTERS2 + ")-relu-maxpool-gap-dense("
                + bias3.numel() + ")";
    }

    /** The fan-in is every axis but the last: kernel height * width * input channels, or the Dense input size. */
    private static Tensor heNormal(Generator gen, int... shape) {
        int fanIn = 1;
        for (int i = 0; i < shape.length - 1; i++) {
            fanIn *= shape[i];
        }
        return Tensor.normal(gen, 0f, (float) Math.sqrt(2.0 / fanIn), shape).requiresGrad(true);
    }
}
