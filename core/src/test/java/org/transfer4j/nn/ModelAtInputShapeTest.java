package org.transfer4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.Conv2D;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.nn.layers.Flatten;
import org.transfer4j.nn.layers.GlobalAveragePooling2D;
import org.transfer4j.nn.layers.ReLU;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/** {@link Model#atInputShape}: the same layers and weights wired to an input of another size. */
class ModelAtInputShapeTest {
    private final Conv2D conv = new Conv2D(4, 3);
    private final BatchNormalization bn = new BatchNormalization();
    private final GlobalAveragePooling2D pool = new GlobalAveragePooling2D();
    private final Dense dense = new Dense(2);

    /** image (6,6,3) -> [nested, called with training=false: conv -> bn -> relu -> GAP] -> dense. */
    private Model network() {
        SymbolicTensor in = Input.of("image", 6, 6, 3);
        Model features = Model.of("features", in, pool.apply(new ReLU().apply(bn.apply(conv.apply(in)))));
        SymbolicTensor image = Input.of("image", 6, 6, 3);
        return Model.of("net", image, dense.apply(features.apply(List.of(image), false)));
    }

    private static Tensor images(int side) {
        return Tensor.randn(new Generator(side), 3, side, side, 3);
    }

    @Test
    void runsTheSameLayersOnLargerAndSmallerImages() {
        Model net = network();
        net.predict(images(6)); // builds the layers at the first size
        for (int side : new int[] {9, 4}) {
            Model wider = net.atInputShape(side, side, 3);
            Tensor x = images(side);
            Tensor expected = dense.call(pool.call(new ReLU().call(bn.call(conv.call(x, false), false), false), false), false);
            assertArrayEquals(expected.toArray(), wider.predict(x).toArray(), 0f);
            assertArrayEquals(new int[] {side, side, 3}, wider.input().shape());
            assertEquals(net.name(), wider.name());
        }
    }

    @Test
    void sharesWeightsAndKeepsEachCallsFixedTrainingMode() {
        Model net = network();
        Model wider = net.atInputShape(8, 8, 3);
        List<Weight> original = net.weights();
        List<Weight> shared = wider.weights();
        assertEquals(original.size(), shared.size());
        for (int i = 0; i < original.size(); i++) {
            assertSame(original.get(i), shared.get(i), original.get(i).path());
        }
        // The nested call runs with training=false, so a training-mode call uses the moving statistics
        // (and does not update them): the output equals inference, and the statistics stay as they were.
        float[] movingMean = bn.weight("moving_mean").value().toArray();
        Tensor x = images(8);
        assertArrayEquals(wider.predict(x).toArray(), wider.call(x, true).toArray(), 0f);
        assertArrayEquals(movingMean, bn.weight("moving_mean").value().toArray(), 0f);
    }

    @Test
    void theSameShapeIsTheModelItself() {
        Model net = network();
        assertSame(net, net.atInputShape(6, 6, 3));
    }

    @Test
    void aLayerThatCannotTakeTheNewShapeIsNamed() {
        SymbolicTensor in = Input.of(6, 6, 3);
        Layer head = new Dense(2).named("head_after_flatten");
        Model net = Model.of(in, head.apply(new Flatten().apply(new Conv2D(2, 3).apply(in))));
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> net.atInputShape(8, 8, 3));
        assertTrue(e.getMessage().contains("head_after_flatten"), e.getMessage());
    }
}
