package org.transfer4j.examples;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.transfer4j.backend.cpu.CpuParallel;
import org.transfer4j.nn.Model;
import org.transfer4j.optim.Adam;
import org.transfer4j.optim.LearningRates;
import org.transfer4j.optim.Optimizer;
import org.transfer4j.optim.ParamGroup;
import org.transfer4j.optim.ParamGroups;
import org.transfer4j.tensor.Generator;

/**
 * The end-to-end demo of transfer learning, on generated images (no download):
 * <ol>
 *   <li>pretrain {@link StripeNet} on the {@link StripeImages.Task#SOURCE} task (10 stripe angles,
 *       plenty of images);</li>
 *   <li>on the related {@link StripeImages.Task#TARGET} task (5 other angles, square waves, more
 *       noise, few images) compare the three approaches:
 *     <ol>
 *       <li>train the same structure from scratch;</li>
 *       <li>reuse the pretrained base frozen (a feature extractor, BN in inference mode) under a new head;</li>
 *       <li>fine-tune: unfreeze the base's top block and train it at a tenth of the head's rate.</li>
 *     </ol></li>
 * </ol>
 * Approach 3 is one stage with discriminative rates: a fresh head and the unfrozen top block train
 * together from the start, the low rate keeping the head's first, large gradients from wrecking the
 * pretrained block. The Keras guide's recipe has two stages instead (train the head on the frozen base,
 * as approach 2, then unfreeze and train on at a low rate), as does fastai's {@code fine_tune}.
 * It prints a table of validation accuracy, trainable parameters and time per approach. Everything
 * is seeded (data, initial weights, dropout, shuffling), so a run repeats for a given thread count.
 */
public final class Demo {
    private final Config config;
    private final PrintWriter out;

    private Demo(Config config, PrintWriter out) {
        this.config = config;
        this.out = out;
    }

    /** Runs the demo with {@code config}, printing progress and the comparison to {@code out}. */
    public static Result run(Config config, PrintWriter out) {
        return new Demo(config, out).run();
    }

