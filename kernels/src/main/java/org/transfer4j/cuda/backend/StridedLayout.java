package org.transfer4j.cuda.backend;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Several views of one shape, walked together by a kernel that takes the 144-byte geometry struct of
 * {@code layout.cu} ({@code Strided6 {shape[6], xStride[6], yStride[6]}}) or {@code elementwise.cu}
 * ({@code Broadcast6 {shape[6], aStride[6], bStride[6]}}, the same layout). Built from the views'
 * shapes and strides (offsets are the caller's: the kernel gets pointers to each view's first element).
 *
 * <p>The axes are first coalesced as the CPU backend's {@code Strided} does: size-1 axes dropped, and
 * an axis merged into the one before it when every view steps over the pair as one run
 * ({@code stride[i-1] == stride[i] * shape[i]} for all views). A contiguous tensor becomes one axis, a
 * broadcast bias two. When more than six axes remain, the leading ones are walked on the host: one
 * {@link Piece} per index of the leading axes, each with its element offsets into every view and a
 * struct for the last six axes (one kernel launch per piece).
 */
final class StridedLayout {
    /** The rank the structs hold ({@code T4J_MAX_RANK}). */
    static final int MAX_RANK = 6;
    /** {@code sizeof(Strided6)}. */
    static final int BYTES = 3 * MAX_RANK * Long.BYTES;

    /**
     * One launch: element offsets of the piece's first element in each view, the struct's shape and the
     * strides of (up to) the first two views, and the element count.
     */
    record Piece(long[] offsets, long[] shape, long[][] strides) {
        /** Elements in this piece: the product of its shape. */
        long count() {
            long n = 1;
            for (long s : shape) {
                n *= s;
            }
            return n;
        }

        /** The struct's bytes with view {@code x} and view {@code y} as its two stride arrays (little-endian). */
        byte[] struct(int x, int y) {
            ByteBuffer bytes = ByteBuffer.allocate(BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (long[] array : new long[][] {shape, strides[x], strides[y]}) {
                for (long v : array) {
                    bytes.putLong(v);
                }
            }
            return bytes.array();
        }

        /** The struct for a kernel that reads one view only ({@code strided_fill_f32}: the x strides are not read). */
        byte[] struct(int y) {
            return struct(y, y);
        }
    }

    private StridedLayout() {
    }

    /**
     * The pieces that cover {@code shape} for the views with {@code strides[v]} (each of the shape's rank;
     * 0 where a view broadcasts).
     */
    static List<Piece> pieces(int[] shape, int[]... strides) {
        for (int[] s : strides) {
            if (s.length != shape.length) {
                throw new IllegalArgumentException("strides " + Arrays.toString(s) + " do not match shape "
                        + Arrays.toString(shape));
            }
        }
        int views = strides.length;
        // coalesce
        long[] cs = new long[shape.length];
        long[][] cst = new long[views][shape.length];
        int rank = 0;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 1) {
                continue;
            }
            boolean merge = rank > 0;
            for (int v = 0; merge && v < views; v++) {
                merge = cst[v][rank - 1] == (long) strides[v][i] * shape[i];
            }
            if (merge) {
                cs[rank - 1] *= shape[i];
                for (int v = 0; v < views; v++) {
                    cst[v][rank - 1] = strides[v][i];
                }
            } else {
                cs[rank] = shape[i];
                for (int v = 0; v < views; v++) {
                    cst[v][rank] = strides[v][i];
                }
                rank++;
            }
        }
        int lead = Math.max(0, rank - MAX_RANK);
        long pieces = 1;
        for (int d = 0; d < lead; d++) {
            pieces *= cs[d];
        }
        List<Piece> out = new ArrayList<>();
        int[] index = new int[lead];
        for (long p = 0; p < pieces; p++) {
            long[] offsets = new long[views];
            for (int d = 0; d < lead; d++) {
                for (int v = 0; v < views; v++) {
                    offsets[v] += index[d] * cst[v][d];
                }
            }
            long[] shape6 = new long[MAX_RANK];
            long[][] strides6 = new long[views][MAX_RANK];
            Arrays.fill(shape6, 1);
            int tail = rank - lead;
            for (int k = 0; k < tail; k++) {
                shape6[MAX_RANK - tail + k] = cs[lead + k];
                for (int v = 0; v < views; v++) {
                    strides6[v][MAX_RANK - tail + k] = cst[v][lead + k];
                }
            }
            out.add(new Piece(offsets, shape6, strides6));
            for (int d = lead - 1; d >= 0; d--) { // odometer over the leading axes
                if (++index[d] < cs[d]) {
                    break;
                }
                index[d] = 0;
            }
        }
        return out;
    }
}
