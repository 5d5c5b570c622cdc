package org.transfer4j.cli;

import java.awt.AWTError;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.transfer4j.applications.Preprocessing;
import org.transfer4j.keras.KerasH5;
import org.transfer4j.nn.Model;
import org.transfer4j.plots.ConfusionMatrixPlot;
import org.transfer4j.plots.LearningRatePlot;
import org.transfer4j.plots.Plot;
import org.transfer4j.plots.TrainingCurvesPlot;
import org.transfer4j.train.Evaluation;
import org.transfer4j.train.History;

/**
 * What {@code train} leaves beside {@code MODEL.h5}: the model (Keras 2 layout, with its class names and the
 * preprocessing its inputs were trained with, which {@code evaluate} and {@code predict} then use), and
 * {@code MODEL.history.csv} (written epoch by epoch during training), {@code MODEL.training-curves.png},
 * {@code MODEL.learning-rate.png}, {@code MODEL.confusion-matrix.png} (validation). Each file is written to
 * a temporary file and renamed, so an interrupted run leaves no half-written file.
 */
final class TrainingOutputs {
    private final Path model;
    private final Model network;
    private final List<String> classNames;
    private final Preprocessing preprocessing;
    private final List<Path> written = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();

    TrainingOutputs(Path model, Model network, List<String> classNames, Preprocessing preprocessing) {
        this.model = model;
        this.network = network;
        this.classNames = List.copyOf(classNames);
        this.preprocessing = java.util.Objects.requireNonNull(preprocessing, "preprocessing");
    }

    List<String> classNames() {
        return classNames;
    }

    void write(History history, Evaluation validation) throws IOException {
        KerasH5.save(network, model, classNames, preprocessing);
        written.add(model);
        written.add(sibling(model, ".history.csv"));
        writePlot(() -> new TrainingCurvesPlot(history), sibling(model, ".training-curves.png"));
        writePlot(() -> LearningRatePlot.ofHistory(history), sibling(model, ".learning-rate.png"));
        writePlot(() -> new ConfusionMatrixPlot(validation.confusion()), sibling(model, ".confusion-matrix.png"));
    }

    /**
     * Writes one plot, or notes why it could not be drawn. Drawing text needs fonts: a JRE or container without
     * fontconfig's fonts (the GPU machine's minimal runtime: "Fontconfig head is null") fails in AWT, after the
     * model and its history are written; the run's results stand, the plot is reported as skipped.
     */
    void writePlot(Supplier<Plot> plot, Path png) throws IOException {
        try {
            written.add(write(plot.get(), png));
        } catch (RuntimeException | LinkageError | AWTError e) {
            skipped.add(png.getFileName() + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
    }

    /** The plots that could not be drawn, each with the reason; empty normally. */
    List<String> skipped() {
        return List.copyOf(skipped);
    }

    /** {@code MODEL.h5 -> MODEL<suffix>} in the same folder, e.g. {@code flowers.h5 -> flowers.history.csv}. */
    static Path sibling(Path model, String suffix) {
        String name = model.getFileName().toString();
        return model.resolveSibling(name.substring(0, name.length() - ".h5".length()) + suffix);
    }

    /** Writes {@code plot} to {@code png} (atomically, as {@link Plot#writeTo} does). */
    static Path write(Plot plot, Path png) throws IOException {
        return plot.writeTo(png.toAbsolutePath().getParent(), png.getFileName().toString());
    }

    String describe() {
        return String.join(", ", written.stream().map(Path::toString).toList());
    }
}
