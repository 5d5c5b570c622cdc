package org.transfer4j.plots;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.geom.AffineTransform;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.transfer4j.metrics.ConfusionMatrix;

/**
 * A confusion matrix as a heat map: rows are the true classes (top to bottom in class order), columns the
 * predicted ones, each cell showing its count; a cell's colour is its share of the row (the fraction of the true
 * class predicted as that column, so the diagonal reads as per-class recall), from white (0) to dark blue (1),
 * with the count in white on the darker half. The title gives the sample count and the accuracy.
 *
 * <p>Drawn with Java2D rather than XChart's {@code HeatMapChart}: that one (4.0.3) drops category labels it
 * thinks would overlap (two of five flower names at 600 pixels), writes every value in one colour (unreadable on
 * the dark cells) and colours by the raw count, so a large class washes out the others.
 */
public final class ConfusionMatrixPlot extends Plot {
    /** The file {@link #writeTo(java.nio.file.Path)} writes. */
    public static final String FILE_NAME = "confusion-matrix.png";

    static final Color LOW = Color.WHITE;
    static final Color HIGH = new Color(8, 48, 107);
    private static final Color GRID = new Color(200, 200, 200);
    private static final int PAD = 12;

    private final long[][] counts;
    private final List<String> names;

    /** The plot of {@code matrix}, labelled with its class names; 700x650 pixels until {@link #size} says otherwise. */
    public ConfusionMatrixPlot(ConfusionMatrix matrix) {
        this(Objects.requireNonNull(matrix, "matrix").matrix(), classNames(matrix));
    }

    /**
     * The plot of {@code counts[true class][predicted class]}, a square matrix of non-negative counts with one
     * name per class.
     */
    public ConfusionMatrixPlot(long[][] counts, List<String> classNames) {
        super(700, 650);
        Objects.requireNonNull(counts, "counts");
        Objects.requireNonNull(classNames, "classNames");
        int c = counts.length;
        if (c == 0) {
            throw new IllegalArgumentException("ConfusionMatrixPlot: the matrix has no classes");
        }
        if (classNames.size() != c) {
            throw new IllegalArgumentException("ConfusionMatrixPlot: " + classNames.size() + " class names for a "
                    + c + "x" + c + " matrix");
        }
        this.counts = new long[c][];
        for (int t = 0; t < c; t++) {
            if (counts[t] == null || counts[t].length != c) {
                throw new IllegalArgumentException("ConfusionMatrixPlot: the matrix must be square " + c + "x" + c
                        + ", row " + t + " has " + (counts[t] == null ? "no" : counts[t].length) + " columns");
            }
            for (int p = 0; p < c; p++) {
                if (counts[t][p] < 0) {
                    throw new IllegalArgumentException("ConfusionMatrixPlot: count[" + t + "][" + p + "] is "
                            + counts[t][p] + "; counts must be >= 0");
                }
            }
            this.counts[t] = counts[t].clone();
        }
        this.names = new ArrayList<>();
        for (String name : classNames) {
            names.add(Objects.requireNonNull(name, "class name"));
        }
    }

    private static List<String> classNames(ConfusionMatrix matrix) {
        List<String> names = new ArrayList<>();
        for (int c = 0; c < matrix.classes(); c++) {
            names.add(matrix.className(c));
        }
        return names;
    }

    @Override
    public String fileName() {
        return FILE_NAME;
    }

    /** The share of row {@code t} in cell (t, p): {@code count / row sum}, 0 for an empty row. */
    double share(int t, int p) {
        long row = 0;
        for (long v : counts[t]) {
            row += v;
        }
        return row == 0 ? 0 : (double) counts[t][p] / row;
    }

    /** The cell colour for a row share in [0, 1]: linear from {@link #LOW} to {@link #HIGH}. */
    static Color color(double share) {
        return new Color(mix(LOW.getRed(), HIGH.getRed(), share), mix(LOW.getGreen(), HIGH.getGreen(), share),
                mix(LOW.getBlue(), HIGH.getBlue(), share));
    }

    private static int mix(int a, int b, double f) {
        return (int) Math.round(a + (b - a) * f);
    }

    /** Where the cells go at the current size; the labels size decides the margins. */
    record Layout(int x0, int y0, int cell, int labelFont, int valueFont, boolean rotateColumns) {
        Rectangle cell(int t, int p) {
            return new Rectangle(x0 + p * cell, y0 + t * cell, cell, cell);
        }
    }

