package org.transfer4j.plots;

import java.awt.Graphics2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;
import org.transfer4j.train.History;

/**
 * Training curves of a {@link History}: the loss panel ({@code loss} and {@code val_loss} per epoch) beside the
 * accuracy panel ({@code accuracy} and {@code val_accuracy}), each with a dashed vertical line where a phase
 * begins (feature extraction, then fine-tuning), named in the legend. A panel is drawn when its training or
 * validation series has at least one finite value; epochs that did not report a metric (NaN) are left out of
 * its line. The history is read when the plot is rendered.
 */
public final class TrainingCurvesPlot extends Plot {
    /** The file {@link #writeTo(java.nio.file.Path)} writes. */
    public static final String FILE_NAME = "training-curves.png";

    /** The legend names of the two curves of each panel. */
    public static final String TRAIN = "train";
    public static final String VALIDATION = "validation";

    /**
     * A panel: its title, the y axis title, the two History names it draws, and the legend corner, where the
     * curves usually are not (loss falls, accuracy rises).
     */
    private record Panel(String title, String yTitle, String train, String val, Styler.LegendPosition legend) {
    }

    private static final List<Panel> PANELS = List.of(
            new Panel("Loss", "loss", "loss", "val_loss", Styler.LegendPosition.InsideNE),
            new Panel("Accuracy", "accuracy", "accuracy", "val_accuracy", Styler.LegendPosition.InsideSE));

    private final History history;

    /** Curves of {@code history}, 1200x450 pixels until {@link #size} says otherwise. */
    public TrainingCurvesPlot(History history) {
        super(1200, 450);
        this.history = Objects.requireNonNull(history, "history");
        if (history.epochs() == 0) {
            throw new IllegalArgumentException("TrainingCurvesPlot: the history has no epochs; record at least one");
        }
        if (panels().isEmpty()) {
            throw new IllegalArgumentException("TrainingCurvesPlot: the history has no finite value of loss, val_loss,"
                    + " accuracy or val_accuracy; it records " + history.names());
        }
    }

    @Override
    public String fileName() {
        return FILE_NAME;
    }

    /** The names of the phases marked by a boundary line, as their legend entries, in order. */
    public List<String> boundaryNames() {
        List<String> names = new ArrayList<>();
        for (History.Phase phase : PhaseMarkers.boundaries(history)) {
            names.add(PhaseMarkers.seriesName(phase));
        }
        return names;
    }

    /**
     * The panels as XChart charts at their share of the current size: the loss chart first when the history
     * has loss values, then the accuracy chart when it has accuracy values.
     */
    public List<XYChart> charts() {
        List<Panel> panels = panels();
        List<XYChart> charts = new ArrayList<>();
        for (int i = 0; i < panels.size(); i++) {
            charts.add(chart(panels.get(i), panelWidth(i, panels.size()), height()));
        }
        return charts;
    }

    @Override
    void paint(Graphics2D g, int width, int height) {
        List<XYChart> charts = charts();
        int x = 0;
        for (int i = 0; i < charts.size(); i++) {
            int w = panelWidth(i, charts.size());
            Graphics2D panel = (Graphics2D) g.create(x, 0, w, height);
            try {
                charts.get(i).paint(panel, w, height);
            } finally {
                panel.dispose();
            }
            x += w;
        }
    }

    /** Panel i's width: the width split evenly, the last panel taking the odd pixel. */
    private int panelWidth(int i, int count) {
        int w = width() / count;
        return i == count - 1 ? width() - w * (count - 1) : w;
    }

    private List<Panel> panels() {
        List<Panel> present = new ArrayList<>();
        for (Panel panel : PANELS) {
            if (finiteCount(panel.train) + finiteCount(panel.val) > 0) {
                present.add(panel);
            }
        }
        return present;
    }

    private XYChart chart(Panel panel, int width, int height) {
        XYChart chart = lineChart(width, height, PhaseMarkers.title(panel.title, history), "epoch", panel.yTitle);
        chart.getStyler().setXAxisDecimalPattern("0").setLegendPosition(panel.legend);
        double[] range = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        addSeries(chart, TRAIN, panel.train, range);
        addSeries(chart, VALIDATION, panel.val, range);
        if (range[0] == range[1]) { // one value: give the boundary line some height
            double pad = Math.max(Math.abs(range[0]) * 0.05, 0.05);
            range[0] -= pad;
            range[1] += pad;
        }
        // An explicit y range: left to itself, XChart 4.0.3 puts a tick at every distinct value when all values
        // are small (a loss of 1e-3) instead of at round values.
        double pad = (range[1] - range[0]) * 0.05;
        chart.getStyler().setYAxisMin(range[0] - pad).setYAxisMax(range[1] + pad);
        PhaseMarkers.add(chart, history, range[0], range[1]);
        return chart;
    }

    /** Adds the finite values of {@code name} against their epochs, widening {@code range}; nothing if none. */
    private void addSeries(XYChart chart, String label, String name, double[] range) {
        int n = finiteCount(name);
        if (n == 0) {
            return;
        }
        double[] epochs = new double[n];
        double[] values = new double[n];
        int k = 0;
        List<Double> series = history.get(name);
        for (int e = 0; e < series.size(); e++) {
            double v = series.get(e);
            if (Double.isFinite(v)) {
                epochs[k] = e + 1;
                values[k++] = v;
                range[0] = Math.min(range[0], v);
                range[1] = Math.max(range[1], v);
            }
        }
        chart.addSeries(label, epochs, values);
    }

    private int finiteCount(String name) {
        int n = 0;
        for (double v : history.get(name)) {
            if (Double.isFinite(v)) {
                n++;
            }
        }
        return n;
    }
}
