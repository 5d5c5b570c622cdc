package org.transfer4j.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transfer4j.applications.Preprocessing;
import org.transfer4j.tensor.Tensor;
import org.transfer4j.testdata.TestData;
import org.transfer4j.train.Batch;
import org.transfer4j.train.BatchStream;
import org.transfer4j.train.EpochOrder;

/** Batches of an image folder: shapes, labels, order, framing, preprocessing, threads. */
class ImageDatasetTest {
    @TempDir
    Path dir;

    private static List<Batch> all(BatchStream stream) {
        List<Batch> batches = new ArrayList<>();
        try (stream) {
            stream.forEachRemaining(batches::add);
        }
        return batches;
    }

    @Test
    void batchesHaveShapeLabelsAndIndicesOfTheirSamples() {
        ImageFolder folder = ImageFolder.of(TestImages.folder(dir, new String[] {"a", "b"}, new int[] {4, 3}));
        ImageDataset data = ImageDataset.builder(5).threads(2).evaluation(folder);
        assertEquals(7, data.size());
        assertArrayEquals(new int[] {4, 3}, data.classCounts());
        try (BatchStream stream = data.batches(3, false, 1)) {
            assertEquals(3, stream.batchCount()); // ceil(7 / 3)
            List<Batch> batches = new ArrayList<>();
            stream.forEachRemaining(batches::add);
            assertEquals(List.of(3, 3, 1), batches.stream().map(Batch::size).toList());
            assertArrayEquals(new int[] {3, 5, 5, 3}, batches.get(0).x().shape());
            assertArrayEquals(new int[] {1, 5, 5, 3}, batches.get(2).x().shape());
            assertArrayEquals(new int[] {0, 1, 2}, batches.get(0).indices());
            assertArrayEquals(new int[] {0, 0, 0}, batches.get(0).labels());
            assertArrayEquals(new int[] {0, 1, 1}, batches.get(1).labels());
            assertEquals(0, stream.skipped());
        }
    }

    @Test
    void shuffledOrderIsTheEpochOrderPermutation() {
        ImageFolder folder = ImageFolder.of(TestImages.folder(dir, new String[] {"a", "b", "c"}, new int[] {4, 3, 4}));
        ImageDataset data = ImageDataset.builder(2).threads(3).evaluation(folder);
        for (long seed : new long[] {0, 42}) {
            int[] seen = all(data.batches(4, true, seed)).stream().flatMapToInt(b -> java.util.Arrays.stream(b.indices()))
                    .toArray();
            assertArrayEquals(EpochOrder.permutation(11, seed), seen);
        }
        int[] unshuffled = all(data.batches(4, false, 42)).stream()
                .flatMapToInt(b -> java.util.Arrays.stream(b.indices())).toArray();
        assertArrayEquals(EpochOrder.identity(11), unshuffled);
        for (Batch b : all(data.batches(4, true, 3))) {
            for (int k = 0; k < b.size(); k++) {
                assertEquals(folder.label(b.indices()[k]), b.labels()[k]);
            }
        }
    }

