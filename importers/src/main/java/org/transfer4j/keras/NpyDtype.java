package org.transfer4j.keras;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * The NumPy element types {@link Npy} reads, each with its conversion to float32. A NumPy {@code descr}
 * is a byte-order character ({@code <} little, {@code >} big, {@code |} not applicable, {@code =} native)
 * followed by a kind ({@code f} float, {@code i} signed, {@code u} unsigned, {@code b} bool) and the
 * item size in bytes: {@code '<f4'}, {@code '>f8'}, {@code '|u1'}.
 *
 * <p>Conversions round to the nearest float32 (IEEE round-half-even): float64 values and integers
 * beyond 2^24 in magnitude lose precision ({@code 2^24 + 1 -> 2^24}), booleans become 0 and 1.
 */
enum NpyDtype {
    FLOAT16('f', 2),
    FLOAT32('f', 4),
    FLOAT64('f', 8),
    BOOL('b', 1),
    INT8('i', 1),
    UINT8('u', 1),
    INT16('i', 2),
    UINT16('u', 2),
    INT32('i', 4),
    UINT32('u', 4),
    INT64('i', 8),
    UINT64('u', 8);

    /** The descrs accepted, for error messages. */
    static final String SUPPORTED = "<f2 <f4 <f8 |b1 |i1 |u1 <i2 <u2 <i4 <u4 <i8 <u8 (and their '>' big-endian forms)";

    private final char kind;
    private final int size;

    NpyDtype(char kind, int size) {
        this.kind = kind;
        this.size = size;
    }

    /** Item size in bytes. */
    int size() {
        return size;
    }

    /** A parsed descr: the type and the byte order its values are stored in. */
    record Descr(NpyDtype dtype, ByteOrder order) {
    }

    /** The type and byte order of {@code descr}, or empty when it is not one we read. */
    static Optional<Descr> parse(String descr) {
        if (descr.length() < 3) {
            return Optional.empty();
        }
        char orderChar = descr.charAt(0);
        ByteOrder order = switch (orderChar) {
            case '<', '|' -> ByteOrder.LITTLE_ENDIAN;
            case '>' -> ByteOrder.BIG_ENDIAN;
            case '=' -> ByteOrder.nativeOrder();
            default -> null;
        };
        if (order == null) {
            return Optional.empty();
        }
        int size;
        try {
            size = Integer.parseInt(descr.substring(2));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        for (NpyDtype t : values()) {
            // '|' means "byte order does not apply", which NumPy only writes for one-byte types
            if (t.kind == descr.charAt(1) && t.size == size && (orderChar != '|' || size == 1)) {
                return Optional.of(new Descr(t, order));
            }
        }
        return Optional.empty();
    }

    /**
     * Converts {@code count} items from {@code in} (positioned at the first, with the file's byte order
     * set) into {@code out[from..from+count)}.
     */
    void decode(ByteBuffer in, float[] out, int from, int count) {
        int end = from + count;
        switch (this) {
            case FLOAT32 -> {
                in.asFloatBuffer().get(out, from, count); // a view: advance the source by hand
                in.position(in.position() + count * Float.BYTES);
            }
            case FLOAT16 -> {
                for (int i = from; i < end; i++) {
                    out[i] = Float.float16ToFloat(in.getShort());
                }
            }
            case FLOAT64 -> {
                for (int i = from; i < end; i++) {
                    out[i] = (float) in.getDouble();
                }
            }
            case BOOL -> {
                for (int i = from; i < end; i++) {
                    out[i] = in.get() != 0 ? 1f : 0f;
                }
            }
            case INT8 -> {
                for (int i = from; i < end; i++) {
                    out[i] = in.get();
                }
            }
            case UINT8 -> {
                for (int i = from; i < end; i++) {
                    out[i] = Byte.toUnsignedInt(in.get());
                }
            }
            case INT16 -> {
                for (int i = from; i < end; i++) {
                    out[i] = in.getShort();
                }
            }
            case UINT16 -> {
                for (int i = from; i < end; i++) {
                    out[i] = Short.toUnsignedInt(in.getShort());
                }
            }
            case INT32 -> {
                for (int i = from; i < end; i++) {
                    out[i] = in.getInt(); // int -> float rounds to nearest (JLS 5.1.2)
                }
            }
            case UINT32 -> {
                for (int i = from; i < end; i++) {
                    out[i] = Integer.toUnsignedLong(in.getInt());
                }
            }
            case INT64 -> {
                for (int i = from; i < end; i++) {
                    out[i] = in.getLong();
                }
            }
            case UINT64 -> {
                for (int i = from; i < end; i++) {
                    out[i] = unsignedToFloat(in.getLong());
                }
            }
        }
    }

    /**
     * An unsigned 64-bit value rounded once to float32. Values of 2^63 and above are halved with the
     * dropped bit kept as a sticky bit, so the signed conversion rounds as the exact value would
     * (going through double would round twice).
     */
    static float unsignedToFloat(long bits) {
        if (bits >= 0) {
            return bits;
        }
        return ((bits >>> 1) | (bits & 1)) * 2f;
    }
}
