package org.transfer4j.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.transfer4j.autograd.NoGrad;
import org.transfer4j.losses.Loss;
import org.transfer4j.losses.SparseCategoricalCrossentropy;
import org.transfer4j.metrics.ConfusionMatrix;
import org.transfer4j.nn.Model;
import org.transfer4j.ops.Gather;
import org.transfer4j.ops.SoftmaxCrossEntropy;
import org.transfer4j.optim.Optimizer;
import org.transfer4j.tensor.Tensor;
import org.transfer4j.tensor.TensorScope;

/**
 * Trains, evaluates and runs a classifier on {@link Dataset}s, as Keras' {@code fit}, {@code evaluate} and
 * {@code predict}: the model maps a batch {@code x (N, ...)} to class scores {@code (N, C)}.
 *
 * <pre>
 * Trainer trainer = new Trainer(new Adam(ParamGroups.all(model), 1e-3)).batchSize(32).seed(1);
 * History h = trainer.fit(model, train, val, 10, new ProgressBar(System.out), new EarlyStopping("val_loss"));
 * Evaluation e = trainer.evaluate(model, test);
 * </pre>
 *
 * <p>The loss is by default sparse categorical cross-entropy on logits, with optional Keras label smoothing
 * and class weights (per sample {@code w_i = classWeights[label_i]}, {@code L = sum_i w_i loss_i / N}: Keras'
 * {@code class_weight} with its {@code sum_over_batch_size} reduction, which divides by N, not by the sum
 * of the weights). Class weights apply to training only; validation and {@link #evaluate} report the
 * unweighted loss, as Keras does. Each epoch records in the {@link History}: {@code loss}, {@code accuracy}
 * (of the training batches, with dropout active, averaged over the samples), {@code val_loss},
 * {@code val_accuracy}, {@code val_skipped} (with validation data), {@code lr} (the optimizer's base rate
 * at the epoch's last step), {@code seconds}, {@code skipped} (unreadable training samples) and
 * {@code images_per_second} (training samples over the training time, validation left out).
 *
 * <p>Epoch e (1-based, counted across the phases of the history) visits the training samples in the order
 * {@link EpochOrder#epochSeed EpochOrder.epochSeed(seed, e - 1)} gives. After every backward pass the
 * gradients are checked: a non-finite loss or gradient stops training with a {@link TrainingDivergedException}
 * before the weights change.
 *
 * <p>Devices: the model computes where its weights are ({@code model.to(device)}, {@link Model#device()}). Each
 * batch's inputs are moved there once ({@code x.to(model.device())}, nothing when a dataset already gives them
 * there), the integer labels stay on the host, and the losses make their targets and class weights on the
 * scores' device; per step only the loss, the count of non-finite gradient elements and the scores (for the
 * accuracy) come back to the host, together in one read after the backward pass
 * ({@link org.transfer4j.backend.Backend#downloadAndCountNonFinite}: on a GPU one wait per step).
 */
public final class Trainer {
    private Optimizer optimizer;
    private int batchSize = 32;
    private long seed;
    private float labelSmoothing;
    private double[] classWeights;
    private Loss loss;
    private MixUp mixup;
    private TestTimeAugmentation testTime = TestTimeAugmentation.NONE;

    public Trainer(Optimizer optimizer) {
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
    }

    /** The trainer of {@link #evaluate(Model, Dataset, int, Loss)}: evaluating needs no optimizer, so it has none. */
    private Trainer() {
    }

    /** Replaces the optimizer, e.g. for the fine-tuning phase with new parameter groups and a smaller rate. */
    public Trainer optimizer(Optimizer value) {
        this.optimizer = Objects.requireNonNull(value, "optimizer");
        return this;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    /** Samples per batch (Keras' default 32). */
    public Trainer batchSize(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("Trainer: batch size must be at least 1, got " + value);
        }
        this.batchSize = value;
        return this;
    }

    public int batchSize() {
        return batchSize;
    }

    /** The run seed the epochs' sample orders derive from (0 by default). */
    public Trainer seed(long value) {
        this.seed = value;
        return this;
    }

    public long seed() {
        return seed;
    }

    /** Keras' {@code label_smoothing} for the default loss: targets {@code t (1 - ls) + ls / C}, ls in [0, 1]. */
    public Trainer labelSmoothing(float value) {
        if (!(value >= 0f && value <= 1f)) {
            throw new IllegalArgumentException("Trainer: label smoothing must be in [0, 1], got " + value);
        }
        this.labelSmoothing = value;
        return this;
    }

