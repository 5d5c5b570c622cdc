package org.transfer4j.plots;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * A plot rendered off screen to a {@code width x height} RGB image and written as a PNG file.
 *
 * <p>Plots never need a screen: unless the caller decided otherwise, loading this class sets
 * {@code java.awt.headless=true}, so a run over SSH or in CI with a stale {@code DISPLAY} does not try to open
 * an X connection (AWT reads the property once, when it first starts; the CLI draws nothing else).
 */
public abstract sealed class Plot permits TrainingCurvesPlot, LearningRatePlot, LrFinderPlot, ConfusionMatrixPlot {
    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** The smallest and largest side accepted, in pixels: below 100 nothing is legible, above 10000 it is a mistake. */
    public static final int MIN_SIDE = 100;
    public static final int MAX_SIDE = 10_000;

    private int width;
    private int height;

    Plot(int width, int height) {
        size(width, height);
    }

    /** Sets the image size in pixels ({@value #MIN_SIDE} to {@value #MAX_SIDE} each). Returns this plot. */
    public Plot size(int width, int height) {
        if (width < MIN_SIDE || width > MAX_SIDE || height < MIN_SIDE || height > MAX_SIDE) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": the image size must be "
                    + MIN_SIDE + ".." + MAX_SIDE + " pixels each way, got " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
        return this;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The file name {@link #writeTo(Path)} uses, e.g. {@code training-curves.png}. */
    public abstract String fileName();

    /** Draws the plot into {@code g}, a {@code width x height} area whose origin is its top left corner. */
    abstract void paint(Graphics2D g, int width, int height);

    /** The plot as a {@code width x height} RGB image. */
    public final BufferedImage render() {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            paint(g, width, height);
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Writes the plot to {@code dir/}{@link #fileName()} (see {@link #writeTo(Path, String)}). */
    public final Path writeTo(Path dir) throws IOException {
        return writeTo(dir, fileName());
    }

    /**
     * Writes the plot as the PNG file {@code dir/fileName}, creating {@code dir} if needed, and returns its path.
     * The image goes to a temporary file in {@code dir} that is flushed to disk and then renamed over the target,
     * so a reader never sees a half-written PNG and a failed write leaves the previous file as it was.
     */
    public final Path writeTo(Path dir, String fileName) throws IOException {
        Objects.requireNonNull(dir, "dir");
        if (fileName == null || fileName.isBlank() || !fileName.endsWith(".png") || fileName.contains("/")
                || fileName.contains("\\") || fileName.startsWith(".")) {
            throw new IllegalArgumentException(getClass().getSimpleName()
                    + ": the file name must be a plain name ending in .png, got '" + fileName + "'");
        }
        byte[] png = encodePng(render());
        Files.createDirectories(dir);
        Path target = dir.resolve(fileName);
        // Not Files.createTempFile: its file is private to the owner (0600), and the plot should get the
        // permissions of any other file the user writes there. CREATE_NEW: a name another writer holds fails
        // here, before the finally below could delete a file that is not ours.
        Path temp = dir.resolve("." + fileName + "." + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + ".tmp");
        FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
        try {
            try (channel) {
                ByteBuffer buffer = ByteBuffer.wrap(png);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp); // gone after a successful move; removes the leftover after a failure
        }
        return target;
    }

    /**
     * PNG bytes, encoded in memory: {@code ImageIO.write} to a stream would by default buffer through a cache
     * file in {@code java.io.tmpdir}, another temporary file to leave behind if the JVM dies.
     */
    static byte[] encodePng(BufferedImage image) throws IOException {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
        if (!writers.hasNext()) {
            throw new IOException("this Java runtime has no PNG image writer");
        }
        ImageWriter writer = writers.next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(image);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** An XY line chart in the common style of these plots: white background, legend inside the top right. */
    static XYChart lineChart(int width, int height, String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title)
                .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler()
                .setChartBackgroundColor(Color.WHITE)
                .setLegendPosition(Styler.LegendPosition.InsideNE)
                .setLegendBorderColor(Color.LIGHT_GRAY)
                .setAntiAlias(true);
        chart.getStyler().setPlotGridLinesColor(new Color(225, 225, 225));
        return chart;
    }
}
