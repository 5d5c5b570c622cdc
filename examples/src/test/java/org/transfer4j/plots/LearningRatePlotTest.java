package org.transfer4j.plots;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.transfer4j.optim.LearningRateSchedule;
import org.transfer4j.train.History;

class LearningRatePlotTest {
    @TempDir
    Path dir;

    /** A step decay written out: 0.1 for steps 0-4, then 0.01. */
    private static final LearningRateSchedule STEP = step -> step < 5 ? 0.1 : 0.01;

    @Test
    void scheduleIsSampledAtEveryStep() throws Exception {
        LearningRatePlot plot = LearningRatePlot.ofSchedule(STEP, 8);
        XYChart chart = plot.chart();
        assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5, 6, 7}, chart.getSeries(LearningRatePlot.SERIES).getXData());
        assertArrayEquals(new double[] {0.1, 0.1, 0.1, 0.1, 0.1, 0.01, 0.01, 0.01},
                chart.getSeries(LearningRatePlot.SERIES).getYData());
        Path file = plot.size(400, 300).writeTo(dir);
        Pngs.assertPng(file, 400, 300);
        Pngs.assertOnlyFiles(dir, LearningRatePlot.FILE_NAME);
    }

    @Test
    void historyRatesArePlottedPerEpochWithThePhaseBoundary() throws Exception {
        XYChart chart = LearningRatePlot.ofHistory(TrainingCurvesPlotTest.twoPhases()).chart();
        assertEquals(List.of(LearningRatePlot.SERIES, "fine-tune from epoch 4"), Pngs.seriesNames(chart));
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, chart.getSeries(LearningRatePlot.SERIES).getXData());
        assertArrayEquals(new double[] {1e-3, 1e-3, 1e-3, 1e-4, 1e-4, 1e-4},
                chart.getSeries(LearningRatePlot.SERIES).getYData());
        Pngs.assertPng(LearningRatePlot.ofHistory(TrainingCurvesPlotTest.twoPhases()).writeTo(dir), 900, 450);
    }

    @Test
    void badInputIsAClearError() {
        var steps = assertThrows(IllegalArgumentException.class, () -> LearningRatePlot.ofSchedule(STEP, 0));
        assertTrue(steps.getMessage().contains("got 0"), steps.getMessage());
        var nan = assertThrows(IllegalArgumentException.class,
                () -> LearningRatePlot.ofSchedule(step -> step == 3 ? Double.NaN : 0.1, 5));
        assertTrue(nan.getMessage().contains("NaN at step 3"), nan.getMessage());
        var empty = assertThrows(IllegalArgumentException.class, () -> LearningRatePlot.ofHistory(new History()));
        assertTrue(empty.getMessage().contains("no epochs"), empty.getMessage());
        History noLr = new History();
        noLr.record(Map.of("loss", 1.0));
        var missing = assertThrows(IllegalArgumentException.class, () -> LearningRatePlot.ofHistory(noLr));
        assertTrue(missing.getMessage().contains("'lr'"), missing.getMessage());
    }
}
