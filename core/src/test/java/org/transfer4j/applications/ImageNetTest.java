package org.transfer4j.applications;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * ImageNet class names and decode_predictions. Expected names come from Keras' imagenet_class_index.json
 * (the same map as shared/data/imagenet, whose README gives 101 tusker, 293 cheetah, 386 African_elephant,
 * 999 toilet_tissue).
 */
class ImageNetTest {

    @Test
    void classNamesAreKerasImageNetIndex() {
        assertEquals("tench", ImageNet.label(0));
        assertEquals("n01440764", ImageNet.wnid(0));
        assertEquals("tusker", ImageNet.label(101));
        assertEquals("cheetah", ImageNet.label(293));
        assertEquals("n02130308", ImageNet.wnid(293));
        assertEquals("African_elephant", ImageNet.label(386));
        assertEquals("n02504458", ImageNet.wnid(386));
        assertEquals("toilet_tissue", ImageNet.label(999));
        assertThrows(IndexOutOfBoundsException.class, () -> ImageNet.label(1000));
    }

    @Test
    void decodePredictionsListsTopClassesHighestFirstPerRow() {
        float[] scores = new float[2 * 1000];
        scores[386] = 0.6f;
        scores[101] = 0.3f;
        scores[293] = 0.1f;
        scores[1000 + 293] = 0.9f;
        scores[1000 + 999] = 0.05f;
        List<List<ImageNet.Prediction>> rows = ImageNet.decodePredictions(Tensor.of(scores, 2, 1000), 3);

        assertEquals(2, rows.size());
        assertEquals(List.of(new ImageNet.Prediction(386, "n02504458", "African_elephant", 0.6f),
                new ImageNet.Prediction(101, "n01871265", "tusker", 0.3f),
                new ImageNet.Prediction(293, "n02130308", "cheetah", 0.1f)), rows.get(0));
        assertEquals(List.of(293, 999, 0), rows.get(1).stream().map(ImageNet.Prediction::index).toList(),
                "after the two positive scores come the zeros, lowest index first");
        assertEquals(0.9f, rows.get(1).get(0).probability());
    }

    @Test
    void decodePredictionsRefusesAWrongSecondDimension() {
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> ImageNet.decodePredictions(Tensor.zeros(1, 10), 5));
        assertTrue(e.getMessage().contains("(N, 1000)") && e.getMessage().contains("[1, 10]"), e.getMessage());
        assertThrows(ShapeMismatchException.class, () -> ImageNet.decodePredictions(Tensor.zeros(1000), 5));
    }

    @Test
    void decodePredictionsRefusesATopOutsideTheClasses() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImageNet.decodePredictions(Tensor.zeros(1, 1000), 0));
        assertTrue(e.getMessage().contains("got 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ImageNet.decodePredictions(Tensor.zeros(1, 1000), 1001));
    }
}
