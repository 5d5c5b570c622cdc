package org.transfer4j.images;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small image files written with javax.imageio for the folder and dataset tests. */
final class TestImages {
    private TestImages() {
    }

    /** Pixel {@code (x, y)} of image {@code seed}: distinct per image and per position, not symmetric. */
    static int rgb(int seed, int x, int y) {
        int r = (seed * 37 + x * 11) & 0xFF;
        int g = (seed * 91 + y * 23) & 0xFF;
        int b = (seed * 53 + x * 7 + y * 5) & 0xFF;
        return (r << 16) | (g << 8) | b;
    }

    /** A {@code width x height} RGB PNG of pattern {@code seed} at {@code file} (parent folders made). */
    static Path png(Path file, int width, int height, int seed) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, rgb(seed, x, y));
            }
        }
        return write(file, image, "png");
    }

    static Path write(Path file, BufferedImage image, String format) {
        try {
            Files.createDirectories(file.getParent());
            assertTrue(javax.imageio.ImageIO.write(image, format, file.toFile()), "no " + format + " writer");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code root/<class>/img<i>.png}, {@code counts[c]} images of 8x6 for class {@code classes[c]}. */
    static Path folder(Path root, String[] classes, int[] counts) {
        int seed = 0;
        for (int c = 0; c < classes.length; c++) {
            for (int i = 0; i < counts[c]; i++) {
                png(root.resolve(classes[c]).resolve("img" + i + ".png"), 8, 6, seed++);
            }
        }
        return root;
    }
}
