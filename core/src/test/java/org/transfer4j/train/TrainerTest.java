package org.transfer4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transfer4j.losses.SparseCategoricalCrossentropy;
import org.transfer4j.nn.Model;
import org.transfer4j.optim.Adam;
import org.transfer4j.optim.ParamGroups;
import org.transfer4j.optim.SGD;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

class TrainerTest {
    @TempDir
    Path dir;

    @Test
    void fitOnSeparableBlobsLearnsWellAboveChance() {
        Generator.manualSeed(3);
        Model model = TrainFixtures.linear();
        Trainer trainer = new Trainer(new Adam(ParamGroups.all(model), 0.05)).batchSize(16).seed(1);
        History h = trainer.fit(model, TrainFixtures.blobs(90, 1), TrainFixtures.blobs(30, 2), 8);
        assertEquals(8, h.epochs());
        assertTrue(h.get("val_accuracy", 8) > 0.9, "chance is 1/3; got " + h.get("val_accuracy"));
        assertTrue(h.get("loss", 8) < h.get("loss", 1), "loss should fall: " + h.get("loss"));
        assertEquals(List.of("loss", "accuracy", "val_loss", "val_accuracy", "val_skipped", "lr", "seconds", "skipped",
                "images_per_second"), List.copyOf(h.names()));
        assertEquals(0.05, h.get("lr", 8));
        assertEquals(0.0, h.get("skipped", 8));
        assertTrue(h.get("images_per_second", 8) > 0);
    }

    @Test
    void aSecondPhaseContinuesTheHistory() {
        Generator.manualSeed(3);
        Model model = TrainFixtures.linear();
        Trainer trainer = new Trainer(new SGD(ParamGroups.all(model), 0.1)).batchSize(30);
        History h = new History();
        h.beginPhase("head");
        trainer.fit(model, TrainFixtures.blobs(30, 1), null, 2, h);
        h.beginPhase("fine-tune");
        trainer.optimizer(new SGD(ParamGroups.all(model), 0.01)).fit(model, TrainFixtures.blobs(30, 1), null, 3, h);
        assertEquals(5, h.epochs());
        assertEquals(List.of(new History.Phase("head", 1), new History.Phase("fine-tune", 3)), h.phases());
        assertEquals(0.01, h.get("lr", 5));
    }

