package org.transfer4j.keras;

import io.jhdf.HdfFile;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The byte offsets of the HDF5 fields a fuzzer should aim at in a valid file: the superblock's
 * end-of-file address, and in every object header the message sizes, dataspace dimensions, element sizes,
 * data addresses and sizes, attribute lengths and group index addresses. The file is read as the HDF5
 * specification lays it out (superblock versions 0 and 1, object header version 1, 8-byte offsets and
 * lengths, the layout h5py writes for Keras); jhdf only lists the objects. Version-2 object headers
 * ({@code OHDR}) are skipped, so a file of another layout yields fewer fields, never wrong ones.
 */
final class H5Landmarks {
    /** What a field is. */
    enum Kind {
        EOF_ADDRESS, HEADER_MESSAGE_COUNT, HEADER_SIZE, MESSAGE_SIZE, DATASPACE_DIM, DATATYPE_SIZE,
        LAYOUT_ADDRESS, LAYOUT_SIZE, CHUNK_DIM, ATTRIBUTE_NAME_SIZE, ATTRIBUTE_DATATYPE_SIZE,
        ATTRIBUTE_DATASPACE_SIZE, ATTRIBUTE_DIM, ATTRIBUTE_ELEMENT_SIZE, GROUP_INDEX_ADDRESS, BTREE_ENTRIES,
        HEAP_SIZE, HEAP_ADDRESS, CONTINUATION, BTREE_CHILD, SYMBOL_COUNT, SYMBOL_OBJECT_ADDRESS;

        /** Whether the field holds a file address (a fuzzer may point it at another structure, or at its own). */
        boolean isAddress() {
            return switch (this) {
                case EOF_ADDRESS, LAYOUT_ADDRESS, GROUP_INDEX_ADDRESS, HEAP_ADDRESS, CONTINUATION, BTREE_CHILD,
                     SYMBOL_OBJECT_ADDRESS -> true;
                default -> false;
            };
        }
    }

    /** The fields of a file, and the addresses of its structures (object headers, B-tree and symbol table nodes, heaps). */
    record Found(List<Field> fields, List<Long> structures) {
    }

    /** One unsigned little-endian field of {@code width} bytes at {@code offset}, in the object {@code where}. */
    record Field(Kind kind, int offset, int width, String where) {
        long read(byte[] bytes) {
            long v = 0;
            for (int i = width - 1; i >= 0; i--) {
                v = v << 8 | Byte.toUnsignedLong(bytes[offset + i]);
            }
            return v;
        }

        void write(byte[] bytes, long value) {
            for (int i = 0; i < width && offset + i < bytes.length; i++) {
                bytes[offset + i] = (byte) (value >>> 8 * i);
            }
        }

        @Override
        public String toString() {
            return kind + "@" + offset + "(" + width + " bytes, " + where + ")";
        }
    }

    private static final int MSG_DATASPACE = 0x01;
    private static final int MSG_DATATYPE = 0x03;
    private static final int MSG_LAYOUT = 0x08;
    private static final int MSG_ATTRIBUTE = 0x0C;
    private static final int MSG_CONTINUATION = 0x10;
    private static final int MSG_SYMBOL_TABLE = 0x11;

    private final ByteBuffer buf;
    private final List<Field> fields = new ArrayList<>();
    private final Set<Long> structures = new LinkedHashSet<>();

