package org.transfer4j.train;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.transfer4j.metrics.Accuracy;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Weight;
import org.transfer4j.optim.Optimizer;
import org.transfer4j.tensor.Tensor;
import org.transfer4j.tensor.TensorScope;

/** One call of {@link Trainer#fit} or {@link Trainer#resume}: the epochs, their batches, the callbacks. */
final class TrainingLoop {
    private final Trainer trainer;
    private final Model model;
    private final Optimizer optimizer;
    private final Dataset train;
    private final Dataset val;
    private final History history;
    private final Checkpoint.Position fit;
    private final List<Callback> callbacks;
    private final TrainingContext context;
    /** The gradient 1 that starts each step's backward pass, made once per run (see {@link #seedFor}). */
    private Tensor seed;

    TrainingLoop(Trainer trainer, Model model, Dataset train, Dataset val, History history, Checkpoint.Position fit,
                 boolean resumed, List<Callback> callbacks) {
        this.trainer = trainer;
        this.model = model;
        this.optimizer = trainer.optimizer();
        this.train = train;
        this.val = val;
        this.history = history;
        this.fit = fit;
        this.callbacks = List.copyOf(callbacks);
        this.context = new TrainingContext(model, optimizer, history, train.classNames(), fit, resumed);
    }

    History run() {
        try {
            callbacks.forEach(c -> c.onTrainBegin(context));
            Map<String, Double> last = Map.of();
            for (int epoch = fit.epoch() + 1; epoch <= fit.fitLastEpoch() && !context.stopRequested(); epoch++) {
                last = epoch(epoch);
            }
            Map<String, Double> logs = last;
            callbacks.forEach(c -> c.onTrainEnd(logs));
            return history;
        } finally {
            if (seed != null) {
                seed.close();
            }
        }
    }

    private Map<String, Double> epoch(int epoch) {
        for (Callback c : callbacks) {
            c.onEpochBegin(epoch, new LinkedHashMap<>());
        }
        long start = System.nanoTime();
        Accuracy accuracy = new Accuracy();
        double lossSum = 0; // sum of (batch mean loss) x (batch size): a short last batch weighs less
        int seen = 0;
        int skipped;
        try (BatchStream stream = train.batches(fit.batchSize(), true, EpochOrder.epochSeed(fit.seed(), epoch - 1))) {
            context.stepsPerEpoch(stream.batchCount());
            int step = 0;
            while (stream.hasNext()) {
                // One scope per batch: the batch itself (a gather of cached features, a device copy) is freed
                // with the step's tensors, not left to the garbage collector (6.5 MB an epoch on the GPU).
                // Callbacks run outside it: what they make is theirs.
                try (TensorScope batchScope = TensorScope.open()) {
                    Batch batch = TensorScope.keepingOnly(stream::next, Batch::x); // not a batch made ahead
                    step++;
                    Map<String, Double> logs = new LinkedHashMap<>();
                    logs.put("size", (double) batch.size());
                    int at = step;
                    TensorScope.runOutside(() -> callbacks.forEach(c -> c.onBatchBegin(at, logs)));
                    double loss = step(batch, epoch, step, accuracy);
                    lossSum += loss * batch.size();
                    seen += batch.size();
                    logs.put("loss", lossSum / seen);
                    logs.put("accuracy", accuracy.result());
                    TensorScope.runOutside(() -> callbacks.forEach(c -> c.onBatchEnd(at, logs)));
                }
            }
            skipped = stream.skipped();
        }
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        Map<String, Double> logs = new LinkedHashMap<>();
        logs.put("loss", seen == 0 ? Double.NaN : lossSum / seen);
        logs.put("accuracy", accuracy.result());
        if (val != null) {
            Evaluation e = trainer.evaluate(model, val);
            logs.put("val_loss", e.loss());
            logs.put("val_accuracy", e.accuracy());
            logs.put("val_skipped", (double) e.skipped());
        }
        logs.put("lr", optimizer.baseLearningRate());
        logs.put("seconds", (System.nanoTime() - start) / 1e9);
        logs.put("skipped", (double) skipped);
        logs.put("images_per_second", trainSeconds > 0 ? seen / trainSeconds : Double.NaN);
        history.record(logs);
        for (Callback c : callbacks) {
            c.onEpochEnd(epoch, logs);
        }
        return logs;
    }

