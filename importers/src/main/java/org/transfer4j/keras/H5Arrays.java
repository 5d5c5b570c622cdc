package org.transfer4j.keras;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Node;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The HDF5 side of Keras files, read with jhdf: opening a file, string-list attributes (with Keras'
 * chunked form), dataset shapes, and float arrays whose declared size is validated before anything is
 * allocated. Every failure is a {@link KerasImportException} naming the file (and the layer and weight
 * where there is one); jhdf's own exceptions never escape.
 */
final class H5Arrays {
    /** The most elements a Java array may hold (some VMs reserve a few header words). */
    static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;
    /** The largest file {@link #open} maps into one buffer (a ByteBuffer is indexed by int). */
    static final long MAX_MAPPED_BYTES = Integer.MAX_VALUE;

    private H5Arrays() {
    }

    /**
     * Opens {@code path} read-only; a missing file, a non-HDF5 file or a damaged superblock is a KerasImportException.
     *
     * <p>A file of up to {@value #MAX_MAPPED_BYTES} bytes is memory-mapped and given to jhdf as a buffer, so that
     * every read jhdf makes is a slice of the file: jhdf's file-channel reader allocates a heap buffer of the
     * length a file declares before it reads (an object header or local heap whose size field says 2 GiB
     * allocated 2 GiB, or failed with OutOfMemoryError), while a slice beyond the end of the mapping fails with
     * an exception, which is then reported as damage. Larger files, which one buffer cannot map, are read
     * through the channel.
     */
    static HdfFile open(Path path) {
        if (!Files.isRegularFile(path)) {
            throw KerasImportException.of(path, "no such file");
        }
        HdfFile hdf;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            // The mapping stays valid after the channel is closed.
            hdf = size <= MAX_MAPPED_BYTES ? HdfFile.fromByteBuffer(channel.map(FileChannel.MapMode.READ_ONLY, 0, size))
                    : new HdfFile(path);
        } catch (IOException | RuntimeException e) {
            throw new KerasImportException(path + ": not a readable HDF5 file (" + describe(e) + ")", e);
        }
        checkNotTruncated(hdf, path);
        return hdf;
    }

    /**
     * The superblock records where the file ends; a shorter file lost its tail (libhdf5 refuses such a
     * file the same way: "truncated file"). Without this, a cut file fails later on whatever object
     * happened to lie past the cut, with a message that does not say why.
     */
    private static void checkNotTruncated(HdfFile hdf, Path path) {
        try {
            long end = hdf.getUserBlockSize() + hdf.getHdfBackingStorage().getSuperblock().getEndOfFileAddress();
            long size = Files.size(path);
            if (size < end) {
                throw KerasImportException.of(path, "truncated: the file has " + size
                        + " bytes, but its HDF5 superblock says it ends at byte " + end);
            }
        } catch (IOException | RuntimeException e) {
            hdf.close();
            throw e instanceof KerasImportException k ? k
                    : new KerasImportException(path + ": not a readable HDF5 file (" + describe(e) + ")", e);
        }
    }

    /** Whether {@code node} carries the string-list attribute {@code name}, whole or in Keras' chunks. */
    static boolean hasStrings(Node node, String name) {
        return node.getAttribute(name) != null || node.getAttribute(name + "0") != null;
    }

    /**
     * The string-list attribute {@code name} of {@code node}, or null when it is absent. Keras splits a
     * list too large for an HDF5 object header (64 KiB) into {@code name0}, {@code name1}, ... (see
     * {@code load_attributes_from_hdf5_group} in Keras' {@code legacy_h5_format.py}); those are joined.
     * An empty attribute (Keras writes a layer without weights as an empty float array) is an empty list.
     */
    static List<String> strings(Node node, String name, Path file, String layer) {
        Attribute whole = node.getAttribute(name);
        if (whole != null) {
            return stringsOf(whole, file, layer);
        }
        List<String> joined = new ArrayList<>();
        Attribute chunk = node.getAttribute(name + "0");
        if (chunk == null) {
            return null;
        }
        for (int i = 1; chunk != null; i++) {
            joined.addAll(stringsOf(chunk, file, layer));
            chunk = node.getAttribute(name + i);
        }
        return joined;
    }

    private static List<String> stringsOf(Attribute attribute, Path file, String layer) {
        if (attribute.isEmpty()) {
            return List.of();
        }
        Object data = attribute.getData();
        return switch (data) {
            case String[] array -> List.of(array);
            case String single -> List.of(single);
            case null -> List.of();
            default -> throw error(file, layer, "attribute '" + attribute.getName() + "' should hold strings, but holds "
                    + dtypeName(attribute.getDataType()) + " values");
        };
    }

    /** The dataset's declared dimensions ({@code []} for a scalar), as stored: nothing is validated yet. */
    static long[] dims(Dataset dataset) {
        return dataset.isScalar() ? new long[0] : dataset.getDimensionsAsLong();
    }

    /**
     * The number of elements that {@code dims} declares, after checking that every dimension is positive
     * and that the product fits a Java array; a hostile file declaring, say, 2^40 elements is refused
     * here, before anything of that size is allocated.
     */
    static int checkedSize(long[] dims, Path file, String layer, String weight) {
        long size = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] <= 0) {
                throw error(file, layer, "weight '" + weight + "' declares shape " + shape(dims) + ": dimension " + i
                        + " is " + dims[i] + ", but every dimension must be positive");
            }
            // size <= MAX_ELEMENTS here, so this comparison cannot overflow, unlike size * dims[i].
            if (size > MAX_ELEMENTS / dims[i]) {
                throw error(file, layer, "weight '" + weight + "' declares shape " + shape(dims) + ", "
                        + elementCount(dims) + " elements, more than the " + MAX_ELEMENTS
                        + " an array can hold; the file is damaged or hostile");
            }
            size *= dims[i];
        }
        return (int) size;
    }

    /**
     * The row-major values of a float32 or float64 dataset (float64 converted to float), whose declared
     * size the caller has validated as {@code expectedSize}; another element type is refused by name.
     */
    static float[] floats(Dataset dataset, int expectedSize, Path file, String layer, String weight) {
        DataType type = dataset.getDataType();
        if (!(type instanceof FloatingPoint) || (type.getSize() != 4 && type.getSize() != 8)) {
            throw error(file, layer, "weight '" + weight + "' is stored as " + dtypeName(type)
                    + "; only float32 and float64 weights can be read");
        }
        float[] values = switch (dataset.getDataFlat()) {
            case float[] f -> f;
            case double[] d -> toFloats(d);
            case Float f -> new float[] {f};
            case Double d -> new float[] {d.floatValue()};
            case Object other -> throw error(file, layer, "weight '" + weight + "' was read as "
                    + other.getClass().getSimpleName() + ", not as floats");
        };
        if (values.length != expectedSize) {
            throw error(file, layer, "weight '" + weight + "' declares " + expectedSize + " elements but "
                    + values.length + " were read");
        }
        return values;
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    /** A NumPy-like name for an HDF5 element type: {@code float16}, {@code int64}, {@code uint8}, or jhdf's class name. */
    static String dtypeName(DataType type) {
        return switch (type) {
            case FloatingPoint f -> "float" + f.getSize() * 8;
            case FixedPoint i -> (i.isSigned() ? "int" : "uint") + i.getSize() * 8;
            case null -> "an unknown type";
            default -> type.getClass().getSimpleName() + " (" + type.getSize() + " bytes)";
        };
    }

    /** {@code (3, 3, 3, 8)}, as NumPy prints shapes. */
    static String shape(long[] dims) {
        return dims.length == 1 ? "(" + dims[0] + ",)" : Arrays.toString(dims).replace('[', '(').replace(']', ')');
    }

    static String shape(int[] dims) {
        return shape(Arrays.stream(dims).asLongStream().toArray());
    }

    /** The exact product of {@code dims} as a decimal string (it may exceed a long). */
    private static String elementCount(long[] dims) {
        BigInteger n = BigInteger.ONE;
        for (long d : dims) {
            n = n.multiply(BigInteger.valueOf(d));
        }
        return n.toString();
    }

    /** {@code "{file}: layer '{layer}': {problem}"}, or without the layer when there is none. */
    static KerasImportException error(Path file, String layer, String problem) {
        return layer == null ? KerasImportException.of(file, problem) : KerasImportException.of(file, layer, problem);
    }

    /** A jhdf or runtime failure while reading, wrapped with what was being read. */
    static KerasImportException wrap(Path file, String layer, String doing, RuntimeException e) {
        if (e instanceof KerasImportException k) {
            return k;
        }
        String problem = "cannot read " + doing + " (" + describe(e) + "); the file is damaged or not a Keras file";
        return new KerasImportException(error(file, layer, problem).getMessage(), e);
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
