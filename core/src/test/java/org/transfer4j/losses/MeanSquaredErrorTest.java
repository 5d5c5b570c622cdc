package org.transfer4j.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.transfer4j.ops.OpCheck;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

class MeanSquaredErrorTest {

    @Test
    void matchesTheKerasDocExamples() {
        Loss mse = new MeanSquaredError();
        // keras.losses.MeanSquaredError docs: y_true = [[0., 1.], [0., 0.]], y_pred = [[1., 1.], [1., 0.]] -> 0.5
        assertEquals(0.5f, mse.compute(Tensor.of(new float[] {1, 1, 1, 0}, 2, 2), Tensor.of(new float[] {0, 1, 0, 0}, 2, 2))
                .item());
        // TF 2.1 docs: mse([0., 0., 1., 1.], [1., 1., 1., 0.]) -> 0.75
        assertEquals(0.75f, mse.compute(Tensor.of(new float[] {1, 1, 1, 0}, 4), Tensor.of(new float[] {0, 0, 1, 1}, 4))
                .item());
    }

    @Test
    void isTheMeanOverEveryElement() {
        // numpy: ((np.array([[0.5,-1.0,2.0],[3.0,0.0,1.0]]) - np.array([[1.0,1.0,0.0],[0.0,0.5,1.0]]))**2).mean()
        // = (0.25 + 4 + 4 + 9 + 0.25 + 0) / 6 = 2.9166666666666665
        Tensor pred = Tensor.of(new float[] {0.5f, -1f, 2f, 3f, 0f, 1f}, 2, 3);
        Tensor target = Tensor.of(new float[] {1f, 1f, 0f, 0f, 0.5f, 1f}, 2, 3);
        assertEquals(2.9166666666666665, new MeanSquaredError().compute(pred, target).item(), 1e-6);
    }

    @Test
    void gradientIsTwiceTheErrorOverTheCount() {
        Tensor pred = Tensor.of(new float[] {0.5f, -1f, 2f, 3f}, 2, 2).requiresGrad(true);
        Tensor target = Tensor.of(new float[] {1f, 1f, 0f, 3f}, 2, 2);
        new MeanSquaredError().compute(pred, target).backward();
        // 2 (y - t) / 4 = [-0.25, -1, 1, 0]
        assertArrayEquals(new float[] {-0.25f, -1f, 1f, 0f}, pred.grad().toArray(), 1e-7f);
        OpCheck.gradcheck("mse", OpCheck.DEFAULT, new boolean[] {true, false},
                t -> new MeanSquaredError().compute(t[0], t[1]), OpCheck.randn(71, 3, 4), OpCheck.randn(72, 3, 4));
    }

    @Test
    void mismatchedShapesAreRejected() {
        var e = assertThrows(ShapeMismatchException.class,
                () -> new MeanSquaredError().compute(Tensor.zeros(2, 3), Tensor.zeros(3, 2)));
        assertTrue(e.getMessage().contains("MeanSquaredError") && e.getMessage().contains("[2, 3]")
                && e.getMessage().contains("[3, 2]"), e.getMessage());
    }
}
