package org.transfer4j.cuda.backend;

import org.transfer4j.backend.Pool2dSpec;
import org.transfer4j.cuda.dnn.PoolPlan;

/**
 * How a pooling runs on cuDNN. cuDNN pads symmetrically only; TensorFlow's {@code same} padding puts
 * the odd row/column at the bottom/right (a 3x3/2 pool of an even size), which it cannot express
 * ({@link PoolPlan#supports}). Such a spec is run as: an explicit pad copy of x with all four paddings
 * ({@code pad_nhwc_f32}), then cuDNN without padding. The pad value keeps the semantics of padded
 * cells "not taking part":
 * <ul>
 *   <li>max: pad with -inf, which never wins against a real cell (a window of padding only, impossible
 *       with {@code same}, would give -inf where the CPU gives 0);</li>
 *   <li>average: pad with 0 and multiply each output by {@code window area / real cells}
 *       ({@link #averageCorrection}), since cuDNN divides by the whole window once nothing is padding;
 *       the backward pass multiplies dy by the same factor before cuDNN's backward, then crops.</li>
 * </ul>
 *
 * @param prePad whether x is padded explicitly first
 * @param inner  the spec cuDNN runs (the original, or the same window and strides without padding)
 */
record PoolRoute(boolean prePad, Pool2dSpec inner) {

    static PoolRoute of(Pool2dSpec spec) {
        if (PoolPlan.supports(spec)) {
            return new PoolRoute(false, spec);
        }
        return new PoolRoute(true, new Pool2dSpec(spec.kind(), spec.windowH(), spec.windowW(), spec.strideH(),
                spec.strideW(), 0, 0, 0, 0));
    }

    /** The pad value of the explicit pre-pad: -inf for max, 0 for average. */
    static float padValue(Pool2dSpec spec) {
        return spec.kind() == Pool2dSpec.Kind.MAX ? Float.NEGATIVE_INFINITY : 0f;
    }

    /**
     * Per output pixel {@code (OH,OW)} of an average pool of an {@code h x w} image under {@code spec}:
     * {@code windowH*windowW / realCells}, where realCells counts the window's cells inside the image
     * (0 for a window of padding only, whose output is 0 anyway).
     */
    static float[] averageCorrection(Pool2dSpec spec, int h, int w) {
        int oh = spec.outHeight(h);
        int ow = spec.outWidth(w);
        float[] factor = new float[oh * ow];
        double area = (double) spec.windowH() * spec.windowW();
        for (int i = 0; i < oh; i++) {
            int r0 = Math.max(i * spec.strideH() - spec.padTop(), 0);
            int r1 = Math.min(i * spec.strideH() - spec.padTop() + spec.windowH(), h);
            for (int j = 0; j < ow; j++) {
                int c0 = Math.max(j * spec.strideW() - spec.padLeft(), 0);
                int c1 = Math.min(j * spec.strideW() - spec.padLeft() + spec.windowW(), w);
                int cells = Math.max(0, r1 - r0) * Math.max(0, c1 - c0);
                factor[i * ow + j] = cells == 0 ? 0f : (float) (area / cells);
            }
        }
        return factor;
    }
}
