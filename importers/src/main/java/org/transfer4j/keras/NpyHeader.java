package org.transfer4j.keras;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The header of a {@code .npy} file, read and checked against the file's size before any array is
 * allocated. Layout (numpy.lib.format): the magic {@code \x93NUMPY}, two version bytes (major, minor),
 * the header length (unsigned little-endian: 2 bytes in version 1.0, 4 in 2.0 and 3.0), then the header:
 * a Python dict literal such as {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }},
 * padded with spaces and ended by a newline (Latin-1 text before 3.0, UTF-8 in 3.0). The data follows.
 *
 * @param descr the NumPy type string as written, e.g. {@code <f4}
 * @param type the element type and byte order {@code descr} names
 * @param fortranOrder true when the data is stored column-major
 * @param shape the array's shape, outermost axis first; empty for a 0-d array
 * @param dataOffset where the data starts in the file
 */
record NpyHeader(String descr, NpyDtype.Descr type, boolean fortranOrder, int[] shape, long dataOffset) {
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** NumPy pads the preamble and header to a multiple of this (older files used 16; readers accept any). */
    static final int ARRAY_ALIGN = 64;
    /** Spare spaces NumPy leaves after the dict so the growth axis can be rewritten in place. */
    static final int GROWTH_AXIS_MAX_DIGITS = 21;
    /** Far above any real header (NumPy's own reader refuses more than 10,000 bytes by default). */
    static final int MAX_HEADER_BYTES = 1 << 20;
    /** The most elements one tensor holds (see {@code Shape.check}). */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private static final Set<String> KEYS = Set.of("descr", "fortran_order", "shape");

    long numel() {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** The number of data bytes the header declares. */
    long dataBytes() {
        return numel() * type.dtype().size();
    }

    /** Reads and validates the header of {@code file}, whose size is {@code size} bytes. */
    static NpyHeader read(Path file, FileChannel channel, long size) throws IOException {
        int preambleBytes = (int) Math.min(size, 12);
        ByteBuffer pre = ByteBuffer.allocate(preambleBytes).order(ByteOrder.LITTLE_ENDIAN);
        readFully(file, channel, pre, 0);
        for (int i = 0; i < Math.min(preambleBytes, MAGIC.length); i++) {
            if (pre.get(i) != MAGIC[i]) {
                throw KerasImportException.of(file, "not a .npy file: it starts with " + hex(pre, MAGIC.length)
                        + " instead of the magic 93 4e 55 4d 50 59 (\\x93NUMPY)");
            }
        }
        if (size < 10) {
            throw KerasImportException.of(file, "truncated: " + size + " bytes, fewer than the 10 of a .npy preamble");
        }
        int major = Byte.toUnsignedInt(pre.get(6));
        int minor = Byte.toUnsignedInt(pre.get(7));
        if (major < 1 || major > 3 || minor != 0) {
            throw KerasImportException.of(file, "unsupported .npy format version " + major + "." + minor
                    + " (1.0, 2.0 and 3.0 exist)");
        }
        int prefix = major == 1 ? 10 : 12;
        if (size < prefix) {
            throw KerasImportException.of(file, "truncated: " + size + " bytes, fewer than the " + prefix
                    + " of a version " + major + ".0 preamble");
        }
        long headerLen = major == 1 ? Short.toUnsignedInt(pre.getShort(8)) : Integer.toUnsignedLong(pre.getInt(8));
        if (headerLen > MAX_HEADER_BYTES) {
            throw KerasImportException.of(file, "header length field says " + headerLen
                    + " bytes, more than the " + MAX_HEADER_BYTES + " this reader accepts");
        }
        if (prefix + headerLen > size) {
            throw KerasImportException.of(file, "truncated: the header declares " + headerLen
                    + " bytes, the file holds " + (size - prefix) + " after the preamble");
        }
        ByteBuffer raw = ByteBuffer.allocate((int) headerLen);
        readFully(file, channel, raw, prefix);
        raw.flip();
        String text;
        try {
            text = (major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1).newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).decode(raw).toString();
        } catch (CharacterCodingException e) {
            throw KerasImportException.of(file, "header is not valid UTF-8 text (format 3.0)");
        }
        NpyHeader header = fromDict(file, text, prefix + headerLen);
        long available = size - header.dataOffset();
        long declared = header.dataBytes();
        if (available != declared) {
            throw KerasImportException.of(file, (available < declared ? "data truncated: " : "trailing bytes: ")
                    + "shape " + pyShape(header.shape()) + " of '" + header.descr() + "' needs " + declared
                    + " bytes, the file holds " + available + " after the header");
        }
        return header;
    }

