package org.transfer4j.plots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/** Assertions on the PNG files the plots write. */
final class Pngs {
    private Pngs() {
    }

    /** Reads {@code file} back with ImageIO, checks its size and that it is not blank (at least 8 colours). */
    static BufferedImage assertPng(Path file, int width, int height) throws IOException {
        BufferedImage image = ImageIO.read(file.toFile());
        assertNotNull(image, file + " is not an image ImageIO can read");
        assertEquals(width, image.getWidth(), "width");
        assertEquals(height, image.getHeight(), "height");
        assertTrue(colours(image) >= 8, file + " has only " + colours(image) + " distinct colours");
        return image;
    }

    /** The only entries of {@code dir} are {@code names}: no temporary file is left. */
    static void assertOnlyFiles(Path dir, String... names) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(Set.of(names), new HashSet<>(files.map(p -> p.getFileName().toString()).toList()));
        }
    }

    static int colours(BufferedImage image) {
        Set<Integer> seen = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                seen.add(image.getRGB(x, y) & 0xFFFFFF);
            }
        }
        return seen.size();
    }

    /** Pixels of column {@code x} within {@code tolerance} of {@code colour} on each channel. */
    static int pixelsNear(BufferedImage image, int x, Color colour, int tolerance) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            if (near(new Color(image.getRGB(x, y)), colour, tolerance)) {
                n++;
            }
        }
        return n;
    }

    static boolean near(Color a, Color b, int tolerance) {
        return Math.abs(a.getRed() - b.getRed()) <= tolerance && Math.abs(a.getGreen() - b.getGreen()) <= tolerance
                && Math.abs(a.getBlue() - b.getBlue()) <= tolerance;
    }

    static List<String> seriesNames(org.knowm.xchart.XYChart chart) {
        return chart.getSeriesCollection().stream().map(s -> s.getName()).toList();
    }
}
