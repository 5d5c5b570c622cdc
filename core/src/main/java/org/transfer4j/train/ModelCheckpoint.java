package org.transfer4j.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Keras' {@code ModelCheckpoint(filepath, monitor='val_loss', mode='auto', save_best_only=False)}, writing
 * a whole training {@link Checkpoint} (atomically) at the end of every epoch, or, with
 * {@link #saveBestOnly}, only when the monitored metric improves on its best so far (any improvement, as in
 * Keras). A {@code {epoch}} in the file name is replaced by the epoch number. Training that diverges throws
 * before the epoch ends, so the file keeps the last good state.
 */
public final class ModelCheckpoint implements Callback {
    private final Path file;
    private final MonitoredMetric monitor = new MonitoredMetric("ModelCheckpoint", "val_loss");
    private boolean saveBestOnly;

    private TrainingContext context;
    private int lastWrittenEpoch;

    public ModelCheckpoint(Path file) {
        this.file = file;
    }

    public ModelCheckpoint monitor(String metric) {
        monitor.name(metric);
        return this;
    }

    public ModelCheckpoint mode(MonitorMode value) {
        monitor.mode(value);
        return this;
    }

    public ModelCheckpoint saveBestOnly(boolean value) {
        this.saveBestOnly = value;
        return this;
    }

    @Override
    public void onTrainBegin(TrainingContext ctx) {
        context = ctx;
        monitor.reset();
        lastWrittenEpoch = 0;
        if (saveBestOnly) {
            for (int e = ctx.firstEpoch(); e <= ctx.history().epochs(); e++) {
                monitor.update(ctx.history().get(monitor.name(), e));
            }
        }
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        if (saveBestOnly) {
            if (!monitor.update(monitor.read(logs))) {
                return;
            }
        }
        Path target = pathFor(epoch);
        try {
            context.checkpoint().write(target);
        } catch (IOException e) {
            throw new UncheckedIOException("ModelCheckpoint: cannot write the checkpoint of epoch " + epoch + " to "
                    + target, e);
        }
        lastWrittenEpoch = epoch;
    }

    /** The file for epoch {@code epoch}: {@code {epoch}} in the name replaced by the number. */
    public Path pathFor(int epoch) {
        String name = file.getFileName().toString();
        return name.contains("{epoch}") ? file.resolveSibling(name.replace("{epoch}", Integer.toString(epoch))) : file;
    }

    /** The epoch of the last checkpoint written in this fit, 0 if none. */
    public int lastWrittenEpoch() {
        return lastWrittenEpoch;
    }

    /** The best value of the monitored metric so far (with {@link #saveBestOnly}). */
    public double best() {
        return monitor.best();
    }
}
