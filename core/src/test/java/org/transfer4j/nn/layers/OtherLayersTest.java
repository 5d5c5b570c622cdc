package org.transfer4j.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.transfer4j.nn.Input;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.SymbolicTensor;
import org.transfer4j.ops.OpCheck;
import org.transfer4j.ops.Reduce;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/** Behaviour of the non-spatial layers beyond the Keras fixtures: dropout, statistics, gradients, shapes, errors. */
class OtherLayersTest {

    // ---- Dropout and SpatialDropout2D ------------------------------------------------------------------

    @Test
    void dropoutIsTheIdentityAtInference() {
        Tensor x = OpCheck.randn(1, 4, 10);
        assertSame(x, new Dropout(0.5f).call(x, false));
        assertSame(x, new Dropout(0.5f).seed(1).noiseShape(-1, 1).call(x, false));
    }

    @Test
    void spatialDropoutIsTheIdentityAtInference() {
        Tensor x = OpCheck.randn(2, 1, 2, 2, 3);
        assertSame(x, new SpatialDropout2D(0.5f).call(x, false));
    }

    @Test
    void dropoutInTrainingZeroesAboutRateAndScalesTheRestByOneOverKeep() {
        // 2^16 Bernoulli(0.3) drops: the dropped fraction has standard deviation sqrt(0.21 / 65536) ~ 1.8e-3; allow 5.
        float[] y = new Dropout(0.3f).seed(3).call(Tensor.full(2f, 16, 4096), true).toArray();
        int dropped = 0;
        for (float v : y) {
            if (v == 0f) {
                dropped++;
            } else {
                assertEquals(2f / 0.7f, v, 1e-5f);
            }
        }
        assertEquals(0.3, dropped / (double) y.length, 9e-3);
    }

    @Test
    void seededDropoutIsReproducibleAndDrawsAFreshMaskEachCall() {
        Tensor x = Tensor.ones(8, 100);
        Dropout a = new Dropout(0.5f).seed(42);
        float[] first = a.call(x, true).toArray();
        assertArrayEquals(first, new Dropout(0.5f).seed(42).call(x, true).toArray(), "same seed, same mask");
        assertFalse(Arrays.equals(first, new Dropout(0.5f).seed(43).call(x, true).toArray()), "another seed");
        assertFalse(Arrays.equals(first, a.call(x, true).toArray()), "the second call draws a new mask");
    }

    @Test
    void dropoutNoiseShapeSharesTheMaskAlongAxesOfSizeOne() {
        // noise_shape (None, 1, None) on (N, 5, 6): one draw per sample and feature, repeated over the 5 rows.
        float[] y = new Dropout(0.5f).noiseShape(-1, 1, -1).seed(9).call(Tensor.ones(4, 5, 6), true).toArray();
        int dropped = 0;
        for (int n = 0; n < 4; n++) {
            for (int f = 0; f < 6; f++) {
                float first = y[(n * 5) * 6 + f];
                assertTrue(first == 0f || first == 2f, "kept values are scaled by 1 / (1 - 0.5)");
                dropped += first == 0f ? 1 : 0;
                for (int r = 1; r < 5; r++) {
                    assertEquals(first, y[(n * 5 + r) * 6 + f], "row " + r + " shares the mask of row 0");
                }
            }
        }
        assertTrue(dropped > 0 && dropped < 24, "some but not all columns dropped: " + dropped);
    }

