package org.transfer4j.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.transfer4j.nn.Weight;
import org.transfer4j.tensor.Tensor;

/**
 * Clipping by global norm and by value, checked through plain SGD with rate 1 from zero weights, so
 * that each weight ends at minus its clipped gradient. Gradients [3, 4] and [12] have global norm
 * {@code sqrt(9 + 16 + 144) = 13}.
 */
class GradientClippingTest {

    @Test
    void globalNormIsTheNormOfAllGradientsAsOneVector() {
        assertEquals(13.0, GradientClipping.globalNorm(List.of(Tensor.of(new float[] {3, 4}, 2),
                Tensor.of(new float[] {12}, 1))), 1e-12);
    }

    /** Keras: scale = 6.5 / max(13, 6.5) = 0.5 exactly. */
    @Test
    void clipNormScalesAllGradientsTogetherUnderKeras() {
        float[][] after = sgdStep(Convention.KERAS, opt -> opt.clipNorm(6.5));
        assertArrayEquals(new float[] {-1.5f, -2f}, after[0], 0f);
        assertArrayEquals(new float[] {-6f}, after[1], 0f);
    }

    /** PyTorch: scale = min(1, 6.5 / (13 + 1e-6)). */
    @Test
    void clipNormScalesAllGradientsTogetherUnderPytorch() {
        double scale = 6.5 / (13 + 1e-6);
        float[][] after = sgdStep(Convention.PYTORCH, opt -> opt.clipNorm(6.5));
        assertArrayEquals(new float[] {(float) (-3 * scale), (float) (-4 * scale)}, after[0], 1e-7f);
        assertArrayEquals(new float[] {(float) (-12 * scale)}, after[1], 1e-7f);
        assertEquals(0.49999996153846, scale, 1e-12); // slightly under Keras' 0.5
    }

    @Test
    void clipNormLeavesGradientsWithinTheLimitUnchanged() {
        for (Convention c : Convention.values()) {
            float[][] after = sgdStep(c, opt -> opt.clipNorm(13.5));
            assertArrayEquals(new float[] {-3f, -4f}, after[0], 0f);
            assertArrayEquals(new float[] {-12f}, after[1], 0f);
        }
    }

    /**
     * Keras' {@code clip_by_global_norm}: {@code scale = clip_norm * min(1/norm, 1/clip_norm) + (norm - norm)},
     * NaN for an infinite or NaN norm, so the step makes the divergence visible. PyTorch:
     * {@code min(1, c / (inf + 1e-6)) = 0}, and NaN for a NaN norm.
     */
    @Test
    void aNonFiniteNormGivesKerasNanAndPytorchZeroForInfinity() {
        assertTrue(Double.isNaN(GradientClipping.normScale(Double.POSITIVE_INFINITY, 1, Convention.KERAS)));
        assertTrue(Double.isNaN(GradientClipping.normScale(Double.NaN, 1, Convention.KERAS)));
        assertEquals(0.0, GradientClipping.normScale(Double.POSITIVE_INFINITY, 1, Convention.PYTORCH), 0.0);
        assertTrue(Double.isNaN(GradientClipping.normScale(Double.NaN, 1, Convention.PYTORCH)));
        assertEquals(1.0, GradientClipping.normScale(0, 1, Convention.KERAS), 0.0, "a zero norm is within the limit");
    }

    @Test
    void clipValueClampsEachElement() {
        float[][] after = sgdStep(Convention.KERAS, opt -> opt.clipValue(3.5));
        assertArrayEquals(new float[] {-3f, -3.5f}, after[0], 0f);
        assertArrayEquals(new float[] {-3.5f}, after[1], 0f);
    }

    /** Value first: [3, 3.5], [3.5] has norm sqrt(9 + 12.25 + 12.25) = sqrt(33.5); Keras scale 2 / sqrt(33.5). */
    @Test
    void clipValueRunsBeforeClipNorm() {
        double scale = 2 / Math.sqrt(33.5);
        float[][] after = sgdStep(Convention.KERAS, opt -> opt.clipNorm(2).clipValue(3.5));
        assertArrayEquals(new float[] {(float) (-3 * scale), (float) (-3.5 * scale)}, after[0], 1e-6f);
        assertArrayEquals(new float[] {(float) (-3.5 * scale)}, after[1], 1e-6f);
    }

    @Test
    void clippingLeavesTheWeightsGradientsAsTheyWere() {
        Weight a = TinyWeights.weight(0f, 0f);
        SGD sgd = new SGD(List.of(ParamGroup.of("all", List.of(a))), 1.0);
        sgd.clipNorm(1).clipValue(0.1);
        TinyWeights.setGrad(a, 3f, 4f);
        sgd.step();
        assertArrayEquals(new float[] {3f, 4f}, a.value().grad().toArray(), 0f);
    }

    @Test
    void nonPositiveLimitsAreRejected() {
        SGD sgd = new SGD(List.of(ParamGroup.of("all", List.of(TinyWeights.weight(0f)))), 1.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sgd.clipNorm(0));
        assertEquals("clipNorm: the limit must be finite and > 0, got 0.0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> sgd.clipValue(Double.NaN));
    }

    /** One SGD step at rate 1 from zeros with gradients [3, 4] and [12]; returns both weights after it. */
    private static float[][] sgdStep(Convention c, java.util.function.Consumer<Optimizer> clip) {
        Weight a = TinyWeights.weight(0f, 0f);
        Weight b = TinyWeights.weight(0f);
        SGD sgd = new SGD(List.of(ParamGroup.of("a", List.of(a)), ParamGroup.of("b", List.of(b))), 1.0, c);
        clip.accept(sgd);
        TinyWeights.setGrad(a, 3f, 4f);
        TinyWeights.setGrad(b, 12f);
        sgd.step();
        return new float[][] {TinyWeights.values(a), TinyWeights.values(b)};
    }
}
