package org.transfer4j.plots;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.transfer4j.optim.LrFindResult;

/**
 * The curve of an LR range test ({@link LrFindResult}) as fastai's {@code plot_lr_find}: loss against the
 * learning rate on a logarithmic x axis, the raw loss of each batch in a light colour under the smoothed loss,
 * and the suggested rate ({@link LrFindResult#suggestion()}, the steepest descent) marked by a vertical line
 * and a point on the smoothed curve, named with its value in the legend.
 *
 * <p>The y axis stops at the highest smoothed loss outside the last 5 batches (where the test diverges, and
 * which fastai's plot leaves out too), so the blow-up at the end does not flatten the part that matters; the
 * points above are clipped. Non-finite losses are left out.
 */
public final class LrFinderPlot extends Plot {
    /** The file {@link #writeTo(java.nio.file.Path)} writes. */
    public static final String FILE_NAME = "lr-find.png";
    public static final String RAW = "loss";
    public static final String SMOOTHED = "smoothed loss";

    /** Batches at the end left out of the y range, as fastai's {@code skip_end=5}. */
    private static final int SKIP_END = 5;

    private final LrFindResult result;

    /** The plot of {@code result}; every rate must be finite and > 0 (the axis is logarithmic). */
    public LrFinderPlot(LrFindResult result) {
        super(900, 500);
        this.result = Objects.requireNonNull(result, "result");
        double[] rates = result.rates();
        if (rates.length < 2) {
            throw new IllegalArgumentException("LrFinderPlot: an LR range test needs at least 2 batches, got "
                    + rates.length);
        }
        for (int i = 0; i < rates.length; i++) {
            if (!(rates[i] > 0) || Double.isInfinite(rates[i])) {
                throw new IllegalArgumentException("LrFinderPlot: the rate of batch " + i + " is " + rates[i]
                        + "; the log axis needs finite rates > 0");
            }
        }
        if (!(result.suggestion() > 0) || Double.isInfinite(result.suggestion())) {
            throw new IllegalArgumentException("LrFinderPlot: the suggested rate " + result.suggestion()
                    + " cannot be marked on a log axis");
        }
        if (finite(result.smoothedLosses()).length == 0) {
            throw new IllegalArgumentException("LrFinderPlot: no smoothed loss of the " + rates.length
                    + " batches is finite");
        }
    }

    @Override
    public String fileName() {
        return FILE_NAME;
    }

    /** The legend name of the suggestion marker, e.g. {@code "suggestion 0.0012 (steepest descent)"}. */
    public String suggestionName() {
        return String.format(Locale.ROOT, "suggestion %.2g (steepest descent)", result.suggestion());
    }

    /** The chart at the current size. */
    public XYChart chart() {
        double[] rates = result.rates();
        double[] losses = result.losses();
        double[] smoothed = result.smoothedLosses();
        XYChart chart = lineChart(width(), height(), "LR range test" + (result.stoppedEarly() ? " (stopped: loss diverged)" : ""),
                "learning rate (log scale)", "loss");
        chart.getStyler().setXAxisLogarithmic(true).setXAxisDecimalPattern("0.#E0").setYAxisDecimalPattern("0.###");

        boolean[] keepRaw = new boolean[rates.length];
        boolean[] keepSmooth = new boolean[rates.length];
        for (int i = 0; i < rates.length; i++) {
            keepRaw[i] = Double.isFinite(losses[i]);
            keepSmooth[i] = Double.isFinite(smoothed[i]);
        }
        if (count(keepRaw) > 0) {
            XYSeries raw = chart.addSeries(RAW, pick(rates, keepRaw), pick(losses, keepRaw));
            raw.setMarker(SeriesMarkers.NONE);
            raw.setLineColor(new Color(170, 190, 230));
        }
        XYSeries smooth = chart.addSeries(SMOOTHED, pick(rates, keepSmooth), pick(smoothed, keepSmooth));
        smooth.setMarker(SeriesMarkers.NONE);
        smooth.setLineColor(new Color(30, 70, 160));
        smooth.setLineWidth(2.5f);

        double[] range = yRange(smoothed);
        chart.getStyler().setYAxisMin(range[0]).setYAxisMax(range[1]);

        double s = result.suggestion();
        XYSeries mark = chart.addSeries(suggestionName(), new double[] {s, s}, new double[] {range[0], range[1]});
        mark.setMarker(SeriesMarkers.NONE);
        mark.setLineColor(new Color(200, 40, 40));
        mark.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {6f, 4f}, 0f));
        int at = indexOf(rates, s);
        if (at >= 0 && Double.isFinite(smoothed[at])) {
            XYSeries point = chart.addSeries("suggested point", new double[] {s}, new double[] {smoothed[at]});
            point.setMarker(SeriesMarkers.CIRCLE);
            point.setMarkerColor(new Color(200, 40, 40));
            point.setShowInLegend(false);
        }
        return chart;
    }

    @Override
    void paint(Graphics2D g, int width, int height) {
        chart().paint(g, width, height);
    }

    /** From the lowest finite smoothed loss to the highest outside the last {@value #SKIP_END}, padded 5%. */
    private static double[] yRange(double[] smoothed) {
        int to = smoothed.length - SKIP_END >= 2 ? smoothed.length - SKIP_END : smoothed.length;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < smoothed.length; i++) {
            if (Double.isFinite(smoothed[i])) {
                lo = Math.min(lo, smoothed[i]);
                if (i < to) {
                    hi = Math.max(hi, smoothed[i]);
                }
            }
        }
        if (!(hi > lo)) { // a flat curve, or only the skipped tail is finite
            hi = lo + Math.max(Math.abs(lo) * 0.1, 0.1);
        }
        double pad = (hi - lo) * 0.05;
        return new double[] {lo - pad, hi + pad};
    }

    private static int indexOf(double[] values, double v) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == v) {
                return i;
            }
        }
        return -1;
    }

    private static double[] finite(double[] values) {
        return Arrays.stream(values).filter(Double::isFinite).toArray();
    }

    private static int count(boolean[] keep) {
        int n = 0;
        for (boolean k : keep) {
            n += k ? 1 : 0;
        }
        return n;
    }

    private static double[] pick(double[] values, boolean[] keep) {
        double[] out = new double[count(keep)];
        int k = 0;
        for (int i = 0; i < values.length; i++) {
            if (keep[i]) {
                out[k++] = values[i];
            }
        }
        return out;
    }
}
