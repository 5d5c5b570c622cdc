package org.transfer4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.transfer4j.backend.FakeDevice;
import org.transfer4j.metrics.Accuracy;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Weight;
import org.transfer4j.ops.SoftmaxCrossEntropy;
import org.transfer4j.optim.Optimizer;
import org.transfer4j.optim.ParamGroups;
import org.transfer4j.optim.SGD;
import org.transfer4j.tensor.Device;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;
import org.transfer4j.tensor.TensorScope;

/**
 * The training step reads the loss, the gradients' non-finite count and the scores back in one transfer, after the
 * backward pass, and starts that pass from a gradient 1 made once per run. This proves that the numbers do not move:
 * a fit records, epoch by epoch, bit for bit the loss and accuracy of the loop written out the way it was before
 * (read the loss, backward from a fresh gradient 1, count the gradients, update, read the scores for the accuracy),
 * and leaves bit for bit the same weights.
 */
class TrainingStepReadbackTest {
    private static final InMemoryDataset DATA = TrainFixtures.images(20, 3); // batches of 4: 5 steps an epoch
    private static final int BATCH = 4;
    private static final long SEED = 11;
    private static final int EPOCHS = 3;

    private record Run(List<Double> loss, List<Double> accuracy, List<float[]> weights) {
    }

    /** The loop of before, written out: three reads per step (loss, the count, the scores). */
    private static Run reference(Device device) {
        Generator.manualSeed(5);
        Model model = TrainFixtures.cnn().to(device);
        Optimizer sgd = new SGD(ParamGroups.all(model), 0.05).momentum(0.9);
        List<Double> losses = new ArrayList<>();
        List<Double> accuracies = new ArrayList<>();
        for (int epoch = 1; epoch <= EPOCHS; epoch++) {
            Accuracy accuracy = new Accuracy();
            double lossSum = 0;
            int seen = 0;
            int step = 0;
            try (BatchStream stream = DATA.batches(BATCH, true, EpochOrder.epochSeed(SEED, epoch - 1))) {
                while (stream.hasNext()) {
                    try (TensorScope scope = TensorScope.open()) {
                        Batch b = stream.next();
                        step++;
                        for (Weight w : model.weights()) {
                            w.value().zeroGrad();
                        }
                        Tensor scores = model.call(b.x().to(device), true);
                        Tensor loss = SoftmaxCrossEntropy.sparse(scores, b.labels());
                        double value = loss.item();
                        loss.backward();
                        Divergence.checkGradients(model, epoch, step, value);
                        sgd.step();
                        accuracy.update(scores.detach(), b.labels());
                        lossSum += value * b.size();
                        seen += b.size();
                    }
                }
            }
            losses.add(lossSum / seen);
            accuracies.add(accuracy.result());
        }
        return new Run(losses, accuracies, weights(model));
    }

    private static Run fit(Device device) {
        Generator.manualSeed(5);
        Model model = TrainFixtures.cnn().to(device);
        Trainer trainer = new Trainer(new SGD(ParamGroups.all(model), 0.05).momentum(0.9)).batchSize(BATCH).seed(SEED);
        History h = trainer.fit(model, DATA, null, EPOCHS);
        return new Run(h.get("loss"), h.get("accuracy"), weights(model));
    }

    private static List<float[]> weights(Model model) {
        return model.weights().stream().map(TrainFixtures::values).toList();
    }

    @Test
    void aFitRecordsBitForBitWhatTheLoopOfThreeReadsRecorded() {
        for (Device device : List.of(Device.cpu(), FakeDevice.create(9).device())) {
            Run expected = reference(device);
            Run actual = fit(device);
            assertEquals(expected.loss(), actual.loss(), device + ": the loss of each epoch");
            assertEquals(expected.accuracy(), actual.accuracy(), device + ": the accuracy of each epoch");
            for (int i = 0; i < expected.weights().size(); i++) {
                assertArrayEquals(expected.weights().get(i), actual.weights().get(i), 0f, device + ": weight " + i);
            }
        }
    }
}
