package org.transfer4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.transfer4j.backend.Backend;
import org.transfer4j.backend.BinaryOp;
import org.transfer4j.backend.FakeDevice;
import org.transfer4j.tensor.DeviceMismatchException;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * The CPU backend's one-loop {@code batchNormMovingAverages} against its definition, the composite
 * {@code movingAverage(movingMean, batchMean + bias)}, {@code movingAverage(movingVariance, batchVariance)} of the
 * backend's own {@code binary(ADD)} and {@code movingAverage} (the three ops a training batch norm made before the
 * primitive existed), and against the SPI's default: bit for bit, with and without a bias, Keras' momentum 0.99 and
 * 0.9, C odd and longer than a vector (37), 1 and 1001.
 */
class CpuBatchNormMovingAveragesTest {
    private final CpuBackend cpu = CpuBackend.instance();

    @ParameterizedTest(name = "C {0} bias {1} momentum {2}")
    @CsvSource({"37, false, 0.99", "37, true, 0.99", "37, true, 0.9", "37, false, 0.9", "1, true, 0.99",
        "1001, true, 0.9", "1001, false, 0.99"})
    void oneLoopIsTheCompositeBitForBit(int c, boolean biased, float momentum) {
        Generator gen = new Generator(c * 31L + (biased ? 1 : 0));
        float[] movingMean = Tensor.uniform(gen, -3f, 3f, c).toArray();
        float[] batchMean = Tensor.uniform(gen, -3f, 3f, c).toArray();
        float[] bias = biased ? Tensor.uniform(gen, -1f, 1f, c).toArray() : null;
        float[] movingVariance = Tensor.uniform(gen, 0f, 4f, c).toArray();
        float[] batchVariance = Tensor.uniform(gen, 0f, 4f, c).toArray();
        Stats fused = Stats.of(movingMean, batchMean, bias, movingVariance, batchVariance);
        fused.update(cpu, momentum);
        Stats composite = Stats.of(movingMean, batchMean, bias, movingVariance, batchVariance);
        composite.updateByComposite(cpu, momentum);
        Stats viaDefault = Stats.of(movingMean, batchMean, bias, movingVariance, batchVariance);
        viaDefault.update(viaDefault(), momentum);

        assertArrayEquals(composite.movingMean.toArray(), fused.movingMean.toArray(), "moving mean against add, movingAverage");
        assertArrayEquals(composite.movingVariance.toArray(), fused.movingVariance.toArray(), "moving variance");
        assertArrayEquals(composite.movingMean.toArray(), viaDefault.movingMean.toArray(), "the SPI's default: mean");
        assertArrayEquals(composite.movingVariance.toArray(), viaDefault.movingVariance.toArray(), "default: variance");
        // the batch statistics and the bias are read only
        assertArrayEquals(batchMean, fused.batchMean.toArray());
        assertArrayEquals(batchVariance, fused.batchVariance.toArray());
        if (biased) {
            assertArrayEquals(bias, fused.bias.toArray());
        }
    }

    @Test
    void handComputedUpdate() {
        // momentum 0.75 (1 - 0.75 = 0.25 exactly; every value below is exact in float):
        //   mean:     0.75 * 1 + 0.25 * (3 + 0.5)      = 1.625;   0.75 * -2 + 0.25 * (-1 + 0.25) = -1.6875
        //   variance: 0.75 * 4 + 0.25 * 2              = 3.5;     0.75 * 0.5 + 0.25 * 1.5        = 0.75
        Stats s = Stats.of(new float[] {1f, -2f}, new float[] {3f, -1f}, new float[] {0.5f, 0.25f},
                new float[] {4f, 0.5f}, new float[] {2f, 1.5f});
        s.update(cpu, 0.75f);
        assertArrayEquals(new float[] {1.625f, -1.6875f}, s.movingMean.toArray());
        assertArrayEquals(new float[] {3.5f, 0.75f}, s.movingVariance.toArray());
        // without the bias the mean follows the batch mean alone: 0.75 * 1.625 + 0.25 * 3 = 1.96875, and
        // 0.75 * -1.6875 + 0.25 * -1 = -1.515625; the variance 0.75 * 3.5 + 0.25 * 2 = 3.125, 0.75 * 0.75 + 0.25 * 1.5
        // = 0.9375
        cpu.batchNormMovingAverages(s.movingMean, s.batchMean, null, s.movingVariance, s.batchVariance, 0.75f);
        assertArrayEquals(new float[] {1.96875f, -1.515625f}, s.movingMean.toArray());
        assertArrayEquals(new float[] {3.125f, 0.9375f}, s.movingVariance.toArray());
    }

