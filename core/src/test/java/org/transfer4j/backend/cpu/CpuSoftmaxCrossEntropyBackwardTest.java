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
import org.transfer4j.backend.UnaryOp;
import org.transfer4j.ops.Gather;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * The CPU backend's one-loop {@code softmaxCrossEntropyBackward} against its definition, the composite
 * {@code affine(((p - t) * w) * g, scale, 0)} of the backend's own {@code binary} and {@code unary} (the ops the loss's
 * backward made before the primitive existed), and against the SPI's default: bit for bit, with and without row
 * weights, one-hot and label-smoothed targets, on rows longer than a vector with a scalar tail (C = 37) and shorter
 * ones (C = 10, 1).
 */
class CpuSoftmaxCrossEntropyBackwardTest {
    private final CpuBackend cpu = CpuBackend.instance();

    @ParameterizedTest(name = "({0},{1}) smoothing {2} weights {3} g {4}")
    @CsvSource({
        "7, 37, 0, false, 0.37", "7, 37, 0, true, 0.37", "7, 37, 0.1, true, 0.37", "7, 37, 0.1, false, -0.37",
        "64, 10, 0, true, 0.37", "64, 10, 0.2, false, 0.37", "64, 10, 0.1, true, -1.5", "5, 1, 0, true, 0.37"})
    void oneLoopIsTheCompositeBitForBit(int n, int c, float smoothing, boolean weighted, float g) {
        Generator gen = new Generator(n * 131L + c);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (i * 7 + 3) % c;
        }
        Tensor oneHot = Gather.oneHot(labels, c);
        Tensor targets = smoothing == 0f ? oneHot : cpu.unary(UnaryOp.AFFINE, oneHot, 1f - smoothing, smoothing / c);
        Tensor logits = Tensor.uniform(gen, -6f, 6f, n, c);
        Tensor probs = cpu.softmaxCrossEntropy(logits, targets).probabilities();
        float[] ws = Tensor.uniform(gen, 0.25f, 3f, n, 1).toArray();
        ws[n - 1] = 0f; // a class of weight 0: (p - t) * 0 * g is a signed zero, the affine's + 0 makes it +0
        Tensor w = weighted ? Tensor.of(ws, n, 1) : null;
        Tensor gradLoss = Tensor.scalar(g);
        float scale = 1f / n;

        float[] fused = cpu.softmaxCrossEntropyBackward(probs, targets, w, gradLoss, scale).toArray();
        assertArrayEquals(composite(probs, targets, w, gradLoss, scale), fused, "against binary/unary");
        assertArrayEquals(composite(probs, targets, w, gradLoss, scale),
                viaDefault().softmaxCrossEntropyBackward(probs, targets, w, gradLoss, scale).toArray(),
                "the SPI's default");
        // gradLoss of another one-element shape (1,1): the same values, still (N,C)
        Tensor g11 = Tensor.of(new float[] {g}, 1, 1);
        assertArrayEquals(fused, cpu.softmaxCrossEntropyBackward(probs, targets, w, g11, scale).toArray());
        Tensor viaDefault = viaDefault().softmaxCrossEntropyBackward(probs, targets, w, g11, scale);
        assertArrayEquals(new int[] {n, c}, viaDefault.shape());
        assertArrayEquals(fused, viaDefault.toArray());
    }

    @Test
    void signedZerosAndNaNPropagateAsTheComposite() {
        // p == t gives +0, times g < 0 gives -0, and the affine's + 0 gives +0 again; a NaN stays NaN
        Tensor p = Tensor.of(new float[] {0.5f, 0.5f, Float.NaN, 1f}, 2, 2);
        Tensor t = Tensor.of(new float[] {0.5f, 0f, 0f, 1f}, 2, 2);
        Tensor w = Tensor.of(new float[] {2f, -1f}, 2, 1);
        Tensor g = Tensor.scalar(-0.5f);
        float[] got = cpu.softmaxCrossEntropyBackward(p, t, w, g, 0.5f).toArray();
        assertArrayEquals(composite(p, t, w, g, 0.5f), got);
        // by hand: row 0: (0.5 - 0.5) * 2 * -0.5 * 0.5 = -0 -> +0; (0.5 - 0) * 2 * -0.5 * 0.5 = -0.25
        //          row 1: NaN; (1 - 1) * -1 * -0.5 * 0.5 = +0
        assertArrayEquals(new float[] {0f, -0.25f, Float.NaN, 0f}, got);
        assertEquals(0, Float.floatToIntBits(got[0]), "+0, not -0");
    }

    @Test
    void handComputedGradient() {
        // dlogits = (p - t) * w * g * scale: row 0 (w 2): (0.25 - 0, 0.75 - 1) * 2 * 0.5 * 0.5 = (0.125, -0.125);
        // row 1 (w 1): (0.5 - 1, 0.5 - 0) * 1 * 0.5 * 0.5 = (-0.125, 0.125)
        Tensor p = Tensor.of(new float[] {0.25f, 0.75f, 0.5f, 0.5f}, 2, 2);
        Tensor t = Tensor.of(new float[] {0f, 1f, 1f, 0f}, 2, 2);
        Tensor w = Tensor.of(new float[] {2f, 1f}, 2, 1);
        assertArrayEquals(new float[] {0.125f, -0.125f, -0.125f, 0.125f},
                cpu.softmaxCrossEntropyBackward(p, t, w, Tensor.scalar(0.5f), 0.5f).toArray());
    }

    @Test
    void misshapenArgumentsAreNamed() {
        Tensor p = Tensor.zeros(7, 37);
        Tensor g = Tensor.scalar(1f);
        ShapeMismatchException targets = assertThrows(ShapeMismatchException.class,
                () -> cpu.softmaxCrossEntropyBackward(p, Tensor.zeros(7, 36), null, g, 1f));
        assertTrue(targets.getMessage().contains("softmaxCrossEntropyBackward")
                && targets.getMessage().contains("[7, 37]") && targets.getMessage().contains("[7, 36]"),
                targets.getMessage());
        ShapeMismatchException weights = assertThrows(ShapeMismatchException.class,
                () -> cpu.softmaxCrossEntropyBackward(p, p, Tensor.zeros(7), g, 1f));
        assertTrue(weights.getMessage().contains("(N,1)") && weights.getMessage().contains("[7]"),
                weights.getMessage());
        ShapeMismatchException grad = assertThrows(ShapeMismatchException.class,
                () -> cpu.softmaxCrossEntropyBackward(p, p, null, Tensor.zeros(2), 1f));
        assertTrue(grad.getMessage().contains("one element") && grad.getMessage().contains("[2]"), grad.getMessage());
        assertThrows(ShapeMismatchException.class,
                () -> viaDefault().softmaxCrossEntropyBackward(p, p, Tensor.zeros(6, 1), g, 1f));
    }

    /** The definition: {@code affine(((p - t) * w) * g, scale, 0)} with the CPU backend's own binary and unary ops. */
    private float[] composite(Tensor p, Tensor t, Tensor w, Tensor g, float scale) {
        Tensor d = cpu.binary(BinaryOp.SUB, p, t);
        if (w != null) {
            d = cpu.binary(BinaryOp.MUL, d, w);
        }
        d = cpu.binary(BinaryOp.MUL, d, g);
        return cpu.unary(UnaryOp.AFFINE, d, scale, 0f).toArray();
    }

    private static Backend viaDefault() {
        return SpiDefault.cpuWithDefault("softmaxCrossEntropyBackward");
    }
}