    @Test
    void spatialDropoutDropsWholeChannelsAtAboutRate() {
        // 4 samples x 256 channels = 1024 Bernoulli(0.5) draws: sd of the fraction sqrt(0.25 / 1024) ~ 0.016; allow 5.
        int n = 4;
        int h = 3;
        int w = 2;
        int c = 256;
        float[] y = new SpatialDropout2D(0.5f).seed(5).call(Tensor.ones(n, h, w, c), true).toArray();
        int dropped = 0;
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                float first = y[((b * h) * w) * c + ch];
                assertTrue(first == 0f || first == 2f, "kept channels are scaled by 1 / (1 - 0.5), got " + first);
                dropped += first == 0f ? 1 : 0;
                for (int p = 1; p < h * w; p++) {
                    assertEquals(first, y[(b * h * w + p) * c + ch], "sample " + b + " channel " + ch + " pixel " + p);
                }
            }
        }
        assertEquals(0.5, dropped / (double) (n * c), 0.08);
    }

    @Test
    void spatialDropoutChannelsFirstDropsWholeMapsAndIsReproducible() {
        Tensor x = Tensor.ones(2, 64, 2, 2);
        float[] y = new SpatialDropout2D(0.25f).dataFormat("channels_first").seed(8).call(x, true).toArray();
        for (int map = 0; map < 2 * 64; map++) {
            float first = y[map * 4];
            assertTrue(first == 0f || Math.abs(first - 1f / 0.75f) < 1e-6f);
            for (int p = 1; p < 4; p++) {
                assertEquals(first, y[map * 4 + p]);
            }
        }
        float[] again = new SpatialDropout2D(0.25f).dataFormat("channels_first").seed(8).call(x, true).toArray();
        assertArrayEquals(y, again);
    }

    @Test
    void dropoutPassesTheGradientThroughTheKeptElementsOnly() {
        Tensor x = Tensor.ones(2, 50).requiresGrad(true);
        Tensor y = new Dropout(0.4f).seed(1).call(x, true);
        y.backward(Tensor.ones(2, 50));
        assertArrayEquals(y.toArray(), x.grad().toArray(), 1e-6f, "d(x * mask)/dx = mask = y for x = 1");
    }

    @Test
    void dropoutRejectsRatesOutsideZeroToOne() {
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1f));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(-0.1f));
        assertThrows(IllegalArgumentException.class, () -> new SpatialDropout2D(Float.NaN));
        var e = assertThrows(ShapeMismatchException.class, () -> new SpatialDropout2D(0.1f).call(Tensor.ones(2, 3, 4), true));
        assertTrue(e.getMessage().contains("SpatialDropout2D") && e.getMessage().contains("[3, 4]"), e.getMessage());
        var bad = assertThrows(ShapeMismatchException.class,
                () -> new Dropout(0.1f).noiseShape(-1, 3).call(Tensor.ones(2, 4), true));
        assertTrue(bad.getMessage().contains("[-1, 3]") && bad.getMessage().contains("[4]"), bad.getMessage());
    }

    // ---- activations --------------------------------------------------------------------------------

    @Test
    void leakyReluGradientMatchesFiniteDifferences() {
        LeakyReLU leaky = new LeakyReLU();
        assertEquals(0.3f, leaky.negativeSlope(), "Keras' default");
        OpCheck.gradcheck("LeakyReLU", xs -> leaky.call(xs[0], true), OpCheck.awayFromZero(3, 2, 5));
    }

    @Test
    void preluGradientsMatchFiniteDifferencesAndTheHandFormula() {
        // alpha (1, 3) with sharedAxes(1) on (N, 2, 3): one slope per feature, shared over axis 1.
        PReLU prelu = new PReLU().sharedAxes(1);
        Tensor x = OpCheck.awayFromZero(6, 2, 2, 3);
        prelu.call(x, false);
        assertArrayEquals(new int[] {1, 3}, prelu.weight("alpha").shape());
        float[] alpha = {0.1f, -0.2f, 0.5f};
        prelu.weight("alpha").assign(alpha);
        OpCheck.gradcheck("PReLU dx", xs -> prelu.call(xs[0], true), OpCheck.awayFromZero(7, 2, 2, 3));

        // f = relu(x) - alpha * relu(-x) = x (x > 0), alpha * x (x < 0): df/dalpha = min(x, 0), summed over
        // the batch and the shared axis; with upstream gradient w the sum is of w * min(x, 0).
        PReLU fresh = new PReLU().sharedAxes(1);
        fresh.call(x, false);
        fresh.weight("alpha").assign(alpha);
        Tensor w = OpCheck.randn(8, 2, 2, 3);
        Tensor leaf = x.copy().requiresGrad(true);
        fresh.call(leaf, true).backward(w);
        float[] xv = x.toArray();
        float[] wv = w.toArray();
        float[] dAlpha = new float[3];
        float[] dx = new float[xv.length];
        for (int i = 0; i < xv.length; i++) {
            int f = i % 3;
            dAlpha[f] += wv[i] * Math.min(xv[i], 0f);
            dx[i] = wv[i] * (xv[i] > 0 ? 1f : alpha[f]);
        }
        assertArrayEquals(dAlpha, fresh.weight("alpha").value().grad().toArray(), 1e-5f);
        assertArrayEquals(dx, leaf.grad().toArray(), 1e-6f);
    }

    @Test
    void thresholdedReluAndEluFollowTheirFormulas() {
        float[] x = {-1f, 0.5f, 1f, 1.5f};
        // ThresholdedReLU(theta=1): x if x > 1 else 0 (1 itself is not above the threshold).
        // Computed as x * (x > theta), as in Keras, so -1 gives -0.0; a zero delta counts -0.0 equal to 0.
        assertArrayEquals(new float[] {0, 0, 0, 1.5f}, new ThresholdedReLU().call(Tensor.of(x, 1, 4), false).toArray(), 0f);
        // ELU(alpha=2): x if x > 0 else 2 (e^x - 1).
        float[] elu = new ELU().alpha(2f).call(Tensor.of(x, 1, 4), false).toArray();
        assertArrayEquals(new float[] {(float) (2 * (Math.exp(-1) - 1)), 0.5f, 1f, 1.5f}, elu, 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> new ThresholdedReLU().theta(-1f));
    }

    @Test
    void rescalingAndSoftmaxFollowTheirFormulas() {
        // Rescaling(1/127.5, -1): 0 -> -1, 127.5 -> 0, 255 -> 1.
        assertArrayEquals(new float[] {-1, 0, 1},
                new Rescaling(1f / 127.5f, -1f).call(Tensor.of(new float[] {0, 127.5f, 255}, 1, 3), false).toArray(), 1e-6f);
        // Softmax(axis=1) on (1, 2, 2) [[0, 1], [ln 3, 1]]: columns normalise, so column 0 is [1/4, 3/4], column 1 [1/2, 1/2].
        float ln3 = (float) Math.log(3);
        float[] y = new Softmax().axis(1).call(Tensor.of(new float[] {0, 1, ln3, 1}, 1, 2, 2), false).toArray();
        assertArrayEquals(new float[] {0.25f, 0.5f, 0.75f, 0.5f}, y, 1e-6f);
    }

    // ---- shapes: Flatten, Reshape, merges --------------------------------------------------------------------

    @Test
    void reshapeInfersTheMinusOneEntryAndKeepsRowMajorOrder() {
        SymbolicTensor in = Input.of(2, 6);
        SymbolicTensor out = new Reshape(-1, 4).apply(in);
        assertArrayEquals(new int[] {3, 4}, out.shape());
        Tensor x = Tensor.arange(24).reshape(2, 2, 6);
        Tensor y = Model.of(in, out).predict(x);
        assertArrayEquals(new int[] {2, 3, 4}, y.shape());
        assertArrayEquals(x.toArray(), y.toArray());
    }

    @Test
    void flattenChannelsFirstMovesChannelsLastBeforeFlattening() {
        // x (1, C=2, H=1, W=2) = [[[0, 1]], [[2, 3]]]: channels_last order is (w0: c0, c1), (w1: c0, c1) = 0, 2, 1, 3.
        Tensor x = Tensor.arange(4).reshape(1, 2, 1, 2);
        assertArrayEquals(new float[] {0, 2, 1, 3}, new Flatten().dataFormat("channels_first").call(x, false).toArray());
        assertArrayEquals(new float[] {0, 1, 2, 3}, new Flatten().call(x, false).toArray());
        assertArrayEquals(new int[] {2, 1}, new Flatten().call(Tensor.ones(2), false).shape(), "(N,) becomes (N, 1)");
    }

    @Test
    void concatenateJoinsAlongAMiddleAxis() {
        // (N, 2, 3, 2) and (N, 2, 1, 2) along axis 2 -> (N, 2, 4, 2).
        SymbolicTensor a = Input.of(2, 3, 2);
        SymbolicTensor b = Input.of(2, 1, 2);
        SymbolicTensor out = new Concatenate().axis(2).apply(a, b);
        assertArrayEquals(new int[] {2, 4, 2}, out.shape());
        Tensor xa = OpCheck.randn(1, 2, 2, 3, 2);
        Tensor xb = OpCheck.randn(2, 2, 2, 1, 2);
        Tensor y = Model.of(List.of(a, b), List.of(out)).callAll(List.of(xa, xb), false).getFirst();
        float[] va = xa.toArray();
        float[] vb = xb.toArray();
        float[] want = new float[2 * 2 * 4 * 2];
        for (int n = 0; n < 2; n++) {
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 4; j++) {
                    for (int k = 0; k < 2; k++) {
                        want[((n * 2 + i) * 4 + j) * 2 + k] = j < 3 ? va[((n * 2 + i) * 3 + j) * 2 + k]
                                : vb[((n * 2 + i) * 1) * 2 + k];
                    }
                }
            }
        }
        assertArrayEquals(want, y.toArray());
    }

    @Test
    void addBroadcastsAShorterInputAfterTheBatchAxisAsKerasDoes() {
        // Keras expands (N, 4) to (N, 1, 4) before adding it to (N, 3, 4); with N = 2 plain NumPy would fail.
        Tensor big = OpCheck.randn(1, 2, 3, 4);
        Tensor small = OpCheck.randn(2, 2, 4);
        float[] y = new Add().call(List.of(big, small), false).toArray();
        float[] vb = big.toArray();
        float[] vs = small.toArray();
        for (int i = 0; i < vb.length; i++) {
            int n = i / 12;
            assertEquals(vb[i] + vs[n * 4 + i % 4], y[i], 1e-6f);
        }
        // (N, 3, 1) * (N, 1, 4) -> (N, 3, 4): an outer product per sample.
        Tensor col = Tensor.of(new float[] {1, 2, 3}, 1, 3, 1);
        Tensor row = Tensor.of(new float[] {1, 10, 100, 1000}, 1, 1, 4);
        Tensor outer = new Multiply().call(List.of(col, row), false);
        assertArrayEquals(new int[] {1, 3, 4}, outer.shape());
        assertEquals(3000f, outer.toArray()[11]);
        // Average: (a + b + c) / 3 elementwise, with broadcasting; its gradient is 1/3 to each input.
        Tensor a = OpCheck.randn(11, 2, 3).requiresGrad(true);
        Tensor b = OpCheck.randn(12, 2, 3).requiresGrad(true);
        Tensor c = OpCheck.randn(13, 2, 1).requiresGrad(true);
        Tensor mean = new Average().call(List.of(a, b, c), true);
        float[] va = a.toArray(), vbb = b.toArray(), vc = c.toArray(), vm = mean.toArray();
        for (int i = 0; i < 6; i++) {
            assertEquals((va[i] + vbb[i] + vc[i / 3]) / 3, vm[i], 1e-6f);
        }
        Reduce.sum(mean, new int[] {0, 1}, false).backward();
        assertArrayEquals(new float[] {1f / 3, 1f / 3, 1f / 3, 1f / 3, 1f / 3, 1f / 3}, a.grad().toArray(), 1e-7f);
        assertArrayEquals(new float[] {1f, 1f}, c.grad().toArray(), 1e-6f);
    }

    // ---- errors name the layer and every shape ---------------------------------------------------------------

    @Test
    void mismatchedMergeInputsAreRejectedNamingTheLayerAndEveryShape() {
        assertMessage(() -> new Add().named("sum").apply(Input.of(3), Input.of(4)), "sum (Add)", "[3]", "[4]");
        assertMessage(() -> new Multiply().named("gate").apply(Input.of(2, 5), Input.of(2, 5), Input.of(2, 4)),
                "gate (Multiply)", "[2, 5]", "[2, 4]");
        assertMessage(() -> new Concatenate().named("cat").apply(Input.of(2, 3), Input.of(4, 3)), "cat (Concatenate)",
                "[2, 3]", "[4, 3]", "axis -1");
        assertMessage(() -> new Concatenate().named("cat3").apply(Input.of(2, 3), Input.of(2)), "cat3 (Concatenate)",
                "[2, 3]", "[2]", "rank");
        var one = assertThrows(IllegalArgumentException.class, () -> new Add().named("lonely").apply(Input.of(3)));
        assertTrue(one.getMessage().contains("lonely (Add)") && one.getMessage().contains("got 1"), one.getMessage());
    }

    @Test
    void badAxesAreRejectedNamingTheLayerAndShape() {
        assertMessage(() -> new Concatenate().axis(3).named("c3").apply(Input.of(2, 3), Input.of(2, 3)), "c3 (Concatenate)",
                "axis 3", "[2, 3]");
        assertMessage(() -> new Concatenate().axis(0).named("c0").apply(Input.of(2, 3), Input.of(2, 3)), "c0 (Concatenate)",
                "batch");
        assertMessage(() -> new Softmax().axis(-4).named("sm").apply(Input.of(2, 3)), "sm (Softmax)", "axis -4", "[2, 3]");
        assertMessage(() -> new Normalization().axis(-3).named("norm").apply(Input.of(2, 3)), "norm (Normalization)",
                "[-3]", "[2, 3]");
        assertMessage(() -> new PReLU().sharedAxes(3).named("pr").apply(Input.of(2, 3)), "pr (PReLU)", "[3]", "[2, 3]");
        assertThrows(IllegalArgumentException.class, () -> new Normalization().axis(0));
    }

    @Test
    void batchNormalizationAxisOutOfRangeNamesTheRealInputShape() {
        // The message used to show a shape of zeros ([0, 0]) of the input's rank instead of the input's shape.
        assertMessage(() -> new BatchNormalization().axis(5).named("bn5").apply(Input.of(3, 4)), "bn5 (BatchNormalization)",
                "axis 5", "[3, 4]");
        assertMessage(() -> new BatchNormalization().axis(-4).named("bn_4").apply(Input.of(3, 4)), "axis -4", "[3, 4]");
    }

    @Test
    void badReshapeSizesAreRejectedNamingTheLayerAndShapes() {
        assertMessage(() -> new Reshape(4, 4).named("r").apply(Input.of(6)), "r (Reshape)", "[6]", "[4, 4]");
        assertMessage(() -> new Reshape(-1, 4).named("r2").apply(Input.of(6)), "r2 (Reshape)", "[6]", "[-1, 4]");
        assertThrows(IllegalArgumentException.class, () -> new Reshape(-1, -1));
        assertThrows(IllegalArgumentException.class, () -> new Reshape(0, 6));
    }

    private static void assertMessage(Executable call, String... parts) {
        var e = assertThrows(ShapeMismatchException.class, call);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' missing from: " + e.getMessage());
        }
    }
}
