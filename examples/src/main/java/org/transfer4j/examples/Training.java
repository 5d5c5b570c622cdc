package org.transfer4j.examples;

import java.util.function.Consumer;
import org.transfer4j.autograd.NoGrad;
import org.transfer4j.losses.SparseCategoricalCrossentropy;
import org.transfer4j.metrics.Accuracy;
import org.transfer4j.nn.Model;
import org.transfer4j.optim.Optimizer;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/**
 * The demo's minimal training loop: shuffled mini-batches, forward with {@code training = true},
 * sparse categorical cross-entropy on the logits, backward, optimizer step. (A full training loop with
 * callbacks, checkpoints and progress bars is not written yet; this one is a screen long.)
 */
final class Training {
    private static final SparseCategoricalCrossentropy LOSS = new SparseCategoricalCrossentropy(true);

    private Training() {
    }

    /**
     * One epoch's numbers: the training loss and accuracy averaged over its samples (as Keras reports them,
     * with dropout active and the weights changing between batches), and its time.
     */
    record EpochStats(int epoch, double trainLoss, double trainAccuracy, double seconds) {
    }

    /**
     * Trains {@code model} for {@code epochs} passes over {@code train}, reporting each epoch.
     *
     * @throws TrainingDivergedException when a batch's loss is not finite (it names the epoch and batch)
     */
    static void fit(Model model, Optimizer optimizer, LabelledImages train, int epochs, int batch, Generator gen,
                    Consumer<EpochStats> onEpoch) {
        for (int epoch = 1; epoch <= epochs; epoch++) {
            long t0 = System.nanoTime();
            int[] order = train.shuffled(gen);
            Accuracy accuracy = new Accuracy();
            double lossSum = 0; // sum over batches of (batch mean loss) x (batch size), so a short last batch weighs less
            int batches = 0;
            for (int from = 0; from < order.length; from += batch) {
                LabelledImages.Batch b = train.batch(order, from, Math.min(from + batch, order.length));
                optimizer.zeroGrad();
                Tensor logits = model.call(b.x(), true);
                Tensor loss = LOSS.compute(logits, b.labels());
                float value = loss.item();
                if (!Float.isFinite(value)) {
                    throw new TrainingDivergedException("demo: the loss became " + value + " in epoch " + epoch
                            + ", batch " + (batches + 1) + " (try a smaller --lr)");
                }
                loss.backward();
                optimizer.step();
                accuracy.update(logits, b.labels());
                lossSum += (double) value * b.labels().length;
                batches++;
            }
            onEpoch.accept(new EpochStats(epoch, lossSum / order.length, accuracy.result(),
                    (System.nanoTime() - t0) / 1e9));
        }
    }

    /** The fraction of {@code images} the model classifies right, in inference mode, without a tape. */
    static double accuracy(Model model, LabelledImages images, int batch) {
        int[] order = images.inOrder();
        Accuracy accuracy = new Accuracy();
        try (NoGrad ignored = NoGrad.enter()) {
            for (int from = 0; from < order.length; from += batch) {
                LabelledImages.Batch b = images.batch(order, from, Math.min(from + batch, order.length));
                accuracy.update(model.predict(b.x()), b.labels());
            }
        }
        return accuracy.result();
    }
}