    Layout layout(Graphics2D g) {
        int c = counts.length;
        int labelFont = Math.max(10, Math.min(16, height() / 40));
        FontMetrics fm = g.getFontMetrics(new Font(Font.SANS_SERIF, Font.PLAIN, labelFont));
        int longest = 0;
        for (String name : names) {
            longest = Math.max(longest, fm.stringWidth(name));
        }
        int top = PAD + 2 * fm.getHeight() + PAD;              // title and subtitle
        int left = PAD + fm.getHeight() + PAD + longest + PAD;  // axis title, row labels
        int cell = Math.max(1, Math.min((width() - left - PAD) / c, (height() - top - PAD - 2 * fm.getHeight()) / c));
        boolean rotate = longest > cell - 4;
        int bottom = (rotate ? (int) Math.ceil(longest * Math.sqrt(0.5)) + fm.getHeight() : fm.getHeight())
                + PAD + fm.getHeight() + PAD;                   // column labels, axis title
        cell = Math.max(1, Math.min((width() - left - PAD) / c, (height() - top - bottom) / c));
        int valueFont = Math.max(8, Math.min(28, cell / 3));
        return new Layout(left, top, cell, labelFont, valueFont, rotate);
    }

    @Override
    void paint(Graphics2D g, int width, int height) {
        int c = counts.length;
        Layout l = layout(g);
        Font labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, l.labelFont);
        Font boldFont = labelFont.deriveFont(Font.BOLD);
        g.setColor(Color.BLACK);
        g.setFont(boldFont);
        FontMetrics fm = g.getFontMetrics();
        long total = 0;
        long trace = 0;
        for (int t = 0; t < c; t++) {
            for (int p = 0; p < c; p++) {
                total += counts[t][p];
                trace += t == p ? counts[t][p] : 0;
            }
        }
        String title = String.format(Locale.ROOT, "Confusion matrix: %d samples, accuracy %.1f%%", total,
                total == 0 ? 0.0 : 100.0 * trace / total);
        g.drawString(title, (width - fm.stringWidth(title)) / 2, PAD + fm.getAscent());
        g.setFont(labelFont);
        String subtitle = "colour: share of the true class (row)";
        g.setColor(Color.DARK_GRAY);
        g.drawString(subtitle, (width - g.getFontMetrics().stringWidth(subtitle)) / 2, PAD + fm.getHeight() + fm.getAscent());

        Font valueFont = new Font(Font.SANS_SERIF, Font.PLAIN, l.valueFont);
        FontMetrics vm = g.getFontMetrics(valueFont);
        for (int t = 0; t < c; t++) {
            for (int p = 0; p < c; p++) {
                Rectangle r = l.cell(t, p);
                double share = share(t, p);
                g.setColor(color(share));
                g.fillRect(r.x, r.y, r.width, r.height);
                g.setColor(GRID);
                g.drawRect(r.x, r.y, r.width, r.height);
                String value = Long.toString(counts[t][p]);
                if (vm.stringWidth(value) < r.width - 2 && vm.getAscent() < r.height - 2) {
                    g.setFont(valueFont);
                    g.setColor(share > 0.5 ? Color.WHITE : Color.BLACK);
                    g.drawString(value, r.x + (r.width - vm.stringWidth(value)) / 2,
                            r.y + (r.height + vm.getAscent() - vm.getDescent()) / 2);
                }
            }
        }

        g.setFont(labelFont);
        g.setColor(Color.BLACK);
        FontMetrics lm = g.getFontMetrics();
        for (int t = 0; t < c; t++) { // row labels, right-aligned against the grid
            Rectangle r = l.cell(t, 0);
            String name = names.get(t);
            g.drawString(name, r.x - PAD / 2 - lm.stringWidth(name), r.y + (r.height + lm.getAscent() - lm.getDescent()) / 2);
        }
        int gridBottom = l.y0 + c * l.cell;
        int labelsBottom = gridBottom + PAD / 2 + lm.getHeight();
        for (int p = 0; p < c; p++) { // column labels, turned 45 degrees when they do not fit a cell
            Rectangle r = l.cell(c - 1, p);
            String name = names.get(p);
            if (l.rotateColumns) {
                Graphics2D turned = (Graphics2D) g.create();
                turned.translate(r.getCenterX(), gridBottom + PAD / 2 + lm.getAscent() / 2.0);
                turned.transform(AffineTransform.getRotateInstance(-Math.PI / 4));
                turned.drawString(name, -lm.stringWidth(name), lm.getAscent() / 2);
                turned.dispose();
                labelsBottom = Math.max(labelsBottom,
                        gridBottom + PAD / 2 + (int) Math.ceil(lm.stringWidth(name) * Math.sqrt(0.5)) + lm.getHeight());
            } else {
                g.drawString(name, (int) r.getCenterX() - lm.stringWidth(name) / 2, gridBottom + PAD / 2 + lm.getAscent());
            }
        }
        g.setFont(boldFont);
        FontMetrics bm = g.getFontMetrics();
        String xTitle = "predicted class";
        g.drawString(xTitle, l.x0 + (c * l.cell - bm.stringWidth(xTitle)) / 2, labelsBottom + PAD / 2 + bm.getAscent());
        String yTitle = "true class";
        Graphics2D turned = (Graphics2D) g.create();
        turned.translate(PAD + bm.getAscent(), l.y0 + (c * l.cell + bm.stringWidth(yTitle)) / 2.0);
        turned.transform(AffineTransform.getRotateInstance(-Math.PI / 2));
        turned.drawString(yTitle, 0, 0);
        turned.dispose();
    }
}