    /** One weight per class for the training loss (see the class comment), {@code null} for none; see {@link ClassWeights#balanced}. */
    public Trainer classWeights(double[] weights) {
        if (weights != null) {
            for (int c = 0; c < weights.length; c++) {
                if (!(weights[c] >= 0) || Double.isInfinite(weights[c])) {
                    throw new IllegalArgumentException("Trainer: class weight " + c + " must be finite and >= 0, got "
                            + weights[c]);
                }
            }
        }
        this.classWeights = weights == null ? null : weights.clone();
        return this;
    }

    /**
     * Another loss instead of the default one (e.g. for a model that ends in a softmax:
     * {@code new SparseCategoricalCrossentropy(false)}). A {@link SparseCategoricalCrossentropy} gets the
     * labels, any other loss one-hot targets {@code (N, C)}. Label smoothing and class weights belong to
     * the default loss; with another one, configure its own. {@code null} restores the default.
     */
    public Trainer loss(Loss value) {
        this.loss = value;
        return this;
    }

    /** Trains on mixed pairs of samples ({@link MixUp}); {@code null} (the default) trains on the batches as they are. */
    public Trainer mixup(MixUp value) {
        this.mixup = value;
        return this;
    }

    MixUp mixup() {
        return mixup;
    }

    /**
     * The views {@link #evaluate} (validation during {@code fit} too) and {@link #predict} average
     * ({@link TestTimeAugmentation#NONE} by default).
     */
    public Trainer testTimeAugmentation(TestTimeAugmentation value) {
        this.testTime = java.util.Objects.requireNonNull(value, "testTimeAugmentation");
        return this;
    }

    // ---- training -------------------------------------------------------------------------------------

    /** Trains for {@code epochs} epochs into a new {@link History}; {@code val} may be null. */
    public History fit(Model model, Dataset train, Dataset val, int epochs, Callback... callbacks) {
        return fit(model, train, val, epochs, new History(), callbacks);
    }

    /**
     * Trains for {@code epochs} more epochs, recording into {@code history} after its epochs (call
     * {@link History#beginPhase} first to name the phase, e.g. after unfreezing layers for fine-tuning).
     */
    public History fit(Model model, Dataset train, Dataset val, int epochs, History history, Callback... callbacks) {
        if (epochs < 0) {
            throw new IllegalArgumentException("Trainer: epochs must be >= 0, got " + epochs);
        }
        checkConfig(train);
        int done = history.epochs();
        Checkpoint.Position fit = new Checkpoint.Position(done, done + 1, done + epochs, seed, batchSize);
        return new TrainingLoop(this, model, train, val, history, fit, false, List.of(callbacks)).run();
    }

    /**
     * Restores {@code checkpoint} into {@code model} and this trainer's optimizer (built as for the run that
     * wrote it: same layers, same parameter groups, same optimizer class and schedule) and runs the rest of
     * the fit it was written in, with that fit's seed and batch size: epochs {@code checkpoint.epoch() + 1}
     * to the fit's last. Returns the whole history, the checkpoint's epochs included.
     */
    public History resume(Model model, Dataset train, Dataset val, Checkpoint checkpoint, Callback... callbacks) {
        if (!checkpoint.classNames().isEmpty() && !checkpoint.classNames().equals(train.classNames())) {
            throw new IllegalArgumentException("checkpoint was trained on classes " + checkpoint.classNames()
                    + ", the training data has " + train.classNames());
        }
        checkConfig(train);
        checkpoint.restore(model, optimizer);
        return resumeRestored(model, train, val, checkpoint, callbacks);
    }

    /** {@link #resume} once {@code checkpoint} is restored into {@code model} and the optimizer (by the caller). */
    History resumeRestored(Model model, Dataset train, Dataset val, Checkpoint checkpoint, Callback... callbacks) {
        checkConfig(train);
        return new TrainingLoop(this, model, train, val, checkpoint.history(), checkpoint.position(), true,
                List.of(callbacks)).run();
    }

    private void checkConfig(Dataset train) {
        if (loss != null && (labelSmoothing != 0f || classWeights != null)) {
            throw new IllegalStateException("Trainer: label smoothing and class weights apply to the default loss; "
                    + "with " + loss + " configure the loss itself (or call loss(null))");
        }
        if (mixup != null && loss instanceof SparseCategoricalCrossentropy) {
            throw new IllegalStateException("Trainer: mixup trains on mixed (soft) targets, which " + loss
                    + " cannot take; use the default loss or a categorical one");
        }
        if (classWeights != null && classWeights.length != train.classNames().size()) {
            throw new IllegalArgumentException("Trainer: " + classWeights.length + " class weights for "
                    + train.classNames().size() + " classes " + train.classNames());
        }
    }