    /** Sets the Dense layer to {@code logits = x} (identity kernel (3,3), zero bias) on inputs with 3 features. */
    private static Model identity() {
        Model m = new org.transfer4j.nn.Sequential("id", new int[] {3},
                new org.transfer4j.nn.layers.Dense(3).named("dense"));
        m.weight("dense/kernel").assign(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1});
        m.weight("dense/bias").assign(new float[] {0, 0, 0});
        return m;
    }

    @Test
    void classWeightsScaleEachSampleLossAsKerasDoes() {
        // Two samples with logits x (the identity model), labels 0 and 2, class weights (2, 1, 0.5):
        //   loss_i = -log softmax(x_i)_{y_i} = logsumexp(x_i) - x_i[y_i]
        //   L = (w_0 loss_0 + w_2 loss_1) / N      (Keras: divided by N, not by the sum of weights)
        float[] x = {1f, 2f, 0f, 0.5f, -1f, 1.5f};
        int[] labels = {0, 2};
        double l0 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(0)) - 1;
        double l1 = Math.log(Math.exp(0.5) + Math.exp(-1) + Math.exp(1.5)) - 1.5;
        double weighted = (2 * l0 + 0.5 * l1) / 2;
        double plain = (l0 + l1) / 2;
        InMemoryDataset data = new InMemoryDataset(Tensor.of(x, 2, 3), labels, TrainFixtures.THREE);

        Model model = identity();
        Trainer trainer = new Trainer(new SGD(ParamGroups.all(model), 0.0)).batchSize(2)
                .classWeights(new double[] {2, 1, 0.5});
        History h = trainer.fit(model, data, data, 1);
        assertEquals(weighted, h.get("loss", 1), 1e-6);
        assertEquals(plain, h.get("val_loss", 1), 1e-6, "validation is unweighted");
        assertEquals(plain, trainer.evaluate(model, data).loss(), 1e-6);
    }

    @Test
    void balancedClassWeightsAreNOverClassesTimesCount() {
        // n = 12 samples, C = 3 classes, counts (6, 2, 4): w_c = 12 / (3 count_c) = (2/3, 2, 1)
        assertArrayEquals(new double[] {12.0 / 18, 2.0, 1.0}, ClassWeights.balanced(new int[] {6, 2, 4}), 1e-12);
        int[] labels = {0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 2, 2};
        InMemoryDataset d = new InMemoryDataset(Tensor.zeros(12, 1), labels, TrainFixtures.THREE);
        assertArrayEquals(new double[] {12.0 / 18, 2.0, 1.0}, ClassWeights.balanced(d), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> ClassWeights.balanced(new int[] {3, 0}));
    }

    @Test
    void evaluateCountsTheConfusionMatrixByHand() {
        // logits = x, so the predicted class is the argmax of each row:
        float[] x = {
            5, 0, 0,   // true 0, predicted 0
            0, 5, 0,   // true 0, predicted 1
            0, 0, 5,   // true 1, predicted 2
            0, 5, 0,   // true 1, predicted 1
            0, 0, 5,   // true 2, predicted 2
        };
        int[] labels = {0, 0, 1, 1, 2};
        InMemoryDataset data = new InMemoryDataset(Tensor.of(x, 5, 3), labels, TrainFixtures.THREE);
        Model model = identity();
        Evaluation e = new Trainer(new SGD(ParamGroups.all(model), 0.1)).batchSize(2).evaluate(model, data);
        assertArrayEquals(new long[][] {{1, 1, 0}, {0, 1, 1}, {0, 0, 1}}, e.confusion().matrix());
        assertEquals(3.0 / 5, e.accuracy(), 1e-12);
        assertEquals(5, e.samples());
        // loss: hits have loss log(e^5 + 2) - 5, misses log(e^5 + 2) - 0
        double lse = Math.log(Math.exp(5) + 2);
        assertEquals((3 * (lse - 5) + 2 * lse) / 5, e.loss(), 1e-5);
    }

    @Test
    void staticEvaluateNeedsNoOptimizerAndTakesTheLossOfAModelEndingInASoftmax() {
        // The identity model passes probabilities through, as a model ending in a softmax gives them:
        float[] p = {
            0.7f, 0.2f, 0.1f,   // true 0, predicted 0
            0.1f, 0.8f, 0.1f,   // true 0, predicted 1
            0.25f, 0.25f, 0.5f, // true 2, predicted 2
        };
        InMemoryDataset data = new InMemoryDataset(Tensor.of(p, 3, 3), new int[] {0, 0, 2}, TrainFixtures.THREE);
        Model model = identity();
        Evaluation e = Trainer.evaluate(model, data, 2, new SparseCategoricalCrossentropy(false));
        // loss from probabilities: mean of -log p_i[y_i]
        assertEquals(-(Math.log(0.7) + Math.log(0.1) + Math.log(0.5)) / 3, e.loss(), 1e-5);
        assertEquals(2.0 / 3, e.accuracy(), 1e-12);
        assertArrayEquals(new long[][] {{1, 1, 0}, {0, 0, 0}, {0, 0, 1}}, e.confusion().matrix());
        // A null loss is the default one, as Trainer's own evaluate computes it.
        assertEquals(new Trainer(new SGD(ParamGroups.all(model), 0.1)).evaluate(model, data).loss(),
                Trainer.evaluate(model, data, 2, null).loss(), 1e-6);
    }

    @Test
    void predictReturnsOneRowPerSampleInDatasetOrder() {
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        InMemoryDataset data = new InMemoryDataset(Tensor.of(x, 3, 3), new int[] {0, 1, 2}, TrainFixtures.THREE);
        Model model = identity();
        Tensor p = new Trainer(new SGD(ParamGroups.all(model), 0.1)).batchSize(2).predict(model, data);
        assertArrayEquals(new int[] {3, 3}, p.shape());
        assertArrayEquals(x, p.toArray(), 0f);
    }

    @Test
    void aNaNWeightStopsTrainingNamingEpochStepAndParameter() {
        Model model = identity();
        model.weight("dense/bias").assign(new float[] {0, Float.NaN, 0});
        Trainer trainer = new Trainer(new SGD(ParamGroups.all(model), 0.1)).batchSize(2);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> trainer.fit(model, TrainFixtures.blobsIn3(6), null, 2));
        assertEquals(1, e.epoch());
        assertEquals(1, e.step());
        assertEquals("dense/bias", e.parameter());
        assertTrue(e.getMessage().contains("epoch 1, step 1") && e.getMessage().contains("dense/bias"), e.getMessage());
    }

    @Test
    void aHugeLearningRateDivergesAndTheCheckpointKeepsTheLastGoodEpoch() throws Exception {
        Generator.manualSeed(3);
        Model model = TrainFixtures.linear();
        SGD sgd = new SGD(ParamGroups.all(model), 0.1);
        Path file = dir.resolve("last.ckpt");
        List<Integer> written = new ArrayList<>();
        ModelCheckpoint checkpoint = new ModelCheckpoint(file);
        // After two good epochs the rate jumps to 1e38: the next update overflows the weights to infinity.
        Callback blowUp = Callback.onEpochEnd((epoch, logs) -> {
            written.add(epoch);
            if (epoch == 2) {
                sgd.setBaseLearningRate(1e38);
            }
        });
        Trainer trainer = new Trainer(sgd).batchSize(10);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> trainer.fit(model, TrainFixtures.blobs(30, 1), null, 5, checkpoint, blowUp));
        // It diverges in some epoch after the second (how soon depends on where the overflow lands).
        assertTrue(e.epoch() >= 3, e.getMessage());
        assertTrue(e.step() >= 1 && e.step() <= 3, e.getMessage());
        assertTrue(e.parameter() == null || e.parameter().startsWith("dense/"), e.getMessage());
        assertEquals(e.epoch() - 1, written.size(), "no epoch end after the divergence");
        Checkpoint last = Checkpoint.read(file);
        assertEquals(e.epoch() - 1, last.epoch());
        for (Tensor t : last.weights().values()) {
            for (float v : t.toArray()) {
                assertTrue(Float.isFinite(v), "the checkpoint holds a non-finite weight");
            }
        }
    }

    @Test
    void aNonFiniteGradientIsNamedBeforeAnyUpdate() {
        Model model = identity();
        model.weight("dense/kernel").value().accumulateGrad(Tensor.zeros(3, 3));
        float[] g = new float[3];
        g[1] = Float.POSITIVE_INFINITY;
        model.weight("dense/bias").value().accumulateGrad(Tensor.of(g, 3));
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> Divergence.checkGradients(model, 4, 7, 0.5));
        assertEquals("dense/bias", e.parameter());
        assertEquals(4, e.epoch());
        assertEquals(7, e.step());
        model.weight("dense/bias").value().zeroGrad();
        model.weight("dense/bias").value().accumulateGrad(Tensor.of(new float[] {Float.NaN, 0, 0}, 3));
        assertEquals("dense/bias", assertThrows(TrainingDivergedException.class,
                () -> Divergence.checkGradients(model, 1, 1, 0.5)).parameter());
        model.weight("dense/bias").value().zeroGrad();
        model.weight("dense/bias").value().accumulateGrad(Tensor.of(new float[] {1e30f, -2f, 3f}, 3));
        Divergence.checkGradients(model, 1, 1, 0.5); // finite: no exception
        assertNull(Divergence.firstNonFinite(model.weights(), w -> w.value()));
    }

    @Test
    void inMemoryBatchesFollowTheEpochOrder() {
        InMemoryDataset d = TrainFixtures.blobs(7, 1);
        int[] order = EpochOrder.permutation(7, 99L);
        List<Integer> seen = new ArrayList<>();
        try (BatchStream s = d.batches(3, true, 99L)) {
            assertEquals(3, s.batchCount());
            while (s.hasNext()) {
                Batch b = s.next();
                for (int i = 0; i < b.size(); i++) {
                    seen.add(b.indices()[i]);
                    assertEquals(d.label(b.indices()[i]), b.labels()[i]);
                    assertEquals(d.x().toArray()[2 * b.indices()[i]], b.x().toArray()[2 * i]);
                }
            }
        }
        assertEquals(java.util.Arrays.stream(order).boxed().toList(), seen);
    }
}
