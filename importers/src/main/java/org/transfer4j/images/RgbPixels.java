package org.transfer4j.images;

import boofcv.io.image.ConvertBufferedImage;
import boofcv.io.image.ConvertRaster;
import boofcv.struct.image.InterleavedU8;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;

/**
 * A decoded image's pixels as row-major {@code (H,W,3)} RGB floats 0..255, the way PIL's
 * {@code convert("RGB")} gives them: the stored sample values (no colour management, as PIL ignores
 * embedded ICC profiles), gray copied to all three channels, alpha dropped without compositing.
 *
 * <p>BoofCV's {@link ConvertBufferedImage} converts the 8-bit layouts it knows (JPEG and PNG RGB, RGBA,
 * gray) and the packed-int and palette images. For other gray or RGB component layouts (gray with
 * alpha, 16-bit samples, RGB with an embedded ICC profile) it falls back to {@code BufferedImage.getRGB},
 * which converts to sRGB: a gray value 30 would come back as 96, because Java takes gray as linear.
 * Those layouts are read here from the raster's stored samples instead.
 */
final class RgbPixels {
    private RgbPixels() {
    }

    static float[] of(BufferedImage image) {
        if (image.getColorModel() instanceof ComponentColorModel model) {
            int space = model.getColorSpace().getType();
            if (space != ColorSpace.TYPE_GRAY && space != ColorSpace.TYPE_RGB) {
                // CMYK, YCbCr, Lab...: no stored RGB to read, so take Java's conversion to sRGB.
                return fromArgb(image);
            }
            boolean byteLayout = image.getRaster().getTransferType() == DataBuffer.TYPE_BYTE;
            if (!(byteLayout && ConvertRaster.isKnownByteFormat(image))) {
                return fromSamples(image, space == ColorSpace.TYPE_GRAY);
            }
        }
        return fromBoofCv(image);
    }

    private static float[] fromBoofCv(BufferedImage image) {
        var planes = new InterleavedU8(image.getWidth(), image.getHeight(), 3);
        // orderRgb = true: bands come out R, G, B (, A) whatever the raster's order (BGR, ABGR, ARGB).
        ConvertBufferedImage.convertFrom(image, true, planes);
        int bands = planes.getNumBands();
        if (bands != 1 && bands != 3 && bands != 4) {
            throw new IllegalStateException("BoofCV gave " + bands + " bands for image type " + image.getType());
        }
        int pixels = image.getWidth() * image.getHeight();
        float[] rgb = new float[pixels * 3];
        for (int y = 0; y < planes.height; y++) {
            int in = planes.startIndex + y * planes.stride;
            int out = y * planes.width * 3;
            for (int x = 0; x < planes.width; x++, in += bands, out += 3) {
                for (int c = 0; c < 3; c++) {
                    // one band: gray to every channel; four: R, G, B and the alpha skipped
                    rgb[out + c] = planes.data[in + (bands == 1 ? 0 : c)] & 0xFF;
                }
            }
        }
        return rgb;
    }

    private static float[] fromSamples(BufferedImage image, boolean gray) {
        Raster raster = image.getRaster();
        int width = raster.getWidth();
        int height = raster.getHeight();
        int[] bits = image.getColorModel().getComponentSize();
        float[] rgb = new float[width * height * 3];
        int[] row = new int[width];
        for (int c = 0; c < 3; c++) {
            int band = gray ? 0 : c;
            for (int y = 0; y < height; y++) {
                raster.getSamples(raster.getMinX(), raster.getMinY() + y, width, 1, band, row);
                for (int x = 0; x < width; x++) {
                    rgb[(y * width + x) * 3 + c] = to8Bit(row[x], bits[band]);
                }
            }
        }
        return rgb;
    }

    /**
     * A sample of {@code bits} bits as 0..255: wider samples keep their high byte (PIL's PNG decoder does
     * that for 16-bit RGB), narrower ones are stretched to the full range.
     */
    static int to8Bit(int sample, int bits) {
        if (bits >= 8) {
            return sample >>> (bits - 8);
        }
        return Math.round(sample * 255f / ((1 << bits) - 1));
    }

    private static float[] fromArgb(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        int[] argb = image.getRGB(0, 0, width, height, null, 0, width);
        float[] rgb = new float[width * height * 3];
        for (int i = 0; i < argb.length; i++) {
            rgb[i * 3] = (argb[i] >> 16) & 0xFF;
            rgb[i * 3 + 1] = (argb[i] >> 8) & 0xFF;
            rgb[i * 3 + 2] = argb[i] & 0xFF;
        }
        return rgb;
    }
}
