package org.transfer4j.applications;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.transfer4j.nn.Model;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/** A forward pass of the built MobileNet 0.25 (random weights) on one preprocessed 224x224 image. */
class MobileNetForwardTest {

    @Test
    void forwardPassGivesOneProbabilityRowSummingToOne() {
        Model model = MobileNet.builder().alpha(0.25).build();
        Tensor pixels = Tensor.uniform(new Generator(7), 0f, 255f, 1, 224, 224, 3);
        Tensor probabilities = model.predict(MobileNet.preprocessInput(pixels));

        assertArrayEquals(new int[] {1, 1000}, probabilities.shape());
        float[] p = probabilities.toArray();
        double sum = 0;
        for (float v : p) {
            assertTrue(v >= 0f && v <= 1f, "probability " + v);
            sum += v;
        }
        assertEquals(1.0, sum, 1e-4);
        List<ImageNet.Prediction> top = ImageNet.decodePredictions(probabilities, 5).getFirst();
        assertEquals(5, top.size());
        assertTrue(top.get(0).probability() >= top.get(4).probability());
    }
}
