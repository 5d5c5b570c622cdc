package org.transfer4j.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.transfer4j.nn.Input;
import org.transfer4j.nn.Layer;
import org.transfer4j.nn.Weight;
import org.transfer4j.ops.OpCheck;
import org.transfer4j.ops.Views;
import org.transfer4j.tensor.Tensor;

/**
 * {@code dataFormat("channels_first")} on the 2-D spatial layers: by definition (Keras' and
 * {@link DataFormat}'s) a channels_first layer is its channels_last twin between two transposes,
 * {@code y = permute(layerNHWC(permute(x, 0,2,3,1)), 0,3,1,2)}, with the same weights. Each family is checked
 * against that definition on random data whose C, H and W all differ (so a swapped axis cannot go unseen),
 * with the symbolic output shape, and with gradients to the input (finite differences) and to the weights
 * (equal to the twin's under the transposed cotangent). The Keras fixtures check the same layers against
 * real Keras in {@link KerasSpatialLayersFixtureTest}.
 */
class ChannelsFirstLayersTest {
    private static final int N = 2;
    private static final int C = 3;
    private static final int H = 5;
    private static final int W = 7;

    /** Each layer family, made for a data format; the configurations exercise strides, padding and shapes. */
    private static final List<Function<String, Layer>> FAMILIES = List.of(
            f -> new Conv2D(4, 3, 2).strides(2, 1).padding("same").activation("tanh").dataFormat(f),
            f -> new Conv2D(2, 2).dilationRate(2, 1).dataFormat(f),
            f -> new DepthwiseConv2D(3, 2).depthMultiplier(2).strides(1, 2).padding("same").dataFormat(f),
            f -> new SeparableConv2D(4, 2, 3).depthMultiplier(2).strides(2).dataFormat(f),
            f -> new MaxPooling2D(2, 3).strides(1, 2).dataFormat(f),
            f -> new AveragePooling2D(3).strides(2).padding("same").dataFormat(f),
            f -> new GlobalAveragePooling2D().dataFormat(f),
            f -> new GlobalAveragePooling2D().keepdims(true).dataFormat(f),
            f -> new GlobalMaxPooling2D().keepdims(true).dataFormat(f),
            f -> new ZeroPadding2D(1, 0, 2, 1).dataFormat(f),
            f -> new Cropping2D(1, 2, 0, 3).dataFormat(f),
            f -> new UpSampling2D(2, 3).dataFormat(f));

    @Test
    void channelsFirstIsTheChannelsLastLayerBetweenTwoTransposes() {
        Tensor x = OpCheck.distinct(21, N, C, H, W); // distinct: max pooling's winners are unambiguous
        for (Function<String, Layer> family : FAMILIES) {
            Layer first = family.apply("channels_first");
            Layer last = family.apply("channels_last");
            Tensor y = twins(first, last, x);
            Tensor expected = toFirst(last.call(Views.permute(x, 0, 2, 3, 1), false));
            String what = first.describe();
            assertArrayEquals(expected.shape(), y.shape(), what);
            assertArrayEquals(expected.toArray(), y.toArray(), 0f, what);
            assertEquals("channels_first", dataFormatOf(first), what);
            assertEquals("channels_last", dataFormatOf(last), what);
        }
    }

    @Test
    void theSymbolicOutputShapeIsTheEagerOne() {
        for (Function<String, Layer> family : FAMILIES) {
            Layer layer = family.apply("channels_first");
            int[] symbolic = layer.apply(Input.of(C, H, W)).shape();
            int[] eager = layer.call(OpCheck.randn(3, N, C, H, W), false).shape();
            assertArrayEquals(Arrays.copyOfRange(eager, 1, eager.length), symbolic, layer.describe());
        }
        // Written out: the channel axis stays first. Conv2D(4, 3x2, strides (2,1), same) over (3,5,7):
        // OH = ceil(5/2) = 3, OW = ceil(7/1) = 7; GlobalAveragePooling2D keepdims: (C,1,1).
        assertArrayEquals(new int[] {4, 3, 7}, symbolicShape(FAMILIES.get(0)));
        assertArrayEquals(new int[] {C, 1, 1}, symbolicShape(FAMILIES.get(7)));
        assertArrayEquals(new int[] {C}, symbolicShape(FAMILIES.get(6)));
    }

    private static int[] symbolicShape(Function<String, Layer> family) {
        return family.apply("channels_first").apply(Input.of(C, H, W)).shape();
    }

