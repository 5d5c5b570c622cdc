package org.transfer4j.keras;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broken and hostile {@code .npy} files: each is a {@link KerasImportException} naming the file and the
 * problem, raised before the declared array is allocated.
 */
class NpyHostileTest {
    @TempDir
    Path dir;

    /** A file with the given preamble version, header text (padded as NumPy pads it) and data bytes. */
    private Path npy(String name, int major, String dict, int dataBytes) throws IOException {
        byte[] text = dict.getBytes(StandardCharsets.UTF_8);
        int prefix = major == 1 ? 10 : 12;
        int padding = 64 - (prefix + text.length + 1) % 64;
        int headerLen = text.length + padding + 1;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(NpyHeader.MAGIC);
        out.write(major);
        out.write(0);
        out.write(headerLen & 0xFF);
        out.write(headerLen >>> 8);
        if (major > 1) {
            out.write(0);
            out.write(0);
        }
        out.write(text);
        out.write(" ".repeat(padding).getBytes(StandardCharsets.US_ASCII));
        out.write('\n');
        out.write(new byte[dataBytes]);
        Path file = dir.resolve(name);
        Files.write(file, out.toByteArray());
        return file;
    }

    private Path npy(String name, String dict, int dataBytes) throws IOException {
        return npy(name, 1, dict, dataBytes);
    }

    private static String dict(String descr, String shape) {
        return "{'descr': " + descr + ", 'fortran_order': False, 'shape': " + shape + ", }";
    }

