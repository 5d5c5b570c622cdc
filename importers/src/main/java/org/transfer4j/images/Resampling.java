package org.transfer4j.images;

import org.transfer4j.nn.layers.Resizing.Taps;

/**
 * The sampling loops behind {@link Resize}, on row-major {@code (H,W,C)} float arrays:
 * {@code src (h,w,c) -> (height,width,c)}.
 */
final class Resampling {
    private Resampling() {
    }

    static float[] nearest(float[] src, int h, int w, int c, int height, int width) {
        int[] rows = nearestIndices(h, height);
        int[] cols = nearestIndices(w, width);
        float[] out = new float[height * width * c];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                System.arraycopy(src, (rows[y] * w + cols[x]) * c, out, (y * width + x) * c, c);
            }
        }
        return out;
    }

    /**
     * Source index of each output index, computed as Pillow's {@code ImagingScaleAffine} does: a
     * double position starting at {@code 0.5 * in / out} and advanced by {@code in / out}, truncated.
     * The running sum (rather than {@code (i + 0.5) * in / out} for each i) is kept so that positions
     * landing exactly on a pixel edge round the way PIL's do.
     */
    static int[] nearestIndices(int in, int out) {
        double scale = (double) in / out;
        double position = scale * 0.5;
        int[] index = new int[out];
        for (int i = 0; i < out; i++) {
            // position < in by scale/2, far more than the rounding error; min() only guards the bound
            index[i] = Math.min((int) position, in - 1);
            position += scale;
        }
        return index;
    }

    static float[] bilinear(float[] src, int h, int w, int c, int height, int width) {
        Taps rows = Taps.of(h, height);
        Taps cols = Taps.of(w, width);
        float[] out = new float[height * width * c];
        for (int y = 0; y < height; y++) {
            int top = rows.lower()[y] * w;
            int bottom = rows.upper()[y] * w;
            float dy = rows.lerp()[y];
            for (int x = 0; x < width; x++) {
                int left = cols.lower()[x];
                int right = cols.upper()[x];
                float dx = cols.lerp()[x];
                int o = (y * width + x) * c;
                for (int k = 0; k < c; k++) {
                    float tl = src[(top + left) * c + k];
                    float tr = src[(top + right) * c + k];
                    float bl = src[(bottom + left) * c + k];
                    float br = src[(bottom + right) * c + k];
                    // TensorFlow's compute_lerp: along x first, then along y
                    float upper = tl + (tr - tl) * dx;
                    float lower = bl + (br - bl) * dx;
                    out[o + k] = upper + (lower - upper) * dy;
                }
            }
        }
        return out;
    }
}
