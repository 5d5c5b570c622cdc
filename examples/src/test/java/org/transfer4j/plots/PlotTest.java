package org.transfer4j.plots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.GraphicsEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every plot shares: headless rendering, the size limits and the atomic write. */
class PlotTest {
    @TempDir
    Path dir;

    private static Plot plot() {
        return new ConfusionMatrixPlot(new long[][] {{3, 1}, {0, 4}}, List.of("a", "b"));
    }

    @Test
    void rendersHeadless() {
        Plot plot = plot();
        assertEquals(700, plot.render().getWidth());
        assertTrue(GraphicsEnvironment.isHeadless(), "plots set java.awt.headless unless told otherwise");
    }

    @Test
    void writingAgainReplacesTheFileAndLeavesNoTemporaryFile() throws Exception {
        Path nested = dir.resolve("run/plots");
        Path first = plot().size(300, 200).writeTo(nested, "cm.png");
        Path second = plot().size(320, 240).writeTo(nested, "cm.png");
        assertEquals(first, second);
        Pngs.assertPng(second, 320, 240);
        Pngs.assertOnlyFiles(nested, "cm.png");
    }

    @Test
    void aFailedRenameLeavesNoTemporaryFile() throws Exception {
        // the target name is taken by a non-empty directory, which a file cannot replace
        Files.createDirectories(dir.resolve("cm.png/inside"));
        assertThrows(IOException.class, () -> plot().writeTo(dir, "cm.png"));
        Pngs.assertOnlyFiles(dir, "cm.png");
        assertTrue(Files.isDirectory(dir.resolve("cm.png/inside")));
    }

    @Test
    void badSizesAndNamesAreAClearError() {
        var size = assertThrows(IllegalArgumentException.class, () -> plot().size(99, 400));
        assertTrue(size.getMessage().contains("got 99x400"), size.getMessage());
        for (String name : List.of("plot.jpg", "../cm.png", ".cm.png", " ")) {
            var e = assertThrows(IllegalArgumentException.class, () -> plot().writeTo(dir, name), name);
            assertTrue(e.getMessage().contains("'" + name + "'"), e.getMessage());
        }
    }
}
