package org.transfer4j.plots;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.transfer4j.train.History;

class TrainingCurvesPlotTest {
    @TempDir
    Path dir;

    /** 3 epochs of feature extraction, then 3 of fine-tuning (so the boundary sits at epoch 3.5). */
    static History twoPhases() {
        History h = new History();
        h.beginPhase("feature-extraction");
        for (int e = 1; e <= 6; e++) {
            if (e == 4) {
                h.beginPhase("fine-tune");
            }
            h.record(Map.of("loss", 1.0 / e, "val_loss", 1.2 / e, "accuracy", 0.5 + 0.05 * e,
                    "val_accuracy", 0.45 + 0.05 * e, "lr", e < 4 ? 1e-3 : 1e-4));
        }
        return h;
    }

    @Test
    void writesTwoPanelPngOfTheAskedSize() throws Exception {
        Path file = new TrainingCurvesPlot(twoPhases()).size(800, 300).writeTo(dir);
        assertEquals(dir.resolve(TrainingCurvesPlot.FILE_NAME), file);
        Pngs.assertPng(file, 800, 300);
        Pngs.assertOnlyFiles(dir, TrainingCurvesPlot.FILE_NAME);
    }

    @Test
    void eachPanelHasTrainValidationAndTheBoundaryLine() {
        TrainingCurvesPlot plot = new TrainingCurvesPlot(twoPhases());
        assertEquals(List.of("fine-tune from epoch 4"), plot.boundaryNames());
        List<XYChart> charts = plot.charts();
        assertEquals(2, charts.size());
        for (XYChart chart : charts) {
            assertEquals(List.of(TrainingCurvesPlot.TRAIN, TrainingCurvesPlot.VALIDATION, "fine-tune from epoch 4"),
                    Pngs.seriesNames(chart));
            XYSeries line = chart.getSeries("fine-tune from epoch 4");
            // halfway between epoch 3 (last of feature extraction) and epoch 4 (first of fine-tuning)
            assertArrayEquals(new double[] {3.5, 3.5}, line.getXData());
        }
        // loss panel: the boundary spans the data, min 1/6 (train, epoch 6) to max 1.2 (val, epoch 1)
        assertArrayEquals(new double[] {1.0 / 6, 1.2}, charts.get(0).getSeries("fine-tune from epoch 4").getYData(), 1e-12);
        assertArrayEquals(new double[] {1, 0.5, 1.0 / 3, 0.25, 0.2, 1.0 / 6},
                charts.get(0).getSeries(TrainingCurvesPlot.TRAIN).getYData(), 1e-12);
    }

    @Test
    void boundaryLineIsDrawnWhereTheChartPutsEpoch3Point5() {
        XYChart withPhases = new TrainingCurvesPlot(twoPhases()).charts().get(0);
        History plain = new History();
        for (int e = 1; e <= 6; e++) {
            plain.record(Map.of("loss", 1.0 / e, "val_loss", 1.2 / e));
        }
        XYChart withoutPhases = new TrainingCurvesPlot(plain).charts().get(0);
        int withCount = boundaryPixels(withPhases);
        int withoutCount = boundaryPixels(withoutPhases);
        // the plot area is about 330 pixels high and the line is dashed 6 on, 4 off: about 200 grey pixels;
        // without it a few grey pixels remain where the curves' anti-aliased edges cross the column
        assertTrue(withCount > 120, "dashed grey line at epoch 3.5: " + withCount + " pixels");
        assertTrue(withoutCount < 20, "no phases, no line: " + withoutCount + " pixels");
    }

    private static int boundaryPixels(XYChart chart) {
        BufferedImage image = new BufferedImage(chart.getWidth(), chart.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        chart.paint(g, chart.getWidth(), chart.getHeight());
        g.dispose();
        int x = (int) Math.round(chart.getScreenXFromChart(3.5));
        int best = 0;
        for (int dx = -1; dx <= 1; dx++) {
            best = Math.max(best, Pngs.pixelsNear(image, x + dx, PhaseMarkers.COLOR, 25));
        }
        return best;
    }

    @Test
    void aSinglePhaseOrPhaseWithoutEpochsGetsNoLine() {
        History h = new History();
        h.beginPhase("feature-extraction");
        h.record(Map.of("loss", 0.5));
        h.beginPhase("fine-tune"); // begun, nothing recorded yet
        TrainingCurvesPlot plot = new TrainingCurvesPlot(h);
        assertEquals(List.of(), plot.boundaryNames());
        assertEquals(1, plot.charts().size(), "no accuracy recorded: only the loss panel");
        assertEquals(List.of(TrainingCurvesPlot.TRAIN), Pngs.seriesNames(plot.charts().get(0)));
    }

    @Test
    void epochsWithoutAValueAreLeftOutOfTheLine() throws Exception {
        History h = new History();
        h.record(Map.of("loss", 1.0));
        h.record(Map.of("loss", 0.8, "val_loss", 0.9)); // epoch 1 has NaN val_loss
        XYSeries val = new TrainingCurvesPlot(h).charts().get(0).getSeries(TrainingCurvesPlot.VALIDATION);
        assertArrayEquals(new double[] {2}, val.getXData());
        Pngs.assertPng(new TrainingCurvesPlot(h).writeTo(dir), 1200, 450);
    }

    @Test
    void aPhaseNamedLikeLatexIsDrawnAsText() throws Exception {
        // XChart would hand a label "$warmup$" to jlatexmath, which is not on the class path
        History h = new History();
        h.beginPhase("$frozen$");
        h.record(Map.of("loss", 1.0));
        h.beginPhase("$warmup$");
        h.record(Map.of("loss", 0.5));
        Pngs.assertPng(new TrainingCurvesPlot(h).writeTo(dir), 1200, 450);
    }

    @Test
    void emptyHistoryIsAClearError() {
        var e = assertThrows(IllegalArgumentException.class, () -> new TrainingCurvesPlot(new History()));
        assertTrue(e.getMessage().contains("no epochs"), e.getMessage());
    }

    @Test
    void historyWithoutLossOrAccuracyIsAClearError() {
        History h = new History();
        h.record(Map.of("lr", 1e-3, "loss", Double.NaN));
        var e = assertThrows(IllegalArgumentException.class, () -> new TrainingCurvesPlot(h));
        assertTrue(e.getMessage().contains("[lr, loss]") || e.getMessage().contains("[loss, lr]"), e.getMessage());
    }
}