    private H5Landmarks(byte[] bytes) {
        this.buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The fields of the (valid) HDF5 file {@code file}. */
    static Found find(Path file) {
        Set<Long> headers = new LinkedHashSet<>();
        try (HdfFile hdf = new HdfFile(file)) {
            Deque<Node> todo = new ArrayDeque<>(List.of(hdf));
            while (!todo.isEmpty()) {
                Node node = todo.pop();
                if (node.isLink() || !headers.add(node.getAddress())) {
                    continue;
                }
                if (node instanceof Group group) {
                    todo.addAll(group.getChildren().values());
                }
            }
        }
        try {
            H5Landmarks marks = new H5Landmarks(Files.readAllBytes(file));
            marks.superblock();
            for (long address : headers) {
                marks.objectHeader((int) address, addressName(address));
            }
            marks.structures.addAll(headers);
            return new Found(List.copyOf(marks.fields), List.copyOf(marks.structures));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String addressName(long address) {
        return "object header at " + address;
    }

    private void add(Kind kind, int offset, int width, String where) {
        if (offset >= 0 && offset + width <= buf.capacity()) {
            fields.add(new Field(kind, offset, width, where));
        }
    }

    /** Superblock v0: EOF address at 40; v1 (4 more bytes of B-tree K) at 44. No user block in h5py's files. */
    private void superblock() {
        int version = buf.get(8);
        if (version == 0 || version == 1) {
            add(Kind.EOF_ADDRESS, version == 0 ? 40 : 44, 8, "superblock");
        } else {
            add(Kind.EOF_ADDRESS, 28, 8, "superblock");
        }
    }

    /**
     * Object header v1: version 1, reserved, message count (2), reference count (4), header size (4), padding
     * to 16; then messages of type (2), size (2), flags (1), reserved (3) and data, each 8-byte aligned.
     */
    private void objectHeader(int at, String where) {
        if (at + 16 > buf.capacity() || buf.get(at) != 1) {
            return; // not version 1 (a version-2 header starts with "OHDR")
        }
        add(Kind.HEADER_MESSAGE_COUNT, at + 2, 2, where);
        add(Kind.HEADER_SIZE, at + 8, 4, where);
        Deque<int[]> blocks = new ArrayDeque<>();
        blocks.add(new int[] {at + 16, buf.getInt(at + 8)});
        int budget = 10_000;
        while (!blocks.isEmpty() && budget-- > 0) {
            int[] block = blocks.pop();
            int pos = block[0];
            int end = block[0] + block[1];
            while (pos + 8 <= end && pos + 8 <= buf.capacity()) {
                int type = Short.toUnsignedInt(buf.getShort(pos));
                int size = Short.toUnsignedInt(buf.getShort(pos + 2));
                int data = pos + 8;
                add(Kind.MESSAGE_SIZE, pos + 2, 2, where + ", message type " + type);
                switch (type) {
                    case MSG_DATASPACE -> dataspace(data, Kind.DATASPACE_DIM, where);
                    case MSG_DATATYPE -> add(Kind.DATATYPE_SIZE, data + 4, 4, where);
                    case MSG_LAYOUT -> layout(data, where);
                    case MSG_ATTRIBUTE -> attribute(data, where);
                    case MSG_CONTINUATION -> {
                        add(Kind.CONTINUATION, data, 8, where);
                        add(Kind.CONTINUATION, data + 8, 8, where);
                        blocks.add(new int[] {(int) buf.getLong(data), (int) buf.getLong(data + 8)});
                    }
                    case MSG_SYMBOL_TABLE -> symbolTable(data, where);
                    default -> {
                    }
                }
                pos = data + size;
            }
        }
    }

    /** Dataspace v1: version, rank, flags, 5 reserved, dims; v2: version, rank, flags, type, dims. Max dims follow when flags bit 0. */
    private void dataspace(int d, Kind kind, String where) {
        int version = buf.get(d);
        int rank = Byte.toUnsignedInt(buf.get(d + 1));
        int flags = buf.get(d + 2);
        int dims = d + (version == 1 ? 8 : 4);
        int count = (flags & 1) != 0 ? 2 * rank : rank;
        for (int i = 0; i < count; i++) {
            add(kind, dims + 8 * i, 8, where + (i < rank ? ", dim " + i : ", max dim " + (i - rank)));
        }
    }

    /** Data layout v3: version, class; contiguous: address, size; chunked: rank, B-tree address, chunk dims (4 each). */
    private void layout(int d, String where) {
        if (buf.get(d) != 3) {
            return;
        }
        switch (buf.get(d + 1)) {
            case 0 -> add(Kind.LAYOUT_SIZE, d + 2, 2, where + ", compact");
            case 1 -> {
                add(Kind.LAYOUT_ADDRESS, d + 2, 8, where + ", contiguous");
                add(Kind.LAYOUT_SIZE, d + 10, 8, where + ", contiguous");
            }
            case 2 -> {
                int rank = Byte.toUnsignedInt(buf.get(d + 2));
                add(Kind.LAYOUT_ADDRESS, d + 3, 8, where + ", chunked");
                for (int i = 0; i < rank; i++) {
                    add(Kind.CHUNK_DIM, d + 11 + 4 * i, 4, where + ", chunk dim " + i);
                }
            }
            default -> {
            }
        }
    }

    /**
     * Attribute v1: version, reserved, name size (2), datatype size (2), dataspace size (2), then name,
     * datatype and dataspace each padded to 8 bytes; v2 without padding; v3 adds an encoding byte.
     */
    private void attribute(int d, String where) {
        int version = buf.get(d);
        int nameSize = Short.toUnsignedInt(buf.getShort(d + 2));
        int typeSize = Short.toUnsignedInt(buf.getShort(d + 4));
        String at = where + ", attribute";
        add(Kind.ATTRIBUTE_NAME_SIZE, d + 2, 2, at);
        add(Kind.ATTRIBUTE_DATATYPE_SIZE, d + 4, 2, at);
        add(Kind.ATTRIBUTE_DATASPACE_SIZE, d + 6, 2, at);
        int name = d + (version == 3 ? 9 : 8);
        int type = name + (version == 1 ? pad8(nameSize) : nameSize);
        int space = type + (version == 1 ? pad8(typeSize) : typeSize);
        add(Kind.ATTRIBUTE_ELEMENT_SIZE, type + 4, 4, at);
        dataspace(space, Kind.ATTRIBUTE_DIM, at);
    }

    /** Symbol table message: v1 B-tree address, local heap address; the B-tree's entry count and the heap's size and data address. */
    private void symbolTable(int d, String where) {
        add(Kind.GROUP_INDEX_ADDRESS, d, 8, where + ", B-tree");
        add(Kind.GROUP_INDEX_ADDRESS, d + 8, 8, where + ", local heap");
        groupBTree((int) buf.getLong(d), where, 0);
        int heap = (int) buf.getLong(d + 8);
        if (signature(heap, "HEAP")) {
            structures.add((long) heap);
            add(Kind.HEAP_SIZE, heap + 8, 8, where + ", local heap at " + heap);
            add(Kind.HEAP_ADDRESS, heap + 24, 8, where + ", local heap at " + heap);
        }
    }

    /**
     * A version-1 group B-tree node: "TREE", type, level, entries used (2), left and right siblings (8 each),
     * then key 0, child 0, key 1, ... (8 bytes each). Children are B-tree nodes above level 0, else symbol
     * table nodes: "SNOD", version, reserved, symbol count (2), then entries of name offset (8), object header
     * address (8), cache type (4), reserved (4) and scratch (16).
     */
    private void groupBTree(int tree, String where, int depth) {
        if (depth > 16 || !signature(tree, "TREE") || !structures.add((long) tree)) {
            return;
        }
        String at = where + ", B-tree at " + tree;
        int level = buf.get(tree + 5);
        int entries = Short.toUnsignedInt(buf.getShort(tree + 6));
        add(Kind.BTREE_ENTRIES, tree + 6, 2, at);
        for (int i = 0; i < entries; i++) {
            int child = tree + 32 + 16 * i;
            add(Kind.BTREE_CHILD, child, 8, at + ", child " + i);
            int address = (int) buf.getLong(child);
            if (level > 0) {
                groupBTree(address, where, depth + 1);
            } else if (signature(address, "SNOD") && structures.add((long) address)) {
                int symbols = Short.toUnsignedInt(buf.getShort(address + 6));
                add(Kind.SYMBOL_COUNT, address + 6, 2, where + ", symbol table node at " + address);
                for (int k = 0; k < symbols; k++) {
                    add(Kind.SYMBOL_OBJECT_ADDRESS, address + 8 + 40 * k + 8, 8,
                            where + ", symbol table node at " + address + ", entry " + k);
                }
            }
        }
    }

    private boolean signature(int at, String sig) {
        if (at < 0 || at + 32 > buf.capacity()) {
            return false;
        }
        for (int i = 0; i < 4; i++) {
            if (buf.get(at + i) != sig.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int pad8(int n) {
        return (n + 7) & ~7;
    }
}
