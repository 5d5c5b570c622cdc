package org.transfer4j.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.transfer4j.autograd.NoGrad;
import org.transfer4j.nn.Input;
import org.transfer4j.nn.Layer;
import org.transfer4j.nn.Sequential;
import org.transfer4j.nn.Weight;
import org.transfer4j.ops.OpCheck;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * The spatial layers beyond what the Keras fixtures cover: DepthwiseConv2D against naive loops
 * (depth multiplier, strides, dilation, "same" padding), SeparableConv2D with dilation, Cropping2D
 * and GlobalMaxPooling2D against hand-written indexing, output shapes, gradients and error messages.
 */
class SpatialLayersTest {

    // ---- DepthwiseConv2D against naive loops ---------------------------------------------------------

    /** {H, W, C, KH, KW, M, strideH, strideW, dilationH, dilationW, same (1) or valid (0)}. */
    private static final int[][] DEPTHWISE_CASES = {
        {7, 6, 3, 3, 3, 2, 2, 2, 1, 1, 0},   // depth multiplier 2, stride 2
        {7, 6, 3, 3, 3, 2, 1, 1, 2, 2, 1},   // dilation 2, "same"
        {6, 7, 2, 2, 3, 3, 2, 1, 1, 2, 1},   // even kernel (asymmetric padding), separate strides and dilations
        {9, 8, 2, 3, 2, 2, 2, 2, 2, 2, 0}};  // stride and dilation together

    @Test
    void depthwiseConv2dMatchesNaiveLoops() {
        for (int[] k : DEPTHWISE_CASES) {
            int h = k[0];
            int w = k[1];
            int c = k[2];
            int m = k[5];
            DepthwiseConv2D layer = new DepthwiseConv2D(k[3], k[4]).depthMultiplier(m).strides(k[6], k[7])
                    .dilationRate(k[8], k[9]).padding(k[10] == 1 ? "same" : "valid");
            new Sequential(new int[] {h, w, c}, layer);
            Tensor kernel = OpCheck.randn(k[0] * 7 + k[3], k[3], k[4], c, m);
            Tensor bias = OpCheck.randn(k[1] * 5 + m, c * m);
            layer.weight("depthwise_kernel").assign(kernel);
            layer.weight("bias").assign(bias);
            Tensor x = OpCheck.randn(h * 11 + w, 2, h, w, c);

            Tensor y = layer.call(x, false);
            Naive expected = naiveDepthwise(x, kernel, bias, k[6], k[7], k[8], k[9], k[10] == 1);
            assertArrayEquals(expected.shape, y.shape(), Arrays.toString(k));
            assertArrayEquals(expected.values, y.toArray(), 1e-4f, Arrays.toString(k));
        }
    }

    private record Naive(int[] shape, float[] values) {
    }

