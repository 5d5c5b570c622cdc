package org.transfer4j.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;
import org.transfer4j.testdata.TestData;

/** Resizing tiny hand-made images against values worked out by hand from each mode's sampling rule. */
class ResizeTest {
    @TempDir
    Path dir;

    /** A one-channel (h,w,1) image from rows of values. */
    private static Tensor gray(float[][] rows) {
        float[] data = new float[rows.length * rows[0].length];
        for (int y = 0; y < rows.length; y++) {
            System.arraycopy(rows[y], 0, data, y * rows[0].length, rows[0].length);
        }
        return Tensor.of(data, rows.length, rows[0].length, 1);
    }

    @Test
    void nearestTakesSourcePixelFloorOfHalfPixelCentreTimesScale() {
        // one row 0..5 (w=6): to 4 wide, scale 6/4 = 1.5, source floor((i + 0.5) * 1.5) = 0, 2, 3, 5
        Tensor row = gray(new float[][] {{0, 10, 20, 30, 40, 50}});
        assertArrayEquals(new float[] {0, 20, 30, 50}, Resize.NEAREST.apply(row, 1, 4).toArray());
        // to 2 wide, scale 3: floor(1.5) = 1, floor(4.5) = 4
        assertArrayEquals(new float[] {10, 40}, Resize.NEAREST.apply(row, 1, 2).toArray());
        // 3 wide to 7 wide, scale 3/7: floor((i + 0.5) * 3 / 7) for i = 0..6:
        // 0.21, 0.64, 1.07, 1.5, 1.93, 2.36, 2.79 -> 0, 0, 1, 1, 1, 2, 2
        Tensor three = gray(new float[][] {{1, 2, 3}});
        assertArrayEquals(new float[] {1, 1, 2, 2, 2, 3, 3}, Resize.NEAREST.apply(three, 1, 7).toArray());
    }

