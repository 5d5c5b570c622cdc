package org.transfer4j.cuda.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.transfer4j.cuda.backend.GpuParity.assertClose;
import static org.transfer4j.cuda.backend.GpuParity.assertSameBits;
import static org.transfer4j.cuda.backend.GpuParity.cpuBackend;
import static org.transfer4j.cuda.backend.GpuParity.cuda;
import static org.transfer4j.cuda.backend.GpuParity.pair;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.transfer4j.backend.Backend;
import org.transfer4j.backend.BinaryOp;
import org.transfer4j.backend.UnaryOp;
import org.transfer4j.cuda.GpuTest;
import org.transfer4j.ops.SoftmaxCrossEntropy;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * The CUDA backend's {@code softmaxCrossEntropyBackward} (one launch of {@code softmax_xent_backward_f32}) against the
 * CPU backend's one loop on the same inputs, within a tight tolerance (each is a handful of correctly rounded float
 * operations), and against the CUDA backend's own composite ({@code binary(SUB)}, {@code binary(MUL)} by the row
 * weights and by the loss's gradient, {@code unary(AFFINE, scale, 0)}) bit for bit, as the SPI promises; with and
 * without row weights (one of them 0: the affine's + 0 turns the signed zero into +0), one-hot and label-smoothed
 * targets, a gradient that is not 1 (read on the device), C odd and over a warp (37), and the loss's whole backward
 * through autograd.
 */
@GpuTest
class CudaSoftmaxCrossEntropyBackwardGpuTest {
    /** Tight: the same IEEE operations on the same inputs on both backends. */
    private static final double TIGHT = 1e-6;

    @ParameterizedTest(name = "({0},{1}) smoothing {2} weights {3} g {4}")
    @CsvSource({"7, 37, 0, true, 0.37", "7, 37, 0.1, false, -0.37", "64, 10, 0.1, true, 0.37", "64, 10, 0, false, 0.37",
        "5, 1, 0, true, -1.5"})
    void fusedMatchesTheCpuAndIsTheCudaCompositeBitForBit(int n, int c, float smoothing, boolean weighted, float g) {
        String what = "softmaxCrossEntropyBackward (" + n + "," + c + ") smoothing " + smoothing + " weights "
                + weighted + " g " + g;
        float[] logits = GpuParity.values(n * 7L + c, -6, 6, n, c);
        float[] t = new float[n * c];
        for (int r = 0; r < n; r++) {
            for (int k = 0; k < c; k++) {
                t[r * c + k] = smoothing / c;                                   // label smoothing ...
            }
            t[r * c + (r * 7 + 3) % c] += 1f - smoothing;                       // ... around class (7r + 3) mod C
        }
        Tensor probs = cpuBackend().softmaxCrossEntropy(Tensor.of(logits, n, c), Tensor.of(t, n, c)).probabilities();
        GpuParity.Pair p = pair(probs.toArray(), n, c);                         // the same probabilities on both sides
        GpuParity.Pair targets = pair(t, n, c);
        float[] ws = GpuParity.values(n * 11L, 0.25f, 3f, n, 1);
        ws[n - 1] = 0f;
        GpuParity.Pair w = weighted ? pair(ws, n, 1) : null;
        GpuParity.Pair grad = n % 2 == 0 ? pair(new float[] {g}) : pair(new float[] {g}, 1, 1); // () or (1,1)
        float scale = 1f / n;

        Tensor cpu = cpuBackend().softmaxCrossEntropyBackward(p.cpu(), targets.cpu(), w == null ? null : w.cpu(),
                grad.cpu(), scale);
        Tensor fused = cuda().softmaxCrossEntropyBackward(p.gpu(), targets.gpu(), w == null ? null : w.gpu(),
                grad.gpu(), scale);
        assertArrayEquals(new int[] {n, c}, fused.shape(), what + ": shape");
        assertClose(what + " against the CPU", cpu, fused, TIGHT);

        Tensor d = cuda().binary(BinaryOp.SUB, p.gpu(), targets.gpu());
        if (w != null) {
            d = cuda().binary(BinaryOp.MUL, d, w.gpu());
        }
        Tensor scalarG = grad.gpu().view(new int[0], new int[0], grad.gpu().offset());
        Tensor composite = cuda().unary(UnaryOp.AFFINE, cuda().binary(BinaryOp.MUL, d, scalarG), scale, 0f);
        assertSameBits(what + " against the CUDA composite", composite.toArray(), fused.toArray());
    }

    @Test
    void theLossGradientThroughAutogradMatchesTheCpu() {
        int n = 7;
        int c = 37;
        float[] z = GpuParity.values(91, -6, 6, n, c);
        int[] labels = {0, 36, 5, 5, 17, 2, 30};
        float[] classWeights = GpuParity.values(92, 0.5f, 2f, c);
        Tensor zc = Tensor.of(z, n, c).requiresGrad(true);
        Tensor zg = Tensor.of(GpuParity.gpu(), z, n, c).requiresGrad(true);
        Tensor lc = SoftmaxCrossEntropy.sparse(zc, labels, 0.1f, Tensor.of(classWeights, c));
        Tensor lg = SoftmaxCrossEntropy.sparse(zg, labels, 0.1f, Tensor.of(GpuParity.gpu(), classWeights, c));
        lc.mul(0.37f).backward();
        lg.mul(0.37f).backward();
        // the forward's probabilities differ in their last bits between the backends: the fp32 parity bar
        assertClose("softmax cross-entropy dlogits " + Arrays.toString(new int[] {n, c}), zc.grad(), zg.grad());
    }

    @Test
    void misshapenArgumentsAreNamed() {
        Tensor p = Tensor.of(GpuParity.gpu(), new float[12], 4, 3);
        Tensor g = Tensor.of(GpuParity.gpu(), new float[] {1f});
        Tensor transposed = Tensor.of(GpuParity.gpu(), new float[12], 3, 4);
        ShapeMismatchException targets = assertThrows(ShapeMismatchException.class,
                () -> cuda().softmaxCrossEntropyBackward(p, transposed, null, g, 1f));
        assertTrue(targets.getMessage().contains("[4, 3]") && targets.getMessage().contains("[3, 4]"),
                targets.getMessage());
        ShapeMismatchException weights = assertThrows(ShapeMismatchException.class,
                () -> cuda().softmaxCrossEntropyBackward(p, p, Tensor.of(GpuParity.gpu(), new float[4], 4), g, 1f));
        assertTrue(weights.getMessage().contains("(N,1)"), weights.getMessage());
        assertThrows(ShapeMismatchException.class,
                () -> cuda().softmaxCrossEntropyBackward(p, p, null, Tensor.of(GpuParity.gpu(), new float[2], 2), 1f));
    }
}
