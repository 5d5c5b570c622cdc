package org.transfer4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Sequential;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.nn.layers.Flatten;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

class TestTimeAugmentationTest {

    @Test
    void theMirrorImageReversesTheWidthOnly() {
        // x (1,2,3,2): value = 100h + 10w + c
        float[] x = new float[12];
        for (int h = 0; h < 2; h++) {
            for (int w = 0; w < 3; w++) {
                for (int c = 0; c < 2; c++) {
                    x[(h * 3 + w) * 2 + c] = 100 * h + 10 * w + c;
                }
            }
        }
        float[] mirrored = TestTimeAugmentation.mirror(Tensor.of(x, 1, 2, 3, 2)).toArray();
        assertArrayEquals(new float[] {20, 21, 10, 11, 0, 1, 120, 121, 110, 111, 100, 101}, mirrored);
        assertThrows(ShapeMismatchException.class, () -> TestTimeAugmentation.mirror(Tensor.zeros(2, 3)));
    }

    /** A flatten + dense model sees the image and its mirror as different inputs: the flip view is the mean of both outputs. */
    @Test
    void theFlipViewAveragesTheOutputsOfTheImageAndItsMirror() {
        Generator.manualSeed(3);
        Model model = new Sequential("m", new int[] {2, 3, 2}, new Flatten(), new Dense(4).named("dense"));
        Tensor x = Tensor.randn(new Generator(5), 2, 2, 3, 2);
        float[] plain = model.call(x, false).toArray();
        float[] ofMirror = model.call(TestTimeAugmentation.mirror(x), false).toArray();
        float[] averaged = TestTimeAugmentation.HORIZONTAL_FLIP.outputs(model, x).toArray();
        for (int i = 0; i < plain.length; i++) {
            assertEquals((plain[i] + ofMirror[i]) / 2, averaged[i], 1e-6f, "output " + i);
        }
        assertArrayEquals(plain, TestTimeAugmentation.NONE.outputs(model, x).toArray(), 0f);
    }

    @Test
    void trainerEvaluateAndPredictUseTheViews() {
        Generator.manualSeed(3);
        Model model = new Sequential("m", new int[] {2, 3, 2}, new Flatten(), new Dense(3).named("dense"));
        InMemoryDataset data = new InMemoryDataset(Tensor.randn(new Generator(9), 6, 2, 3, 2),
                new int[] {0, 1, 2, 0, 1, 2}, List.of("a", "b", "c"));
        Evaluation single = Trainer.evaluate(model, data, 4, null);
        Evaluation flipped = Trainer.evaluate(model, data, 4, null, TestTimeAugmentation.HORIZONTAL_FLIP);
        assertNotEquals(single.loss(), flipped.loss());

        Tensor all;
        try (BatchStream stream = data.batches(6, false, 0L)) {
            all = stream.next().x();
        }
        float[] expected = TestTimeAugmentation.HORIZONTAL_FLIP.outputs(model, all).toArray();
        Trainer trainer = new Trainer(new org.transfer4j.optim.SGD(org.transfer4j.optim.ParamGroups.all(model), 0.1))
                .batchSize(4).testTimeAugmentation(TestTimeAugmentation.HORIZONTAL_FLIP);
        assertArrayEquals(expected, trainer.predict(model, data).toArray(), 1e-6f);
        assertEquals(flipped.loss(), trainer.evaluate(model, data).loss(), 1e-9);
    }
}