    /**
     * The gradient 1 of a scalar loss, as {@link Tensor#backward()} starts the pass with, but made once per run on
     * the loss's device and reused by every step: on a GPU that is two calls a step fewer (an allocation and a
     * fill). It belongs to no {@link TensorScope} (the backward pass only reads it, and frees no storage it did not
     * make), and {@link #run} frees it at the end.
     */
    private Tensor seedFor(Tensor loss) {
        if (seed == null || !Arrays.equals(seed.shape(), loss.shape()) || !seed.device().equals(loss.device())) {
            if (seed != null) {
                seed.close();
            }
            seed = TensorScope.outside(() -> Tensor.full(loss.device(), 1f, loss.shape()));
        }
        return seed;
    }

    /**
     * Forward, loss, backward, checks, update; returns the batch's loss. It runs inside the batch's
     * {@link TensorScope} (see {@link #epoch}): everything the step makes on the device (the batch's copy,
     * activations, the tape's saved values, gradients of activations) is freed when the batch is done; the
     * weights' own gradients live until the next step's {@code zeroGrad}.
     */
    private double step(Batch batch, int epoch, int step, Accuracy accuracy) {
        for (Weight w : model.weights()) {
            w.value().zeroGrad();
        }
        Tensor scores;
        Tensor loss;
        MixUp mixup = trainer.mixup();
        // The batch's inputs move to the model's device once; its labels stay on the host (int[]), and the
        // losses make their one-hot targets and weights on the scores' device.
        Batch onDevice = new Batch(batch.x().to(model.device()), batch.labels(), batch.indices());
        if (mixup == null) {
            scores = model.call(onDevice.x(), true);
            loss = trainer.loss(scores, batch.labels(), true);
        } else {
            MixUp.Mixed mixed = mixup.apply(onDevice, train.classNames().size(), fit.seed(), epoch, step);
            scores = model.call(mixed.x(), true);
            loss = trainer.loss(scores, mixed.targets());
        }
        // Backward first, then one read of the loss, the count of non-finite gradient elements and the scores (on a
        // GPU one wait for the device, not three), then the decisions, in the order of the checks: a non-finite loss
        // or gradient still stops training before the optimizer touches a weight.
        boolean differentiable = loss.requiresGrad(); // if not, backward() throws, after the loss check as before
        if (differentiable) {
            if (loss.numel() == 1) {
                loss.backward(seedFor(loss));
            } else {
                loss.backward(); // throws: backward() needs a scalar
            }
        }
        List<Weight> withGrad = Divergence.withGradient(model);
        Tensor scoresRead = scores.detach();
        float[] host = new float[1 + scoresRead.numel()];
        long nonFinite = Divergence.readAndCountNonFiniteGradients(List.of(loss.detach(), scoresRead), host, withGrad);
        double value = host[0];
        if (!Double.isFinite(value)) {
            throw Divergence.ofLoss(model, epoch, step, value, batch);
        }
        if (!differentiable) {
            loss.backward();
        }
        if (nonFinite != 0) {
            throw Divergence.ofGradients(withGrad, epoch, step, value);
        }
        optimizer.step();
        // with mixup: against each sample's own (larger) label
        if (scores.rank() == 2) {
            accuracy.update(Arrays.copyOfRange(host, 1, host.length), scores.shape(1), batch.labels());
        } else {
            accuracy.update(scoresRead, batch.labels()); // not (N,C): the metric says what is wrong
        }
        return value;
    }
}
