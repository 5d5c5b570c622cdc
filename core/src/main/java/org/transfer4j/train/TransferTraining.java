package org.transfer4j.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.transfer4j.losses.SparseCategoricalCrossentropy;
import org.transfer4j.nn.Model;
import org.transfer4j.optim.LrFindResult;
import org.transfer4j.optim.LrFinder;
import org.transfer4j.optim.Optimizer;

/**
 * The two phases of transfer learning on a {@link TransferModel}, as the Keras guide runs them, keeping one
 * {@link History} across them:
 * <ol>
 *   <li>{@link #featureExtraction}: the base is frozen and only the head learns. When the base's features
 *       do not change between epochs (every layer below the head frozen, training images not augmented),
 *       they are computed once by {@link FeatureCache} and the head trains on them: later epochs cost only
 *       the head. Otherwise the whole model runs on the images every epoch.</li>
 *   <li>{@link #fineTune}: after {@link TransferModel#unfreezeFrom} or {@link TransferModel#unfreezeTopBlocks},
 *       the whole model trains on the images, usually at a smaller rate and with the base at a fraction of
 *       the head's rate (parameter groups).</li>
 * </ol>
 * Each phase gets its optimizer from the caller, built on the weights that train in it; the trainer's
 * settings (batch size, seed, label smoothing, class weights, callbacks) are the same in both.
 */
public final class TransferTraining {
    private final TransferModel transfer;
    private final Dataset train;
    private final Dataset val;
    private Dataset fineTuneTrain;
    private MixUp fineTuneMixup;
    private final History history = new History();
    private final List<Callback> callbacks = new ArrayList<>();
    private int batchSize = 32;
    private long seed;
    private float labelSmoothing;
    private double[] classWeights;
    private boolean cacheFeatures = true;
    private FeatureCache.Storage storage = FeatureCache.Storage.memory();
    private PhaseReport lastPhase;
    private FeatureCache.Result trainFeatures; // computed once, for the LR range test and feature extraction
    private FeatureCache.Result valFeatures;

    /**
     * What a phase did: its name and epochs, whether it trained on cached features (and what computing them
     * cost), and why not when it could not.
     */
    public record PhaseReport(String name, int epochs, boolean cached, double cacheSeconds, long cacheBytes,
                              Optional<String> notCachedBecause, long trainableParams) {
    }

    /** {@code val} may be null (no validation). */
    public TransferTraining(TransferModel transfer, Dataset train, Dataset val) {
        this.transfer = Objects.requireNonNull(transfer, "transfer");
        this.train = Objects.requireNonNull(train, "train");
        this.val = val;
    }