    @Test
    void stretchTakesTheWholeImageAndCentreCropTheMiddle() {
        // 6 wide, 2 high: columns 0 and 5 red, 1..4 blue. The centre crop is the 2x2 square of columns 2..3.
        BufferedImage image = new BufferedImage(6, 2, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 6; x++) {
                image.setRGB(x, y, x == 0 || x == 5 ? 0xFF0000 : 0x0000FF);
            }
        }
        TestImages.write(dir.resolve("c/wide.png"), image, "png");
        ImageFolder folder = ImageFolder.of(dir);
        float[] crop = ImageDataset.builder(2).resizeMode(ResizeMode.SHORTER_SIDE_CENTER_CROP).evaluation(folder)
                .sample(0, 0).toArray();
        for (int p = 0; p < 4; p++) {
            assertArrayEquals(new float[] {0, 0, 255}, java.util.Arrays.copyOfRange(crop, p * 3, p * 3 + 3));
        }
        // stretch to 3x3, TF bilinear: output column 0 samples source x = (0 + 0.5) * 6/3 - 0.5 = 0.5,
        // halfway between red column 0 and blue column 1: (127.5, 0, 127.5)
        float[] stretch = ImageDataset.builder(3).evaluation(folder).sample(0, 0).toArray();
        assertArrayEquals(new float[] {127.5f, 0, 127.5f}, java.util.Arrays.copyOfRange(stretch, 0, 3));
    }

    @Test
    void greyImageBecomesThreeEqualChannelsAndPreprocessingScales() {
        BufferedImage grey = new BufferedImage(3, 3, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(0, 0, 0, 30);
        TestImages.write(dir.resolve("g/grey.png"), grey, "png");
        BufferedImage white = new BufferedImage(3, 3, BufferedImage.TYPE_INT_ARGB);
        for (int p = 0; p < 9; p++) {
            white.setRGB(p % 3, p / 3, 0x80FFFFFF); // half-transparent white: alpha dropped, not composited
        }
        TestImages.write(dir.resolve("w/white.png"), white, "png");
        ImageFolder folder = ImageFolder.of(dir);
        float[] raw = ImageDataset.builder(3).evaluation(folder).sample(0, 0).toArray();
        assertArrayEquals(new float[] {30, 30, 30, 0, 0, 0}, java.util.Arrays.copyOf(raw, 6));
        // MobileNet: x / 127.5 - 1, so 30 -> -0.76470588, 0 -> -1, 255 -> 1
        ImageDataset scaled = ImageDataset.builder(3).preprocessing(Preprocessing.MOBILENET).evaluation(folder);
        float[] g = scaled.sample(0, 0).toArray();
        assertEquals(30 / 127.5f - 1, g[0], 1e-6);
        assertEquals(-1f, g[3], 1e-6);
        float[] w = scaled.sample(1, 0).toArray();
        for (float v : w) {
            assertEquals(1f, v, 1e-6);
        }
        Tensor batch = all(scaled.batches(2, false, 0)).getFirst().x();
        assertArrayEquals(g, java.util.Arrays.copyOf(batch.toArray(), g.length));
    }

    @Test
    void batchSizeMustBePositive() {
        ImageFolder folder = ImageFolder.of(TestImages.folder(dir, new String[] {"a"}, new int[] {1}));
        ImageDataset data = ImageDataset.builder(2).evaluation(folder);
        assertThrows(IllegalArgumentException.class, () -> data.batches(0, false, 0));
        assertThrows(IllegalArgumentException.class, () -> ImageDataset.builder(0));
        assertThrows(IllegalArgumentException.class, () -> ImageDataset.builder(2).threads(0));
    }

    @Test
    void closeStopsTheLoaderThreads() throws InterruptedException {
        ImageFolder folder = ImageFolder.of(TestImages.folder(dir, new String[] {"a", "b"}, new int[] {6, 6}));
        ImageDataset data = ImageDataset.builder(4).threads(3).prefetch(1).evaluation(folder);
        ImageBatchStream stream = (ImageBatchStream) data.batches(2, true, 5);
        String prefix = stream.threadPrefix();
        assertTrue(stream.hasNext());
        stream.next();
        assertTrue(liveThreads(prefix) > 0, "loader threads run while the epoch is open");
        stream.close();
        stream.close(); // idempotent
        assertEquals(0, liveThreads(prefix), "loader threads after close");
        assertFalse(stream.hasNext());

        // a stream read to its end stops its threads by itself
        ImageBatchStream finished = (ImageBatchStream) data.batches(5, false, 0);
        finished.forEachRemaining(b -> { });
        assertEquals(0, liveThreads(finished.threadPrefix()), "loader threads after the last batch");
    }

    private static long liveThreads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(prefix) && t.isAlive()).count();
    }

    @Test
    void realPhotosLoadAugmentedAndPreprocessedAt224() throws IOException {
        Path flowers = TestData.require("flowers128/train");
        for (String c : new String[] {"daisy", "rose"}) {
            try (var files = Files.list(flowers.resolve(c))) {
                for (Path f : files.sorted().limit(2).toList()) {
                    Files.createDirectories(dir.resolve(c));
                    Files.copy(f, dir.resolve(c).resolve(f.getFileName()));
                }
            }
        }
        ImageDataset data = ImageDataset.builder(224).preprocessing(Preprocessing.MOBILENET)
                .augmentation(Augmentation.defaults()).threads(2).training(ImageFolder.of(dir));
        List<Batch> batches = all(data.batches(3, true, 1));
        assertEquals(List.of(3, 1), batches.stream().map(Batch::size).toList());
        assertArrayEquals(new int[] {3, 224, 224, 3}, batches.get(0).x().shape());
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float v : batches.get(0).x().toArray()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        // x / 127.5 - 1 of pixels in [0, 255]; a photo spans most of the range
        assertTrue(min >= -1f && max <= 1f && max - min > 1f, min + ".." + max);
    }
}
