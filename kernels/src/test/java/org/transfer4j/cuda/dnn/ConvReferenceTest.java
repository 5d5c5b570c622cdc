package org.transfer4j.cuda.dnn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.transfer4j.backend.Conv2dSpec;
import org.transfer4j.backend.Padding;

/**
 * CPU checks of what the cuDNN GPU tests rely on: the reference's three passes are adjoint
 * ({@code <dy, conv(x,k)> = <dx(dy,k), x> = <dW(x,dy), k>}), and a plan's pre-pad plus symmetric
 * padding computes the same convolution (and, after the crop, the same input gradient) as the spec's
 * asymmetric padding.
 */
class ConvReferenceTest {

    @Test
    void referencePassesAreAdjoint() {
        SplittableRandom random = new SplittableRandom(11);
        int[] xs = {2, 8, 6, 4}, ks = {3, 3, 2, 6};
        Conv2dSpec spec = Conv2dSpec.of(Padding.SAME, 8, 6, 3, 3, 2, 2, 1, 1, 2);
        float[] x = randoms(random, CudnnGpuTest.prod(xs)), k = randoms(random, CudnnGpuTest.prod(ks));
        float[] y = ConvReference.forward(x, xs, k, ks, spec);
        float[] dy = randoms(random, y.length);
        double yDy = dot(y, dy);
        assertEquals(yDy, dot(ConvReference.backwardData(dy, xs, k, ks, spec), x), 1e-4);
        assertEquals(yDy, dot(ConvReference.backwardFilter(x, xs, dy, ks, spec), k), 1e-4);
    }

    @Test
    void prePadPlusSymmetricPaddingEqualsTheAsymmetricSpec() {
        SplittableRandom random = new SplittableRandom(12);
        int[] xs = {1, 8, 6, 3}, ks = {3, 3, 3, 5};
        Conv2dSpec spec = Conv2dSpec.of(Padding.SAME, 8, 6, 3, 3, 2, 2, 1, 1, 1);   // top 0, bottom 1, left 0, right 1
        ConvPlan plan = ConvPlan.of(xs, ks, spec);
        float[] x = randoms(random, CudnnGpuTest.prod(xs)), k = randoms(random, CudnnGpuTest.prod(ks));
        int[] ps = plan.paddedInputShape();
        Conv2dSpec cudnnView = new Conv2dSpec(plan.strideH(), plan.strideW(), plan.padH(), plan.padH(), plan.padW(), plan.padW(),
                plan.dilationH(), plan.dilationW(), plan.groups());
        float[] xPadded = CudnnGpuTest.prePad(x, plan);
        float[] expected = ConvReference.forward(x, xs, k, ks, spec);
        float[] viaPlan = ConvReference.forward(xPadded, ps, k, ks, cudnnView);
        assertEquals(expected.length, viaPlan.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], viaPlan[i], 1e-6, "y at " + i);
        }
        float[] dy = randoms(random, expected.length);
        float[] dx = ConvReference.backwardData(dy, xs, k, ks, spec);
        float[] dxViaPlan = CudnnGpuTest.crop(ConvReference.backwardData(dy, ps, k, ks, cudnnView), plan);
        for (int i = 0; i < dx.length; i++) {
            assertEquals(dx[i], dxViaPlan[i], 1e-6, "dx at " + i);
        }
        float[] dw = ConvReference.backwardFilter(x, xs, dy, ks, spec);
        float[] dwViaPlan = ConvReference.backwardFilter(xPadded, ps, dy, ks, cudnnView);
        for (int i = 0; i < dw.length; i++) {
            assertEquals(dw[i], dwViaPlan[i], 1e-5, "dw at " + i);
        }
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    private static float[] randoms(SplittableRandom random, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextDouble(-1, 1);
        }
        return x;
    }
}
