package org.transfer4j.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transfer4j.train.Batch;
import org.transfer4j.train.BatchStream;

/** Files that do not decode are left out of their batch and counted; the epoch goes on. */
class SkippedFilesTest {
    @TempDir
    Path dir;

    /** A 64x64 noisy JPEG cut in half: Java's decoder only warns, the reader refuses it as truncated. */
    private static byte[] truncatedJpeg(Path scratch) throws IOException {
        BufferedImage noise = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(1);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                noise.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        byte[] whole = Files.readAllBytes(TestImages.write(scratch, noise, "jpeg"));
        Files.delete(scratch);
        return Arrays.copyOf(whole, whole.length / 2);
    }

    /**
     * Class a: img0.png, img1.png, text.jpg (not an image); class b: cut.jpg (truncated JPEG), half.png
     * (truncated PNG), img0.png. Sample order: a/img0, a/img1, a/text, b/cut, b/half, b/img0.
     */
    private ImageFolder folderWithBadFiles() throws IOException {
        TestImages.png(dir.resolve("a/img0.png"), 6, 6, 1);
        TestImages.png(dir.resolve("a/img1.png"), 6, 6, 2);
        Files.writeString(dir.resolve("a/text.jpg"), "this is not a picture\n");
        TestImages.png(dir.resolve("b/img0.png"), 6, 6, 3);
        Files.write(dir.resolve("b/cut.jpg"), truncatedJpeg(dir.resolve("scratch.jpg")));
        // a PNG whose header is whole but whose pixel data stops half way
        byte[] png = Files.readAllBytes(TestImages.png(dir.resolve("scratch.png"), 32, 32, 4));
        Files.delete(dir.resolve("scratch.png"));
        Files.write(dir.resolve("b/half.png"), Arrays.copyOf(png, png.length / 2));
        return ImageFolder.of(dir);
    }

    @Test
    void badFilesAreSkippedCountedAndTheBatchIsSmaller() throws IOException {
        ImageFolder folder = folderWithBadFiles();
        assertEquals(6, folder.size(), "bad files are only found out when decoded");
        ImageDataset data = ImageDataset.builder(4).threads(2).evaluation(folder);
        List<Batch> batches = new ArrayList<>();
        try (BatchStream stream = data.batches(3, false, 0)) {
            stream.forEachRemaining(batches::add);
            assertEquals(3, stream.skipped());
            assertEquals(2, stream.batchCount());
        }
        assertEquals(2, batches.size());
        assertArrayEquals(new int[] {0, 1}, batches.get(0).indices());
        assertArrayEquals(new int[] {0, 0}, batches.get(0).labels());
        assertArrayEquals(new int[] {2, 4, 4, 3}, batches.get(0).x().shape());
        assertArrayEquals(new int[] {5}, batches.get(1).indices());
        assertArrayEquals(new int[] {1}, batches.get(1).labels());
        // the kept sample's pixels are its own, not a neighbour's slot
        assertArrayEquals(data.sample(5, 0).toArray(), batches.get(1).x().toArray());
    }

    @Test
    void aBatchOfOnlyBadFilesIsDroppedFromTheCount() throws IOException {
        ImageFolder folder = folderWithBadFiles();
        ImageDataset data = ImageDataset.builder(4).threads(3).evaluation(folder);
        try (BatchStream stream = data.batches(1, false, 0)) {
            assertEquals(6, stream.batchCount());
            int handed = 0;
            while (stream.hasNext()) {
                stream.next();
                handed++;
            }
            assertEquals(3, handed);
            assertEquals(3, stream.skipped());
            assertEquals(3, stream.batchCount());
        }
    }

    @Test
    void readingOneBadSampleDirectlyNamesTheFile() throws IOException {
        ImageDataset data = ImageDataset.builder(4).evaluation(folderWithBadFiles());
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> data.sample(3, 0));
        assertEquals(true, e.getMessage().startsWith(dir.resolve("b/cut.jpg") + ": truncated"), e.getMessage());
    }
}
