package org.transfer4j.plots;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.transfer4j.optim.LrFindResult;

class LrFinderPlotTest {
    @TempDir
    Path dir;

    /**
     * 20 batches, rates 1e-6 * 10^(i/3) up to 1e0 and beyond; a loss that falls from 2 to 1 and blows up at the
     * end. The smoothed curve is given as the loss itself, so the steepest descent is where the loss drops most
     * per log rate: 2.0 -> 1.2 between batches 8 and 9, rate 1e-6 * 10^(8/3).
     */
    static LrFindResult curve() {
        int n = 20;
        double[] rates = new double[n];
        double[] losses = new double[n];
        for (int i = 0; i < n; i++) {
            rates[i] = 1e-6 * Math.pow(10, i / 3.0);
            losses[i] = i <= 8 ? 2.0 : i < 16 ? 1.2 - 0.01 * i : 10.0 * (i - 15);
        }
        return LrFindResult.of(rates, losses, losses, n, false);
    }

    @Test
    void logAxisAndSuggestionAreMarked() throws Exception {
        LrFindResult result = curve();
        assertEquals(1e-6 * Math.pow(10, 8 / 3.0), result.suggestion(), 1e-15);
        LrFinderPlot plot = new LrFinderPlot(result);
        XYChart chart = plot.chart();
        assertTrue(chart.getStyler().isXAxisLogarithmic());
        assertEquals("suggestion 0.00046 (steepest descent)", plot.suggestionName());
        double s = result.suggestion();
        assertArrayEquals(new double[] {s, s}, chart.getSeries(plot.suggestionName()).getXData());
        // y axis: lowest loss 1.2 - 0.15 = 1.05 to the highest outside the last 5 batches, 2.0, padded 5%
        assertEquals(1.05 - 0.0475, chart.getStyler().getYAxisMin(), 1e-12);
        assertEquals(2.0 + 0.0475, chart.getStyler().getYAxisMax(), 1e-12);

        BufferedImage image = Pngs.assertPng(plot.size(600, 400).writeTo(dir), 600, 400);
        int red = 0;
        for (int x = 0; x < image.getWidth(); x++) {
            red += Pngs.pixelsNear(image, x, new Color(200, 40, 40), 30);
        }
        assertTrue(red > 100, "the red suggestion line: " + red + " pixels");
        Pngs.assertOnlyFiles(dir, LrFinderPlot.FILE_NAME);
    }

    @Test
    void nonFiniteLossesOfADivergedTestAreLeftOut() throws Exception {
        double[] rates = {1e-5, 1e-4, 1e-3, 1e-2};
        double[] losses = {2.0, 1.5, 1.0, Double.POSITIVE_INFINITY};
        LrFinderPlot plot = new LrFinderPlot(LrFindResult.of(rates, losses, losses, 4, true));
        assertArrayEquals(new double[] {1e-5, 1e-4, 1e-3}, plot.chart().getSeries(LrFinderPlot.RAW).getXData());
        Pngs.assertPng(plot.writeTo(dir), 900, 500);
    }

    @Test
    void badCurvesAreAClearError() {
        var lengths = assertThrows(IllegalArgumentException.class,
                () -> new LrFinderPlot(new LrFindResult(new double[3], new double[2], new double[3], 1, 1, false)));
        assertTrue(lengths.getMessage().contains("3, 2 and 3"), lengths.getMessage());
        double[] zeroRate = {0, 1e-3, 1e-2};
        double[] losses = {1, 0.5, 0.2};
        var log = assertThrows(IllegalArgumentException.class,
                () -> new LrFinderPlot(new LrFindResult(zeroRate, losses, losses, 1e-3, 1e-3, false)));
        assertTrue(log.getMessage().contains("batch 0 is 0.0"), log.getMessage());
        double[] nan = {Double.NaN, Double.NaN};
        var noLoss = assertThrows(IllegalArgumentException.class,
                () -> new LrFinderPlot(new LrFindResult(new double[] {1e-3, 1e-2}, nan, nan, 1e-3, 1e-3, true)));
        assertTrue(noLoss.getMessage().contains("no smoothed loss"), noLoss.getMessage());
    }
}
