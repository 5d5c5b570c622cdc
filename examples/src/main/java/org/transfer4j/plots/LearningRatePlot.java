package org.transfer4j.plots;

import java.awt.Graphics2D;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.transfer4j.optim.LearningRateSchedule;
import org.transfer4j.train.History;

/**
 * The learning rate over a run: either a {@link LearningRateSchedule} sampled at steps {@code 0 .. steps-1}
 * before training ({@link #ofSchedule}), or the {@code "lr"} series a {@link History} recorded per epoch, with
 * its phase boundaries marked as in {@link TrainingCurvesPlot} ({@link #ofHistory}).
 */
public final class LearningRatePlot extends Plot {
    /** The file {@link #writeTo(java.nio.file.Path)} writes. */
    public static final String FILE_NAME = "learning-rate.png";
    /** The legend name of the rate curve. */
    public static final String SERIES = "learning rate";

    private final double[] x;
    private final double[] rates;
    private final String xTitle;
    private final History history; // null for a schedule: no phases to mark

    private LearningRatePlot(double[] x, double[] rates, String xTitle, History history) {
        super(900, 450);
        this.x = x;
        this.rates = rates;
        this.xTitle = xTitle;
        this.history = history;
    }

    /** The rate of each step {@code 0 .. steps-1} of {@code schedule}; every rate must be finite and >= 0. */
    public static LearningRatePlot ofSchedule(LearningRateSchedule schedule, int steps) {
        Objects.requireNonNull(schedule, "schedule");
        if (steps < 1) {
            throw new IllegalArgumentException("LearningRatePlot: the number of steps must be at least 1, got " + steps);
        }
        double[] x = new double[steps];
        double[] rates = new double[steps];
        for (int i = 0; i < steps; i++) {
            x[i] = i;
            rates[i] = schedule.rate(i);
            if (!(rates[i] >= 0) || Double.isInfinite(rates[i])) {
                throw new IllegalArgumentException("LearningRatePlot: the schedule gives the rate " + rates[i]
                        + " at step " + i + "; a rate must be finite and >= 0");
            }
        }
        return new LearningRatePlot(x, rates, "step", null);
    }

    /** The {@code "lr"} value of each epoch of {@code history} (epochs without one are left out). */
    public static LearningRatePlot ofHistory(History history) {
        Objects.requireNonNull(history, "history");
        if (history.epochs() == 0) {
            throw new IllegalArgumentException("LearningRatePlot: the history has no epochs; record at least one");
        }
        List<Double> lr = history.get("lr");
        int n = 0;
        for (double v : lr) {
            n += Double.isFinite(v) ? 1 : 0;
        }
        if (n == 0) {
            throw new IllegalArgumentException("LearningRatePlot: the history has no finite 'lr' value; it records "
                    + history.names());
        }
        double[] x = new double[n];
        double[] rates = new double[n];
        int k = 0;
        for (int e = 0; e < lr.size(); e++) {
            if (Double.isFinite(lr.get(e))) {
                x[k] = e + 1;
                rates[k++] = lr.get(e);
            }
        }
        return new LearningRatePlot(x, rates, "epoch", history);
    }

    @Override
    public String fileName() {
        return FILE_NAME;
    }

    /** The chart at the current size: the rate curve, and for a history one line per phase boundary. */
    public XYChart chart() {
        String title = history == null ? "Learning rate schedule" : PhaseMarkers.title("Learning rate", history);
        XYChart chart = lineChart(width(), height(), title, xTitle, "learning rate");
        chart.getStyler().setXAxisDecimalPattern("0");
        // The y range is set explicitly from 0: left to itself, XChart 4.0.3 puts a tick at every distinct value
        // of a series whose values are all small (rates of 1e-3 and below) instead of at round values.
        double max = 0;
        for (double r : rates) {
            max = Math.max(max, r);
        }
        double top = max > 0 ? max * 1.05 : 1;
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(top);
        chart.setCustomYAxisTickLabelsFormatter(v -> String.format(Locale.ROOT, "%.2g", v));
        XYSeries series = chart.addSeries(SERIES, x, rates);
        if (history == null) { // a point per step is a solid line; a point per epoch is worth seeing
            series.setMarker(SeriesMarkers.NONE);
        } else {
            PhaseMarkers.add(chart, history, 0, top);
        }
        return chart;
    }

    @Override
    void paint(Graphics2D g, int width, int height) {
        chart().paint(g, width, height);
    }
}