    @Test
    void gradientsReachTheInputThroughTheTransposes() {
        Tensor x = OpCheck.distinct(22, 1, 2, 5, 4); // tiny: (N,C,H,W) = (1,2,5,4)
        for (Function<String, Layer> family : FAMILIES) {
            Layer layer = family.apply("channels_first");
            layer.call(x, false); // builds the weights, which then stay fixed
            OpCheck.gradcheck(layer.describe(), in -> layer.call(in[0], true), x);
        }
    }

    @Test
    void weightsReceiveTheGradientsOfTheirChannelsLastTwin() {
        Tensor x = OpCheck.randn(23, N, C, H, W);
        for (Function<String, Layer> family : FAMILIES.subList(0, 4)) { // the four layers with weights
            Layer first = family.apply("channels_first");
            Layer last = family.apply("channels_last");
            Tensor y = twins(first, last, x);
            Tensor cotangent = OpCheck.randn(24, y.shape());
            first.call(x, true).backward(cotangent);
            last.call(Views.permute(x, 0, 2, 3, 1).contiguous(), true)
                    .backward(Views.permute(cotangent, 0, 2, 3, 1).contiguous());
            assertTrue(!first.trainableWeights().isEmpty(), first.describe());
            for (int i = 0; i < first.trainableWeights().size(); i++) {
                Weight f = first.trainableWeights().get(i);
                Weight l = last.trainableWeights().get(i);
                assertNotNull(f.value().grad(), f.path() + " received no gradient");
                assertArrayEquals(l.value().grad().toArray(), f.value().grad().toArray(), 1e-4f, f.path());
            }
        }
    }

    @Test
    void theDataFormatIsCheckedAndFixedOnceBuilt() {
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> new Conv2D(2, 3).dataFormat("NCHW"));
        assertTrue(bad.getMessage().contains("\"NCHW\""), bad.getMessage());
        Conv2D built = new Conv2D(2, 3).dataFormat("channels_first");
        built.call(OpCheck.randn(1, 1, C, H, W), false);
        assertThrows(IllegalStateException.class, () -> built.dataFormat("channels_last"));
        assertEquals("channels_last", new MaxPooling2D().dataFormat()); // Keras' default
    }

    @Test
    void aChannelsFirstKernelIsBuiltForTheChannelsOfAxisOne() {
        Conv2D conv = new Conv2D(4, 3, 2).dataFormat("channels_first");
        conv.call(OpCheck.randn(2, N, C, H, W), false);
        assertArrayEquals(new int[] {3, 2, C, 4}, conv.weight("kernel").shape()); // HWIO, as Keras stores it
        SeparableConv2D sep = new SeparableConv2D(4, 2).depthMultiplier(2).dataFormat("channels_first");
        sep.call(OpCheck.randn(2, N, C, H, W), false);
        assertArrayEquals(new int[] {2, 2, C, 2}, sep.weight("depthwise_kernel").shape());
        assertArrayEquals(new int[] {1, 1, 2 * C, 4}, sep.weight("pointwise_kernel").shape());
    }

    @Test
    void shapeErrorsNameTheChannelsFirstAxes() {
        Exception e = assertThrows(RuntimeException.class,
                () -> new ZeroPadding2D().dataFormat("channels_first").apply(Input.of(H, W)));
        assertTrue(e.getMessage().contains("(C,H,W)"), e.getMessage());
    }

    /** Builds both layers on x (transposed for the channels_last one), copies first's weights into last. */
    private static Tensor twins(Layer first, Layer last, Tensor x) {
        Tensor y = first.call(x, false);
        last.call(Views.permute(x, 0, 2, 3, 1), false);
        for (int i = 0; i < first.weights().size(); i++) {
            last.weights().get(i).assign(first.weights().get(i).value());
        }
        return y;
    }

    /** {@code (N,H,W,C) -> (N,C,H,W)}; a pooled {@code (N,C)} has no spatial axes and stays. */
    private static Tensor toFirst(Tensor nhwc) {
        return nhwc.rank() == 4 ? Views.permute(nhwc, 0, 3, 1, 2) : nhwc;
    }

    private static String dataFormatOf(Layer layer) {
        return switch (layer) {
            case Conv2D l -> l.dataFormat();
            case DepthwiseConv2D l -> l.dataFormat();
            case SeparableConv2D l -> l.dataFormat();
            case Pooling2D<?> l -> l.dataFormat();
            case GlobalPooling2D<?> l -> l.dataFormat();
            case ZeroPadding2D l -> l.dataFormat();
            case Cropping2D l -> l.dataFormat();
            case UpSampling2D l -> l.dataFormat();
            default -> throw new AssertionError(layer.describe());
        };
    }
}
