package org.transfer4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.transfer4j.backend.Backend;
import org.transfer4j.backend.UnaryOp;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/**
 * The CPU backend's batch norm with a clamp in training (a ReLU or ReLU6 after it) against its definition, the batch
 * norm then {@code unary(CLAMP)} forward and {@code unaryBackward(CLAMP)} on the clamped output then the batch norm's
 * backward: bit for bit, on rows whose channel count leaves a scalar tail after the vectors (C = 37) and rows shorter
 * than a vector (C = 3), with values exactly on the bounds and a NaN.
 */
class CpuBatchNormClampTest {
    private final CpuBackend cpu = CpuBackend.instance();

    @ParameterizedTest(name = "M {0}, C {1}, clamp [{2}, {3}]")
    @CsvSource({"203, 37, 0, Infinity", "203, 37, 0, 6", "50, 3, 0, 6", "9, 64, -0.5, 0.5", "1, 5, 0, Infinity"})
    void fusedClampEqualsTheBatchNormThenTheClampBitForBit(int m, int c, float low, float high) {
        Generator gen = new Generator(m * 31L + c);
        float[] xs = Tensor.uniform(gen, -4f, 8f, m, c).toArray();
        if (m > 5) {
            xs[5 * c + 1] = Float.NaN; // channel 1: NaN statistics, NaN outputs, which the clamp keeps
        }
        Tensor x = Tensor.of(xs, m, c);
        Tensor gamma = Tensor.uniform(gen, 0.5f, 3f, c);
        Tensor beta = Tensor.uniform(gen, -1f, 2f, c);
        Tensor dy = Tensor.uniform(gen, -1f, 1f, m, c);

        Backend.BatchNormForward plain = cpu.batchNormTraining(x, gamma, beta, 1e-3f);
        Tensor clampedApart = cpu.unary(UnaryOp.CLAMP, plain.output(), low, high);
        Backend.BatchNormForward fused = cpu.batchNormTraining(x, gamma, beta, 1e-3f, low, high);
        assertArrayEquals(clampedApart.toArray(), fused.output().toArray(), 0f, "output");
        assertArrayEquals(plain.mean().toArray(), fused.mean().toArray(), 0f, "mean");
        assertArrayEquals(plain.variance().toArray(), fused.variance().toArray(), 0f, "variance");
        assertArrayEquals(plain.invStd().toArray(), fused.invStd().toArray(), 0f, "invStd");

        Tensor y = fused.output();
        Tensor masked = cpu.unaryBackward(UnaryOp.CLAMP, y, dy, low, high);
        Backend.BatchNormGradients apart = cpu.batchNormBackward(x, masked, gamma, fused.mean(), fused.invStd());
        Backend.BatchNormGradients together = cpu.batchNormBackward(x, dy, gamma, fused.mean(), fused.invStd(), y, low,
                high);
        assertArrayEquals(apart.gradX().toArray(), together.gradX().toArray(), 0f, "dx");
        assertArrayEquals(apart.gradGamma().toArray(), together.gradGamma().toArray(), 0f, "dgamma");
        assertArrayEquals(apart.gradBeta().toArray(), together.gradBeta().toArray(), 0f, "dbeta");
    }

