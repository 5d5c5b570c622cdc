package org.transfer4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Sequential;
import org.transfer4j.nn.Weight;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.Conv2D;
import org.transfer4j.nn.layers.ReLU;
import org.transfer4j.nn.layers.Resizing;
import org.transfer4j.optim.Adam;
import org.transfer4j.optim.ParamGroups;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/**
 * {@link ScaleEnsemble} and {@link TransferTraining#scaleHeads}: heads at other input sizes over the same
 * frozen base, their logits averaged in one model.
 */
class ScaleEnsembleTest {
    private static final InMemoryDataset TRAIN = TrainFixtures.rgbImages(24, 1);
    private static final InMemoryDataset VAL = TrainFixtures.rgbImages(9, 2);

    private static TransferModel transferModel() {
        Generator.manualSeed(42);
        Model base = new Sequential("base", new int[] {8, 8, 3},
                new Conv2D(4, 3).named("conv1"), new BatchNormalization().named("conv1_bn"), new ReLU().named("conv1_relu"),
                new Conv2D(6, 1).named("conv_pw_2"), new BatchNormalization().named("conv_pw_2_bn"),
                new ReLU().named("out_relu"));
        return TransferModel.on(base).classes(3).hiddenUnits(5).dropout(0.3).build();
    }

    private static Map<String, float[]> snapshot(Model model) {
        Map<String, float[]> values = new HashMap<>();
        for (Weight w : model.weights()) {
            values.put(w.path(), w.value().toArray());
        }
        return values;
    }

    @Test
    void theEnsembleAveragesTheHeadsAndLeavesTheTrainedModelAsItWas() {
        TransferModel tm = transferModel();
        TransferTraining training = new TransferTraining(tm, TRAIN, VAL).batchSize(8).seed(3);
        training.featureExtraction(2, new Adam(ParamGroups.all(tm.head()), 0.01));
        Map<String, float[]> trained = snapshot(tm.model());
        assertSame(tm.model(), training.model());

        ScaleEnsemble ensemble = training.scaleHeads(3, head -> new Adam(ParamGroups.all(head), 0.01), 6, 12);

        for (Weight w : tm.model().weights()) { // the base and the first head: not a bit changed
            assertArrayEquals(trained.get(w.path()), w.value().toArray(), 0f, w.path());
        }
        assertSame(ensemble.model(), training.model());
        assertEquals(List.of(6, 12), ensemble.branches().stream().map(ScaleEnsemble.Branch::size).toList());
        assertEquals(List.of(6, 12), training.scaleHeadReports().stream().map(TransferTraining.ScaleHeadReport::size).toList());
        assertTrue(training.scaleHeadReports().stream().allMatch(r -> r.valAccuracy() >= 0 && r.cacheBytes() > 0));

        Tensor x = VAL.x();
        float[] expected = tm.model().predict(x).toArray();
        for (ScaleEnsemble.Branch branch : ensemble.branches()) {
            // each branch is the base run at its size on the resized image, then its own head
            Tensor resized = new Resizing(branch.size(), branch.size()).call(x, false);
            Tensor pooled = tm.extractor().atInputShape(branch.size(), branch.size(), 3).predict(resized);
            assertArrayEquals(pooled.toArray(), branch.extractor().predict(x).toArray(), 1e-6f);
            float[] logits = branch.head().predict(pooled).toArray();
            for (int i = 0; i < expected.length; i++) {
                expected[i] += logits[i];
            }
        }
        float[] actual = ensemble.model().predict(x).toArray();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i] / 3, actual[i], 1e-5f);
        }
        assertEquals(Trainer.evaluate(ensemble.model(), VAL, 8, null).accuracy(), training.evaluate(VAL).accuracy());
    }

    @Test
    void theModelsOwnSizeAndNoSizeAreRefused() {
        TransferModel tm = transferModel();
        assertThrows(IllegalArgumentException.class, () -> ScaleEnsemble.of(tm, 8));
        assertThrows(IllegalArgumentException.class, () -> ScaleEnsemble.of(tm));
        assertEquals("head_s6", tm.newHead("s6").name());
    }
}
