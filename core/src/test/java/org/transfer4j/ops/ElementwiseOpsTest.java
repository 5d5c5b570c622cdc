package org.transfer4j.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

class ElementwiseOpsTest {
    private static final int[][] SHAPES = {{7}, {3, 5}, {2, 3, 4}, {1, 3, 1, 5}};

    @Test
    void addBroadcastsLikeNumpy() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = Tensor.of(new float[] {10, 20, 30}, 3);
        assertArrayEquals(new float[] {11, 22, 33, 14, 25, 36}, a.add(b).toArray());
        Tensor c = Tensor.of(new float[] {100, 200}, 2, 1);
        assertArrayEquals(new float[] {101, 102, 103, 204, 205, 206}, a.add(c).toArray());
    }

    @Test
    void binaryOpsRejectShapesThatDoNotBroadcast() {
        var e = assertThrows(ShapeMismatchException.class, () -> Tensor.zeros(2, 3).add(Tensor.zeros(4)));
        assertTrue(e.getMessage().contains("add") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4]"),
                e.getMessage());
    }

    @Test
    void arithmeticGradientsMatchFiniteDifferencesWithBroadcasting() {
        int[][][] pairs = {{{3, 4}, {3, 4}}, {{3, 4}, {4}}, {{2, 1, 5}, {3, 1}}, {{5}, {1}}, {{1, 3, 1}, {2, 1, 4}}};
        for (int[][] p : pairs) {
            Tensor a = OpCheck.randn(1, p[0]);
            Tensor b = OpCheck.awayFromZero(2, p[1]).abs().add(0.5f);
            OpCheck.gradcheck("add " + java.util.Arrays.deepToString(p), x -> x[0].add(x[1]), a, b);
            OpCheck.gradcheck("sub", x -> x[0].sub(x[1]), a, b);
            OpCheck.gradcheck("mul", x -> x[0].mul(x[1]), a, b);
            OpCheck.gradcheck("div", x -> x[0].div(x[1]), a, b);
            OpCheck.gradcheck("pow", x -> x[1].pow(x[0].mul(0.5f)), a, b);
        }
    }

    @Test
    void unaryGradientsMatchFiniteDifferences() {
        for (int[] shape : SHAPES) {
            Tensor x = OpCheck.awayFromZero(3, shape);
            Tensor positive = x.abs().add(0.2f);
            OpCheck.gradcheck("neg", t -> t[0].neg(), x);
            OpCheck.gradcheck("exp", t -> t[0].exp(), x);
            OpCheck.gradcheck("log", t -> t[0].log(), positive);
            OpCheck.gradcheck("sqrt", t -> t[0].sqrt(), positive);
            OpCheck.gradcheck("abs", t -> t[0].abs(), x);
            OpCheck.gradcheck("pow3", t -> t[0].pow(3f), x);
            OpCheck.gradcheck("pow-1.5", t -> t[0].pow(-1.5f), positive);
            OpCheck.gradcheck("relu", t -> t[0].relu(), x);
            OpCheck.gradcheck("relu6", t -> Unary.relu6(t[0].mul(4f)), x);
            OpCheck.gradcheck("clamp", t -> t[0].clamp(-1.05f, 0.95f), x);
            OpCheck.gradcheck("leakyRelu", t -> Unary.leakyRelu(t[0], 0.2f), x);
            OpCheck.gradcheck("sigmoid", t -> t[0].sigmoid(), x);
            OpCheck.gradcheck("tanh", t -> t[0].tanh(), x);
            OpCheck.gradcheck("gelu", t -> t[0].gelu(), x);
            OpCheck.gradcheck("gelu tanh", t -> Gelu.gelu(t[0], true), x);
        }
    }

    @Test
    void vectorisedUnitStridePathsEqualTheScalarStridedPaths() {
        // 37 x 3: rows of 37 (vector body + tail) when contiguous; stride 3 through the transposed view.
        Tensor x = OpCheck.awayFromZero(9, 3, 37).mul(4f);
        Tensor strided = x.transpose(0, 1);               // (37, 3), not contiguous
        Tensor contiguous = strided.contiguous();
        Tensor g = OpCheck.randn(10, 37, 3);
        for (var f : java.util.List.<java.util.function.UnaryOperator<Tensor>>of(
                Tensor::relu, t -> Unary.relu6(t), t -> t.clamp(-1f, 2f), t -> t.mul(-1.5f).add(0.25f), Tensor::neg)) {
            assertArrayEquals(f.apply(strided).toArray(), f.apply(contiguous).toArray());
        }
        var backend = x.backend();
        assertArrayEquals(
                backend.unaryBackward(org.transfer4j.backend.UnaryOp.CLAMP, strided, g, 0f, 6f).toArray(),
                backend.unaryBackward(org.transfer4j.backend.UnaryOp.CLAMP, contiguous, g, 0f, 6f).toArray(),
                0f); // equal values; the sign of a zero gradient may differ (dy * 0 vs a blended 0)
    }

    @Test
    void geluMatchesReferenceValues() {
        // torch.nn.functional.gelu(torch.tensor([-3., -1., 0., 0.5, 2.])) (exact erf form)
        float[] expected = {-0.0040496f, -0.1586553f, 0f, 0.3457312f, 1.9544997f};
        float[] got = Tensor.of(new float[] {-3, -1, 0, 0.5f, 2}, 5).gelu().toArray();
        assertArrayEquals(expected, got, 2e-6f);
    }

    @Test
    void sigmoidOfLargeLogitsIsFiniteWithFiniteGradient() {
        Tensor x = Tensor.of(new float[] {-1000f, -90f, 0f, 90f, 1000f}, 5).requiresGrad(true);
        Tensor y = x.sigmoid();
        y.sum().backward();
        for (float v : y.toArray()) {
            assertTrue(Float.isFinite(v));
        }
        for (float v : x.grad().toArray()) {
            assertTrue(Float.isFinite(v));
        }
        assertEquals(1f, y.toArray()[4]);
        assertEquals(0f, y.toArray()[0]);
    }

    @Test
    void sigmoidGradientKeepsFloatAccuracyWhereTheSigmoidIsNearOne() {
        // sigmoid'(v) = e^-v / (1 + e^-v)^2, written out in double. At v = +-13 the old float s * (1 - s) was off
        // by ~1% (1 - s = 2.3e-6 against s's rounding error of 3e-8); the gradient must be within a few ulps.
        float[] v = {-16f, -13f, -4f, 0f, 2.5f, 13f, 16f};
        Tensor x = Tensor.of(v, v.length).requiresGrad(true);
        x.sigmoid().sum().backward();
        float[] g = x.grad().toArray();
        for (int i = 0; i < v.length; i++) {
            double e = Math.exp(-(double) v[i]);
            double expected = e / ((1 + e) * (1 + e));
            assertEquals(expected, g[i], 4 * Math.ulp((float) expected), "sigmoid'(" + v[i] + ")");
        }
    }
}
