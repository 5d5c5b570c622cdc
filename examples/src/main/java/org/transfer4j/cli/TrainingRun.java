package org.transfer4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.transfer4j.optim.AdamW;
import org.transfer4j.optim.LearningRateSchedule;
import org.transfer4j.optim.LrFindResult;
import org.transfer4j.plots.LrFinderPlot;
import org.transfer4j.optim.Optimizer;
import org.transfer4j.optim.ParamGroup;
import org.transfer4j.optim.ParamGroups;
import org.transfer4j.train.TransferModel;
import org.transfer4j.train.TransferTraining;

/**
 * The phases {@code train} runs, each with its own AdamW optimizer (weight decay 1e-4, not on batch-norm
 * weights and biases) and its schedule, and what each cost: epochs, seconds per epoch, trainable parameters,
 * whether the head trained on cached features, and the peak heap seen after the phase. A resumed run
 * ({@link TransferTraining#resumeFrom}) says which epochs of each phase were done before its checkpoint.
 */
final class TrainingRun {
    private static final double WEIGHT_DECAY = 1e-4;

    private final TransferModel transfer;
    private final TransferTraining training;
    private final ScheduleOption schedule;
    private final PrintWriter log;
    private final List<ObjectNode> phases = new ArrayList<>();

    TrainingRun(TransferModel transfer, TransferTraining training, ScheduleOption schedule, PrintWriter log) {
        this.transfer = transfer;
        this.training = training;
        this.schedule = schedule;
        this.log = log;
    }

    /** Every weight trains from its initial value, at {@code rate}. */
    void scratch(int epochs, double rate) {
        Optimizer opt = new AdamW(List.of(decayed(ParamGroups.all(transfer.model()).getFirst())), rate);
        run("scratch", epochs, rate, opt, () -> training.fineTune(epochs, opt));
    }

    /** AdamW over the head's weights (which train whether the base is frozen or not). */
    private Optimizer headOptimizer(double rate) {
        return new AdamW(List.of(decayed(ParamGroup.of("head", transfer.head().trainableWeights()))), rate);
    }

    /** The LR range test of the head (1e-6 to 1 over 100 batches), plotted to {@code png}; returns its suggestion. */
    double findHeadRate(Path png) throws IOException {
        LrFindResult result = training.findHeadLearningRate(headOptimizer(1e-6), 1e-6, 1, 100);
        TrainingOutputs.write(new LrFinderPlot(result), png);
        log.printf(Locale.ROOT, "LR range test: suggested head rate %.3g (%s), plot %s%n", result.suggestion(),
                result, png);
        log.flush();
        return result.suggestion();
    }

    /** The base frozen, the head trained at {@code rate} (on cached features when it can be). */
    void featureExtraction(int epochs, double rate) {
        transfer.freezeBase(); // before the phase's log line, which counts the trainable parameters
        Optimizer opt = headOptimizer(rate);
        run("feature-extraction", epochs, rate, opt, () -> training.featureExtraction(epochs, opt));
    }

    /** What the caller unfroze trains with the head at {@code rate} and the base at {@code rate * baseMultiplier}. */
    void fineTune(int epochs, double rate, double baseMultiplier) {
        List<ParamGroup> groups = ParamGroups.headAndBase(transfer.model(), transfer.features().name());
        Optimizer opt = new AdamW(List.of(decayed(groups.get(0)).rateMultiplier(baseMultiplier), decayed(groups.get(1))),
                rate);
        run("fine-tune", epochs, rate, opt, () -> training.fineTune(epochs, opt));
    }

