package org.transfer4j.keras;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.random.RandomGenerator;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One change to the bytes of a file, for the fuzz test of the readers ({@link KerasFilesFuzzTest}). Each is a
 * record whose {@code toString} says exactly what it does, so a shrunk counterexample can be written down
 * as a regression test. Positions beyond the end of a (by then shorter) file are clamped to it.
 */
sealed interface FileMutation {
    /** The mutated copy of {@code bytes} (the argument is not changed). */
    byte[] apply(byte[] bytes);

    /** Smaller versions of this mutation, tried in order when a failing case is shrunk; none by default. */
    default List<FileMutation> simpler() {
        return List.of();
    }

    /** XOR of the byte at {@code at} with {@code mask} (1..255). */
    record Flip(int at, int mask) implements FileMutation {
        @Override
        public byte[] apply(byte[] bytes) {
            byte[] out = bytes.clone();
            if (out.length > 0) {
                out[Math.min(at, out.length - 1)] ^= (byte) mask;
            }
            return out;
        }

        @Override
        public List<FileMutation> simpler() {
            return Integer.bitCount(mask) > 1 ? List.of(new Flip(at, Integer.lowestOneBit(mask))) : List.of();
        }
    }

    /** What an {@link Overwrite} writes: zeros, 0xFF bytes, or bytes from {@code new Random(seed)}. */
    enum Fill { ZEROS, ONES, RANDOM }

    /** {@code length} bytes from {@code at} overwritten with {@code fill}. */
    record Overwrite(int at, int length, Fill fill, long seed) implements FileMutation {
        @Override
        public byte[] apply(byte[] bytes) {
            byte[] out = bytes.clone();
            int from = Math.min(at, out.length);
            int to = Math.min(out.length, from + length);
            byte[] run = new byte[to - from];
            switch (fill) {
                case ZEROS -> {
                }
                case ONES -> Arrays.fill(run, (byte) 0xFF);
                case RANDOM -> new Random(seed).nextBytes(run);
            }
            System.arraycopy(run, 0, out, from, run.length);
            return out;
        }

        @Override
        public List<FileMutation> simpler() {
            return Stream.of(length > 1 ? new Overwrite(at, length / 2, fill, seed) : null,
                    length > 1 ? new Overwrite(at + length / 2, length - length / 2, fill, seed) : null,
                    fill != Fill.ZEROS ? new Overwrite(at, length, Fill.ZEROS, 0) : null)
                    .filter(m -> m != null).map(FileMutation.class::cast).toList();
        }
    }

    /** The file cut to its first {@code length} bytes. */
    record Truncate(int length) implements FileMutation {
        @Override
        public byte[] apply(byte[] bytes) {
            return Arrays.copyOf(bytes, Math.min(length, bytes.length));
        }
    }

    /** The {@code length} bytes at {@code from} removed. */
    record Delete(int from, int length) implements FileMutation {
        @Override
        public byte[] apply(byte[] bytes) {
            int a = Math.min(from, bytes.length);
            int b = Math.min(bytes.length, a + length);
            byte[] out = new byte[bytes.length - (b - a)];
            System.arraycopy(bytes, 0, out, 0, a);
            System.arraycopy(bytes, b, out, a, bytes.length - b);
            return out;
        }

        @Override
        public List<FileMutation> simpler() {
            return length > 1 ? List.of(new Delete(from, length / 2), new Delete(from + length / 2, length - length / 2))
                    : List.of();
        }
    }

    /** A copy of the {@code length} bytes at {@code from} inserted before byte {@code to}. */
    record Duplicate(int from, int length, int to) implements FileMutation {
        @Override
        public byte[] apply(byte[] bytes) {
            int a = Math.min(from, bytes.length);
            int b = Math.min(bytes.length, a + length);
            int t = Math.min(to, bytes.length);
            byte[] out = new byte[bytes.length + (b - a)];
            System.arraycopy(bytes, 0, out, 0, t);
            System.arraycopy(bytes, a, out, t, b - a);
            System.arraycopy(bytes, t, out, t + (b - a), bytes.length - t);
            return out;
        }

        @Override
        public List<FileMutation> simpler() {
            return length > 1 ? List.of(new Duplicate(from, length / 2, to)) : List.of();
        }
    }

    /** The HDF5 field {@code field} (located in the original file) set to {@code value}, cut to the field's width. */
    record SetField(H5Landmarks.Field field, long value) implements FileMutation {
        @Override
        public byte[] apply(byte[] bytes) {
            byte[] out = bytes.clone();
            field.write(out, value);
            return out;
        }