    /** Reading fails with a KerasImportException whose message names the file and holds every fragment. */
    private static void assertFails(Path file, String... fragments) {
        KerasImportException e = assertThrows(KerasImportException.class, () -> Npy.readArray(file));
        assertTrue(e.getMessage().startsWith(file.toString() + ": "), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "expected '" + f + "' in: " + e.getMessage());
        }
    }

    @Test
    void aValidHandMadeFileReads() throws IOException {
        // the helper itself makes readable files, so each failure below is due to its one defect
        Path file = npy("ok.npy", dict("'<f4'", "(2, 3)"), 24);
        assertTrue(Arrays.equals(new int[] {2, 3}, Npy.readArray(file).shape()));
    }

    @Test
    void emptyAndTruncatedPreambles() throws IOException {
        assertFails(Files.write(dir.resolve("empty.npy"), new byte[0]), "truncated", "0 bytes");
        assertFails(Files.write(dir.resolve("short.npy"), Arrays.copyOf(NpyHeader.MAGIC, 8)), "truncated", "8 bytes");
        byte[] good = Files.readAllBytes(npy("full.npy", dict("'<f4'", "(2, 3)"), 24));
        assertFails(Files.write(dir.resolve("cut-in-header.npy"), Arrays.copyOf(good, 40)),
                "truncated", "header declares 118 bytes");
    }

    @Test
    void wrongMagicIsNotANpyFile() throws IOException {
        assertFails(Files.writeString(dir.resolve("text.npy"), "hello, this is no array"),
                "not a .npy file", "68 65 6c 6c 6f 2c");
        Path hdf5 = Files.write(dir.resolve("h5.npy"), new byte[] {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'});
        assertFails(hdf5, "not a .npy file", "89 48 44 46");
    }

    @Test
    void unknownFormatVersion() throws IOException {
        Path file = npy("v4.npy", dict("'<f4'", "(2, 3)"), 24);
        byte[] bytes = Files.readAllBytes(file);
        bytes[6] = 4;
        assertFails(Files.write(file, bytes), "version 4.0");
    }

    @Test
    void absurdHeaderLengthIsRejectedBeforeReadingIt() throws IOException {
        Path file = npy("huge-header.npy", 2, dict("'<f4'", "(2, 3)"), 24);
        byte[] bytes = Files.readAllBytes(file);
        bytes[8] = bytes[9] = bytes[10] = bytes[11] = (byte) 0xFF; // 2^32 - 1 bytes of header
        assertFails(Files.write(file, bytes), "header length field says 4294967295");
    }

    @Test
    void headersThatAreNotTheExpectedDict() throws IOException {
        assertFails(npy("unclosed.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3}", 24),
                "not a Python literal", "expected ',' or ')'");
        assertFails(npy("list.npy", "['descr', '<f4']", 24), "not a dict");
        assertFails(npy("code.npy", "{'descr': __import__('os'), 'fortran_order': False, 'shape': (1,)}", 4),
                "not a Python literal");
        assertFails(npy("missing.npy", "{'descr': '<f4', 'shape': (2, 3), }", 24), "missing [fortran_order]");
        assertFails(npy("extra.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (6,), 'x': 1}", 24),
                "unexpected [x]");
        assertFails(npy("repeated.npy", "{'descr': '<f4', 'descr': '<f8', 'fortran_order': False, 'shape': (6,)}", 24),
                "repeated key 'descr'");
        assertFails(npy("deep.npy", "(".repeat(5000) + ")".repeat(5000), 0), "levels of nesting");
        assertFails(npy("fortran-int.npy", "{'descr': '<f4', 'fortran_order': 0, 'shape': (6,)}", 24),
                "fortran_order is the int 0");
        assertFails(npy("shape-int.npy", dict("'<f4'", "(6)"), 24), "shape is the int 6, not a tuple");
        assertFails(npy("shape-str.npy", dict("'<f4'", "(2, 'x')"), 24), "not a non-negative integer: the string 'x'");
    }

    @Test
    void unsupportedDtypes() throws IOException {
        assertFails(npy("complex.npy", dict("'<c8'", "(2,)"), 16), "dtype '<c8' is not supported", "<f4");
        assertFails(npy("object.npy", dict("'|O'", "(2,)"), 16), "dtype '|O' is not supported");
        assertFails(npy("unicode.npy", dict("'<U5'", "(2,)"), 40), "dtype '<U5' is not supported");
        assertFails(npy("pipe-f4.npy", dict("'|f4'", "(2,)"), 8), "dtype '|f4' is not supported");
        assertFails(npy("structured.npy", dict("[('a', '<f4'), ('b', '<i4')]", "(2,)"), 16),
                "descr is the list", "structured dtypes are not supported");
    }

    @Test
    void negativeAndAbsurdShapesFailWithoutAllocating() throws IOException {
        assertFails(npy("negative.npy", dict("'<f4'", "(2, -3)"), 24), "not a non-negative integer: the int -3");
        // 2^40 elements: more than a tensor holds
        assertFails(npy("2^40.npy", dict("'<f4'", "(1048576, 1048576)"), 16), "1099511627776 elements");
        // the product overflows a long
        assertFails(npy("overflow.npy", dict("'<f8'", "(4294967296, 4294967296, 4294967296)"), 16),
                "axis 0 of size 4294967296");
        assertFails(npy("bigint.npy", dict("'<f4'", "(" + "9".repeat(40) + ",)"), 16), "larger than a tensor holds");
        assertFails(npy("toolong.npy", dict("'<f4'", "(" + "9".repeat(200) + ",)"), 16), "1 to 100 digits");
    }

    @Test
    void dataShorterThanDeclaredFailsBeforeTheArrayIsAllocated() throws IOException {
        // 2^30 float32 = 4 GiB, as much as the test JVM's whole heap (-Xmx4g): allocating first
        // would be an OutOfMemoryError, not this exception
        assertFails(npy("4GiB.npy", dict("'<f4'", "(1073741824,)"), 64),
                "data truncated", "needs 4294967296 bytes, the file holds 64");
        assertFails(npy("short.npy", dict("'<f8'", "(2, 3)"), 47), "data truncated", "needs 48 bytes");
    }

    @Test
    void trailingBytesAfterTheDataAreRejected() throws IOException {
        assertFails(npy("long.npy", dict("'<f4'", "(2, 3)"), 25), "trailing bytes", "needs 24 bytes, the file holds 25");
    }

    @Test
    void missingFileAndDirectory() {
        assertFails(dir.resolve("absent.npy"), "no such file");
        assertFails(dir, "cannot read");
    }
}