    @Test
    void nearestPicksRowsAndColumnsIndependentlyAndKeepsChannelsTogether() {
        // 4x3 image, pixel (y, x) = (10y + x, 100 + 10y + x): two channels
        float[] data = new float[4 * 3 * 2];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 3; x++) {
                data[(y * 3 + x) * 2] = 10 * y + x;
                data[(y * 3 + x) * 2 + 1] = 100 + 10 * y + x;
            }
        }
        Tensor image = Tensor.of(data, 4, 3, 2);
        // rows 4 -> 2: floor(1), floor(3) = 1, 3; columns 3 -> 2: floor(0.75), floor(2.25) = 0, 2
        Tensor out = Resize.NEAREST.apply(image, 2, 2);
        assertArrayEquals(new int[] {2, 2, 2}, out.shape());
        assertArrayEquals(new float[] {10, 110, 12, 112, 30, 130, 32, 132}, out.toArray());
    }

    @Test
    void bilinearUpsamplesWithHalfPixelCentresAndClampsAtTheEdges() {
        // 1x2 [0, 100] to 1x4: scale 0.5, p = (i + 0.5) * 0.5 - 0.5 = -0.25, 0.25, 0.75, 1.25
        // -0.25: both taps pixel 0 -> 0; 0.25 -> 0 + 0.25 * 100; 0.75 -> 75; 1.25: both taps pixel 1 -> 100
        Tensor pair = gray(new float[][] {{0, 100}});
        assertArrayEquals(new float[] {0, 25, 75, 100}, Resize.BILINEAR.apply(pair, 1, 4).toArray());
    }

    @Test
    void bilinearInterpolatesAlongBothAxes() {
        // 2x2 [[0, 10], [20, 30]] to 3x3: scale 2/3, p = (i + 0.5) * 2/3 - 0.5 = -1/6, 1/2, 7/6
        // -> first/last row and column clamp to the edge pixels, the middle ones are halfway:
        // row 0: 0, 5, 10; row 1: (0+20)/2, (0+10+20+30)/4, (10+30)/2; row 2: 20, 25, 30
        Tensor square = gray(new float[][] {{0, 10}, {20, 30}});
        assertArrayEquals(new float[] {0, 5, 10, 10, 15, 20, 20, 25, 30},
                Resize.BILINEAR.apply(square, 3, 3).toArray(), 1e-5f);
    }

    @Test
    void bilinearShrinkingSamplesTwoPixelsWithoutAntialiasing() {
        // 1x6 [0, 10, 20, 30, 40, 90] to 1x2: scale 3, p = (i + 0.5) * 3 - 0.5 = 1, 4: exactly pixels 1
        // and 4, so 10 and 40. PIL's BILINEAR widens its triangle filter by the scale when shrinking
        // (support 3 around centres 1.5 and 4.5): weights 2/8, 3/8, 2/8, 1/8 on pixels 0..3 and
        // 1/8, 2/8, 3/8, 2/8 on pixels 2..5, i.e. 12.5 and 47.5.
        Tensor row = gray(new float[][] {{0, 10, 20, 30, 40, 90}});
        assertArrayEquals(new float[] {10, 40}, Resize.BILINEAR.apply(row, 1, 2).toArray(), 1e-5f);
        // 1x4 [0, 10, 20, 40] to 1x2: p = 0.5, 2.5 -> (0 + 10) / 2, (20 + 40) / 2
        Tensor four = gray(new float[][] {{0, 10, 20, 40}});
        assertArrayEquals(new float[] {5, 30}, Resize.BILINEAR.apply(four, 1, 2).toArray(), 1e-5f);
    }

    @Test
    void sameSizeIsTheIdentityInBothModes() {
        Tensor image = gray(new float[][] {{1, 2, 3}, {4, 5, 6}});
        for (Resize mode : Resize.values()) {
            assertArrayEquals(image.toArray(), mode.apply(image, 2, 3).toArray(), mode.name());
        }
    }

    @Test
    void badShapesAndSizesAreRefused() {
        assertThrows(ShapeMismatchException.class, () -> Resize.NEAREST.apply(Tensor.zeros(1, 2, 2, 3), 2, 2));
        var e = assertThrows(IllegalArgumentException.class, () -> Resize.BILINEAR.apply(Tensor.zeros(2, 2, 3), 0, 4));
        assertTrue(e.getMessage().contains("0x4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Images.readBatch(List.of(), 2, 2, Resize.NEAREST));
    }

    @Test
    void batchStacksEachFileResizedInListOrder() throws IOException {
        Path small = png("small.png", 2, 1, 0x0A141E, 0x28323C);   // 1 high, 2 wide
        Path tall = png("tall.png", 1, 3, 0x010203, 0x040506, 0x070809); // 3 high, 1 wide
        Tensor batch = Images.readBatch(List.of(small, tall), 2, 2, Resize.NEAREST);
        assertArrayEquals(new int[] {2, 2, 2, 3}, batch.shape());
        float[] v = batch.toArray();
        // small: rows 1 -> 2 both source row 0, columns 2 -> 2 unchanged
        assertArrayEquals(new float[] {10, 20, 30, 40, 50, 60, 10, 20, 30, 40, 50, 60}, Arrays.copyOf(v, 12));
        // tall: rows 3 -> 2 are floor(0.75), floor(2.25) = 0, 2; the single column repeated
        assertArrayEquals(new float[] {1, 2, 3, 1, 2, 3, 7, 8, 9, 7, 8, 9}, Arrays.copyOfRange(v, 12, 24));
        // the same as read + apply, image by image
        assertArrayEquals(Resize.NEAREST.apply(Images.read(tall), 2, 2).toArray(), Arrays.copyOfRange(v, 12, 24));
    }

    @Test
    void samplePhotosBatchToTheMobileNetInputSize() {
        Path elephant = TestData.require("images/elephant.jpg");
        Path cheetah = TestData.require("images/cheetah.jpg");
        for (Resize mode : Resize.values()) {
            Tensor batch = Images.readBatch(List.of(elephant, cheetah), 224, 224, mode);
            assertArrayEquals(new int[] {2, 224, 224, 3}, batch.shape());
            float[] second = Arrays.copyOfRange(batch.toArray(), 224 * 224 * 3, 2 * 224 * 224 * 3);
            assertArrayEquals(mode.apply(Images.read(cheetah), 224, 224).toArray(), second, mode.name());
        }
    }

    /** A PNG {@code width} x {@code height} with the given 0xRRGGBB pixels in row-major order. */
    private Path png(String name, int width, int height, int... rgb) throws IOException {
        var image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < rgb.length; i++) {
            image.setRGB(i % width, i / width, rgb[i]);
        }
        Path file = dir.resolve(name);
        ImageIO.write(image, "png", file.toFile());
        return file;
    }
}