    /**
     * {@code y[n,i,j,c*M+m] = b[c*M+m] + sum_{u,v} x[n, i*sh + u*dh - top, j*sw + v*dw - left, c] * k[u,v,c,m]},
     * x taken as 0 outside the image. Valid: {@code OH = (H - dh*(KH-1) - 1) / sh + 1}, no padding. Same
     * (TensorFlow's {@code tf.nn} padding rule): {@code OH = ceil(H / sh)},
     * {@code total = max((OH-1)*sh + dh*(KH-1) + 1 - H, 0)}, {@code top = total / 2} (the rest at the bottom).
     */
    private static Naive naiveDepthwise(Tensor xt, Tensor kt, Tensor bt, int sh, int sw, int dh, int dw, boolean same) {
        int n = xt.shape(0);
        int h = xt.shape(1);
        int w = xt.shape(2);
        int c = xt.shape(3);
        int kh = kt.shape(0);
        int kw = kt.shape(1);
        int mult = kt.shape(3);
        int oh;
        int ow;
        int top = 0;
        int left = 0;
        if (same) {
            oh = (h + sh - 1) / sh;
            ow = (w + sw - 1) / sw;
            top = Math.max((oh - 1) * sh + dh * (kh - 1) + 1 - h, 0) / 2;
            left = Math.max((ow - 1) * sw + dw * (kw - 1) + 1 - w, 0) / 2;
        } else {
            oh = (h - dh * (kh - 1) - 1) / sh + 1;
            ow = (w - dw * (kw - 1) - 1) / sw + 1;
        }
        float[] x = xt.toArray();
        float[] k = kt.toArray();
        float[] b = bt.toArray();
        int oc = c * mult;
        float[] y = new float[n * oh * ow * oc];
        for (int ni = 0; ni < n; ni++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    for (int ci = 0; ci < c; ci++) {
                        for (int mi = 0; mi < mult; mi++) {
                            double s = b[ci * mult + mi];
                            for (int u = 0; u < kh; u++) {
                                for (int v = 0; v < kw; v++) {
                                    int r = i * sh + u * dh - top;
                                    int q = j * sw + v * dw - left;
                                    if (r >= 0 && r < h && q >= 0 && q < w) {
                                        s += x[((ni * h + r) * w + q) * c + ci] * k[((u * kw + v) * c + ci) * mult + mi];
                                    }
                                }
                            }
                            y[((ni * oh + i) * ow + j) * oc + ci * mult + mi] = (float) s;
                        }
                    }
                }
            }
        }
        return new Naive(new int[] {n, oh, ow, oc}, y);
    }

    @Test
    void separableConv2dWithDilationIsDepthwiseThenPointwise() {
        // The fixtures have no dilated SeparableConv2D; TF's separable_conv2d dilates the depthwise step only.
        SeparableConv2D sep = new SeparableConv2D(5, 3).depthMultiplier(2).dilationRate(2).padding("same");
        DepthwiseConv2D depthwise = new DepthwiseConv2D(3).depthMultiplier(2).dilationRate(2).padding("same")
                .useBias(false);
        Conv2D pointwise = new Conv2D(5, 1);
        new Sequential(new int[] {6, 7, 3}, sep);
        new Sequential(new int[] {6, 7, 3}, depthwise, pointwise);
        Tensor dk = OpCheck.randn(1, 3, 3, 3, 2);
        Tensor pk = OpCheck.randn(2, 1, 1, 6, 5);
        Tensor b = OpCheck.randn(3, 5);
        sep.weight("depthwise_kernel").assign(dk);
        sep.weight("pointwise_kernel").assign(pk);
        sep.weight("bias").assign(b);
        depthwise.weight("depthwise_kernel").assign(dk);
        pointwise.weight("kernel").assign(pk);
        pointwise.weight("bias").assign(b);
        Tensor x = OpCheck.randn(4, 2, 6, 7, 3);
        Tensor expected = pointwise.call(depthwise.call(x, false), false);
        Tensor y = sep.call(x, false);
        assertArrayEquals(expected.shape(), y.shape());
        assertArrayEquals(expected.toArray(), y.toArray(), 1e-4f);
    }

    @Test
    void convolutionLayersCreateKerasWeightsInKerasOrder() {
        DepthwiseConv2D depthwise = new DepthwiseConv2D(3, 2).depthMultiplier(2);
        new Sequential(new int[] {8, 8, 3}, depthwise);
        assertEquals(List.of("depthwise_kernel", "bias"), depthwise.weights().stream().map(Weight::name).toList());
        assertArrayEquals(new int[] {3, 2, 3, 2}, depthwise.weight("depthwise_kernel").shape());
        assertArrayEquals(new int[] {6}, depthwise.weight("bias").shape());

        SeparableConv2D separable = new SeparableConv2D(4, 3).depthMultiplier(3);
        new Sequential(new int[] {8, 8, 2}, separable);
        assertEquals(List.of("depthwise_kernel", "pointwise_kernel", "bias"),
                separable.weights().stream().map(Weight::name).toList());
        assertArrayEquals(new int[] {3, 3, 2, 3}, separable.weight("depthwise_kernel").shape());
        assertArrayEquals(new int[] {1, 1, 6, 4}, separable.weight("pointwise_kernel").shape());
        assertArrayEquals(new int[] {4}, separable.weight("bias").shape());

        DepthwiseConv2D noBias = new DepthwiseConv2D(3).useBias(false);
        new Sequential(new int[] {8, 8, 3}, noBias);
        assertEquals(List.of("depthwise_kernel"), noBias.weights().stream().map(Weight::name).toList());
    }

    // ---- cropping, global max pooling ---------------------------------------------------------------

    @Test
    void cropping2dKeepsTheInteriorWindow() {
        int n = 2;
        int h = 6;
        int w = 7;
        int c = 3;
        Tensor x = Tensor.arange(n * h * w * c).reshape(n, h, w, c);
        float[] xv = x.toArray();
        // ((top, bottom), (left, right)) = ((1, 2), (3, 0)): y[n,i,j,c] = x[n, i+1, j+3, c], i < 6-1-2, j < 7-3-0
        Tensor y = new Cropping2D(1, 2, 3, 0).call(x, false);
        assertArrayEquals(new int[] {n, 3, 4, c}, y.shape());
        float[] expected = new float[n * 3 * 4 * c];
        int e = 0;
        for (int ni = 0; ni < n; ni++) {
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 4; j++) {
                    for (int ci = 0; ci < c; ci++) {
                        expected[e++] = xv[((ni * h + i + 1) * w + j + 3) * c + ci];
                    }
                }
            }
        }
        assertArrayEquals(expected, y.toArray());
        // Symmetric forms: (rows, cols) and a single int.
        assertArrayEquals(new int[] {2, 2, 1, 1}, new Cropping2D(2, 1).cropping());
        assertArrayEquals(new int[] {n, 2, 3, c}, new Cropping2D(2).call(x, false).shape());
    }

    @Test
    void globalMaxPooling2dTakesEachChannelsMaximum() {
        // x (1,2,2,2), NHWC: channel 0 holds {1, -5, 3, 2}, channel 1 holds {-1, -2, -7, -4}.
        float[] values = {1, -1, -5, -2, 3, -7, 2, -4};
        Tensor x = Tensor.of(values, 1, 2, 2, 2).requiresGrad(true);
        Tensor y = new GlobalMaxPooling2D().call(x, true);
        assertArrayEquals(new int[] {1, 2}, y.shape());
        assertArrayEquals(new float[] {3, -1}, y.toArray());
        // The gradient goes to the maxima only: flat index 4 (the 3 of channel 0) and 1 (the -1 of channel 1).
        y.backward(Tensor.of(new float[] {10, 20}, 1, 2));
        assertArrayEquals(new float[] {0, 20, 0, 0, 10, 0, 0, 0}, x.grad().toArray());

        Tensor kept = new GlobalMaxPooling2D().keepdims(true).call(Tensor.of(values, 1, 2, 2, 2), false);
        assertArrayEquals(new int[] {1, 1, 1, 2}, kept.shape());
        assertArrayEquals(new float[] {3, -1}, kept.toArray());
        // The mean, kept: channel 0 (1 - 5 + 3 + 2) / 4 = 0.25, channel 1 (-1 - 2 - 7 - 4) / 4 = -3.5.
        Tensor mean = new GlobalAveragePooling2D().keepdims(true).call(Tensor.of(values, 1, 2, 2, 2), false);
        assertArrayEquals(new int[] {1, 1, 1, 2}, mean.shape());
        assertArrayEquals(new float[] {0.25f, -3.5f}, mean.toArray(), 1e-6f);
    }

    @Test
    void upSampling2dRepeatsEachPixelAsABlock() {
        // x (1,2,2,1) = [[a, b], [c, d]] with size (1, 2) -> [[a, a, b, b], [c, c, d, d]].
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 2, 2, 1).requiresGrad(true);
        Tensor y = new UpSampling2D(1, 2).call(x, true);
        assertArrayEquals(new int[] {1, 2, 4, 1}, y.shape());
        assertArrayEquals(new float[] {1, 1, 2, 2, 3, 3, 4, 4}, y.toArray());
        // Each pixel's gradient is the sum over its block.
        y.backward(Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 1, 2, 4, 1));
        assertArrayEquals(new float[] {3, 7, 11, 15}, x.grad().toArray());
    }

    // ---- output shapes ------------------------------------------------------------------------------

    @Test
    void outputShapesFollowKeras() {
        // valid: (7 - 3) / 2 + 1 = 3; channels 3 * 2
        assertShape(new int[] {3, 3, 6}, new DepthwiseConv2D(3).depthMultiplier(2).strides(2), 7, 7, 3);
        // same: ceil(7 / 2) = 4
        assertShape(new int[] {4, 4, 8}, new SeparableConv2D(8, 3).strides(2).padding("same"), 7, 7, 3);
        // dilated valid: 9 - 2*(3-1) = 5
        assertShape(new int[] {5, 5, 4}, new SeparableConv2D(4, 3).dilationRate(2), 9, 9, 2);
        assertShape(new int[] {8, 13, 2}, new ZeroPadding2D(1, 2, 3, 4), 5, 6, 2);
        assertShape(new int[] {7, 8, 2}, new ZeroPadding2D(), 5, 6, 2);
        assertShape(new int[] {2, 2, 2}, new Cropping2D(1, 2, 3, 4), 5, 9, 2);
        assertShape(new int[] {8, 15, 2}, new UpSampling2D(2, 3), 4, 5, 2);
        assertShape(new int[] {8, 10, 2}, new UpSampling2D(), 4, 5, 2);
        // pool (2,2), strides = pool: 7 / 2 = 3
        assertShape(new int[] {3, 3, 3}, new MaxPooling2D(), 7, 7, 3);
        assertShape(new int[] {4, 4, 3}, new MaxPooling2D(3).strides(2).padding("same"), 7, 7, 3);
        assertShape(new int[] {3, 3, 1}, new AveragePooling2D(2, 3), 6, 9, 1);
        assertShape(new int[] {6, 9, 1}, new AveragePooling2D(3).strides(1).padding("same"), 6, 9, 1);
        assertShape(new int[] {4}, new GlobalAveragePooling2D(), 5, 5, 4);
        assertShape(new int[] {1, 1, 4}, new GlobalAveragePooling2D().keepdims(true), 5, 5, 4);
        assertShape(new int[] {4}, new GlobalMaxPooling2D(), 5, 5, 4);
        assertShape(new int[] {1, 1, 4}, new GlobalMaxPooling2D().keepdims(true), 5, 5, 4);
    }

    private static void assertShape(int[] expected, Layer layer, int... input) {
        assertArrayEquals(expected, layer.apply(Input.of(input)).shape(), layer.describe());
        int[] batch = new int[input.length + 1];
        batch[0] = 2;
        System.arraycopy(input, 0, batch, 1, input.length);
        int[] eager = layer.call(OpCheck.randn(5, batch), false).shape();
        assertArrayEquals(expected, Arrays.copyOfRange(eager, 1, eager.length), layer.describe() + " (eager)");
    }

    // ---- gradients ----------------------------------------------------------------------------------

    @Test
    void gradientsReachTheInputThroughEveryLayer() {
        Tensor x = OpCheck.randn(7, 2, 5, 6, 2);
        Tensor distinct = OpCheck.distinct(8, 2, 5, 6, 2); // max pooling needs inputs without ties
        checkInputGradient(new DepthwiseConv2D(3).depthMultiplier(2).strides(2).padding("same"), x);
        checkInputGradient(new DepthwiseConv2D(2, 3).dilationRate(2, 1), x);
        checkInputGradient(new SeparableConv2D(3, 3).depthMultiplier(2).padding("same"), x);
        checkInputGradient(new ZeroPadding2D(1, 0, 2, 1), x);
        checkInputGradient(new Cropping2D(1, 2, 0, 3), x);
        checkInputGradient(new UpSampling2D(2, 3), x);
        checkInputGradient(new MaxPooling2D(3).strides(2).padding("same"), distinct);
        checkInputGradient(new AveragePooling2D(3).strides(2).padding("same"), x);
        checkInputGradient(new AveragePooling2D(2, 3), x);
        checkInputGradient(new GlobalAveragePooling2D(), x);
        checkInputGradient(new GlobalMaxPooling2D().keepdims(true), distinct);
    }

    private static void checkInputGradient(Layer layer, Tensor x) {
        OpCheck.gradcheck(layer.describe(), in -> layer.call(in[0], true), x);
    }

    @Test
    void kernelsAndBiasesReceiveTheirGradients() {
        checkWeightGradients(new DepthwiseConv2D(3).depthMultiplier(2).strides(2).padding("same"),
                OpCheck.randn(11, 2, 5, 6, 2));
        checkWeightGradients(new DepthwiseConv2D(2).dilationRate(2), OpCheck.randn(12, 1, 5, 5, 3));
        checkWeightGradients(new SeparableConv2D(3, 3).depthMultiplier(2).strides(2, 1).padding("same"),
                OpCheck.randn(13, 2, 5, 6, 2));
    }

    /**
     * Every trainable weight's gradient from {@code backward()} against central differences of
     * {@code f = sum(w * layer(x))} for a random cotangent w (the {@link OpCheck} recipe, applied to weights).
     */
    private static void checkWeightGradients(Layer layer, Tensor x) {
        Tensor y = layer.call(x, true);
        float[] cotangent = OpCheck.randn(99, y.shape()).toArray();
        y.backward(Tensor.of(cotangent, y.shape()));
        OpCheck.Tolerance tol = OpCheck.DEFAULT;
        assertTrue(!layer.trainableWeights().isEmpty(), layer.describe() + " has no trainable weights");
        for (Weight weight : layer.trainableWeights()) {
            assertNotNull(weight.value().grad(), weight.path() + " received no gradient");
            float[] analytic = weight.value().grad().toArray();
            float[] v = weight.value().toArray();
            for (int i = 0; i < v.length; i++) {
                float original = v[i];
                v[i] = (float) (original + tol.eps());
                float up = v[i];
                weight.assign(v);
                double fPlus = dot(layer, x, cotangent);
                v[i] = (float) (original - tol.eps());
                float down = v[i];
                weight.assign(v);
                double fMinus = dot(layer, x, cotangent);
                v[i] = original;
                weight.assign(v);
                double numeric = (fPlus - fMinus) / ((double) up - down);
                if (!(Math.abs(analytic[i] - numeric) <= tol.atol() + tol.rtol() * Math.abs(numeric))) {
                    fail(weight.path() + " at flat index " + i + ": analytic " + analytic[i] + ", numeric " + numeric);
                }
            }
        }
    }

    private static double dot(Layer layer, Tensor x, float[] cotangent) {
        try (NoGrad ignored = NoGrad.enter()) {
            float[] y = layer.call(x, false).toArray();
            double s = 0;
            for (int i = 0; i < y.length; i++) {
                s += (double) y[i] * cotangent[i];
            }
            return s;
        }
    }

    // ---- errors -------------------------------------------------------------------------------------

    @Test
    void inputsOfTheWrongRankAreRejectedNamingTheLayer() {
        List<Supplier<Layer>> layers = List.of(() -> new DepthwiseConv2D(3), () -> new SeparableConv2D(2, 3),
                ZeroPadding2D::new, Cropping2D::new, UpSampling2D::new, MaxPooling2D::new, AveragePooling2D::new,
                GlobalAveragePooling2D::new, GlobalMaxPooling2D::new);
        for (Supplier<Layer> make : layers) {
            Layer symbolic = make.get();
            ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                    () -> symbolic.apply(Input.of(8, 8)));
            assertMessageNames(symbolic, e, "(H,W,C)");
            Layer eager = make.get();
            ShapeMismatchException eagerError = assertThrows(ShapeMismatchException.class,
                    () -> eager.call(Tensor.zeros(1, 8, 8, 2, 1), false));
            assertMessageNames(eager, eagerError, "[8, 8, 2, 1]");
        }
    }

    @Test
    void windowsThatDoNotFitAreRejectedNamingTheLayer() {
        assertDoesNotFit(new DepthwiseConv2D(5), "5x5 kernel", 3, 3, 2);
        assertDoesNotFit(new SeparableConv2D(4, 3).dilationRate(2), "dilation 2x2", 4, 8, 1);
        assertDoesNotFit(new MaxPooling2D(3), "3x3 pool", 2, 5, 1);
        assertDoesNotFit(new AveragePooling2D(4, 1), "4x1 pool", 3, 5, 1);
        assertDoesNotFit(new Cropping2D(2, 2, 0, 0), "leaves nothing", 4, 6, 1);
    }

    private static void assertDoesNotFit(Layer layer, String detail, int... input) {
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> layer.apply(Input.of(input)));
        assertMessageNames(layer, e, detail);
        assertTrue(e.getMessage().contains(Arrays.toString(input)), e.getMessage());
    }

    private static void assertMessageNames(Layer layer, Exception e, String detail) {
        String message = e.getMessage();
        assertTrue(message.contains(layer.describe()) && message.contains(detail),
                "expected the layer " + layer.describe() + " and '" + detail + "' in: " + message);
    }

    @Test
    void aBuiltDepthwiseLayerRejectsOtherChannelCounts() {
        DepthwiseConv2D layer = new DepthwiseConv2D(3);
        layer.call(Tensor.zeros(1, 5, 5, 3), false);
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> layer.call(Tensor.zeros(1, 5, 5, 4), false));
        assertMessageNames(layer, e, "built for 3 input channels");
        IllegalStateException late = assertThrows(IllegalStateException.class, () -> layer.depthMultiplier(2));
        assertTrue(late.getMessage().contains("depthMultiplier"), late.getMessage());
    }

    @Test
    void badArgumentsAreRejectedQuotingTheValue() {
        IllegalArgumentException bilinear = assertThrows(IllegalArgumentException.class,
                () -> new UpSampling2D().interpolation("bilinear"));
        assertTrue(bilinear.getMessage().contains("\"nearest\"") && bilinear.getMessage().contains("\"bilinear\""),
                bilinear.getMessage());
        assertEquals("nearest", new UpSampling2D().interpolation("nearest").interpolation());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> new ZeroPadding2D(1, -1, 0, 0));
        assertTrue(negative.getMessage().contains("-1"), negative.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Cropping2D(-2));
        assertThrows(IllegalArgumentException.class, () -> new MaxPooling2D(0, 2));
        assertThrows(IllegalArgumentException.class, () -> new AveragePooling2D().strides(0));
        assertThrows(IllegalArgumentException.class, () -> new DepthwiseConv2D(3).depthMultiplier(0));
        IllegalArgumentException padding = assertThrows(IllegalArgumentException.class,
                () -> new MaxPooling2D().padding("full"));
        assertTrue(padding.getMessage().contains("full"), padding.getMessage());
    }
}
