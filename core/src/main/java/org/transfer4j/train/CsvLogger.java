package org.transfer4j.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras' {@code CSVLogger(filename, separator=',', append=False)}: a header {@code epoch,<metric>,...} with
 * the metric names sorted (as Keras does), then one row per epoch, written and flushed as each epoch ends.
 * The {@code epoch} column is Keras' 0-based index, i.e. the 1-based epoch of the {@link History} minus 1.
 * A non-finite value is written as Python writes it ({@code nan}, {@code inf}, {@code -inf}).
 *
 * <p>With {@code append}, rows go after those already in the file and its header's columns are kept (a
 * resumed run continues the same file); without, the file is replaced when training begins.
 */
public final class CsvLogger implements Callback {
    private final Path file;
    private final boolean append;
    private List<String> columns;

    public CsvLogger(Path file) {
        this(file, false);
    }

    public CsvLogger(Path file, boolean append) {
        this.file = file;
        this.append = append;
    }

    @Override
    public void onTrainBegin(TrainingContext context) {
        columns = null;
        try {
            if (append && Files.exists(file) && Files.size(file) > 0) {
                String header = Files.readAllLines(file, StandardCharsets.UTF_8).getFirst();
                List<String> names = Arrays.asList(header.split(",", -1));
                columns = names.subList(1, names.size());
            } else {
                if (file.toAbsolutePath().getParent() != null) {
                    Files.createDirectories(file.toAbsolutePath().getParent());
                }
                Files.writeString(file, "", StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("CsvLogger: cannot prepare " + file, e);
        }
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        StringBuilder sb = new StringBuilder();
        if (columns == null) {
            columns = new ArrayList<>(logs.keySet());
            columns.sort(null);
            sb.append("epoch,").append(String.join(",", columns)).append('\n');
        }
        row(sb, epoch, columns, logs);
        try {
            Files.writeString(file, sb, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("CsvLogger: cannot write epoch " + epoch + " to " + file, e);
        }
    }

    /**
     * Replaces {@code file} with the rows this logger would have written for the epochs of {@code history}:
     * the header of its metrics (sorted), then one row per epoch. A run resumed from a checkpoint calls it
     * first, so the file holds exactly the checkpoint's epochs (not a row that a crash wrote after it), and
     * then continues it with a logger in append mode.
     */
    public static void write(Path file, History history) throws IOException {
        List<String> columns = new ArrayList<>(history.names());
        columns.sort(null);
        StringBuilder sb = new StringBuilder();
        sb.append("epoch,").append(String.join(",", columns)).append('\n');
        for (int e = 1; e <= history.epochs(); e++) {
            Map<String, Double> metrics = new LinkedHashMap<>();
            for (String name : columns) {
                metrics.put(name, history.get(name, e));
            }
            row(sb, e, columns, metrics);
        }
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        Files.writeString(file, sb, StandardCharsets.UTF_8);
    }

    /** One row: Keras' 0-based epoch index, then the values of {@code columns} (empty where absent). */
    private static void row(StringBuilder sb, int epoch, List<String> columns, Map<String, Double> logs) {
        sb.append(epoch - 1);
        for (String name : columns) {
            Double v = logs.get(name);
            sb.append(',').append(v == null ? "" : format(v));
        }
        sb.append('\n');
    }

    private static String format(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        return Double.toString(v);
    }
}