    @Test
    void aNaNStaysANaNAndInfinitiesPropagateAsTheComposite() {
        float inf = Float.POSITIVE_INFINITY;
        // channel 0: a NaN batch mean; 1: a NaN bias; 2: an infinite bias; 3: a NaN moving variance; 4: the bias
        // cancels the batch mean (the sum is +0); 5: an infinite moving mean meets an opposite infinity (NaN)
        float[] movingMean = {1f, 1f, 1f, 1f, 1f, inf};
        float[] batchMean = {Float.NaN, 2f, 2f, 2f, 0.5f, -inf};
        float[] bias = {0.1f, Float.NaN, inf, 0.1f, -0.5f, 0f};
        float[] movingVariance = {1f, 1f, 1f, Float.NaN, 1f, 1f};
        float[] batchVariance = {2f, 2f, 2f, 2f, 2f, 2f};
        for (float momentum : new float[] {0.99f, 0.9f}) {
            Stats fused = Stats.of(movingMean, batchMean, bias, movingVariance, batchVariance);
            fused.update(cpu, momentum);
            Stats composite = Stats.of(movingMean, batchMean, bias, movingVariance, batchVariance);
            composite.updateByComposite(cpu, momentum);
            float[] mean = fused.movingMean.toArray();
            float[] variance = fused.movingVariance.toArray();
            assertArrayEquals(composite.movingMean.toArray(), mean);
            assertArrayEquals(composite.movingVariance.toArray(), variance);
            assertTrue(Float.isNaN(mean[0]) && Float.isNaN(mean[1]) && Float.isNaN(mean[5]), "NaN stays NaN");
            assertEquals(inf, mean[2], "an infinite bias gives an infinite moving mean");
            assertTrue(Float.isNaN(variance[3]) && !Float.isNaN(mean[3]), "only the NaN's own statistic");
            // channel 4: momentum * 1 + (1 - momentum) * +0
            assertEquals(momentum * 1f, mean[4]);
        }
    }

    @Test
    void misshapenArgumentsAreNamed() {
        Tensor c37 = Tensor.zeros(37);
        ShapeMismatchException batchMean = assertThrows(ShapeMismatchException.class,
                () -> cpu.batchNormMovingAverages(c37, Tensor.zeros(36), null, c37, c37, 0.99f));
        assertTrue(batchMean.getMessage().contains("batchNormMovingAverages")
                && batchMean.getMessage().contains("batch mean") && batchMean.getMessage().contains("[37]")
                && batchMean.getMessage().contains("[36]"), batchMean.getMessage());
        ShapeMismatchException bias = assertThrows(ShapeMismatchException.class,
                () -> cpu.batchNormMovingAverages(c37, c37, Tensor.zeros(1, 37), c37, c37, 0.99f));
        assertTrue(bias.getMessage().contains("bias") && bias.getMessage().contains("[1, 37]"), bias.getMessage());
        ShapeMismatchException movingVariance = assertThrows(ShapeMismatchException.class,
                () -> cpu.batchNormMovingAverages(c37, c37, c37, Tensor.zeros(38), c37, 0.99f));
        assertTrue(movingVariance.getMessage().contains("moving variance")
                && movingVariance.getMessage().contains("[38]"), movingVariance.getMessage());
        ShapeMismatchException batchVariance = assertThrows(ShapeMismatchException.class,
                () -> cpu.batchNormMovingAverages(c37, c37, null, c37, Tensor.zeros(3), 0.99f));
        assertTrue(batchVariance.getMessage().contains("batch variance") && batchVariance.getMessage().contains("[3]"),
                batchVariance.getMessage());
        Tensor matrix = Tensor.zeros(1, 37);
        ShapeMismatchException rank = assertThrows(ShapeMismatchException.class,
                () -> cpu.batchNormMovingAverages(matrix, matrix, null, matrix, matrix, 0.99f));
        assertTrue(rank.getMessage().contains("(C)") && rank.getMessage().contains("[1, 37]"), rank.getMessage());
        // the default checks as the override does, before it computes anything
        Tensor moving = Tensor.of(new float[] {1f, 2f}, 2);
        assertThrows(ShapeMismatchException.class,
                () -> viaDefault().batchNormMovingAverages(moving, moving, Tensor.zeros(3), Tensor.zeros(2),
                        Tensor.zeros(2), 0.5f));
        assertArrayEquals(new float[] {1f, 2f}, moving.toArray(), "nothing updated");
        // a view that is not contiguous: every other element of 74
        Tensor strided = Tensor.zeros(74).slice(0, 0, 74, 2);
        IllegalArgumentException view = assertThrows(IllegalArgumentException.class,
                () -> cpu.batchNormMovingAverages(c37, strided, null, c37, c37, 0.99f));
        assertTrue(view.getMessage().contains("batchNormMovingAverages") && view.getMessage().contains("contiguous"),
                view.getMessage());
    }

