package org.transfer4j.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
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
 *
 * <p>A run with a {@link ModelCheckpoint} among its callbacks can be continued after a crash: build the same
 * {@code TransferTraining} and optimizers again, call {@link #resumeFrom} with the last checkpoint, then the
 * same phases. The run ends with the weights and history the uninterrupted run would have.
 */
public final class TransferTraining {
    private final TransferModel transfer;
    private final Dataset train;
    private final Dataset val;
    private Dataset fineTuneTrain;
    private MixUp fineTuneMixup;
    private History history = new History();
    private final List<Callback> callbacks = new ArrayList<>();
    private int batchSize = 32;
    private long seed;
    private float labelSmoothing;
    private double[] classWeights;
    private boolean cacheFeatures = true;
    private FeatureCache.Storage storage = FeatureCache.Storage.memory();
    private ScaleEnsemble ensemble;
    private List<ScaleHeadReport> scaleHeadReports = List.of();
    private PhaseReport lastPhase;
    private FeatureCache.Result trainFeatures; // computed once, for the LR range test and feature extraction
    private FeatureCache.Result valFeatures;
    private Checkpoint resume; // set by resumeFrom until the phase it was written in restores it
    private int phasesStarted; // phase calls so far: the index of the next one among the history's phases

    static final String FEATURE_EXTRACTION = "feature-extraction";
    static final String FINE_TUNE = "fine-tune";

    /** How a phase call starts: from its first epoch, from the checkpoint written in it, or not at all (it ended before the checkpoint). */
    private enum Start { FRESH, FROM_CHECKPOINT, DONE }

    /**
     * What a phase did: its name and epochs, how many of them were done before the checkpoint this run
     * resumed from ({@code doneBefore}: 0 for a phase that started here, {@code epochs} for one that had
     * ended and was skipped), whether it trained on cached features (and what computing them cost), and why
     * not when it could not.
     */
    public record PhaseReport(String name, int epochs, int doneBefore, boolean cached, double cacheSeconds,
                              long cacheBytes, Optional<String> notCachedBecause, long trainableParams) {
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

    /**
     * Continues the run that wrote {@code checkpoint} (with a {@link ModelCheckpoint} among its callbacks).
     * Call it before the phases, then call the phases as that run did, with the same settings and epochs and
     * optimizers built the same way. A phase that had ended before the checkpoint is skipped; the phase the
     * checkpoint was written in restores what it trained (the head alone when it trained on cached features,
     * which are computed again; else the whole model, trainable flags included), the optimizer and the random
     * state, and runs its remaining epochs; later phases run as usual. {@link #history()} continues the
     * checkpoint's. What does not fit the checkpoint (classes, phases, epochs, batch size, seed, weights,
     * optimizer) throws a {@link CheckpointMismatchException} before the phase trains.
     */
    public TransferTraining resumeFrom(Checkpoint checkpoint) {
        if (phasesStarted > 0) {
            throw new IllegalStateException("resumeFrom: call it before the first phase");
        }
        History written = checkpoint.history();
        if (written.phases().isEmpty()) {
            throw new CheckpointMismatchException("the checkpoint of epoch " + checkpoint.epoch() + " has no phases: "
                    + "it was not written by a TransferTraining run (continue it with Trainer.resume)");
        }
        if (!checkpoint.classNames().equals(train.classNames())) {
            throw new CheckpointMismatchException("the checkpoint was trained on the classes " + checkpoint.classNames()
                    + ", the training data has " + train.classNames());
        }
        this.resume = checkpoint;
        this.history = written;
        return this;
    }

    /**
     * Begins the phase {@code name} of {@code epochs} epochs in the history, or when resuming checks it against
     * the checkpoint's phase at the same place and says whether it is done or continues from the checkpoint.
     */
    private Start start(String name, int epochs) {
        int index = phasesStarted++;
        if (resume == null) {
            history.beginPhase(name);
            return Start.FRESH;
        }
        List<History.Phase> phases = history.phases();
        List<String> names = phases.stream().map(History.Phase::name).toList();
        History.Phase phase = phases.get(index); // resume is used up by the last of them, so index is in range
        if (!phase.name().equals(name)) {
            throw new CheckpointMismatchException("the checkpoint's run has the phases " + names + ", so phase "
                    + (index + 1) + " is " + phase.name() + ", not " + name);
        }
        Checkpoint.Position at = resume.position();
        int phaseEpochs = index < phases.size() - 1 ? phases.get(index + 1).firstEpoch() - phase.firstEpoch()
                : at.fitLastEpoch() - at.fitFirstEpoch() + 1;
        if (phaseEpochs != epochs) {
            throw new CheckpointMismatchException("the checkpoint's " + name + " phase has " + phaseEpochs
                    + " epochs, this run asks for " + epochs);
        }
        if (index < phases.size() - 1) {
            return Start.DONE;
        }
        if (at.batchSize() != batchSize || at.seed() != seed) {
            throw new CheckpointMismatchException("the checkpoint's run has batch size " + at.batchSize() + " and seed "
                    + at.seed() + ", this one " + batchSize + " and " + seed);
        }
        return Start.FROM_CHECKPOINT;
    }

    /** Epochs of the phase done before this call: 0, those up to the checkpoint, or all of them. */
    private int doneBefore(Start start, int epochs) {
        return switch (start) {
            case FRESH -> 0;
            case FROM_CHECKPOINT -> resume.epoch() - resume.position().fitFirstEpoch() + 1;
            case DONE -> epochs;
        };
    }

    /** Trains {@code model} for the phase: all its epochs, or from the checkpoint, the ones it has left. */
    private void fit(Trainer trainer, Model model, Dataset data, Dataset validation, int epochs, Start start) {
        Callback[] cbs = callbacks.toArray(Callback[]::new);
        if (start == Start.FRESH) {
            trainer.fit(model, data, validation, epochs, history, cbs);
        } else {
            Checkpoint from = restore(model, trainer.optimizer());
            history = trainer.resumeRestored(model, data, validation, from, cbs);
        }
    }

    /** Puts the checkpoint into {@code model} and {@code optimizer}, which use it up. */
    private Checkpoint restore(Model model, Optimizer optimizer) {
        Checkpoint from = resume;
        try {
            from.restore(model, optimizer);
        } catch (IllegalArgumentException e) {
            throw new CheckpointMismatchException("cannot resume '" + model.name() + "' from the checkpoint of epoch "
                    + from.epoch() + ": " + e.getMessage(), e);
        }
        resume = null;
        return from;
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
        Start start = start(FEATURE_EXTRACTION, epochs);
        int done = doneBefore(start, epochs);
        Optional<String> why = notCachedBecause();
        long params = transfer.trainableParams();
        try {
            if (start == Start.DONE) {
                lastPhase = new PhaseReport(FEATURE_EXTRACTION, epochs, done, false, 0, 0, why, params);
            } else if (why.isPresent()) {
                fit(trainer(optimizer), transfer.model(), train, val, epochs, start);
                lastPhase = new PhaseReport(FEATURE_EXTRACTION, epochs, done, false, 0, 0, why, params);
            } else if (done == epochs) { // the checkpoint is of the phase's last epoch: no features needed
                restore(transfer.head(), optimizer);
                lastPhase = new PhaseReport(FEATURE_EXTRACTION, epochs, done, true, 0, 0, why, params);
            } else {
                computeFeatures();
                Dataset cachedVal = valFeatures == null ? null : valFeatures.dataset();
                fit(trainer(optimizer), transfer.head(), trainFeatures.dataset(), cachedVal, epochs, start);
                double seconds = trainFeatures.seconds() + (valFeatures == null ? 0 : valFeatures.seconds());
                long bytes = trainFeatures.bytes() + (valFeatures == null ? 0 : valFeatures.bytes());
                lastPhase = new PhaseReport(FEATURE_EXTRACTION, epochs, done, true, seconds, bytes, why, params);
            }
        } finally {
            releaseFeatures(); // also those an LR range test computed for this phase
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
                return loss.compute(model.call(b.x().to(model.device()), true), b.labels());
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
        Start start = start(FINE_TUNE, epochs);
        int done = doneBefore(start, epochs);
        if (start != Start.DONE) {
            Dataset images = fineTuneTrain == null ? train : fineTuneTrain;
            fit(trainer(optimizer).mixup(fineTuneMixup), transfer.model(), images, val, epochs, start);
        }
        lastPhase = new PhaseReport(FINE_TUNE, epochs, done, false, 0, 0,
                Optional.of("the base trains"), transfer.trainableParams());
        return history;
    }

    /** What {@link #scaleHeads} trained: a head's size, its own validation accuracy, and its cached features' cost. */
    public record ScaleHeadReport(int size, double valAccuracy, double cacheSeconds, long cacheBytes) {
    }

    /**
     * After the phases: freezes the transfer model, builds a {@link ScaleEnsemble} with one new head per size in
     * {@code sizes}, and trains each new head for {@code epochs} epochs (optimizer from {@code optimizerFor}, given
     * the head) on the frozen base's features of the unaugmented training images resized to its size, computed
     * once ({@link FeatureCache}). From then on {@link #model()} and {@link #evaluate} are the ensemble's. These
     * epochs are not added to {@link #history()} nor given to the callbacks: they train other weights than the
     * phases' curves show, and there is nothing of them to resume (a resumed run trains them again, as the same
     * seeds make them).
     */
    public ScaleEnsemble scaleHeads(int epochs, Function<Model, Optimizer> optimizerFor, int... sizes) {
        if (resume != null) {
            throw new IllegalStateException("resumeFrom was given a checkpoint of a phase this run has not reached");
        }
        transfer.model().setTrainable(false);
        ScaleEnsemble built = ScaleEnsemble.of(transfer, sizes);
        List<ScaleHeadReport> reports = new ArrayList<>();
        for (ScaleEnsemble.Branch branch : built.branches()) {
            try (FeatureCache.Result trainCache = FeatureCache.compute(branch.extractor(), train, batchSize, storage);
                    FeatureCache.Result valCache = val == null ? null
                            : FeatureCache.compute(branch.extractor(), val, batchSize, storage)) {
                Dataset cachedVal = valCache == null ? null : valCache.dataset();
                History own = trainer(optimizerFor.apply(branch.head())).fit(branch.head(), trainCache.dataset(),
                        cachedVal, epochs, new History());
                reports.add(new ScaleHeadReport(branch.size(), own.last().getOrDefault("val_accuracy", Double.NaN),
                        trainCache.seconds() + (valCache == null ? 0 : valCache.seconds()),
                        trainCache.bytes() + (valCache == null ? 0 : valCache.bytes())));
            }
        }
        ensemble = built;
        scaleHeadReports = List.copyOf(reports);
        return built;
    }

    /** One report per head of the last {@link #scaleHeads} call; empty before. */
    public List<ScaleHeadReport> scaleHeadReports() {
        return scaleHeadReports;
    }

    /** The model the phases trained, or after {@link #scaleHeads} the ensemble of its heads. */
    public Model model() {
        return ensemble == null ? transfer.model() : ensemble.model();
    }

    /** The model's loss (from its logits), accuracy and confusion matrix on {@code data}, in inference mode. */
    public Evaluation evaluate(Dataset data) {
        return evaluate(data, TestTimeAugmentation.NONE);
    }

    /** As {@link #evaluate(Dataset)}, the outputs averaged over the views of {@code testTime} (e.g. image and mirror image). */
    public Evaluation evaluate(Dataset data, TestTimeAugmentation testTime) {
        if (resume != null) {
            throw new IllegalStateException("the checkpoint given to resumeFrom was written in the "
                    + history.phases().getLast().name() + " phase, which this run has not reached: call the phases as "
                    + "the run that wrote it did");
        }
        return Trainer.evaluate(model(), data, batchSize, null, testTime);
    }
}
