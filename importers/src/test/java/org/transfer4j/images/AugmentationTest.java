package org.transfer4j.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transfer4j.applications.Preprocessing;
import org.transfer4j.train.Batch;
import org.transfer4j.train.BatchStream;

/** Seeded augmentation: a pure function of (seed, sample index), off for evaluation. */
class AugmentationTest {
    @TempDir
    Path dir;

    private ImageFolder folder(int perClass, int width, int height) {
        int seed = 0;
        for (String c : new String[] {"a", "b"}) {
            for (int i = 0; i < perClass; i++) {
                TestImages.png(dir.resolve(c).resolve("img" + i + ".png"), width, height, seed++);
            }
        }
        return ImageFolder.of(dir);
    }

    private static float[] epoch(ImageDataset data, int batchSize, long seed) {
        List<float[]> parts = new ArrayList<>();
        try (BatchStream stream = data.batches(batchSize, true, seed)) {
            stream.forEachRemaining(b -> parts.add(b.x().toArray()));
        }
        return parts.stream().reduce(new float[0], (a, b) -> {
            float[] joined = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, joined, a.length, b.length);
            return joined;
        });
    }

    @Test
    void sameSeedGivesIdenticalBatchesWhateverTheThreadCount() {
        ImageFolder folder = folder(5, 20, 14);
        var builder = ImageDataset.builder(12).preprocessing(Preprocessing.MOBILENET).augmentation(Augmentation.defaults());
        float[] one = epoch(builder.threads(1).training(folder), 3, 11);
        float[] four = epoch(builder.threads(4).prefetch(3).training(folder), 3, 11);
        assertArrayEquals(one, four);
        // also whatever the batch size: a sample's pixels depend on (seed, index), not on its batch
        assertArrayEquals(one, epoch(builder.threads(2).training(folder), 4, 11));
    }

    @Test
    void anotherSeedAugmentsDifferently() {
        ImageFolder folder = folder(2, 20, 14);
        ImageDataset data = ImageDataset.builder(12).augmentation(Augmentation.defaults()).training(folder);
        assertTrue(data.augmented());
        for (int i = 0; i < data.size(); i++) {
            assertArrayEquals(data.sample(i, 3).toArray(), data.sample(i, 3).toArray());
            assertFalse(Arrays.equals(data.sample(i, 3).toArray(), data.sample(i, 4).toArray()), "sample " + i);
        }
    }

    @Test
    void flipIsAnExactMirror() {
        ImageFolder folder = folder(1, 9, 7);
        Augmentation flipOnly = Augmentation.builder().noCrop().rotation(0).brightness(0).contrast(0)
                .horizontalFlip(1).build();
        var builder = ImageDataset.builder(6);
        float[] plain = builder.evaluation(folder).sample(0, 1).toArray();
        float[] flipped = builder.augmentation(flipOnly).training(folder).sample(0, 1).toArray();
        int size = 6;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                for (int c = 0; c < 3; c++) {
                    // flipped (y, x) == plain (y, size - 1 - x), bit for bit
                    assertEquals(plain[(y * size + size - 1 - x) * 3 + c], flipped[(y * size + x) * 3 + c]);
                }
            }
        }
        assertFalse(Arrays.equals(plain, flipped), "the test image is not symmetric");
    }

    @Test
    void evaluationIsNeverAugmented() {
        ImageFolder folder = folder(2, 20, 14);
        var builder = ImageDataset.builder(10).augmentation(Augmentation.defaults());
        ImageDataset val = builder.evaluation(folder);
        assertFalse(val.augmented());
        assertEquals(Augmentation.NONE, val.augmentation());
        ImageDataset plain = ImageDataset.builder(10).evaluation(folder);
        for (int i = 0; i < folder.size(); i++) {
            assertArrayEquals(plain.sample(i, 0).toArray(), val.sample(i, 7).toArray());
        }
        assertTrue(Augmentation.NONE.isIdentity());
        assertFalse(Augmentation.defaults().isIdentity());
    }

    @Test
    void randomResizedCropStaysInsideTheImageAndTheScaleRange() {
        Augmentation crop = Augmentation.builder().randomResizedCrop(0.25, 0.5, 0.5, 2).build();
        int h = 60;
        int w = 80;
        for (int index = 0; index < 200; index++) {
            CropBox box = crop.cropBox(9, index, h, w);
            assertTrue(box.top() + box.height() <= h && box.left() + box.width() <= w, box.toString());
            double scale = (double) box.height() * box.width() / (h * w);
            // rounding each side to whole pixels moves the area a little beyond [0.25, 0.5]
            assertTrue(scale > 0.22 && scale < 0.53, "scale " + scale);
            double ratio = (double) box.width() / box.height();
            assertTrue(ratio > 0.45 && ratio < 2.2, "ratio " + ratio);
            assertEquals(box, crop.cropBox(9, index, h, w));
        }
    }

    @Test
    void randomResizedCropFallsBackToTheCentreCropOfTheNearestRatio() {
        // A 1x100 strip: any box of >= 35 % of the area with width/height <= 4/3 is taller than 1 pixel,
        // so all 10 tries fail. torchvision's fallback: ratio 100 > 4/3, so h = 1, w = round(1 * 4/3) = 1,
        // at top (1 - 1) / 2 = 0, left (100 - 1) / 2 = 49.
        CropBox box = Augmentation.defaults().cropBox(1, 0, 1, 100);
        assertEquals(new CropBox(0, 49, 1, 1), box);
    }

    @Test
    void brightnessScalesEveryPixelByOneFactorInRange() {
        Augmentation bright = Augmentation.builder().noCrop().horizontalFlip(0).rotation(0).contrast(0)
                .brightness(0.2).build();
        float[] image = new float[4 * 4 * 3];
        Arrays.fill(image, 100f);
        image[0] = 250f;
        float[] out = bright.finish(image.clone(), 4, 5, 3);
        float factor = out[1] / 100f;
        assertTrue(factor >= 0.8f && factor <= 1.2f, "factor " + factor);
        for (int i = 1; i < out.length; i++) {
            assertEquals(100f * factor, out[i], 1e-4);
        }
        assertEquals(Math.min(255f, 250f * factor), out[0], 1e-3); // clamped to 255
    }

    @Test
    void contrastKeepsTheGreyMeanOfAnUnclippedImage() {
        Augmentation contrast = Augmentation.builder().noCrop().horizontalFlip(0).rotation(0).brightness(0)
                .contrast(0.5).build();
        float[] image = new float[2 * 2 * 3];
        for (int i = 0; i < image.length; i++) {
            image[i] = 100 + 10 * i;
        }
        float[] out = contrast.finish(image.clone(), 2, 8, 0);
        // c * x + (1 - c) * m with m the grey mean: sum(out - m) = c * sum(x - m), so the grey mean stays m
        assertEquals(greyMean(image), greyMean(out), 1e-3);
        assertFalse(Arrays.equals(image, out));
    }

    private static double greyMean(float[] rgb) {
        double sum = 0;
        for (int i = 0; i < rgb.length; i += 3) {
            sum += 0.299 * rgb[i] + 0.587 * rgb[i + 1] + 0.114 * rgb[i + 2];
        }
        return sum / (rgb.length / 3);
    }

    @Test
    void rotationByZeroIsTheIdentityAndByNinetyDegreesTurnsTheImage() {
        float[] image = new float[3 * 3 * 3];
        for (int i = 0; i < image.length; i++) {
            image[i] = i;
        }
        assertArrayEquals(image, Augmentation.rotate(image, 3, 0), 1e-5f);
        // 90 degrees, output pixel (y=0, x=0) of a 3x3 image, centre 1.5: dx = dy = 0.5 - 1.5 = -1;
        // source x = cos(90) dx + sin(90) dy + 1.5 - 0.5 = 0, source y = -sin(90) dx + cos(90) dy + 1 = 2,
        // so it takes source row 2, column 0 (its red value is element (2 * 3 + 0) * 3)
        float[] turned = Augmentation.rotate(image, 3, Math.PI / 2);
        assertEquals(image[(2 * 3 + 0) * 3], turned[0], 1e-4);
    }

    @Test
    void settingsOutOfRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Augmentation.builder().horizontalFlip(1.5));
        assertThrows(IllegalArgumentException.class, () -> Augmentation.builder().rotation(-1));
        assertThrows(IllegalArgumentException.class, () -> Augmentation.builder().randomResizedCrop(0, 1, 0.75, 1.33));
        assertThrows(IllegalArgumentException.class, () -> Augmentation.builder().randomResizedCrop(0.5, 0.4, 0.75, 1.33));
    }

    @Test
    void augmentedBatchesKeepTheirLabels() {
        ImageFolder folder = folder(3, 16, 16);
        ImageDataset data = ImageDataset.builder(8).augmentation(Augmentation.defaults()).training(folder);
        try (BatchStream stream = data.batches(4, true, 2)) {
            while (stream.hasNext()) {
                Batch b = stream.next();
                for (int k = 0; k < b.size(); k++) {
                    assertEquals(folder.label(b.indices()[k]), b.labels()[k]);
                }
            }
        }
    }
}
