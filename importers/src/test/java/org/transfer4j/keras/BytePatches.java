package org.transfer4j.keras;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jhdf.checksum.ChecksumUtils;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Byte-level edits of valid files, for the tests that turn them into hostile ones: find a run of bytes
 * (HDF5 dimensions are little-endian 64-bit integers, {@link #longs}), overwrite every occurrence, and
 * recompute the checksum of a version 2 HDF5 object header so that the edited header still parses.
 */
final class BytePatches {
    private BytePatches() {
    }

    /** {@code values} as consecutive little-endian 64-bit integers, as HDF5 stores dimensions. */
    static byte[] longs(long... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return b.array();
    }

    /** The first offset {@code >= from} where {@code needle} occurs in {@code haystack}, or -1. */
    static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * Overwrites, in place, every occurrence of {@code from} in {@code bytes} with {@code to} (the same length),
     * scanning on after each replaced run; returns the offsets replaced, in order.
     */
    static int[] replaceAll(byte[] bytes, byte[] from, byte[] to) {
        if (from.length != to.length) {
            throw new IllegalArgumentException("a patch keeps the file's length: " + from.length + " bytes replaced by "
                    + to.length);
        }
        int[] found = new int[0];
        for (int at = indexOf(bytes, from, 0); at >= 0; at = indexOf(bytes, from, at + from.length)) {
            System.arraycopy(to, 0, bytes, at, to.length);
            found = Arrays.copyOf(found, found.length + 1);
            found[found.length - 1] = at;
        }
        return found;
    }

    /**
     * Recomputes the checksum of the version 2 object header ("OHDR") holding byte {@code at}: per the HDF5
     * file format specification (Version 2 Object Header), signature, version, flags, optional times (flag
     * bit 5) and attribute phase change values (bit 4), the size of chunk 0 in 1 << (flags & 3) bytes,
     * the messages, then a Jenkins lookup3 checksum of everything before it.
     */
    static void fixObjectHeaderChecksum(byte[] bytes, int at) {
        int start = -1;
        for (int i = at; i >= 0 && start < 0; i--) {
            if (bytes[i] == 'O' && bytes[i + 1] == 'H' && bytes[i + 2] == 'D' && bytes[i + 3] == 'R') {
                start = i;
            }
        }
        assertTrue(start >= 0, "a version 2 object header precedes the dataspace");
        int flags = bytes[start + 5];
        int p = start + 6 + ((flags & 0x20) != 0 ? 16 : 0) + ((flags & 0x10) != 0 ? 4 : 0);
        int width = 1 << (flags & 3);
        long chunk = 0;
        for (int i = width - 1; i >= 0; i--) {
            chunk = (chunk << 8) | (bytes[p + i] & 0xff);
        }
        int end = p + width + (int) chunk;
        int checksum = ChecksumUtils.checksum(Arrays.copyOfRange(bytes, start, end));
        ByteBuffer.wrap(bytes, end, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(checksum);
    }
}