    /**
     * Data sizes are images per class. {@code lr} is Adam's rate for the head (and for everything
     * when training from scratch); fine-tuning trains the top block at {@code lr / 10}.
     */
    public record Config(long seed, int imageSize, int sourcePerClass, int sourceEpochs, int targetPerClass,
                         int targetEpochs, int valPerClass, int batch, float lr) {

        public static final long DEFAULT_SEED = 42;
        public static final int DEFAULT_IMAGE_SIZE = 24;
        public static final int DEFAULT_SOURCE_PER_CLASS = 200;
        public static final int DEFAULT_SOURCE_EPOCHS = 5;
        public static final int DEFAULT_TARGET_PER_CLASS = 10;
        public static final int DEFAULT_TARGET_EPOCHS = 15;
        public static final int DEFAULT_VAL_PER_CLASS = 50;
        public static final int DEFAULT_BATCH = 32;
        public static final float DEFAULT_LR = 0.003f;

        public Config {
            require(imageSize >= 8, "image-size must be at least 8, got " + imageSize);
            require(sourcePerClass >= 1, "source-per-class must be at least 1, got " + sourcePerClass);
            require(sourceEpochs >= 1, "source-epochs must be at least 1, got " + sourceEpochs);
            require(targetPerClass >= 1, "target-per-class must be at least 1, got " + targetPerClass);
            require(targetEpochs >= 1, "target-epochs must be at least 1, got " + targetEpochs);
            require(valPerClass >= 1, "val-per-class must be at least 1, got " + valPerClass);
            require(batch >= 1, "batch must be at least 1, got " + batch);
            require(lr > 0 && Float.isFinite(lr), "lr must be a positive number, got " + lr);
            // Checked here, before any training, rather than failing half-way through the run.
            requireOneArray("source-per-class", sourcePerClass, StripeImages.Task.SOURCE.classes(), imageSize);
            requireOneArray("target-per-class", targetPerClass, StripeImages.Task.TARGET.classes(), imageSize);
            requireOneArray("val-per-class", valPerClass, StripeImages.Task.SOURCE.classes(), imageSize);
        }

        public static Config defaults() {
            return new Config(DEFAULT_SEED, DEFAULT_IMAGE_SIZE, DEFAULT_SOURCE_PER_CLASS, DEFAULT_SOURCE_EPOCHS,
                    DEFAULT_TARGET_PER_CLASS, DEFAULT_TARGET_EPOCHS, DEFAULT_VAL_PER_CLASS, DEFAULT_BATCH, DEFAULT_LR);
        }

        /** A data set is one float array of {@code perClass * classes * size * size * 3} pixel values. */
        private static void requireOneArray(String option, int perClass, int classes, int imageSize) {
            double values = (double) perClass * classes * imageSize * imageSize * 3;
            require(values <= StripeImages.MAX_VALUES, String.format(Locale.ROOT,
                    "%s %d at image-size %d makes %.3g pixel values, more than one Java array holds (%d);"
                            + " use fewer or smaller images", option, perClass, imageSize, values, StripeImages.MAX_VALUES));
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException("demo: " + message);
            }
        }
    }

    /**
     * The seeds of the demo's six random streams, each the user's seed mixed with its own constant. The
     * generators are counter-based (number k of stream s is {@code hash(s, k)}), so two streams on one seed
     * would draw the very same numbers: the initial weights would be a function of the first training
     * images, and train and validation images would coincide. {@code mix64} is a bijection, so distinct
     * constants give distinct seeds for every user seed.
     */
    record Streams(long sourceTrain, long sourceVal, long targetTrain, long targetVal, long weights, long shuffle) {
        static Streams of(long seed) {
            return new Streams(derive(seed, 0x737263L), derive(seed, 0x76616cL), derive(seed, 0x746774L),
                    derive(seed, 0x747676L), derive(seed, 0x777473L), derive(seed, 0x736866L));
        }

        private static long derive(long seed, long stream) {
            return Generator.mix64(seed ^ stream);
        }
    }

    /**
     * One row of the comparison. {@code trainableParams} counts the model's trainable weights (every one
     * of them is in a parameter group); {@code groupRates} is the learning rate of each group, in order.
     */
    public record Approach(String name, long trainableParams, List<Double> groupRates, double valAccuracy,
                           double seconds) {
        public Approach {
            groupRates = List.copyOf(groupRates);
        }
    }

    /** The pretrained model's accuracy on its own task, then the three approaches on the target task. */
    public record Result(double sourceValAccuracy, List<Approach> approaches, boolean frozenBaseUnchanged) {
        public Approach scratch() {
            return approaches.get(0);
        }

        public Approach frozen() {
            return approaches.get(1);
        }

        public Approach fineTuned() {
            return approaches.get(2);
        }
    }

    private Result run() {
        long start = System.nanoTime();
        Streams seeds = Streams.of(config.seed());
        Generator.manualSeed(seeds.weights()); // initial weights and dropout masks
        Generator shuffle = new Generator(seeds.shuffle());
        int size = config.imageSize();

        // 1. Pretrain on the source task.
        LabelledImages sourceTrain = StripeImages.generate(StripeImages.Task.SOURCE, config.sourcePerClass(), size,
                seeds.sourceTrain());
        LabelledImages sourceVal = StripeImages.generate(StripeImages.Task.SOURCE, config.valPerClass(), size,
                seeds.sourceVal());
        Model base = StripeNet.base(size);
        Model source = StripeNet.classifier(base, StripeImages.Task.SOURCE.classes(), "source_head");
        out.printf(Locale.ROOT, "pretraining on the source task (%s): %d images of %dx%d, %d parameters, %d epochs, CPU (%d threads)%n",
                StripeImages.Task.SOURCE.name(), sourceTrain.count(), size, size, source.countParams(),
                config.sourceEpochs(), CpuParallel.threads());
        Training.fit(source, adam(ParamGroups.all(source), config.lr()),
                sourceTrain, config.sourceEpochs(), config.batch(), shuffle, this::printEpoch);
        double sourceAccuracy = Training.accuracy(source, sourceVal, config.batch());
        out.printf(Locale.ROOT, "  source validation accuracy %.3f (chance %.3f)%n%n", sourceAccuracy,
                1.0 / StripeImages.Task.SOURCE.classes());

        // 2. The target task: few training images.
        StripeImages.Task task = StripeImages.Task.TARGET;
        LabelledImages targetTrain = StripeImages.generate(task, config.targetPerClass(), size, seeds.targetTrain());
        LabelledImages targetVal = StripeImages.generate(task, config.valPerClass(), size, seeds.targetVal());
        out.printf(Locale.ROOT, "target task (%s): %d training images, %d validation images, %d epochs each%n",
                task.name(), targetTrain.count(), targetVal.count(), config.targetEpochs());

        List<Approach> rows = new ArrayList<>();
        // (1) from scratch: a fresh base and head, everything trained at lr.
        Model scratch = StripeNet.classifier(StripeNet.base(size), task.classes(), "scratch_head");
        rows.add(train("1. from scratch", scratch, ParamGroups.all(scratch), targetTrain, targetVal, shuffle));

        // (2) the pretrained base frozen under a new head: only the head trains. The optimizer gets every
        // weight the model calls trainable, so a base that did not freeze would move and fail the check.
        Model frozen = StripeNet.classifier(base, task.classes(), "frozen_head");
        base.setTrainable(false);
        List<float[]> before = snapshot(base);
        rows.add(train("2. pretrained base frozen, new head", frozen, ParamGroups.all(frozen), targetTrain,
                targetVal, shuffle));
        boolean unchanged = sameValues(before, snapshot(base));

        // (3) fine-tuning: a new head, the top block unfrozen at a tenth of the head's rate.
        Model fineTuned = StripeNet.classifier(base, task.classes(), "tuned_head");
        fineTuned.unfreezeFrom(StripeNet.TOP_BLOCK);
        // [base (only its unfrozen top block has trainable weights), head], rates x0.1 and x1.
        List<ParamGroup> groups = LearningRates.setMultipliers(ParamGroups.headAndBase(fineTuned, base.name()), 0.1, 1);
        rows.add(train("3. fine-tune top block (base lr x0.1)", fineTuned, groups, targetTrain, targetVal, shuffle));
        out.printf("%nthe fine-tuning model: the pretrained base nested as one layer, its top block unfrozen%n");
        out.print(fineTuned.summary());

        printTable(rows, unchanged, task);
        out.printf(Locale.ROOT, "total %.1f s%n", seconds(start));
        out.flush();
        return new Result(sourceAccuracy, rows, unchanged);
    }

    private Approach train(String name, Model model, List<ParamGroup> groups, LabelledImages train,
                           LabelledImages val, Generator shuffle) {
        long t0 = System.nanoTime();
        Optimizer optimizer = adam(groups, config.lr());
        Training.fit(model, optimizer, train, config.targetEpochs(), config.batch(), shuffle, s -> { });
        double seconds = seconds(t0);
        long trainable = model.countTrainableParams();
        List<Double> rates = groups.stream().map(optimizer::currentRate).toList();
        return new Approach(name, trainable, rates, Training.accuracy(model, val, config.batch()), seconds);
    }

    private static Optimizer adam(List<ParamGroup> groups, double lr) {
        return new Adam(groups, lr);
    }

    /** Copies of every weight of the model, moving statistics included. */
    private static List<float[]> snapshot(Model model) {
        return model.weights().stream().map(w -> w.value().toArray()).toList();
    }

    private static boolean sameValues(List<float[]> a, List<float[]> b) {
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return a.size() == b.size();
    }

    private void printEpoch(Training.EpochStats s) {
        out.printf(Locale.ROOT, "  epoch %2d/%d  loss %.4f  train acc %.3f  %5.1f s%n", s.epoch(),
                config.sourceEpochs(), s.trainLoss(), s.trainAccuracy(), s.seconds());
        out.flush(); // show progress as it happens, whatever the writer's buffering
    }

    private void printTable(List<Approach> rows, boolean unchanged, StripeImages.Task task) {
        out.printf(Locale.ROOT, "%n%-40s %16s %8s %7s%n", "approach", "trainable params", "val acc", "time");
        for (Approach a : rows) {
            out.printf(Locale.ROOT, "%-40s %,16d %8.3f %5.1f s%n", a.name(), a.trainableParams(), a.valAccuracy(),
                    a.seconds());
        }
        out.printf(Locale.ROOT, "(chance %.3f; the frozen base's weights and BN statistics %s)%n",
                1.0 / task.classes(), unchanged ? "stayed bit-identical" : "CHANGED");
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
