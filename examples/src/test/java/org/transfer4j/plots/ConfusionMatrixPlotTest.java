package org.transfer4j.plots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transfer4j.metrics.ConfusionMatrix;
import org.transfer4j.tensor.Tensor;

class ConfusionMatrixPlotTest {
    @TempDir
    Path dir;

    @Test
    void cellsAreColouredByTheirShareOfTheRow() throws Exception {
        // 4 samples: true [0, 0, 0, 1], predicted (argmax) [0, 0, 1, 1]
        ConfusionMatrix cm = new ConfusionMatrix(List.of("cat", "dog"));
        cm.update(Tensor.of(new float[] {0.9f, 0.1f, 0.8f, 0.2f, 0.3f, 0.7f, 0.4f, 0.6f}, 4, 2), new int[] {0, 0, 0, 1});
        ConfusionMatrixPlot plot = new ConfusionMatrixPlot(cm);
        Path file = plot.size(400, 400).writeTo(dir);
        BufferedImage image = Pngs.assertPng(file, 400, 400);
        Pngs.assertOnlyFiles(dir, ConfusionMatrixPlot.FILE_NAME);

        ConfusionMatrixPlot.Layout layout = layoutOf(plot);
        // row "cat": 2 of 3 predicted cat, 1 of 3 dog; row "dog": 0 of 1 cat, 1 of 1 dog
        assertCell(image, layout.cell(0, 0), 2.0 / 3);
        assertCell(image, layout.cell(0, 1), 1.0 / 3);
        assertCell(image, layout.cell(1, 0), 0.0);
        assertCell(image, layout.cell(1, 1), 1.0);
    }

    /** The cell's corner, away from its centred count, has the colour of its share. */
    private static void assertCell(BufferedImage image, Rectangle cell, double share) {
        Color expected = ConfusionMatrixPlot.color(share);
        Color actual = new Color(image.getRGB(cell.x + 4, cell.y + 4));
        assertTrue(Pngs.near(expected, actual, 1), "share " + share + ": expected " + expected + ", got " + actual);
    }

    private static ConfusionMatrixPlot.Layout layoutOf(ConfusionMatrixPlot plot) {
        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scratch.createGraphics();
        try {
            return plot.layout(g);
        } finally {
            g.dispose();
        }
    }

    @Test
    void colourRunsFromWhiteToDarkBlue() {
        assertEquals(Color.WHITE, ConfusionMatrixPlot.color(0));
        assertEquals(ConfusionMatrixPlot.HIGH, ConfusionMatrixPlot.color(1));
        // halfway: (255 + 8) / 2 = 131.5 -> 132, (255 + 48) / 2 = 151.5 -> 152, (255 + 107) / 2 = 181
        assertEquals(new Color(132, 152, 181), ConfusionMatrixPlot.color(0.5));
    }

    @Test
    void longClassNamesAreTurnedAndStillFit() throws Exception {
        List<String> names = List.of("a rather long class name", "another long class name", "$x$");
        long[][] counts = {{5, 1, 0}, {2, 7, 1}, {0, 0, 9}};
        ConfusionMatrixPlot plot = new ConfusionMatrixPlot(counts, names);
        plot.size(500, 450);
        ConfusionMatrixPlot.Layout layout = layoutOf(plot);
        assertTrue(layout.rotateColumns());
        Rectangle last = layout.cell(2, 2);
        assertTrue(last.x + last.width <= 500 && last.y + last.height <= 450, "grid inside the image: " + last);
        Pngs.assertPng(plot.writeTo(dir), 500, 450);
    }

    @Test
    void badMatricesAreAClearError() {
        var names = assertThrows(IllegalArgumentException.class,
                () -> new ConfusionMatrixPlot(new long[][] {{1, 0}, {0, 1}}, List.of("a", "b", "c")));
        assertTrue(names.getMessage().contains("3 class names for a 2x2 matrix"), names.getMessage());
        var ragged = assertThrows(IllegalArgumentException.class,
                () -> new ConfusionMatrixPlot(new long[][] {{1, 0}, {0}}, List.of("a", "b")));
        assertTrue(ragged.getMessage().contains("row 1 has 1 columns"), ragged.getMessage());
        var negative = assertThrows(IllegalArgumentException.class,
                () -> new ConfusionMatrixPlot(new long[][] {{1, -2}, {0, 1}}, List.of("a", "b")));
        assertTrue(negative.getMessage().contains("count[0][1] is -2"), negative.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ConfusionMatrixPlot(new long[0][0], List.of()));
    }
}
