package org.transfer4j.cuda.driver;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The broadcast geometry that the {@code <op>_bcast_f32} kernels of {@code elementwise.cu} take by
 * value: the C struct
 * <pre>
 * struct Broadcast6 {              // 144 bytes, 8-aligned
 *     long long shape[6];          // output shape, right-aligned, leading entries 1
 *     long long aStride[6];        // strides of a in elements, 0 where a broadcasts
 *     long long bStride[6];        // likewise b
 * };
 * </pre>
 * A tensor of rank r uses the last r entries; the leading {@code 6 - r} have shape 1 and stride 0.
 * The output is contiguous with {@link #shape()}; input {@code a} element of output coordinate
 * {@code c} is at offset {@code sum_d c_d * aStride[d]}.
 */
public final class Broadcast6 {

    /** The rank the struct holds ({@code T4J_MAX_RANK} in {@code elementwise.cu}). */
    public static final int MAX_RANK = 6;
    /** {@code sizeof(Broadcast6)}: three arrays of six 8-byte integers. */
    public static final int BYTES = 3 * MAX_RANK * Long.BYTES;
    /** {@code alignof(Broadcast6)}: that of {@code long long}. */
    public static final int ALIGNMENT = Long.BYTES;

    private final long[] shape;
    private final long[] aStride;
    private final long[] bStride;

    private Broadcast6(long[] shape, long[] aStride, long[] bStride) {
        this.shape = shape;
        this.aStride = aStride;
        this.bStride = bStride;
    }

    /**
     * The geometry of {@code y = f(a, b)} for contiguous (row-major) {@code a} and {@code b}, broadcast
     * by NumPy's rule (shapes right-aligned; each pair of dimensions equal, or one of them 1).
     *
     * @param aShape shape of a, rank 0 to 6
     * @param bShape shape of b, rank 0 to 6
     * @throws IllegalArgumentException when a rank exceeds 6, a dimension is negative, or the shapes
     *                                  do not broadcast (quoting both)
     */
    public static Broadcast6 of(long[] aShape, long[] bShape) {
        checkShape("a", aShape);
        checkShape("b", bShape);
        long[] shape = new long[MAX_RANK];
        long[] a = padded(aShape);
        long[] b = padded(bShape);
        for (int d = 0; d < MAX_RANK; d++) {
            if (a[d] != b[d] && a[d] != 1 && b[d] != 1) {
                throw new IllegalArgumentException("shapes " + Arrays.toString(aShape) + " and "
                        + Arrays.toString(bShape) + " do not broadcast: dimension " + (d - MAX_RANK)
                        + " is " + a[d] + " vs " + b[d]);
            }
            shape[d] = a[d] == 1 ? b[d] : a[d];
        }
        return new Broadcast6(shape, strides(a), strides(b));
    }

    /** The output shape, rank 6 (leading 1s for lower ranks). */
    public long[] shape() {
        return shape.clone();
    }

    /** The strides of a in elements, 0 along broadcast dimensions. */
    public long[] aStride() {
        return aStride.clone();
    }

    /** The strides of b in elements, 0 along broadcast dimensions. */
    public long[] bStride() {
        return bStride.clone();
    }

    /** The number of output elements, the kernel's {@code n}. */
    public long elementCount() {
        long n = 1;
        for (long s : shape) {
            n = Math.multiplyExact(n, s);
        }
        return n;
    }

    /** The struct's 144 bytes as the device reads them: little-endian, shape then aStride then bStride. */
    public byte[] toBytes() {
        ByteBuffer bytes = ByteBuffer.allocate(BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (long[] array : new long[][] {shape, aStride, bStride}) {
            for (long v : array) {
                bytes.putLong(v);
            }
        }
        return bytes.array();
    }

    private static long[] padded(long[] shape) {
        long[] out = new long[MAX_RANK];
        Arrays.fill(out, 1);
        System.arraycopy(shape, 0, out, MAX_RANK - shape.length, shape.length);
        return out;
    }

    /**
     * Row-major strides of an input of (padded) shape {@code in}, 0 where its dimension is 1: there it
     * broadcasts (or the output dimension is 1 too and the coordinate is always 0).
     */
    private static long[] strides(long[] in) {
        long[] stride = new long[MAX_RANK];
        long step = 1;
        for (int d = MAX_RANK - 1; d >= 0; d--) {
            stride[d] = in[d] == 1 ? 0 : step;
            step = Math.multiplyExact(step, in[d]);
        }
        return stride;
    }

    private static void checkShape(String name, long[] shape) {
        if (shape.length > MAX_RANK) {
            throw new IllegalArgumentException("broadcasting kernels take rank at most " + MAX_RANK + ", "
                    + name + " has shape " + Arrays.toString(shape) + " (rank " + shape.length + ")");
        }
        for (long s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException(name + " has a negative dimension: " + Arrays.toString(shape));
            }
        }
    }

    @Override
    public String toString() {
        return "Broadcast6[shape=" + Arrays.toString(shape) + ", aStride=" + Arrays.toString(aStride)
                + ", bStride=" + Arrays.toString(bStride) + "]";
    }
}