    public TransferTraining batchSize(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + value);
        }
        this.batchSize = value;
        return this;
    }

    public TransferTraining seed(long value) {
        this.seed = value;
        return this;
    }

    public TransferTraining labelSmoothing(float value) {
        this.labelSmoothing = value;
        return this;
    }

    /** Per-class loss weights for training (null: none); see {@link ClassWeights}. */
    public TransferTraining classWeights(double[] value) {
        this.classWeights = value == null ? null : value.clone();
        return this;
    }

    /**
     * The training images of the fine-tuning phase (default: those of feature extraction). Augmenting
     * only these keeps feature extraction cacheable: the head first learns from the plain images' cached
     * features, then the whole model from augmented images.
     */
    public TransferTraining fineTuneTrain(Dataset value) {
        this.fineTuneTrain = Objects.requireNonNull(value, "fineTuneTrain");
        return this;
    }

    /**
     * mixup for the fine-tuning phase ({@code null}: none, the default). Feature extraction never mixes:
     * mixing the images would stop the features from being cached, and the head alone has few weights to overfit.
     */
    public TransferTraining fineTuneMixup(MixUp value) {
        this.fineTuneMixup = value;
        return this;
    }

    /** Whether feature extraction may train on cached features (default true). */
    public TransferTraining cacheFeatures(boolean value) {
        this.cacheFeatures = value;
        return this;
    }

    /** Where cached features live (default: memory). */
    public TransferTraining cacheStorage(FeatureCache.Storage value) {
        this.storage = Objects.requireNonNull(value, "storage");
        return this;
    }

    /** Callbacks for every phase (progress bar, CSV logger, checkpoints...). */
    public TransferTraining callbacks(Callback... values) {
        callbacks.addAll(List.of(values));
        return this;
    }

    /** Optimizer steps per epoch of feature extraction (or, with false, of fine-tuning): ceil(samples / batch). */
    public int stepsPerEpoch(boolean featureExtraction) {
        Dataset d = featureExtraction || fineTuneTrain == null ? train : fineTuneTrain;
        return (d.size() + batchSize - 1) / batchSize;
    }

    public History history() {
        return history;
    }

    /** The report of the last phase run, or null before the first. */
    public PhaseReport lastPhase() {
        return lastPhase;
    }

    private Trainer trainer(Optimizer optimizer) {
        return new Trainer(optimizer).batchSize(batchSize).seed(seed).labelSmoothing(labelSmoothing)
                .classWeights(classWeights);
    }

    /**
     * Freezes the base and trains the head for {@code epochs} epochs with {@code optimizer} (its groups
     * should hold the head's weights, e.g. {@code ParamGroups.all(transfer.head())}).
     */
    public History featureExtraction(int epochs, Optimizer optimizer) {
        transfer.freezeBase();
        history.beginPhase("feature-extraction");
        Optional<String> why = notCachedBecause();
        Callback[] cbs = callbacks.toArray(Callback[]::new);
        if (why.isPresent()) {
            trainer(optimizer).fit(transfer.model(), train, val, epochs, history, cbs);
            lastPhase = new PhaseReport("feature-extraction", epochs, false, 0, 0, why, transfer.trainableParams());
            return history;
        }
        try {
            computeFeatures();
            Dataset cachedVal = valFeatures == null ? null : valFeatures.dataset();
            trainer(optimizer).fit(transfer.head(), trainFeatures.dataset(), cachedVal, epochs, history, cbs);
            double seconds = trainFeatures.seconds() + (valFeatures == null ? 0 : valFeatures.seconds());
            long bytes = trainFeatures.bytes() + (valFeatures == null ? 0 : valFeatures.bytes());
            lastPhase = new PhaseReport("feature-extraction", epochs, true, seconds, bytes, Optional.empty(),
                    transfer.trainableParams());
        } finally {
            releaseFeatures();
        }
        return history;
    }

    /** Why the frozen base's features of the training images cannot be cached; empty when they can. */
    private Optional<String> notCachedBecause() {
        return cacheFeatures ? FeatureCache.reasonNotCacheable(transfer.extractor(), train)
                : Optional.of("feature caching is off");
    }

    private void computeFeatures() {
        if (trainFeatures == null) {
            trainFeatures = FeatureCache.compute(transfer.extractor(), train, batchSize, storage);
            valFeatures = val == null ? null : FeatureCache.compute(transfer.extractor(), val, batchSize, storage);
        }
    }

    private void releaseFeatures() {
        if (trainFeatures != null) {
            trainFeatures.close();
        }
        if (valFeatures != null) {
            valFeatures.close();
        }
        trainFeatures = null;
        valFeatures = null;
    }

    /**
     * The LR range test ({@link LrFinder}) for the head of feature extraction: the base frozen, the head trained
     * on {@code batches} batches at rates rising from {@code start} to {@code end}, on cached features when they
     * can be cached (they are then kept for {@link #featureExtraction}). The head's weights and the optimizer's
     * state are put back afterwards.
     */
    public LrFindResult findHeadLearningRate(Optimizer optimizer, double start, double end, int batches) {
        transfer.freezeBase();
        boolean cached = notCachedBecause().isEmpty();
        if (cached) {
            computeFeatures();
        }
        Model model = cached ? transfer.head() : transfer.model();
        Dataset data = cached ? trainFeatures.dataset() : train;
        SparseCategoricalCrossentropy loss = new SparseCategoricalCrossentropy(true);
        BatchStream[] stream = {null};
        int[] epoch = {0};
        try {
            return new LrFinder(optimizer).restoring(model).range(start, end).batches(batches).run(i -> {
                if (stream[0] == null || !stream[0].hasNext()) { // cycle through epochs as long as the test runs
                    if (stream[0] != null) {
                        stream[0].close();
                    }
                    stream[0] = data.batches(batchSize, true, EpochOrder.epochSeed(seed ^ 0x1F1D, epoch[0]++));
                }
                Batch b = stream[0].next();
                return loss.compute(model.call(b.x(), true), b.labels());
            });
        } finally {
            if (stream[0] != null) {
                stream[0].close();
            }
        }
    }

    /**
     * Trains the whole model on the images ({@link #fineTuneTrain}) for {@code epochs} epochs, with what the caller unfroze before
     * (the frozen layers stay as they are) and {@code optimizer} over the weights that train.
     */
    public History fineTune(int epochs, Optimizer optimizer) {
        history.beginPhase("fine-tune");
        Dataset images = fineTuneTrain == null ? train : fineTuneTrain;
        trainer(optimizer).mixup(fineTuneMixup).fit(transfer.model(), images, val, epochs, history, callbacks.toArray(Callback[]::new));
        lastPhase = new PhaseReport("fine-tune", epochs, false, 0, 0, Optional.of("the base trains"),
                transfer.trainableParams());
        return history;
    }

    /** The model's loss (from its logits), accuracy and confusion matrix on {@code data}, in inference mode. */
    public Evaluation evaluate(Dataset data) {
        return Trainer.evaluate(transfer.model(), data, batchSize, null);
    }
}
