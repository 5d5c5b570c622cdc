package org.transfer4j.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;
import org.transfer4j.nn.layers.Resizing;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/**
 * The {@link Resizing} layer (in a model, on any backend) computes what {@link Resize#BILINEAR} (the image
 * pipeline's TensorFlow-exact resize) computes, to the last bit, enlarging and shrinking.
 */
class ResizingLayerTest {
    @Test
    void theLayerEqualsThePipelinesBilinearResize() {
        Tensor image = Tensor.rand(new Generator(5), 13, 9, 3);
        int[][] sizes = {{13, 9}, {20, 31}, {224, 160}, {7, 4}, {1, 1}, {13, 2}};
        for (int[] size : sizes) {
            float[] expected = Resize.BILINEAR.apply(image, size[0], size[1]).toArray();
            Tensor batch = Tensor.of(image.toArray(), 1, 13, 9, 3);
            float[] actual = new Resizing(size[0], size[1]).call(batch, false).toArray();
            assertArrayEquals(expected, actual, 0f, size[0] + "x" + size[1]);
        }
    }
}
