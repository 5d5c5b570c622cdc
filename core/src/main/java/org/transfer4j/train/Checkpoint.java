package org.transfer4j.train;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.transfer4j.autograd.NoGrad;
import org.transfer4j.nn.InputLayer;
import org.transfer4j.nn.Layer;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Weight;
import org.transfer4j.nn.layers.BaseDropout;
import org.transfer4j.optim.Optimizer;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/**
 * Everything a training run needs to carry on exactly where it stopped: every weight of the model by
 * {@link Weight#path()} (batch-norm moving statistics included), which layers are trainable, the
 * optimizer's state dict and its exact base rate (its iteration count is the schedule position), the
 * position in the run ({@link Position}), the {@link History} with its phases, the random state (the
 * default {@link Generator}'s seed and counter, and the counter of every dropout layer that owns a
 * generator), and the class names. {@link Trainer#resume} restores it all, so a run of 2 epochs, resumed
 * for 2 more, ends bit for bit where a run of 4 epochs does.
 *
 * <p>Values are held on the host. The file format ({@link CheckpointFile}) is our own binary one, written
 * atomically: a crash mid-write leaves the previous checkpoint in place.
 */
public final class Checkpoint {

    /**
     * Where a run stands: {@code epoch} epochs are done (1-based numbering across phases, so this is the
     * last completed one); the fit that was running covers {@code fitFirstEpoch .. fitLastEpoch}, with
     * run seed {@code seed} and batch size {@code batchSize}.
     */
    public record Position(int epoch, int fitFirstEpoch, int fitLastEpoch, long seed, int batchSize) {
    }

    /** The counter-based stream a generator is at: its seed and next counter. */
    record GeneratorState(long seed, long counter) {
    }

    final Position position;
    final List<String> classNames;
    final Map<String, Tensor> weights;
    final Map<String, Boolean> trainable;
    final String optimizerType;
    final double baseLearningRate;
    final Map<String, Tensor> optimizerState;
    final GeneratorState defaultGenerator;
    final Map<String, GeneratorState> dropoutGenerators;
    final History history;

    Checkpoint(Position position, List<String> classNames, Map<String, Tensor> weights, Map<String, Boolean> trainable,
               String optimizerType, double baseLearningRate, Map<String, Tensor> optimizerState,
               GeneratorState defaultGenerator, Map<String, GeneratorState> dropoutGenerators, History history) {
        this.position = position;
        this.classNames = List.copyOf(classNames);
        this.weights = weights;
        this.trainable = trainable;
        this.optimizerType = optimizerType;
        this.baseLearningRate = baseLearningRate;
        this.optimizerState = optimizerState;
        this.defaultGenerator = defaultGenerator;
        this.dropoutGenerators = dropoutGenerators;
        this.history = history;
    }

    /** Copies the current state of a run (weights and optimizer state are downloaded to the host). */
    public static Checkpoint capture(Model model, Optimizer optimizer, History history, List<String> classNames,
                                     Position position) {
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (Weight w : model.weights()) {
            weights.put(w.path(), host(w.value()));
        }
        Map<String, Boolean> trainable = new LinkedHashMap<>();
        Map<String, GeneratorState> dropout = new LinkedHashMap<>();
        for (Layer l : leafLayers(model)) {
            trainable.put(l.name(), l.isTrainable());
            if (l instanceof BaseDropout<?> d && d.ownGenerator().isPresent()) {
                Generator g = d.ownGenerator().get();
                dropout.put(l.name(), new GeneratorState(g.seed(), g.counter()));
            }
        }
        Map<String, Tensor> state = new LinkedHashMap<>();
        optimizer.stateDict().forEach((k, v) -> state.put(k, host(v)));
        Generator g = Generator.defaultGenerator();
        return new Checkpoint(position, classNames, weights, trainable, optimizer.getClass().getName(),
                optimizer.baseLearningRate(), state, new GeneratorState(g.seed(), g.counter()), dropout, copy(history));
    }

    /** Reads a checkpoint; a truncated or corrupt file throws {@link CorruptCheckpointException} naming it. */
    public static Checkpoint read(Path file) throws IOException {
        return CheckpointFile.read(file);
    }

    /**
     * Writes this checkpoint to {@code file} atomically: to a temporary file in the same directory, flushed
     * and forced to disk, then moved over {@code file}. If writing fails, {@code file} is untouched and the
     * temporary file is deleted.
     */
    public void write(Path file) throws IOException {
        CheckpointFile.write(this, file, UnaryOperator.identity());
    }

    /** As {@link #write(Path)}, with the file's stream wrapped by {@code wrap} (tests inject failures with it). */
    void write(Path file, UnaryOperator<OutputStream> wrap) throws IOException {
        CheckpointFile.write(this, file, wrap);
    }

