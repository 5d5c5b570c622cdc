package org.transfer4j.keras;

import io.jhdf.api.WritableNode;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The HDF5 side of writing Keras files with jhdf 0.13, the counterpart of {@link H5Arrays}: string-list
 * attributes in Keras' chunked form, float arrays in the nested Java form jhdf writes, and the limits past
 * which jhdf 0.13 writes files that neither it nor libhdf5 can open (measured, see each constant).
 */
final class H5Output {
    /**
     * The largest attribute written, in bytes. jhdf 0.13 writes an attribute of more than about 59,500 bytes
     * into a file that neither jhdf nor libhdf5 can open ("bad flag combination for message"), so this stays
     * below it; Keras' own limit, {@code HDF5_OBJECT_HEADER_LIMIT = 64512}, is for libhdf5.
     */
    static final int MAX_ATTRIBUTE_BYTES = 56 * 1024;
    /** The longest group or dataset name jhdf 0.13 writes into a readable file (measured: 255 bytes is not). */
    static final int MAX_NAME_BYTES = 254;

    private H5Output() {
    }

    /** Row-major {@code values} as the Java array jhdf writes with this shape: a Float, float[], float[][], .... */
    static Object shaped(float[] values, int[] shape) {
        if (shape.length == 0) {
            return values[0];
        }
        if (shape.length == 1) {
            return values;
        }
        Object out = Array.newInstance(float.class, shape);
        fill(out, shape, 0, values, 0);
        return out;
    }

    private static int fill(Object array, int[] shape, int axis, float[] values, int offset) {
        if (axis == shape.length - 1) {
            System.arraycopy(values, offset, array, 0, shape[axis]);
            return offset + shape[axis];
        }
        for (int i = 0; i < shape[axis]; i++) {
            offset = fill(Array.get(array, i), shape, axis + 1, values, offset);
        }
        return offset;
    }

    /**
     * A string-list attribute as Keras' {@code save_attributes_to_hdf5_group} writes it: whole, or, when its
     * fixed-length array ({@code count x longest}) is larger than an attribute may be, split like
     * {@code np.array_split} into {@code name0}, {@code name1}, ... of as many chunks as it takes. An empty
     * list is not written (jhdf cannot write an empty array; Keras reads a missing one as empty).
     */
    static void putStrings(WritableNode node, String name, List<String> values, Path file) {
        if (values.isEmpty()) {
            return;
        }
        for (String v : values) {
            if (utf8Length(v) > MAX_ATTRIBUTE_BYTES) {
                throw KerasExportException.of(file, "a name of " + utf8Length(v) + " bytes is longer than the "
                        + MAX_ATTRIBUTE_BYTES + " bytes an HDF5 attribute can hold");
            }
        }
        int chunks = 1;
        while (largestChunkBytes(values, chunks) > MAX_ATTRIBUTE_BYTES) {
            chunks++;
        }
        if (chunks == 1) {
            node.putAttribute(name, values.toArray(String[]::new));
            return;
        }
        int start = 0;
        for (int c = 0; c < chunks; c++) {
            int size = chunkSize(values.size(), chunks, c);
            node.putAttribute(name + c, values.subList(start, start + size).toArray(String[]::new));
            start += size;
        }
    }

    /** {@code np.array_split}: the first {@code n % k} chunks have one element more. */
    private static int chunkSize(int n, int k, int index) {
        return n / k + (index < n % k ? 1 : 0);
    }

    private static long largestChunkBytes(List<String> values, int chunks) {
        long largest = 0;
        int start = 0;
        for (int c = 0; c < chunks; c++) {
            int size = chunkSize(values.size(), chunks, c);
            int longest = values.subList(start, start + size).stream().mapToInt(H5Output::utf8Length).max().orElse(0);
            largest = Math.max(largest, (long) size * longest);
            start += size;
        }
        return largest;
    }

    static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
