package org.transfer4j.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.transfer4j.nn.Weight;
import org.transfer4j.ops.OpCheck;
import org.transfer4j.tensor.Tensor;

/** Keras' Normalization: adapted and given statistics, kept axes, the zero-variance guard, reuse. */
class NormalizationTest {

    @Test
    void normalizationAdaptsPerFeatureMeanAndBiasedVariance() {
        // data (M=3, 2, 2) with axis -1: each of the 2 features is averaged over the 3 samples and the middle axis.
        float[] d = {1, 10, 2, 20, 3, 30, 4, 40, 5, 50, 9, 90};
        Normalization norm = new Normalization().adapt(Tensor.of(d, 3, 2, 2));
        double[] mean = new double[2];
        double[] var = new double[2];
        for (int f = 0; f < 2; f++) {
            for (int i = f; i < d.length; i += 2) {
                mean[f] += d[i] / 6.0;
            }
            for (int i = f; i < d.length; i += 2) {
                var[f] += (d[i] - mean[f]) * (d[i] - mean[f]) / 6.0; // population variance, divisor n = 6
            }
        }
        assertArrayEquals(new float[] {(float) mean[0], (float) mean[1]}, norm.weight("mean").value().toArray(), 1e-5f);
        assertArrayEquals(new float[] {(float) var[0], (float) var[1]}, norm.weight("variance").value().toArray(), 1e-3f);
        assertEquals(6f, norm.weight("count").value().item());
        assertEquals(List.of("mean", "variance", "count"), norm.weights().stream().map(Weight::name).toList());
        assertTrue(norm.trainableWeights().isEmpty(), "statistics are never trained");

        Tensor y = norm.call(Tensor.of(new float[] {4, 20}, 1, 1, 2), false);
        float[] want = {(float) ((4 - mean[0]) / Math.sqrt(var[0])), (float) ((20 - mean[1]) / Math.sqrt(var[1]))};
        assertArrayEquals(want, y.toArray(), 1e-5f);
    }

    @Test
    void normalizationMatchesTheKerasDocumentationExamples() {
        // keras.layers.Normalization docstring: adapt([[0,7,4],[2,9,6],[0,7,4],[2,9,6]]) with axis=-1,
        // then layer([[0,7,4]]) -> [-1, -1, -1].
        Normalization perFeature = new Normalization().axis(-1)
                .adapt(Tensor.of(new float[] {0, 7, 4, 2, 9, 6, 0, 7, 4, 2, 9, 6}, 4, 3));
        assertArrayEquals(new float[] {-1, -1, -1}, perFeature.call(Tensor.of(new float[] {0, 7, 4}, 1, 3), false).toArray(),
                1e-6f);
        // axis=None, adapt([1, 2, 3, 4, 5]), layer([1, 2, 3]) -> [-1.4142135, -0.70710677, 0].
        Normalization global = new Normalization().axis().adapt(Tensor.of(new float[] {1, 2, 3, 4, 5}, 5));
        float[] documented = {-1.4142135f, -0.70710677f, 0f};
        assertArrayEquals(documented, global.call(Tensor.of(new float[] {1, 2, 3}, 3), false).toArray(), 1e-6f);
        // Normalization(mean=3., variance=2.) on [[1], [2], [3]]: the same numbers, and no weights.
        Normalization fixed = new Normalization().mean(3f).variance(2f);
        assertArrayEquals(documented, fixed.call(Tensor.of(new float[] {1, 2, 3}, 3, 1), false).toArray(), 1e-6f);
        assertTrue(fixed.weights().isEmpty());
        assertThrows(IllegalStateException.class, () -> fixed.adapt(Tensor.ones(2, 1)));
    }

    @Test
    void normalizationKeepsSeveralAxesAndGuardsAZeroVariance() {
        // axis (1, 2) on (M, 2, 3, 2): one statistic per (i, j), over samples and the last axis.
        Tensor data = OpCheck.randn(4, 5, 2, 3, 2);
        float[] d = data.toArray();
        Normalization norm = new Normalization().axis(1, 2).adapt(data);
        assertArrayEquals(new int[] {2, 3}, norm.weight("mean").shape());
        float[] mean = norm.weight("mean").value().toArray();
        for (int ij = 0; ij < 6; ij++) {
            double sum = 0;
            for (int m = 0; m < 5; m++) {
                sum += d[(m * 6 + ij) * 2] + d[(m * 6 + ij) * 2 + 1];
            }
            assertEquals(sum / 10, mean[ij], 1e-5, "mean of index " + ij);
        }
        assertEquals(10f, norm.weight("count").value().item());

        // A constant feature has variance 0: Keras divides by max(sqrt(0), 1e-7) instead of by 0.
        Normalization flat = new Normalization().adapt(Tensor.of(new float[] {5, 1, 5, 3}, 2, 2));
        float[] y = flat.call(Tensor.of(new float[] {6, 2}, 1, 2), false).toArray();
        assertEquals(1e7f, y[0], 1f, "(6 - 5) / 1e-7");
        assertEquals(0f, y[1], 1e-6f);
    }

    @Test
    void normalizationReusedOnInputsOfAnotherRankNormalisesTheSameAxis() {
        // Adapted on (M, 3) with axis -1, then called on (1, 3, 3): the statistics still belong to the last
        // axis, y[0, i, j] = (x[0, i, j] - mean[j]) / sqrt(var[j]). The layer used to keep the axis index of
        // its first input (1) and silently normalised the middle axis instead.
        // Data columns: (0, 2), (10, 14), (100, 106): means 1, 12, 103; population variances 1, 4, 9.
        Normalization norm = new Normalization().adapt(Tensor.of(new float[] {0, 10, 100, 2, 14, 106}, 2, 3));
        float[] x = {1, 12, 103, 2, 14, 106, 0, 10, 100};
        float[] mean = {1, 12, 103};
        float[] std = {1, 2, 3};
        float[] want = new float[9];
        for (int i = 0; i < 9; i++) {
            want[i] = (x[i] - mean[i % 3]) / std[i % 3];
        }
        assertArrayEquals(want, norm.call(Tensor.of(x, 1, 3, 3), false).toArray(), 1e-5f);
    }
}
