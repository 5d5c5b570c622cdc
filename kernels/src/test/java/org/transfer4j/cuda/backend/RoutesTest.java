package org.transfer4j.cuda.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.transfer4j.backend.Conv2dSpec;
import org.transfer4j.backend.Padding;
import org.transfer4j.backend.Pool2dSpec;

/** The per-call decisions: which convolution implementation, how a pooling runs. */
class RoutesTest {

    private static Conv2dSpec same(int h, int k, int stride, int dilation, int groups) {
        return Conv2dSpec.of(Padding.SAME, h, h, k, k, stride, stride, dilation, dilation, groups);
    }

    @Test
    void depthwise3x3WithMultiplierOneUsesOurKernelAtAnyStride() {
        assertEquals(ConvRoute.DEPTHWISE_3X3, ConvRoute.of(new int[] {2, 8, 8, 16}, new int[] {3, 3, 1, 16}, same(8, 3, 1, 1, 16)));
        assertEquals(ConvRoute.DEPTHWISE_3X3, ConvRoute.of(new int[] {2, 8, 8, 16}, new int[] {3, 3, 1, 16}, same(8, 3, 2, 1, 16)));
    }

    @Test
    void everyOtherConvolutionUsesCudnn() {
        int[] x = {2, 8, 8, 16};
        assertEquals(ConvRoute.CUDNN, ConvRoute.of(x, new int[] {3, 3, 1, 32}, same(8, 3, 1, 1, 16)));  // multiplier 2
        assertEquals(ConvRoute.CUDNN, ConvRoute.of(x, new int[] {5, 5, 1, 16}, same(8, 5, 1, 1, 16)));  // 5x5
        assertEquals(ConvRoute.CUDNN, ConvRoute.of(x, new int[] {3, 3, 1, 16}, same(8, 3, 1, 2, 16)));  // dilated
        assertEquals(ConvRoute.CUDNN, ConvRoute.of(x, new int[] {3, 3, 16, 16}, same(8, 3, 1, 1, 1)));  // standard
        assertEquals(ConvRoute.CUDNN, ConvRoute.of(new int[] {2, 8, 8, 1}, new int[] {3, 3, 1, 1}, same(8, 3, 1, 1, 1)));
    }

    @Test
    void pointwiseConvolutionsGoToCublasOnlyWhenAskedAndOnlyWhenTheyAreOneMatrixProduct() {
        int[] x = {2, 8, 8, 16};
        int[] k = {1, 1, 16, 24};
        assertEquals(ConvRoute.POINTWISE_GEMM, ConvRoute.of(x, k, same(8, 1, 1, 1, 1), true));
        assertEquals(ConvRoute.CUDNN, ConvRoute.of(x, k, same(8, 1, 1, 1, 1), false), "cuDNN unless asked");
        assertEquals(ConvRoute.CUDNN, ConvRoute.of(x, k, same(8, 1, 2, 1, 1), true), "stride 2 skips pixels");
        assertEquals(ConvRoute.CUDNN, ConvRoute.of(x, k, new Conv2dSpec(1, 1, 1, 1, 0, 0, 1, 1, 1), true), "padded");
        assertEquals(ConvRoute.CUDNN, ConvRoute.of(x, new int[] {1, 1, 8, 24}, same(8, 1, 1, 1, 2), true), "grouped");
        assertEquals(ConvRoute.CUDNN, ConvRoute.of(x, new int[] {3, 3, 16, 24}, same(8, 3, 1, 1, 1), true), "3x3");
    }

    @Test
    void thePointwisePropertyIsGemmOrCudnnAndNamesABadValue() {
        assertTrue(ConvRoute.pointwiseAsGemm("gemm"));
        assertTrue(ConvRoute.pointwiseAsGemm(" GEMM "));
        assertFalse(ConvRoute.pointwiseAsGemm("cudnn"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConvRoute.pointwiseAsGemm("cublas"));
        assertTrue(e.getMessage().contains("transfer4j.cuda.pointwise") && e.getMessage().contains("'cublas'"), e.getMessage());
    }

    @Test
    void symmetricPoolingGoesStraightToCudnn() {
        Pool2dSpec spec = Pool2dSpec.of(Pool2dSpec.Kind.MAX, Padding.VALID, 6, 6, 2, 2, 2, 2);
        PoolRoute route = PoolRoute.of(spec);
        assertFalse(route.prePad());
        assertEquals(spec, route.inner());
    }

    @Test
    void asymmetricSamePoolingIsPrePaddedAndPooledWithoutPadding() {
        // 3x3/2 'same' on 6: out 3, total padding (3-1)*2 + 3 - 6 = 1 -> top 0, bottom 1
        Pool2dSpec spec = Pool2dSpec.of(Pool2dSpec.Kind.MAX, Padding.SAME, 6, 6, 3, 3, 2, 2);
        assertEquals(1, spec.padBottom());
        PoolRoute route = PoolRoute.of(spec);
        assertTrue(route.prePad());
        assertEquals(new Pool2dSpec(Pool2dSpec.Kind.MAX, 3, 3, 2, 2, 0, 0, 0, 0), route.inner());
        assertEquals(Float.NEGATIVE_INFINITY, PoolRoute.padValue(spec));
        assertEquals(0f, PoolRoute.padValue(new Pool2dSpec(Pool2dSpec.Kind.AVG, 3, 3, 2, 2, 0, 1, 0, 1)));
    }

    @Test
    void averageCorrectionIsWindowAreaOverRealCells() {
        // 2x2/2 'same' on 5x5: out 3, padding bottom/right 1; the last row and column of windows hold
        // 1x2 (or 2x1) real cells, the corner 1: factors 4/4, 4/2 and 4/1
        Pool2dSpec spec = Pool2dSpec.of(Pool2dSpec.Kind.AVG, Padding.SAME, 5, 5, 2, 2, 2, 2);
        assertArrayEquals(new float[] {1, 1, 2, 1, 1, 2, 2, 2, 4}, PoolRoute.averageCorrection(spec, 5, 5));
    }
}
