package org.transfer4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.transfer4j.losses.SparseCategoricalCrossentropy;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Weight;
import org.transfer4j.ops.Gather;
import org.transfer4j.ops.SoftmaxCrossEntropy;
import org.transfer4j.optim.Adam;
import org.transfer4j.optim.ParamGroups;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

class MixUpTest {

    @Test
    void betaSamplesHaveTheBetaDistributionsMeanAndVariance() {
        // Beta(a, a): mean 1/2, variance 1 / (4 (2a + 1)); the standard error of the mean of 40,000 draws is below 0.002
        for (double a : new double[] {0.2, 0.4, 1.0, 2.5}) {
            SplittableRandom random = new SplittableRandom(7);
            double[] moments = meanAndVariance(40_000, () -> {
                double b = MixUp.beta(random, a);
                assertTrue(b >= 0 && b <= 1, "Beta sample " + b);
                return b;
            });
            double expected = 1 / (4 * (2 * a + 1));
            assertEquals(0.5, moments[0], 0.01, "mean of Beta(" + a + ")");
            assertEquals(expected, moments[1], 0.05 * expected, "variance of Beta(" + a + ")");
        }
    }

    @Test
    void gammaSamplesHaveMeanAndVarianceEqualToTheShape() {
        for (double shape : new double[] {0.3, 1.0, 4.0}) {
            SplittableRandom random = new SplittableRandom(11);
            double[] moments = meanAndVariance(40_000, () -> MixUp.gamma(random, shape));
            assertEquals(shape, moments[0], 0.03 * shape, "mean of Gamma(" + shape + ")");
            assertEquals(shape, moments[1], 0.08 * shape, "variance of Gamma(" + shape + ")");
        }
    }

    /** {mean, variance} (the population form, sum of squares / n - mean^2) of {@code n} draws. */
    private static double[] meanAndVariance(int n, DoubleSupplier draw) {
        double sum = 0;
        double sumSq = 0;
        for (int i = 0; i < n; i++) {
            double v = draw.getAsDouble();
            sum += v;
            sumSq += v * v;
        }
        double mean = sum / n;
        return new double[] {mean, sumSq / n - mean * mean};
    }

    @Test
    void eachMixedSampleIsTheConvexCombinationOfItselfAndOnePartnerAndSoAreItsTargets() {
        int n = 6;
        int per = 4;
        float[] x = new float[n * per];
        for (int i = 0; i < x.length; i++) {
            x[i] = i * 0.5f - 3;
        }
        int[] labels = {0, 1, 2, 0, 1, 2};
        Batch batch = new Batch(Tensor.of(x, n, 2, 2), labels, new int[] {0, 1, 2, 3, 4, 5});
        MixUp.Mixed m = new MixUp(0.4).apply(batch, 3, 5, 2, 7);

        assertTrue(m.lambda() >= 0.5 && m.lambda() <= 1, "lambda is folded to the larger part: " + m.lambda());
        assertArrayEquals(new int[] {n, 2, 2}, m.x().shape());
        float[] mixed = m.x().toArray();
        float[] targets = m.targets().toArray();
        boolean[] usedAsPartner = new boolean[n];
        for (int i = 0; i < n; i++) {
            int partner = findPartner(x, mixed, i, per, m.lambda());
            assertTrue(partner >= 0, "sample " + i + " is not a mix of itself and any sample");
            assertFalse(usedAsPartner[partner], "the pairing is a permutation");
            usedAsPartner[partner] = true;
            float[] expected = new float[3];
            expected[labels[i]] += (float) m.lambda();
            expected[labels[partner]] += (float) (1 - m.lambda());
            assertArrayEquals(expected, Arrays.copyOfRange(targets, 3 * i, 3 * i + 3), 1e-6f, "targets of " + i);
        }
    }

