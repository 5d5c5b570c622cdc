package org.transfer4j.examples;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.transfer4j.Transfer4jException;
import org.transfer4j.autograd.NoGrad;
import org.transfer4j.backend.cpu.CpuParallel;
import org.transfer4j.ops.SoftmaxCrossEntropy;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/**
 * The end-to-end demo: makes a {@link StripeImages} data set, trains a {@link SmallCnn} on it from
 * scratch with mini-batch SGD with momentum, and reports the validation accuracy after each epoch.
 * Everything is seeded, so a run is reproducible. Call {@link #run} (the {@code transfer4j demo}
 * command does, and so do the tests).
 */
public final class Demo {
    /** Mixed into the seed for the validation images ("val" in ASCII), so they are not the training images. */
    private static final long VALIDATION_STREAM = 0x76616cL;

    private final Config config;
    private final PrintWriter out;

    private Demo(Config config, PrintWriter out) {
        this.config = config;
        this.out = out;
    }

    /** Runs the demo with {@code config}, printing progress to {@code out}. */
    public static Result run(Config config, PrintWriter out) {
        return new Demo(config, out).run();
    }

    /**
     * What to train on and how. {@code perClass} counts are images per class; {@code lr} and
     * {@code momentum} are SGD's learning rate and momentum.
     */
    public record Config(int epochs, long seed, int trainPerClass, int valPerClass, int imageSize, int batch,
                         float lr, float momentum) {

        public static final int DEFAULT_EPOCHS = 10;
        public static final long DEFAULT_SEED = 42;
        public static final int DEFAULT_TRAIN_PER_CLASS = 200;
        public static final int DEFAULT_VAL_PER_CLASS = 50;
        public static final int DEFAULT_IMAGE_SIZE = 24;
        public static final int DEFAULT_BATCH = 32;
        public static final float DEFAULT_LR = 0.05f;
        public static final float DEFAULT_MOMENTUM = 0.9f;

        public Config {
            require(epochs >= 1, "epochs must be at least 1, got " + epochs);
            require(trainPerClass >= 1, "train-per-class must be at least 1, got " + trainPerClass);
            require(valPerClass >= 1, "val-per-class must be at least 1, got " + valPerClass);
            require(imageSize >= 4, "image-size must be at least 4, got " + imageSize);
            require(batch >= 1, "batch must be at least 1, got " + batch);
            require(lr > 0 && Float.isFinite(lr), "lr must be a positive number, got " + lr);
            require(momentum >= 0 && momentum < 1, "momentum must be in [0, 1), got " + momentum);
        }

        public static Config defaults() {
            return new Config(DEFAULT_EPOCHS, DEFAULT_SEED, DEFAULT_TRAIN_PER_CLASS, DEFAULT_VAL_PER_CLASS,
                    DEFAULT_IMAGE_SIZE, DEFAULT_BATCH, DEFAULT_LR, DEFAULT_MOMENTUM);
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException("demo: " + message);
            }
        }
    }

    /**
     * One epoch's numbers: mean training loss and accuracy (over the epoch's batches, as the weights
     * changed), validation accuracy at the end, the epoch's time including validation, and the
     * training speed.
     */
    public record EpochStats(int epoch, double trainLoss, double trainAccuracy, double valAccuracy,
                             double seconds, double imagesPerSecond) {
    }

    /** All epochs, in order. */
    public record Result(List<EpochStats> epochs) {
        public EpochStats last() {
            return epochs.getLast();
        }

        public double valAccuracy() {
            return last().valAccuracy();
        }
    }

    private Result run() {
        long start = System.nanoTime();
        // Train and validation sets come from different random streams, so they share no image.
        LabelledImages train = StripeImages.generate(config.trainPerClass(), config.imageSize(), config.seed());
        LabelledImages val = StripeImages.generate(config.valPerClass(), config.imageSize(),
                Generator.mix64(config.seed() ^ VALIDATION_STREAM));
        Generator gen = new Generator(config.seed());
        SmallCnn model = new SmallCnn(StripeImages.CLASSES, gen);
        printHeader(train, val, model, seconds(start));

        List<Tensor> params = model.parameters();
        List<Tensor> velocity = new ArrayList<>();
        for (Tensor p : params) {
            velocity.add(Tensor.zeros(p.shape()));
        }
        List<EpochStats> history = new ArrayList<>();
        for (int epoch = 1; epoch <= config.epochs(); epoch++) {
            long t0 = System.nanoTime();
            int[] order = train.shuffled(gen);
            double lossSum = 0;
            int correct = 0;
            int batches = 0;
            for (int from = 0; from < order.length; from += config.batch()) {
                LabelledImages.Batch b = train.batch(order, from, Math.min(from + config.batch(), order.length));
                Tensor logits = model.forward(b.x());
                Tensor loss = SoftmaxCrossEntropy.sparse(logits, b.labels(), 0f, null);
                float lossValue = loss.item();
                if (!Float.isFinite(lossValue)) {
                    throw new Transfer4jException("demo: the loss became " + lossValue + " in epoch " + epoch
                            + ", batch " + (batches + 1) + " (try a smaller --lr)");
                }
                loss.backward();
                sgdStep(params, velocity);
                lossSum += lossValue;
                correct += countCorrect(logits, b.labels());
                batches++;
            }
            double trainSeconds = seconds(t0);
            double valAccuracy = accuracy(model, val);
            EpochStats stats = new EpochStats(epoch, lossSum / batches, (double) correct / train.count(), valAccuracy,
                    seconds(t0), train.count() / trainSeconds);
            history.add(stats);
            printEpoch(stats);
        }
        Result result = new Result(history);
        out.printf(Locale.ROOT, "final validation accuracy %.3f (chance is %.3f), %d epochs in %.1f s%n",
                result.valAccuracy(), 1.0 / StripeImages.CLASSES, config.epochs(), seconds(start));
        return result;
    }

    /**
     * SGD with momentum, PyTorch's form: {@code v = momentum * v + grad; w = w - lr * v}. Runs under
     * {@link NoGrad} so the update itself is not recorded, and writes the new values into the
     * parameter's own storage, so the model keeps the same tensors.
     */
    private void sgdStep(List<Tensor> params, List<Tensor> velocity) {
        try (NoGrad ignored = NoGrad.enter()) {
            for (int i = 0; i < params.size(); i++) {
                Tensor w = params.get(i);
                Tensor v = velocity.get(i).mul(config.momentum()).add(w.grad());
                velocity.set(i, v);
                w.backend().copy(w.sub(v.mul(config.lr())), w);
                w.zeroGrad();
            }
        }
    }

    /** The fraction of {@code images} the model classifies right, in batches, without recording a tape. */
    private double accuracy(SmallCnn model, LabelledImages images) {
        int[] order = images.inOrder();
        int correct = 0;
        try (NoGrad ignored = NoGrad.enter()) {
            for (int from = 0; from < order.length; from += config.batch()) {
                LabelledImages.Batch b = images.batch(order, from, Math.min(from + config.batch(), order.length));
                correct += countCorrect(model.forward(b.x()), b.labels());
            }
        }
        return (double) correct / images.count();
    }

    /** How many rows of {@code logits (N,classes)} have their largest value at the label. */
    static int countCorrect(Tensor logits, int[] labels) {
        float[] z = logits.toArray();
        int classes = logits.shape(1);
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (z[i * classes + c] > z[i * classes + best]) {
                    best = c;
                }
            }
            if (best == labels[i]) {
                correct++;
            }
        }
        return correct;
    }

    private void printHeader(LabelledImages train, LabelledImages val, SmallCnn model, double dataSeconds) {
        out.printf(Locale.ROOT, "data:  %d classes of %dx%d RGB stripe images (angle = class), %d train / %d validation,"
                        + " seed %d, made in %.1f s%n", StripeImages.CLASSES, config.imageSize(), config.imageSize(),
                train.count(), val.count(), config.seed(), dataSeconds);
        out.printf(Locale.ROOT, "model: %s, %d parameters, trained from scratch on the CPU (%d threads)%n",
                model.describe(), model.parameterCount(), CpuParallel.threads());
        out.printf(Locale.ROOT, "train: SGD lr %s momentum %s, batch %d, %d epochs%n",
                config.lr(), config.momentum(), config.batch(), config.epochs());
    }

    private void printEpoch(EpochStats s) {
        out.printf(Locale.ROOT, "epoch %2d/%d  train loss %.4f  train acc %.3f  val acc %.3f  %5.1f s  %6.0f images/s%n",
                s.epoch(), config.epochs(), s.trainLoss(), s.trainAccuracy(), s.valAccuracy(), s.seconds(),
                s.imagesPerSecond());
        out.flush(); // show progress as it happens, whatever the writer's buffering
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