        @Override
        public String toString() {
            return "SetField[" + field + " = " + value + " (0x" + Long.toHexString(value) + ")]";
        }
    }

    /** The bytes from {@code at} overwritten with {@code text} (Latin-1): a same-length edit of a JSON token. */
    record ReplaceAt(int at, String text) implements FileMutation {
        @Override
        public byte[] apply(byte[] bytes) {
            byte[] out = bytes.clone();
            byte[] t = text.getBytes(StandardCharsets.ISO_8859_1);
            System.arraycopy(t, 0, out, Math.min(at, out.length), Math.min(t.length, out.length - Math.min(at, out.length)));
            return out;
        }
    }

    /** The first occurrence of {@code find} (as Latin-1 bytes) replaced by {@code replacement}. */
    record ReplaceBytes(String find, String replacement) implements FileMutation {
        @Override
        public byte[] apply(byte[] bytes) {
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            int at = text.indexOf(find);
            if (at < 0) {
                throw new IllegalArgumentException("'" + find + "' does not occur in the file");
            }
            return (text.substring(0, at) + replacement + text.substring(at + find.length()))
                    .getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * In a {@code .npy} header (the text up to the first newline), the first match of {@code regex} replaced
     * by {@code replacement}, and the padding spaces before the newline adjusted so that the header keeps its
     * length where it can (so the length field still agrees and the reader gets as far as the dict).
     */
    record RewriteNpyHeader(String regex, String replacement) implements FileMutation {
        @Override
        public byte[] apply(byte[] bytes) {
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            int newline = text.indexOf('\n');
            if (newline < 0) {
                return bytes.clone();
            }
            String header = text.substring(0, newline);
            String rewritten = header.replaceFirst(regex, Matcher.quoteReplacement(replacement)).stripTrailing();
            if (rewritten.length() < header.length()) {
                rewritten = rewritten + " ".repeat(header.length() - rewritten.length());
            }
            return (rewritten + text.substring(newline)).getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    // ---- generators -----------------------------------------------------------------------------------

    /**
     * A run length from 1 to 4096 but under half the file's {@code size} (a small .npy file would otherwise
     * mostly be wiped out), small ones as likely as large ones on a log scale.
     */
    private static int length(RandomGenerator r, int size) {
        int max = Math.clamp(size / 2, 1, 4096);
        int scale = 1 << r.nextInt(32 - Integer.numberOfLeadingZeros(max));
        return Math.min(max, scale + r.nextInt(scale));
    }

    /**
     * One byte-level mutation within a file of {@code size} bytes: flips (4 in 10), overwrites (3 in 10),
     * truncation, deletion and duplication (1 in 10 each).
     */
    static FileMutation bytes(int size, RandomGenerator r) {
        int at = r.nextInt(Math.max(1, size));
        int kind = r.nextInt(10);
        if (kind < 4) {
            return new Flip(at, 1 + r.nextInt(255));
        } else if (kind < 7) {
            return new Overwrite(at, length(r, size), Fill.values()[r.nextInt(3)], r.nextLong());
        } else if (kind < 8) {
            return new Truncate(at);
        } else if (kind < 9) {
            return new Delete(at, length(r, size));
        }
        return new Duplicate(at, length(r, size), r.nextInt(Math.max(1, size)));
    }

    /**
     * One of the fields found in a file (a kind of field picked first, so that the one end-of-file address
     * is aimed at as often as the thousands of message sizes) set to a boundary value that breaks readers
     * (0, 1, all ones, 2^31 - 1, 2^31, 2^32, 2^40, 2^62, Long.MAX_VALUE), to a size that a Java array can
     * hold but the file cannot (2^20, 2^26, 2^29), to its original value off by one, doubled or shifted by
     * one or two bytes, or (1 in 4) to a random value. An address may instead be pointed at
     * another structure of the file, or at the one it lies in, to make cycles.
     */
    static FileMutation field(H5Landmarks.Found found, byte[] original, RandomGenerator r) {
        List<H5Landmarks.Field> fields = found.fields();
        List<H5Landmarks.Kind> kinds = fields.stream().map(H5Landmarks.Field::kind).distinct().toList();
        H5Landmarks.Kind kind = kinds.get(r.nextInt(kinds.size()));
        List<H5Landmarks.Field> ofKind = fields.stream().filter(f -> f.kind() == kind).toList();
        H5Landmarks.Field f = ofKind.get(r.nextInt(ofKind.size()));
        long v = f.read(original);
        if (kind.isAddress() && r.nextInt(3) == 0) {
            long own = found.structures().stream().filter(a -> a <= f.offset()).max(Long::compare).orElse(0L);
            return new SetField(f, r.nextBoolean() ? own : found.structures().get(r.nextInt(found.structures().size())));
        }
        long[] values = {0, 1, -1, 1L << 20, 1L << 26, 1L << 29, (1L << 31) - 1, 1L << 31, 1L << 32, 1L << 40,
            1L << 62, Long.MAX_VALUE, v + 1, v - 1, 2 * v, v << 8, v << 16};
        return new SetField(f, r.nextInt(4) == 0 ? r.nextLong() : values[r.nextInt(values.length)]);
    }

    /**
     * A same-length edit of one token of the JSON text at {@code [start, end)} of {@code original} (a Keras
     * {@code model_config}), so that the HDF5 structure around it stays intact and the config parser and
     * model builder get the damage: a number becomes other digits, zeros or a negative number; a string
     * becomes another string of the JSON of the same length (a layer name in {@code inbound_nodes} becomes
     * another layer's, which makes unknown inputs, cycles and duplicates) or its characters reversed; a
     * bracket, brace, colon or comma becomes another of them.
     */
    static FileMutation json(byte[] original, int start, int end, RandomGenerator r) {
        String text = new String(original, start, end - start, StandardCharsets.ISO_8859_1);
        Matcher tokens = Pattern.compile("-?\\d+(\\.\\d+)?|\"[^\"]*\"|[\\[\\]{}:,]")
                .matcher(text);
        List<MatchResult> all = tokens.results().toList();
        MatchResult token = all.get(r.nextInt(all.size()));
        String t = token.group();
        int at = start + token.start();
        if (t.startsWith("\"")) {
            List<String> sameLength = all.stream().map(MatchResult::group)
                    .filter(o -> o.startsWith("\"") && o.length() == t.length() && !o.equals(t)).distinct().toList();
            return new ReplaceAt(at, !sameLength.isEmpty() && r.nextInt(4) != 0
                    ? sameLength.get(r.nextInt(sameLength.size()))
                    : "\"" + new StringBuilder(t.substring(1, t.length() - 1)).reverse() + "\"");
        }
        if (Character.isDigit(t.charAt(t.length() - 1))) {
            StringBuilder digits = new StringBuilder();
            int kind = r.nextInt(3);
            for (int i = 0; i < t.length(); i++) {
                digits.append(kind == 0 ? '0' : kind == 1 ? '9' : (char) ('0' + r.nextInt(10)));
            }
            if (t.length() > 1 && r.nextBoolean()) {
                digits.setCharAt(0, '-');
            }
            return new ReplaceAt(at, digits.toString());
        }
        String structural = "[]{}:,";
        return new ReplaceAt(at, String.valueOf(structural.charAt(r.nextInt(structural.length()))));
    }

    /** The shape, type or order in a .npy header rewritten, keeping the header's length where it can. */
    static FileMutation npyHeader(RandomGenerator r) {
        return switch (r.nextInt(3)) {
            case 0 -> {
                String[] odd = {"0", "-1", "2147483647", "2147483648", "4294967296", "1099511627776",
                    "9223372036854775807", "99999999999999999999999", "1.5", "'a'", "None", "()", "True", "-0",
                    "0x10", "1_000"};
                int rank = r.nextInt(9);
                List<String> dims = Stream.generate(() -> r.nextBoolean() ? odd[r.nextInt(odd.length)]
                        : String.valueOf(r.nextInt(101))).limit(rank).toList();
                yield new RewriteNpyHeader("'shape': \\([^)]*\\)",
                        "'shape': (" + String.join(", ", dims) + (rank == 1 ? ",)" : ")"));
            }
            case 1 -> {
                String[] types = {"<f4", ">f8", "|b1", "<c8", "<U3", "O", "|V4", "<f16", "", "<i0", "<M8", "f4",
                    "<f4\u0000", "<i8", ">u2", "|i1"};
                yield new RewriteNpyHeader("'descr': '[^']*'", "'descr': '" + types[r.nextInt(types.length)] + "'");
            }
            default -> {
                String[] values = {"True", "1", "None", "'False'", "False, 'fortran_order': True"};
                yield new RewriteNpyHeader("'fortran_order': (True|False)",
                        "'fortran_order': " + values[r.nextInt(values.length)]);
            }
        };
    }
}