    @Test
    void theFakeDeviceForwardsToTheCpuAndRefusesCpuTensors() {
        FakeDevice fake = FakeDevice.create(7);
        float[] movingMean = {1f, -2f, 0.5f};
        float[] batchMean = {3f, -1f, 0.25f};
        float[] bias = {0.5f, 0.25f, -0.125f};
        float[] movingVariance = {4f, 0.5f, 1f};
        float[] batchVariance = {2f, 1.5f, 0.75f};
        Stats onCpu = Stats.of(movingMean, batchMean, bias, movingVariance, batchVariance);
        onCpu.update(cpu, 0.9f);
        Tensor mm = Tensor.of(fake.device(), movingMean, 3);
        Tensor mv = Tensor.of(fake.device(), movingVariance, 3);
        Tensor bm = Tensor.of(fake.device(), batchMean, 3);
        Tensor bv = Tensor.of(fake.device(), batchVariance, 3);
        fake.batchNormMovingAverages(mm, bm, Tensor.of(fake.device(), bias, 3), mv, bv, 0.9f);
        assertArrayEquals(onCpu.movingMean.toArray(), mm.toArray());
        assertArrayEquals(onCpu.movingVariance.toArray(), mv.toArray());
        DeviceMismatchException e = assertThrows(DeviceMismatchException.class,
                () -> fake.batchNormMovingAverages(mm, bm, Tensor.of(bias, 3), mv, bv, 0.9f));
        assertTrue(e.getMessage().contains("batchNormMovingAverages"), e.getMessage());
    }

    /** The five per-channel tensors of one update, fresh copies of the given values. */
    private record Stats(Tensor movingMean, Tensor batchMean, Tensor bias, Tensor movingVariance,
                         Tensor batchVariance) {
        static Stats of(float[] movingMean, float[] batchMean, float[] bias, float[] movingVariance,
                        float[] batchVariance) {
            int c = movingMean.length;
            return new Stats(Tensor.of(movingMean.clone(), c), Tensor.of(batchMean.clone(), c),
                    bias == null ? null : Tensor.of(bias.clone(), c), Tensor.of(movingVariance.clone(), c),
                    Tensor.of(batchVariance.clone(), c));
        }

        void update(Backend backend, float momentum) {
            backend.batchNormMovingAverages(movingMean, batchMean, bias, movingVariance, batchVariance, momentum);
        }

        /** The definition: the backend's own {@code binary(ADD)} and {@code movingAverage}. */
        void updateByComposite(Backend backend, float momentum) {
            backend.movingAverage(movingMean, bias == null ? batchMean : backend.binary(BinaryOp.ADD, batchMean, bias),
                    momentum);
            backend.movingAverage(movingVariance, batchVariance, momentum);
        }
    }

    private static Backend viaDefault() {
        return SpiDefault.cpuWithDefault("batchNormMovingAverages");
    }
}