    private static int findPartner(float[] x, float[] mixed, int i, int per, double lambda) {
        for (int j = 0; j < x.length / per; j++) {
            boolean all = true;
            for (int k = 0; k < per && all; k++) {
                double want = lambda * x[i * per + k] + (1 - lambda) * x[j * per + k];
                all = Math.abs(want - mixed[i * per + k]) < 1e-5;
            }
            if (all) {
                return j;
            }
        }
        return -1;
    }

    @Test
    void drawsAreAFunctionOfSeedEpochAndStep() {
        Batch batch = new Batch(Tensor.randn(new Generator(3), 8, 5), new int[] {0, 1, 2, 0, 1, 2, 0, 1},
                new int[] {0, 1, 2, 3, 4, 5, 6, 7});
        MixUp mixup = new MixUp(1.0);
        MixUp.Mixed a = mixup.apply(batch, 3, 9, 1, 1);
        assertArrayEquals(a.x().toArray(), mixup.apply(batch, 3, 9, 1, 1).x().toArray(), 0f);
        assertNotEquals(a.lambda(), mixup.apply(batch, 3, 9, 1, 2).lambda(), "another step");
        assertNotEquals(a.lambda(), mixup.apply(batch, 3, 9, 2, 1).lambda(), "another epoch");
        assertNotEquals(a.lambda(), mixup.apply(batch, 3, 10, 1, 1).lambda(), "another seed");
    }

    @Test
    void theLossOnMixedTargetsIsTheMixOfTheTwoLabelsLosses() {
        Tensor logits = Tensor.randn(new Generator(4), 5, 3);
        int[] own = {0, 1, 2, 2, 1};
        int[] partner = {1, 1, 0, 2, 0};
        float lambda = 0.7f;
        Tensor targets = Gather.oneHot(logits.device(), own, 3).mul(lambda)
                .add(Gather.oneHot(logits.device(), partner, 3).mul(1 - lambda));
        double mixed = SoftmaxCrossEntropy.loss(logits, targets).item();
        double separate = lambda * SoftmaxCrossEntropy.sparse(logits, own).item()
                + (1 - lambda) * SoftmaxCrossEntropy.sparse(logits, partner).item();
        assertEquals(separate, mixed, 1e-5);
    }

    @Test
    void aTrainerWithMixupTrainsDifferentlyAndStillLearnsTheBlobs() {
        InMemoryDataset train = TrainFixtures.blobs(60, 1);
        InMemoryDataset val = TrainFixtures.blobs(30, 2);
        float[] plain = trainedDense(train, val, null);
        float[] mixed = trainedDense(train, val, new MixUp(0.4));
        assertFalse(Arrays.equals(plain, mixed), "mixup changes what the model sees");

        Generator.manualSeed(1);
        Model model = TrainFixtures.linear();
        Trainer trainer = new Trainer(new Adam(ParamGroups.all(model), 0.05)).batchSize(10).seed(3)
                .mixup(new MixUp(0.4));
        History h = trainer.fit(model, train, val, 15);
        assertTrue(h.last().get("val_accuracy") > 0.9, "learns the separable blobs: " + h.last());
    }

    private static float[] trainedDense(InMemoryDataset train, InMemoryDataset val, MixUp mixup) {
        Generator.manualSeed(1);
        Model model = TrainFixtures.linear();
        new Trainer(new Adam(ParamGroups.all(model), 0.05)).batchSize(10).seed(3).mixup(mixup)
                .fit(model, train, val, 2);
        Weight kernel = model.weight("dense/kernel");
        return TrainFixtures.values(kernel);
    }

    @Test
    void refusesALossThatTakesOnlyHardLabelsAndANonPositiveAlpha() {
        Model model = TrainFixtures.linear();
        Trainer trainer = new Trainer(new Adam(ParamGroups.all(model), 0.05)).mixup(new MixUp(0.2))
                .loss(new SparseCategoricalCrossentropy(true));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> trainer.fit(model, TrainFixtures.blobs(6, 1), null, 1));
        assertTrue(e.getMessage().contains("mixup"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MixUp(0));
        assertThrows(IllegalArgumentException.class, () -> new MixUp(Double.NaN));
    }
}
