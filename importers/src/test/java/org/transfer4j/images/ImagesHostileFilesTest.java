package org.transfer4j.images;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transfer4j.testdata.TestData;

/**
 * Files that are not whole images: each read is an {@link ImageDecodeException} whose message starts with
 * the file's path and says what is wrong, never {@code null} or a decoder's own exception.
 */
class ImagesHostileFilesTest {
    @TempDir
    Path dir;

    private static void assertFails(Path file, String fragment) {
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> Images.read(file));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), "'" + fragment + "' not in: " + e.getMessage());
    }

    @Test
    void textFileIsNotAnImage() throws IOException {
        Path file = Files.writeString(dir.resolve("notes.jpg"), "not a picture\n");
        assertFails(file, "not an image in a known format");
    }

    @Test
    void emptyFileIsNotAnImage() throws IOException {
        assertFails(Files.write(dir.resolve("empty.png"), new byte[0]), "not an image in a known format");
    }

    @Test
    void missingFileAndDirectoryAreNamed() {
        assertFails(dir.resolve("absent.jpg"), "no such file");
        assertFails(dir, "not a regular file");
    }

    @Test
    void truncatedJpegIsRefusedNotFilledWithGrey() throws IOException {
        // ImageIO.read (and BoofCV's UtilImageIO.loadImage) return this as a 650x406 image, grey below
        // the cut; the JPEG reader only warns.
        byte[] whole = Files.readAllBytes(TestData.require("images/elephant.jpg"));
        Path half = Files.write(dir.resolve("elephant-half.jpg"), Arrays.copyOf(whole, whole.length / 2));
        assertFails(half, "truncated JPEG data");
        Path headerOnly = Files.write(dir.resolve("elephant-300.jpg"), Arrays.copyOf(whole, 300));
        assertFails(headerOnly, "JPEG data");
    }

    @Test
    void truncatedPngIsRefused() throws IOException {
        var image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                image.setRGB(x, y, x * y * 1234567);
            }
        }
        var out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        byte[] whole = out.toByteArray();
        Path half = Files.write(dir.resolve("half.png"), Arrays.copyOf(whole, whole.length / 2));
        assertFails(half, "corrupt PNG data");
    }

    @Test
    void headerClaimingBillionsOfPixelsIsRefusedBeforeDecoding() throws IOException {
        // a PNG signature and a valid IHDR chunk for 100000 x 100000 8-bit RGB, and nothing else:
        // 10^10 pixels is past what one tensor holds, so the header alone must decide
        var ihdr = new ByteArrayOutputStream();
        var fields = new DataOutputStream(ihdr);
        fields.writeBytes("IHDR");
        fields.writeInt(100_000);
        fields.writeInt(100_000);
        fields.write(new byte[] {8, 2, 0, 0, 0}); // bit depth, colour type RGB, compression, filter, interlace
        byte[] chunk = ihdr.toByteArray();
        var crc = new CRC32();
        crc.update(chunk);
        var file = new ByteArrayOutputStream();
        var data = new DataOutputStream(file);
        data.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        data.writeInt(chunk.length - 4);
        data.write(chunk);
        data.writeInt((int) crc.getValue());
        Path png = Files.write(dir.resolve("huge.png"), file.toByteArray());
        assertFails(png, "PNG image of 100000x100000 pixels: size must be positive and at most");
    }

    @Test
    void onlyTruncationWarningsAreFatal() {
        // the JPEG reader's and libjpeg's wording for a file that ends early
        assertTrue(ImageFileReader.isTruncation("Truncated File - Missing EOI marker"));
        assertTrue(ImageFileReader.isTruncation("Premature end of JPEG file"));
        assertTrue(ImageFileReader.isTruncation("Corrupt JPEG data: premature end of data segment"));
        // pixels intact: PIL decodes such files too
        assertFalse(ImageFileReader.isTruncation("Corrupt JPEG data: 2 extraneous bytes before marker 0xd9"));
        assertFalse(ImageFileReader.isTruncation("Invalid icc profile: duplicate sequence numbers"));
    }

    @Test
    void mutatedFilesDecodeOrFailTyped() throws IOException {
        // seeded byte flips of a small JPEG and PNG, every other one also cut short: every outcome is an
        // (H,W,3) tensor or an ImageDecodeException naming the file, never another exception type
        var image = new BufferedImage(24, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 24; x++) {
                image.setRGB(x, y, (x * 10) << 16 | (y * 15) << 8 | (x * y) & 0xFF);
            }
        }
        var random = new Random(20240611L);
        for (String format : List.of("jpg", "png")) {
            var out = new ByteArrayOutputStream();
            ImageIO.write(image, format, out);
            byte[] original = out.toByteArray();
            for (int run = 0; run < 150; run++) {
                int length = run % 2 == 0 ? original.length : 1 + random.nextInt(original.length);
                byte[] mutant = Arrays.copyOf(original, length);
                for (int flips = random.nextInt(4); flips >= 0; flips--) {
                    mutant[random.nextInt(mutant.length)] = (byte) random.nextInt(256);
                }
                Path file = Files.write(dir.resolve("mutant-" + run + "." + format), mutant);
                try {
                    int[] shape = Images.read(file).shape();
                    assertTrue(shape.length == 3 && shape[2] == 3, Arrays.toString(shape));
                } catch (ImageDecodeException expected) {
                    assertTrue(expected.getMessage().startsWith(file + ": "), expected.getMessage());
                }
            }
        }
    }

    @Test
    void batchStopsAtTheFirstBadFileAndNamesIt() throws IOException {
        Path good = TestData.require("images/elephant.jpg");
        Path bad = Files.write(dir.resolve("bad.png"), "<html>".getBytes(StandardCharsets.US_ASCII));
        ImageDecodeException e = assertThrows(ImageDecodeException.class,
                () -> Images.readBatch(List.of(good, bad), 8, 8, Resize.NEAREST));
        assertTrue(e.getMessage().startsWith(bad + ": "), e.getMessage());
    }
}
