package org.transfer4j.applications;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * Keras' three preprocess_input modes on a hand-made batch of two RGB pixels, (1,1,2,3):
 * (0, 127.5, 255) and (10, 20, 30). Expected values are worked out by hand from the formulas in
 * keras/src/applications/imagenet_utils.py, written next to each.
 */
class PreprocessingTest {
    private static final float TOLERANCE = 1e-5f;

    private static Tensor pixels() {
        return Tensor.of(new float[] {0f, 127.5f, 255f, 10f, 20f, 30f}, 1, 1, 2, 3);
    }

    @Test
    void mobilenetScalesPixelsToMinusOneOne() {
        // x / 127.5 - 1: 0 -> -1, 127.5 -> 0, 255 -> 1, 10 -> -0.9215686, 20 -> -0.8431373, 30 -> -0.7647059
        Tensor y = Preprocessing.MOBILENET.apply(pixels());
        assertArrayEquals(new int[] {1, 1, 2, 3}, y.shape());
        assertArrayEquals(new float[] {-1f, 0f, 1f, -0.9215686f, -0.8431373f, -0.7647059f}, y.toArray(), TOLERANCE);
    }

    @Test
    void caffeSwapsToBgrAndSubtractsTheImageNetMean() {
        // RGB (0, 127.5, 255) -> BGR (255, 127.5, 0) - (103.939, 116.779, 123.68) = (151.061, 10.721, -123.68)
        // RGB (10, 20, 30)    -> BGR (30, 20, 10)    - (103.939, 116.779, 123.68) = (-73.939, -96.779, -113.68)
        Tensor y = Preprocessing.CAFFE.apply(pixels());
        assertArrayEquals(new float[] {151.061f, 10.721f, -123.68f, -73.939f, -96.779f, -113.68f}, y.toArray(), 1e-4f);
    }

    @Test
    void torchScalesToUnitThenStandardisesPerChannel() {
        // (x / 255 - mean) / std with mean (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225):
        // (0, 0.5, 1)                 -> (-2.1179039, 0.1964286, 2.64)
        // (0.0392157, 0.0784314, 0.1176471) -> (-1.9466564, -1.6855742, -1.2815686)
        Tensor y = Preprocessing.TORCH.apply(pixels());
        assertArrayEquals(new float[] {-2.1179039f, 0.1964286f, 2.64f, -1.9466564f, -1.6855742f, -1.2815686f},
                y.toArray(), TOLERANCE);
    }

    @Test
    void oneImageWithoutBatchAxisIsAccepted() {
        Tensor y = Preprocessing.CAFFE.apply(Tensor.of(new float[] {1f, 2f, 3f}, 1, 1, 3));
        assertArrayEquals(new int[] {1, 1, 3}, y.shape());
        assertArrayEquals(new float[] {3f - 103.939f, 2f - 116.779f, 1f - 123.68f}, y.toArray(), 1e-4f);
    }

    @Test
    void inputIsLeftUnchanged() {
        Tensor x = pixels();
        Preprocessing.TORCH.apply(x);
        assertArrayEquals(new float[] {0f, 127.5f, 255f, 10f, 20f, 30f}, x.toArray());
    }

    @Test
    void imagesWithoutThreeChannelsAreRefusedNamingTheShape() {
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> Preprocessing.MOBILENET.apply(Tensor.zeros(1, 4, 4, 1)));
        assertTrue(e.getMessage().contains("[1, 4, 4, 1]"), e.getMessage());
        assertThrows(ShapeMismatchException.class, () -> Preprocessing.CAFFE.apply(Tensor.zeros(4, 3)));
    }

    @Test
    void eachFamilySaysWhichPreprocessingItsWeightsExpect() {
        assertEquals(Preprocessing.MOBILENET, MobileNet.builder().preprocessing());
        assertEquals(Preprocessing.MOBILENET, MobileNetV2.builder().preprocessing());
        assertEquals(Preprocessing.CAFFE, ResNet50.builder().preprocessing());
        assertEquals(Preprocessing.CAFFE, ResNet152.builder().preprocessing());
        assertEquals(Preprocessing.CAFFE, VGG16.builder().preprocessing());
        assertEquals(Preprocessing.CAFFE, VGG19.builder().preprocessing());
    }
}