    /**
     * Puts the state back: the model's weights and trainable flags, the optimizer's state and base rate, and
     * the generators. Everything is checked before anything changes: the model must have exactly the
     * checkpoint's weights (paths and shapes), and the optimizer must be of the same class with the same
     * parameter groups' weights.
     */
    public void restore(Model model, Optimizer optimizer) {
        List<Weight> modelWeights = model.weights();
        Set<String> missing = new LinkedHashSet<>(weights.keySet());
        for (Weight w : modelWeights) {
            Tensor saved = weights.get(w.path());
            if (saved == null) {
                throw new IllegalArgumentException("checkpoint has no weight " + w.path() + " of model '" + model.name()
                        + "'; it holds " + weights.size() + " weights, e.g. " + weights.keySet().stream().limit(4).toList());
            }
            if (!Arrays.equals(saved.shape(), w.shape())) {
                throw new IllegalArgumentException("checkpoint weight " + w.path() + " has shape " + Arrays.toString(saved.shape())
                        + ", the model's has " + Arrays.toString(w.shape()));
            }
            missing.remove(w.path());
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("model '" + model.name() + "' lacks weights the checkpoint holds: " + missing);
        }
        if (!optimizer.getClass().getName().equals(optimizerType)) {
            throw new IllegalArgumentException("checkpoint was written with optimizer " + optimizerType + ", got "
                    + optimizer.getClass().getName());
        }
        List<Layer> leaves = leafLayers(model);
        for (String name : dropoutGenerators.keySet()) {
            if (leaves.stream().noneMatch(l -> l.name().equals(name) && l instanceof BaseDropout<?> d
                    && d.ownGenerator().isPresent())) {
                throw new IllegalArgumentException("checkpoint has the generator of dropout layer '" + name
                        + "', which model '" + model.name() + "' has not (or it is not seeded)");
            }
        }
        // The optimizer validates its whole state dict before changing anything.
        optimizer.loadStateDict(optimizerState);
        // The state dict keeps the base rate as float32; the exact double makes the next steps bit-identical.
        optimizer.setBaseLearningRate(baseLearningRate);
        for (Weight w : modelWeights) {
            w.assign(weights.get(w.path()).toArray());
        }
        for (Layer l : leaves) {
            Boolean flag = trainable.get(l.name());
            if (flag != null && l.isTrainable() != flag) {
                l.setTrainable(flag);
            }
            if (l instanceof BaseDropout<?> d && d.ownGenerator().isPresent()) {
                GeneratorState s = dropoutGenerators.get(l.name());
                if (s != null) {
                    d.ownGenerator().get().setCounter(s.counter());
                }
            }
        }
        if (Generator.defaultGenerator().seed() != defaultGenerator.seed()) {
            Generator.manualSeed(defaultGenerator.seed());
        }
        Generator.defaultGenerator().setCounter(defaultGenerator.counter());
    }

    public Position position() {
        return position;
    }

    /** Epochs completed (the last one recorded in the history). */
    public int epoch() {
        return position.epoch();
    }

    public List<String> classNames() {
        return classNames;
    }

    /** A copy of the history up to {@link #epoch()}. */
    public History history() {
        return copy(history);
    }

    /** The weights by path, as host tensors (read-only use: they are the checkpoint's own). */
    public Map<String, Tensor> weights() {
        return java.util.Collections.unmodifiableMap(weights);
    }

    /** The exact base learning rate of the optimizer at the checkpoint. */
    public double baseLearningRate() {
        return baseLearningRate;
    }

    /** A copy of {@code history}: the same series, epoch by epoch, and the same phases. */
    static History copy(History history) {
        History out = new History();
        List<History.Phase> phases = history.phases();
        int nextPhase = 0;
        for (int e = 1; e <= history.epochs(); e++) {
            while (nextPhase < phases.size() && phases.get(nextPhase).firstEpoch() == e) {
                out.beginPhase(phases.get(nextPhase++).name());
            }
            Map<String, Double> metrics = new LinkedHashMap<>();
            for (String name : history.names()) {
                metrics.put(name, history.get(name, e));
            }
            out.record(metrics);
        }
        while (nextPhase < phases.size()) {
            out.beginPhase(phases.get(nextPhase++).name());
        }
        return out;
    }

    /** The model's layers that hold weights or state (nested models expanded), input layers left out. */
    private static List<Layer> leafLayers(Model model) {
        return model.flattenedLayers().stream().filter(l -> !(l instanceof InputLayer)).toList();
    }

    private static Tensor host(Tensor t) {
        try (NoGrad ignored = NoGrad.enter()) {
            return Tensor.of(t.detach().toArray(), t.shape());
        }
    }
}
