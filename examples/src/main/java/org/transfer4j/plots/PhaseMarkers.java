package org.transfer4j.plots;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.transfer4j.train.History;

/**
 * The phase boundaries of a {@link History} drawn on a per-epoch chart: for every phase but one that starts at
 * epoch 1, a dashed vertical line halfway between the last epoch of the previous phase and the phase's first
 * epoch, as a series whose legend entry names the phase ({@code "fine-tune from epoch 6"}). A series rather than
 * an XChart annotation, so that the legend labels it and a test can find it by name.
 */
final class PhaseMarkers {
    static final Color COLOR = new Color(120, 120, 120);

    private PhaseMarkers() {
    }

    /**
     * The legend name of the line that marks where {@code phase} begins. The phase name never stands alone in
     * an XChart label: XChart renders a label that starts and ends with {@code $} as LaTeX, through jlatexmath,
     * which the build leaves out.
     */
    static String seriesName(History.Phase phase) {
        return phase.name() + " from epoch " + phase.firstEpoch();
    }

    /** The phases that begin after epoch 1 and at or before the last recorded epoch: those that get a line. */
    static List<History.Phase> boundaries(History history) {
        List<History.Phase> out = new ArrayList<>();
        for (History.Phase phase : history.phases()) {
            if (phase.firstEpoch() > 1 && phase.firstEpoch() <= history.epochs()) {
                out.add(phase);
            }
        }
        return out;
    }

    /** Adds one vertical line per boundary spanning {@code yMin..yMax} (the data range of the chart). */
    static void add(XYChart chart, History history, double yMin, double yMax) {
        for (History.Phase phase : boundaries(history)) {
            double x = phase.firstEpoch() - 0.5;
            XYSeries line = chart.addSeries(seriesName(phase), new double[] {x, x}, new double[] {yMin, yMax});
            line.setMarker(SeriesMarkers.NONE);
            line.setLineColor(COLOR);
            line.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                    new float[] {6f, 4f}, 0f));
        }
    }

    /** The chart title with the phase names appended in order: {@code "Loss (feature-extraction, fine-tune)"}. */
    static String title(String title, History history) {
        if (history.phases().isEmpty()) {
            return title;
        }
        List<String> names = new ArrayList<>();
        for (History.Phase phase : history.phases()) {
            names.add(phase.name());
        }
        return title + " (" + String.join(", then ", names) + ")";
    }
}