    /** The scalar loss of a batch: {@code scores (N, C)}, labels (N); class weights only when {@code weighted}. */
    Tensor loss(Tensor scores, int[] labels, boolean weighted) {
        if (loss == null) {
            Tensor weights = weighted && classWeights != null ? classWeightTensor(scores) : null;
            return SoftmaxCrossEntropy.sparse(scores, labels, labelSmoothing, weights);
        }
        if (loss instanceof SparseCategoricalCrossentropy sparse) {
            return sparse.compute(scores, labels);
        }
        return loss.compute(scores, Gather.oneHot(scores.device(), labels, scores.shape(1)));
    }

    /** The training loss of a batch with soft targets {@code (N, C)} (mixup), class weights included. */
    Tensor loss(Tensor scores, Tensor targets) {
        if (loss == null) {
            Tensor weights = classWeights == null ? null : classWeightTensor(scores);
            return SoftmaxCrossEntropy.loss(scores, targets, labelSmoothing, weights);
        }
        return loss.compute(scores, targets);
    }

    private Tensor classWeightTensor(Tensor scores) {
        float[] w = new float[classWeights.length];
        for (int c = 0; c < w.length; c++) {
            w[c] = (float) classWeights[c];
        }
        return Tensor.of(scores.device(), w, w.length);
    }

    // ---- inference ------------------------------------------------------------------------------------

    /** The mean loss (unweighted), accuracy and confusion matrix of {@code model} on {@code data}, in inference mode. */
    public Evaluation evaluate(Model model, Dataset data) {
        ConfusionMatrix confusion = new ConfusionMatrix(data.classNames());
        double lossSum = 0;
        int samples = 0;
        int skipped;
        try (NoGrad ignored = NoGrad.enter(); BatchStream stream = data.batches(batchSize, false, 0L)) {
            while (stream.hasNext()) {
                try (TensorScope batchScope = TensorScope.open()) { // the batch and its outputs, freed batch by batch
                    Batch b = TensorScope.keepingOnly(stream::next, Batch::x); // not a batch made ahead
                    Tensor scores = testTime.outputs(model, b.x().to(model.device()));
                    lossSum += (double) loss(scores, b.labels(), false).item() * b.size();
                    confusion.update(scores, b.labels());
                    samples += b.size();
                }
            }
            skipped = stream.skipped();
        }
        return new Evaluation(samples == 0 ? Double.NaN : lossSum / samples, confusion.accuracy(), confusion, samples,
                skipped);
    }

    /**
     * {@link #evaluate(Model, Dataset)} without an optimizer at hand: the mean loss, accuracy and confusion
     * matrix of {@code model} on {@code data}, {@code batchSize} samples at a time, in inference mode. The loss is
     * {@code loss}, or when null the default (sparse categorical cross-entropy on logits, no label smoothing);
     * for a model that ends in a softmax pass {@code new SparseCategoricalCrossentropy(false)}.
     */
    public static Evaluation evaluate(Model model, Dataset data, int batchSize, Loss loss) {
        return evaluate(model, data, batchSize, loss, TestTimeAugmentation.NONE);
    }

    /** As {@link #evaluate(Model, Dataset, int, Loss)}, each batch's outputs averaged over the views of {@code testTime}. */
    public static Evaluation evaluate(Model model, Dataset data, int batchSize, Loss loss,
                                      TestTimeAugmentation testTime) {
        return new Trainer().batchSize(batchSize).loss(loss).testTimeAugmentation(testTime).evaluate(model, data);
    }

    /**
     * The model's outputs for every readable sample of {@code data}, in dataset order, on the host:
     * {@code (N, C)} for a classifier. Samples the dataset skipped have no row.
     */
    public Tensor predict(Model model, Dataset data) {
        List<float[]> parts = new ArrayList<>();
        int[] rowShape = null;
        int rows = 0;
        try (NoGrad ignored = NoGrad.enter(); BatchStream stream = data.batches(batchSize, false, 0L)) {
            while (stream.hasNext()) {
                try (TensorScope batchScope = TensorScope.open()) { // the batch and its outputs, freed batch by batch
                    Batch b = TensorScope.keepingOnly(stream::next, Batch::x); // not a batch made ahead
                    Tensor y = testTime.outputs(model, b.x().to(model.device()));
                    rowShape = Arrays.copyOfRange(y.shape(), 1, y.rank());
                    parts.add(y.toArray());
                    rows += y.shape(0);
                }
            }
        }
        if (rowShape == null) {
            throw new IllegalArgumentException("predict: the dataset gave no samples (size " + data.size() + ")");
        }
        float[] all = new float[parts.stream().mapToInt(p -> p.length).sum()];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        int[] shape = new int[rowShape.length + 1];
        shape[0] = rows;
        System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
        return Tensor.of(all, shape);
    }
}
