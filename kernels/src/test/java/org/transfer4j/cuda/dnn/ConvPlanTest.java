package org.transfer4j.cuda.dnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.transfer4j.backend.Conv2dSpec;
import org.transfer4j.backend.Padding;
import org.transfer4j.backend.Pool2dSpec;
import org.transfer4j.tensor.ShapeMismatchException;

class ConvPlanTest {

    @Test
    void sameStride1PadsSymmetricallyWithoutPrePad() {
        // 3x3 'same' stride 1: total padding 2 -> 1 on each side
        Conv2dSpec spec = Conv2dSpec.of(Padding.SAME, 8, 8, 3, 3, 1, 1, 1, 1, 1);
        ConvPlan plan = ConvPlan.of(new int[] {2, 8, 8, 4}, new int[] {3, 3, 4, 6}, spec);
        assertFalse(plan.needsPrePad());
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1}, plan.convolutionDescriptor());
        assertArrayEquals(new int[] {2, 4, 8, 8}, plan.xDescriptor());
        assertArrayEquals(new int[] {6, 4, 3, 3}, plan.filterDescriptor());
        assertArrayEquals(new int[] {2, 6, 8, 8}, plan.yDescriptor());
        assertArrayEquals(new int[] {2, 8, 8, 6}, plan.outputShape());
    }

    @Test
    void sameStride2OnAnEvenInputNeedsABottomRightPrePad() {
        // TF 'same', 224 -> 112 with 3x3 stride 2: total = (112-1)*2 + 3 - 224 = 1 -> top 0, bottom 1
        Conv2dSpec spec = Conv2dSpec.of(Padding.SAME, 224, 224, 3, 3, 2, 2, 1, 1, 1);
        ConvPlan plan = ConvPlan.of(new int[] {1, 224, 224, 3}, new int[] {3, 3, 3, 32}, spec);
        assertTrue(plan.needsPrePad());
        assertEquals(0, plan.padH());
        assertEquals(0, plan.extraTop());
        assertEquals(1, plan.extraBottom());
        assertEquals(1, plan.extraRight());
        assertArrayEquals(new int[] {1, 225, 225, 3}, plan.paddedInputShape());
        assertEquals(112, plan.outH());
        assertEquals(plan.outH(), plan.cudnnOutHeight());
        assertEquals(plan.outW(), plan.cudnnOutWidth());
    }

    @Test
    void cudnnOutputShapeAgreesWithCoreForManySpecs() {
        int[] sizes = {1, 5, 6, 7, 14, 15};
        for (int in : sizes) {
            for (int kernel = 1; kernel <= 5; kernel += 2) {
                for (int stride = 1; stride <= 3; stride++) {
                    for (int dilation = 1; dilation <= 2; dilation++) {
                        for (Padding padding : new Padding[] {Padding.SAME, Padding.VALID, Padding.explicit(2, 0, 1, 3)}) {
                            Conv2dSpec spec = Conv2dSpec.of(padding, in, in + 1, kernel, kernel, stride, stride, dilation, dilation, 1);
                            if (spec.outHeight(in, kernel) < 1 || spec.outWidth(in + 1, kernel) < 1) {
                                continue;
                            }
                            ConvPlan plan = ConvPlan.of(new int[] {1, in, in + 1, 2}, new int[] {kernel, kernel, 2, 3}, spec);
                            String what = plan + " for " + spec;
                            assertEquals(spec.outHeight(in, kernel), plan.cudnnOutHeight(), what);
                            assertEquals(spec.outWidth(in + 1, kernel), plan.cudnnOutWidth(), what);
                            // pre-pad plus symmetric padding is the spec's padding on each side
                            assertEquals(spec.padTop(), plan.extraTop() + plan.padH(), what);
                            assertEquals(spec.padBottom(), plan.extraBottom() + plan.padH(), what);
                            assertEquals(spec.padLeft(), plan.extraLeft() + plan.padW(), what);
                            assertEquals(spec.padRight(), plan.extraRight() + plan.padW(), what);
                        }
                    }
                }
            }
        }
    }

    @Test
    void depthwiseIsGroupsEqualChannelsWithOneInputChannelPerFilter() {
        // DepthwiseConv2D, C=8, multiplier 2: kernel (3,3,1,16), groups 8, cuDNN filter (16,1,3,3)
        Conv2dSpec spec = Conv2dSpec.of(Padding.SAME, 7, 7, 3, 3, 1, 1, 1, 1, 8);
        ConvPlan plan = ConvPlan.of(new int[] {1, 7, 7, 8}, new int[] {3, 3, 1, 16}, spec);
        assertEquals(8, plan.groups());
        assertArrayEquals(new int[] {16, 1, 3, 3}, plan.filterDescriptor());
    }

    @Test
    void mismatchedChannelsAndGroupsAreRejectedWithTheShapes() {
        Conv2dSpec grouped = Conv2dSpec.of(Padding.VALID, 5, 5, 3, 3, 1, 1, 1, 1, 2);
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> ConvPlan.of(new int[] {1, 5, 5, 4}, new int[] {3, 3, 4, 6}, grouped));
        assertTrue(e.getMessage().contains("groups=2") && e.getMessage().contains("[3, 3, 4, 6]"), e.getMessage());
        Conv2dSpec big = Conv2dSpec.of(Padding.VALID, 2, 2, 3, 3, 1, 1, 1, 1, 1);
        assertThrows(ShapeMismatchException.class, () -> ConvPlan.of(new int[] {1, 2, 2, 1}, new int[] {3, 3, 1, 1}, big));
        assertThrows(ShapeMismatchException.class, () -> ConvPlan.of(new int[] {2, 2, 1}, new int[] {3, 3, 1, 1}, big));
    }

    @Test
    void plansAreShapeKeysThatCompareByValue() {
        Conv2dSpec spec = Conv2dSpec.of(Padding.SAME, 8, 8, 3, 3, 1, 1, 1, 1, 1);
        ConvPlan a = ConvPlan.of(new int[] {2, 8, 8, 4}, new int[] {3, 3, 4, 6}, spec);
        assertEquals(a, ConvPlan.of(new int[] {2, 8, 8, 4}, new int[] {3, 3, 4, 6}, spec));
        assertEquals(a.hashCode(), ConvPlan.of(new int[] {2, 8, 8, 4}, new int[] {3, 3, 4, 6}, spec).hashCode());
        assertNotEquals(a, ConvPlan.of(new int[] {3, 8, 8, 4}, new int[] {3, 3, 4, 6}, spec));
    }

    @Test
    void symmetricPoolingMapsModesAndAgreesWithCoreShapes() {
        Pool2dSpec max = Pool2dSpec.of(Pool2dSpec.Kind.MAX, Padding.SAME, 7, 7, 3, 3, 2, 2);   // total 2 -> 1/1
        PoolPlan plan = PoolPlan.of(new int[] {2, 7, 7, 5}, max);
        assertEquals(CudnnConstants.POOLING_MAX_DETERMINISTIC, plan.mode());
        assertArrayEquals(new int[] {3, 3, 1, 1, 2, 2}, plan.poolingDescriptor());
        assertEquals(max.outHeight(7), plan.cudnnOutHeight());
        assertEquals(4, plan.outH());
        Pool2dSpec avg = Pool2dSpec.of(Pool2dSpec.Kind.AVG, Padding.VALID, 6, 6, 2, 2, 2, 2);
        assertEquals(CudnnConstants.POOLING_AVERAGE_COUNT_EXCLUDE_PADDING, PoolPlan.of(new int[] {1, 6, 6, 1}, avg).mode());
    }

    @Test
    void asymmetricPoolingIsLeftToOurKernelWithTheReason() {
        Pool2dSpec spec = Pool2dSpec.of(Pool2dSpec.Kind.MAX, Padding.SAME, 8, 8, 3, 3, 2, 2);   // total 1 -> 0/1
        assertFalse(PoolPlan.supports(spec));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PoolPlan.of(new int[] {1, 8, 8, 1}, spec));
        assertTrue(e.getMessage().contains("top/bottom 0/1"), e.getMessage());
    }
}