    /**
     * {@code batchNormParameterGradients} (no dx pass) gives the full backward's dgamma and dbeta bit for bit, plain
     * (y null) and clamped, and so does the SPI's default (the full backward, dx freed).
     */
    @ParameterizedTest(name = "M {0}, C {1}, clamp [{2}, {3}]")
    @CsvSource({"203, 37, -Infinity, Infinity", "203, 37, 0, 6", "50, 3, 0, Infinity"})
    void parameterGradientsAloneAreTheFullBackwardsBitForBit(int m, int c, float low, float high) {
        Generator gen = new Generator(m * 17L + c);
        Tensor x = Tensor.uniform(gen, -4f, 8f, m, c);
        Tensor gamma = Tensor.uniform(gen, 0.5f, 3f, c);
        Tensor beta = Tensor.uniform(gen, -1f, 2f, c);
        Tensor dy = Tensor.uniform(gen, -1f, 1f, m, c);
        boolean clamped = low != Float.NEGATIVE_INFINITY || high != Float.POSITIVE_INFINITY;
        Backend.BatchNormForward f = clamped ? cpu.batchNormTraining(x, gamma, beta, 1e-3f, low, high)
                : cpu.batchNormTraining(x, gamma, beta, 1e-3f);
        Tensor y = clamped ? f.output() : null;
        Backend.BatchNormGradients full = clamped
                ? cpu.batchNormBackward(x, dy, gamma, f.mean(), f.invStd(), y, low, high)
                : cpu.batchNormBackward(x, dy, gamma, f.mean(), f.invStd());
        for (Backend b : new Backend[] {cpu, SpiDefault.cpuWithDefault("batchNormParameterGradients")}) {
            Backend.BatchNormGradients params = b.batchNormParameterGradients(x, dy, gamma, f.mean(), f.invStd(), y, low,
                    high);
            assertEquals(null, params.gradX(), "no dx");
            assertArrayEquals(full.gradGamma().toArray(), params.gradGamma().toArray(), 0f, "dgamma");
            assertArrayEquals(full.gradBeta().toArray(), params.gradBeta().toArray(), 0f, "dbeta");
        }
    }

    @Test
    void theBoundsThemselvesAndNaNGetNoGradient() {
        // y on the bounds (0 and 6), inside, and NaN: the clamp's derivative is 1 strictly inside only
        float[] yv = {0f, 6f, 3f, Float.NaN, -0f, 5.999f};
        Tensor y = Tensor.of(yv, 3, 2);
        Tensor x = Tensor.of(new float[] {1f, 2f, 3f, 4f, 5f, 7f}, 3, 2);
        Tensor dy = Tensor.of(new float[] {1f, 1f, 1f, 1f, 1f, 1f}, 3, 2);
        Tensor gamma = Tensor.of(new float[] {1f, 1f}, 2);
        Tensor mean = Tensor.of(new float[] {3f, 4f}, 2);
        Tensor invStd = Tensor.of(new float[] {0.5f, 0.25f}, 2);
        Backend.BatchNormGradients g = cpu.batchNormBackward(x, dy, gamma, mean, invStd, y, 0f, 6f);
        // dbeta = sum of the masked dy per channel: channel 0 has y = 0, 3, -0 (only 3 inside), channel 1 has
        // y = 6, NaN, 5.999 (only 5.999 inside)
        assertArrayEquals(new float[] {1f, 1f}, g.gradBeta().toArray(), 0f);
        // dgamma = sum masked dy * (x - mean) * invStd: channel 0 (3 - 3) * 0.5 = 0, channel 1 (7 - 4) * 0.25
        assertArrayEquals(new float[] {0f, 0.75f}, g.gradGamma().toArray(), 0f);
    }

    @Test
    void badBoundsAndAMisshapenOutputAreNamed() {
        Tensor x = Tensor.zeros(4, 3);
        Tensor p = Tensor.ones(3);
        IllegalArgumentException bounds = assertThrows(IllegalArgumentException.class,
                () -> cpu.batchNormTraining(x, p, p, 1e-3f, 6f, 0f));
        assertTrue(bounds.getMessage().contains("batchNormTraining") && bounds.getMessage().contains("6.0"),
                bounds.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> cpu.batchNormBackward(x, x, p, p, p, Tensor.zeros(3, 4), 0f, 6f));
        assertTrue(shape.getMessage().contains("[3, 4]") && shape.getMessage().contains("[4, 3]"), shape.getMessage());
        assertEquals(IllegalArgumentException.class, assertThrows(IllegalArgumentException.class,
                () -> cpu.batchNormTraining(x, p, p, 1e-3f, Float.NaN, 0f)).getClass());
    }
}