    /**
     * The extra heads of a {@link org.transfer4j.train.ScaleEnsemble}, one per size, each trained as the head of
     * feature extraction is (AdamW at {@code rate}, the schedule over {@code epochs}) on cached features.
     */
    void scaleHeads(int epochs, double rate, int[] sizes) {
        log.println("scale heads: one more head at each of " + Arrays.toString(sizes) + ", rate " + rate
                + ", " + epochs + " epochs each, on the frozen base's cached features");
        log.flush();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        long t0 = System.nanoTime();
        int steps = training.stepsPerEpoch(true);
        training.scaleHeads(epochs, head -> {
            Optimizer opt = new AdamW(List.of(decayed(ParamGroup.of(head.name(), head.trainableWeights()))), rate);
            opt.setSchedule(schedule.schedule(rate, epochs, steps));
            return opt;
        }, sizes);
        double seconds = (System.nanoTime() - t0) / 1e9;
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("name", "scale-heads");
        node.put("epochs", epochs);
        node.put("seconds", seconds);
        ArrayNode heads = node.putArray("heads");
        StringBuilder line = new StringBuilder();
        for (TransferTraining.ScaleHeadReport r : training.scaleHeadReports()) {
            heads.addObject().put("size", r.size()).put("val_accuracy", r.valAccuracy())
                    .put("cache_seconds", r.cacheSeconds()).put("cache_bytes", r.cacheBytes());
            line.append(String.format(Locale.ROOT, "%s%d: val_accuracy %.4f (features %.1f s)", line.isEmpty() ? "" : "; ",
                    r.size(), r.valAccuracy(), r.cacheSeconds()));
        }
        node.put("trainable_params", training.model().countParams() - transfer.model().countParams());
        node.put("peak_heap_mb", peakHeapMb());
        phases.add(node);
        log.printf(Locale.ROOT, "scale-heads: %s; %.1f s in all, peak heap %d MB; the model is now %,d parameters%n", line,
                seconds, node.get("peak_heap_mb").asLong(), training.model().countParams());
        log.flush();
    }

    private static ParamGroup decayed(ParamGroup group) {
        return group.weightDecay(WEIGHT_DECAY);
    }

    private void run(String name, int epochs, double rate, Optimizer opt, Runnable phase) {
        int steps = training.stepsPerEpoch(name.equals("feature-extraction"));
        LearningRateSchedule s = schedule.schedule(rate, epochs, steps);
        opt.setSchedule(s);
        log.println(name + ": " + transfer.describe() + ", rate " + rate + ", schedule " + schedule);
        log.flush();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        long t0 = System.nanoTime();
        phase.run();
        double seconds = (System.nanoTime() - t0) / 1e9;
        TransferTraining.PhaseReport report = training.lastPhase();
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("name", name);
        node.put("epochs", epochs);
        if (report.doneBefore() > 0) {
            node.put("resumed_after", report.doneBefore()); // epochs of the phase done before the checkpoint
        }
        phases.add(node);
        if (report.doneBefore() == epochs) {
            log.printf(Locale.ROOT, "%s: all %d epochs were done before the checkpoint%n", name, epochs);
            log.flush();
            return;
        }
        node.put("seconds", seconds);
        node.put("trainable_params", report.trainableParams());
        node.put("cached", report.cached());
        if (report.cached()) {
            node.put("cache_seconds", report.cacheSeconds());
            node.put("cache_bytes", report.cacheBytes());
        }
        node.put("val_accuracy", training.history().last().getOrDefault("val_accuracy", Double.NaN));
        node.put("peak_heap_mb", peakHeapMb());
        String resumed = report.doneBefore() == 0 ? ""
                : String.format(Locale.ROOT, " (resumed after epoch %d of the phase)", report.doneBefore());
        log.printf(Locale.ROOT, "%s: %d epochs%s in %.1f s%s, val_accuracy %.4f, peak heap %d MB%n", name,
                epochs - report.doneBefore(), resumed, seconds,
                report.cached() ? String.format(Locale.ROOT, " (cached features: %.1f s to compute, %,d bytes)",
                        report.cacheSeconds(), report.cacheBytes())
                        : report.notCachedBecause().map(w -> " (not cached: " + w + ")").orElse(""),
                node.get("val_accuracy").asDouble(), node.get("peak_heap_mb").asLong());
        log.flush();
    }

    /** The largest heap the phase used: the sum of the heap pools' peaks since they were reset. */
    private static long peakHeapMb() {
        long bytes = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                bytes += pool.getPeakUsage().getUsed();
            }
        }
        return bytes / (1024 * 1024);
    }

    ArrayNode phasesJson() {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        phases.forEach(a::add);
        return a;
    }
}
