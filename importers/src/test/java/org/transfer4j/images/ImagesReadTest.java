package org.transfer4j.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transfer4j.tensor.Tensor;
import org.transfer4j.testdata.TestData;

/**
 * Decoding to {@code (H,W,3)} RGB 0..255: PNGs written here with javax.imageio from known samples read
 * back exactly, in R, G, B order; the shared sample photos decode at their documented sizes.
 */
class ImagesReadTest {
    @TempDir
    Path dir;

    private Path png(String name, BufferedImage image) throws IOException {
        Path file = dir.resolve(name);
        assertTrue(ImageIO.write(image, "png", file.toFile()), "no PNG writer for " + image);
        return file;
    }

    /** An image over a component colour model with the given space, alpha and sample type. */
    private static BufferedImage component(int space, boolean alpha, int dataType, int[][][] pixels) {
        var model = new ComponentColorModel(ColorSpace.getInstance(space), alpha, false,
                alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE, dataType);
        WritableRaster raster = model.createCompatibleWritableRaster(pixels[0].length, pixels.length);
        for (int y = 0; y < pixels.length; y++) {
            for (int x = 0; x < pixels[0].length; x++) {
                raster.setPixel(x, y, pixels[y][x]);
            }
        }
        return new BufferedImage(model, raster, false, null);
    }

    private static void assertShape(Tensor t, int... shape) {
        assertArrayEquals(shape, t.shape(), "shape");
    }

    @Test
    void rgbPngReadsBackExactlyInRgbOrder() throws IOException {
        // 3 wide, 2 high; every channel value distinct, so a swapped channel or axis shows
        int[][] rgb = {{0xFF0000, 0x00FF00, 0x0000FF}, {0x102030, 0x405060, 0xFAFBFC}};
        var image = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                image.setRGB(x, y, rgb[y][x]);
            }
        }
        Tensor t = Images.read(png("rgb.png", image));
        assertShape(t, 2, 3, 3);
        assertArrayEquals(new float[] {
            255, 0, 0, 0, 255, 0, 0, 0, 255,
            0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0xFA, 0xFB, 0xFC}, t.toArray());
    }

    @Test
    void grayscalePngIsCopiedToThreeChannelsAtItsStoredValues() throws IOException {
        var image = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setSamples(0, 0, 4, 1, 0, new int[] {0, 30, 128, 255});
        Tensor t = Images.read(png("gray.png", image));
        assertShape(t, 1, 4, 3);
        // stored values, as PIL's convert("RGB"); Java's getRGB would give 30 -> 96 (gray taken as linear)
        assertArrayEquals(new float[] {0, 0, 0, 30, 30, 30, 128, 128, 128, 255, 255, 255}, t.toArray());
    }

    @Test
    void grayWithAlphaPngKeepsTheGrayAndDropsTheAlpha() throws IOException {
        BufferedImage image = component(ColorSpace.CS_GRAY, true, DataBuffer.TYPE_BYTE,
                new int[][][] {{{30, 128}, {200, 0}}});
        Tensor t = Images.read(png("gray-alpha.png", image));
        assertShape(t, 1, 2, 3);
        assertArrayEquals(new float[] {30, 30, 30, 200, 200, 200}, t.toArray());
    }

    @Test
    void rgbaPngDropsAlphaWithoutCompositing() throws IOException {
        var image = new BufferedImage(3, 1, BufferedImage.TYPE_INT_ARGB);
        image.setRGB(0, 0, 0xFF0A141E);   // opaque
        image.setRGB(1, 0, 0x80C86432);   // half transparent
        image.setRGB(2, 0, 0x00336699);   // fully transparent: its colour is kept, not blended to black
        Tensor t = Images.read(png("rgba.png", image));
        assertShape(t, 1, 3, 3);
        assertArrayEquals(new float[] {10, 20, 30, 200, 100, 50, 0x33, 0x66, 0x99}, t.toArray());
    }

    @Test
    void palettePngIsLookedUp() throws IOException {
        byte[] r = {(byte) 250, 5};
        byte[] g = {7, (byte) 128};
        byte[] b = {9, (byte) 255};
        var image = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 2, r, g, b));
        image.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {1, 0, 1});
        Tensor t = Images.read(png("palette.png", image));
        assertArrayEquals(new float[] {5, 128, 255, 250, 7, 9, 5, 128, 255}, t.toArray());
    }

    @Test
    void sixteenBitPngKeepsTheHighByteOfEachSample() throws IOException {
        BufferedImage rgb = component(ColorSpace.CS_sRGB, false, DataBuffer.TYPE_USHORT,
                new int[][][] {{{0x1234, 0xABCD, 0xFF00}, {0xFFFF, 0x0000, 0x00FF}}});
        assertArrayEquals(new float[] {0x12, 0xAB, 0xFF, 0xFF, 0x00, 0x00},
                Images.read(png("rgb16.png", rgb)).toArray());
        BufferedImage gray = component(ColorSpace.CS_GRAY, false, DataBuffer.TYPE_USHORT,
                new int[][][] {{{30000}, {0x0100}}});
        // 30000 = 0x7530 -> 0x75 = 117
        assertArrayEquals(new float[] {117, 117, 117, 1, 1, 1}, Images.read(png("gray16.png", gray)).toArray());
    }

    @Test
    void samplesOfOtherWidthsComeToEightBits() {
        assertEquals(0xAB, RgbPixels.to8Bit(0xABCD, 16));
        assertEquals(200, RgbPixels.to8Bit(200, 8));
        // 2-bit 0..3 stretched to 0..255: 1 -> 85, 3 -> 255
        assertEquals(85, RgbPixels.to8Bit(1, 2));
        assertEquals(255, RgbPixels.to8Bit(3, 2));
    }

    @Test
    void samplePhotosDecodeAtTheirDocumentedSizes() throws IOException {
        // ../shared/data/images/README.md: elephant.jpg 650x406, cheetah.jpg 1400x840 (width x height)
        Path elephant = TestData.require("images/elephant.jpg");
        Path cheetah = TestData.require("images/cheetah.jpg");
        Tensor e = Images.read(elephant);
        Tensor c = Images.read(cheetah);
        assertShape(e, 406, 650, 3);
        assertShape(c, 840, 1400, 3);
        // Both are 8-bit sRGB JPEGs (TYPE_3BYTE_BGR), for which Java's own getRGB returns the stored
        // values: an independent path to the same pixels, which checks the R, G, B order on real data.
        assertArrayEquals(viaGetRgb(ImageIO.read(elephant.toFile())), e.toArray());
        assertArrayEquals(viaGetRgb(ImageIO.read(cheetah.toFile())), c.toArray());
    }

    private static float[] viaGetRgb(BufferedImage image) {
        assertTrue(image.getType() == BufferedImage.TYPE_3BYTE_BGR, "expected an 8-bit RGB JPEG");
        int w = image.getWidth();
        int h = image.getHeight();
        float[] out = new float[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = image.getRGB(x, y);
                int i = (y * w + x) * 3;
                out[i] = (argb >> 16) & 0xFF;
                out[i + 1] = (argb >> 8) & 0xFF;
                out[i + 2] = argb & 0xFF;
            }
        }
        return out;
    }
}
