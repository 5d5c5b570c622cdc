package org.transfer4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.transfer4j.tensor.Generator;

class DatasetTest {

    @Test
    void sameSeedGivesIdenticalImagesAndLabels() {
        LabelledImages a = StripeImages.generate(3, 12, 5);
        LabelledImages b = StripeImages.generate(3, 12, 5);
        assertArrayEquals(a.pixels(), b.pixels());
        assertArrayEquals(a.labels(), b.labels());
    }

    @Test
    void differentSeedsGiveDifferentImages() {
        LabelledImages a = StripeImages.generate(3, 12, 5);
        LabelledImages b = StripeImages.generate(3, 12, 6);
        assertFalse(Arrays.equals(a.pixels(), b.pixels()));
    }

    @Test
    void everyClassHasPerClassImages() {
        LabelledImages images = StripeImages.generate(7, 8, 1);
        assertEquals(70, images.count());
        int[] expected = new int[StripeImages.CLASSES];
        Arrays.fill(expected, 7);
        assertArrayEquals(expected, images.classCounts());
    }

    @Test
    void imagesAreRgbOfTheRequestedSizeWithPixelsInUnitRange() {
        LabelledImages images = StripeImages.generate(2, 10, 3);
        assertEquals(10, images.size());
        assertEquals(20 * 10 * 10 * 3, images.pixels().length);
        for (float v : images.pixels()) {
            assertTrue(v >= 0f && v <= 1f, "pixel " + v + " outside [0, 1]");
        }
    }

    @Test
    void noImageIsFlat() {
        // Every image must carry its stripes: a flat image would be impossible to classify.
        LabelledImages images = StripeImages.generate(5, 16, 9);
        int per = 16 * 16 * 3;
        for (int i = 0; i < images.count(); i++) {
            float[] img = Arrays.copyOfRange(images.pixels(), i * per, (i + 1) * per);
            assertTrue(standardDeviation(img) > 0.1, "image " + i + " is nearly flat");
        }
    }

    @Test
    void batchScalesPixelsToPlusMinusOneAndKeepsLabels() {
        LabelledImages images = StripeImages.generate(1, 4, 2);
        int[] order = {3, 0};
        LabelledImages.Batch batch = images.batch(order, 0, 2);
        assertArrayEquals(new int[] {2, 4, 4, 3}, batch.x().shape());
        assertArrayEquals(new int[] {images.labels()[3], images.labels()[0]}, batch.labels());
        float[] x = batch.x().toArray();
        int per = 4 * 4 * 3;
        assertEquals(2f * images.pixels()[3 * per] - 1f, x[0], 0f);
        assertEquals(2f * images.pixels()[0] - 1f, x[per], 0f);
    }

    @Test
    void shuffledIsAPermutationThatDependsOnTheSeed() {
        LabelledImages images = StripeImages.generate(4, 4, 2);
        int[] a = images.shuffled(new Generator(1));
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        assertArrayEquals(images.inOrder(), sorted);
        assertArrayEquals(a, images.shuffled(new Generator(1)));
        assertFalse(Arrays.equals(a, images.shuffled(new Generator(2))));
    }

    @Test
    void generateRejectsAnEmptyClass() {
        var e = assertThrows(IllegalArgumentException.class, () -> StripeImages.generate(0, 8, 1));
        assertTrue(e.getMessage().contains("perClass 0"), e.getMessage());
    }

    @Test
    void generateRejectsMorePixelsThanOneArrayHolds() {
        // 1e8 per class x 10 classes x 24 x 24 x 3 = 1.728e12 values: an int product would overflow.
        var e = assertThrows(IllegalArgumentException.class, () -> StripeImages.generate(100_000_000, 24, 1));
        assertTrue(e.getMessage().contains("1728000000000 pixel values"), e.getMessage());
    }

    @Test
    void labelledImagesRejectALabelOutsideTheClasses() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new LabelledImages(new float[2 * 4 * 4 * 3], new int[] {0, 5}, 4, 5));
        assertTrue(e.getMessage().contains("label 5 at index 1") && e.getMessage().contains("[0, 5)"), e.getMessage());
    }

    private static double standardDeviation(float[] v) {
        double mean = 0;
        for (float x : v) {
            mean += x;
        }
        mean /= v.length;
        double ss = 0;
        for (float x : v) {
            ss += (x - mean) * (x - mean);
        }
        return Math.sqrt(ss / v.length);
    }
}
