package org.transfer4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.transfer4j.losses.SparseCategoricalCrossentropy;
import org.transfer4j.metrics.Accuracy;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Sequential;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.nn.layers.Flatten;
import org.transfer4j.optim.ParamGroups;
import org.transfer4j.optim.SGD;
import org.transfer4j.tensor.Generator;

class TrainingTest {

    @Test
    void epochLossAndAccuracyAreMeansOverSamplesWhenTheLastBatchIsShort() {
        // 5 images in batches of 2, 2 and 1. The epoch loss is (2 l1 + 2 l2 + 1 l3) / 5, as Keras' Mean weighted
        // by batch size; the mean of the batch means, (l1 + l2 + l3) / 3, would overweight the last image.
        // With SGD at rate 0 and no dropout or BN, training and inference see the same weights, so both
        // equal the loss (and accuracy) of all 5 images at once.
        LabelledImages images = StripeImages.generate(StripeImages.Task.TARGET, 1, 8, 11);
        Generator.manualSeed(5);
        Model model = new Sequential(new int[] {8, 8, 3}, new Flatten(), new Dense(5));
        List<Training.EpochStats> stats = new ArrayList<>();
        Training.fit(model, new SGD(ParamGroups.all(model), 0.0), images, 1, 2, new Generator(3), stats::add);

        LabelledImages.Batch all = images.batch(images.inOrder(), 0, images.count());
        double expectedLoss = new SparseCategoricalCrossentropy(true).compute(model.predict(all.x()), all.labels()).item();
        Accuracy expectedAccuracy = new Accuracy();
        expectedAccuracy.update(model.predict(all.x()), all.labels());
        assertEquals(1, stats.size());
        assertEquals(expectedLoss, stats.getFirst().trainLoss(), 1e-6);
        assertEquals(expectedAccuracy.result(), stats.getFirst().trainAccuracy(), 1e-12);
    }
}