    /** Checks the parsed dict: exactly the three keys, a dtype we read, a shape whose size fits. */
    private static NpyHeader fromDict(Path file, String text, long dataOffset) {
        Object parsed;
        try {
            parsed = PyLiteral.parse(text);
        } catch (IllegalArgumentException e) {
            throw KerasImportException.of(file, "header is not a Python literal (" + e.getMessage() + "): "
                    + abbreviate(text));
        }
        if (!(parsed instanceof Map<?, ?> dict)) {
            throw KerasImportException.of(file, "header is not a dict: " + abbreviate(text));
        }
        Set<String> missing = new TreeSet<>(KEYS);
        missing.removeAll(dict.keySet());
        Set<Object> extra = new TreeSet<>(dict.keySet().stream().map(String::valueOf).toList());
        extra.removeAll(KEYS);
        if (!missing.isEmpty() || !extra.isEmpty()) {
            throw KerasImportException.of(file, "header must have exactly the keys descr, fortran_order, shape"
                    + (missing.isEmpty() ? "" : "; missing " + missing)
                    + (extra.isEmpty() ? "" : "; unexpected " + extra) + ": " + abbreviate(text));
        }
        if (!(dict.get("descr") instanceof String descr)) {
            throw KerasImportException.of(file, "descr is " + PyLiteral.describe(dict.get("descr"))
                    + ", not a type string (structured dtypes are not supported)");
        }
        NpyDtype.Descr type = NpyDtype.parse(descr).orElseThrow(() -> KerasImportException.of(file,
                "dtype '" + descr + "' is not supported; supported: " + NpyDtype.SUPPORTED));
        if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
            throw KerasImportException.of(file, "fortran_order is " + PyLiteral.describe(dict.get("fortran_order"))
                    + ", not True or False");
        }
        if (!(dict.get("shape") instanceof PyLiteral.Tuple(var dims))) {
            throw KerasImportException.of(file, "shape is " + PyLiteral.describe(dict.get("shape"))
                    + ", not a tuple of sizes");
        }
        int[] shape = new int[dims.size()];
        BigInteger numel = BigInteger.ONE;
        for (int i = 0; i < shape.length; i++) {
            if (!(dims.get(i) instanceof BigInteger d) || d.signum() < 0) {
                throw KerasImportException.of(file, "shape " + PyLiteral.render(dims)
                        + " has an axis that is not a non-negative integer: " + PyLiteral.describe(dims.get(i)));
            }
            numel = numel.multiply(d);
            if (d.compareTo(BigInteger.valueOf(MAX_ELEMENTS)) > 0) {
                throw KerasImportException.of(file, "shape " + PyLiteral.render(dims) + ": axis " + i + " of size "
                        + d + " is larger than a tensor holds (" + MAX_ELEMENTS + " elements)");
            }
            shape[i] = d.intValueExact();
        }
        if (numel.compareTo(BigInteger.valueOf(MAX_ELEMENTS)) > 0) {
            throw KerasImportException.of(file, "shape " + pyShape(shape) + " has " + numel
                    + " elements, more than one tensor holds (" + MAX_ELEMENTS + ")");
        }
        return new NpyHeader(descr, type, fortran, shape, dataOffset);
    }

    /**
     * The preamble and header NumPy writes for a little-endian float32 C-order array of {@code shape}:
     * version 1.0, or 2.0 when the header is longer than a 2-byte length can say. Byte for byte what
     * {@code numpy.save} writes (numpy/lib/format.py: {@code _write_array_header}, {@code _wrap_header}).
     */
    static byte[] format(int[] shape) {
        StringBuilder dict = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': ")
                .append(pyShape(shape)).append(", }");
        if (shape.length > 0) {
            dict.repeat(' ', GROWTH_AXIS_MAX_DIGITS - Integer.toString(shape[0]).length());
        }
        byte[] text = dict.toString().getBytes(StandardCharsets.ISO_8859_1);
        for (int major = 1; major <= 2; major++) {
            int prefix = major == 1 ? 10 : 12;
            int hlen = text.length + 1; // the closing newline
            int padding = ARRAY_ALIGN - (prefix + hlen) % ARRAY_ALIGN;
            long headerLen = (long) hlen + padding;
            if (major == 1 && headerLen > 0xFFFF) {
                continue;
            }
            ByteBuffer out = ByteBuffer.allocate((int) (prefix + headerLen)).order(ByteOrder.LITTLE_ENDIAN);
            out.put(MAGIC).put((byte) major).put((byte) 0);
            if (major == 1) {
                out.putShort((short) headerLen);
            } else {
                out.putInt((int) headerLen);
            }
            out.put(text);
            for (int i = 0; i < padding; i++) {
                out.put((byte) ' ');
            }
            out.put((byte) '\n');
            return out.array();
        }
        throw new IllegalStateException("unreachable: a version 2.0 header holds 4 GiB");
    }

    /** Python's repr of a shape tuple: {@code ()}, {@code (3,)}, {@code (2, 3)}. */
    static String pyShape(int[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            s.append(i > 0 ? ", " : "").append(shape[i]);
        }
        return s.append(')').toString();
    }

    private static void readFully(Path file, FileChannel channel, ByteBuffer buffer, long position)
            throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw KerasImportException.of(file, "truncated: the file ended at byte " + at + " while reading");
            }
            at += n;
        }
    }

    private static String hex(ByteBuffer b, int max) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(max, b.limit()); i++) {
            s.append(i > 0 ? " " : "").append(String.format("%02x", b.get(i)));
        }
        return s.isEmpty() ? "nothing (empty file)" : s.toString();
    }

    private static String abbreviate(String text) {
        String t = text.strip();
        return t.length() <= 200 ? t : t.substring(0, 200) + "...";
    }
}
