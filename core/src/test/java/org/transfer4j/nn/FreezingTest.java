package org.transfer4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.Conv2D;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.ops.Reduce;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/** Keras' trainable semantics: frozen weights get no gradient, frozen BN runs in inference mode. */
class FreezingTest {
    /** A batch whose statistics differ clearly from the initial moving ones (mean 0, variance 1). */
    private static Tensor batch() {
        return Tensor.randn(new Generator(11), 8, 5, 5, 3).mul(3f).add(2f);
    }

    @Test
    void frozenLayerHasNoTrainableWeightsAndGetsNoGradient() {
        Conv2D conv = new Conv2D(4, 3);
        Dense head = new Dense(2);
        Model model = new Sequential(new int[] {5, 5, 3}, conv, head);
        conv.setTrainable(false);
        assertEquals(List.of(), conv.trainableWeights());
        assertEquals(head.weights(), model.trainableWeights());
        assertFalse(conv.weight("kernel").value().requiresGrad());

        Reduce.sum(model.call(batch(), true), new int[0], false).backward();
        assertNull(conv.weight("kernel").value().grad());
        assertNotNull(head.weight("kernel").value().grad());
    }

    @Test
    void freezingANestedModelFreezesEveryLayerInIt() {
        Model base = new Sequential(new int[] {5, 5, 3}, new Conv2D(4, 3), new BatchNormalization());
        SymbolicTensor in = Input.of(5, 5, 3);
        Dense head = new Dense(2);
        Model model = Model.of(in, head.apply(base.apply(in)));
        base.setTrainable(false);
        assertEquals(head.weights(), model.trainableWeights());
        assertFalse(base.isTrainable());
        assertTrue(model.isTrainable());
        model.setTrainable(true);
        assertEquals(6, model.trainableWeights().size(), "kernel, bias, gamma, beta and the head's two");
    }

    @Test
    void frozenBatchNormUsesMovingStatisticsEvenWhenTraining() {
        BatchNormalization bn = new BatchNormalization();
        Model model = new Sequential(new int[] {5, 5, 3}, bn);
        model.predict(batch());
        bn.setTrainable(false);
        float[] movingMean = bn.weight("moving_mean").value().toArray();
        Tensor training = model.call(batch(), true);
        assertArrayEquals(model.predict(batch()).toArray(), training.toArray(), 0f,
                "a frozen BN layer normalises with its moving statistics");
        assertArrayEquals(movingMean, bn.weight("moving_mean").value().toArray(), 0f);
        assertFalse(bn.usesBatchStatistics(true));
    }

    @Test
    void trainableBatchNormUsesBatchStatisticsAndUpdatesMovingOnes() {
        BatchNormalization bn = new BatchNormalization().momentum(0.5f);
        Model model = new Sequential(new int[] {5, 5, 3}, bn);
        Tensor y = model.call(batch(), true);
        // normalised with batch statistics: per-channel mean ~0 (gamma 1, beta 0)
        float[] mean = Reduce.mean(y, new int[] {0, 1, 2}, false).toArray();
        for (float m : mean) {
            assertEquals(0f, m, 1e-4f);
        }
        // moving = 0.5 * 0 + 0.5 * batchMean, and the batch mean is about 2
        for (float m : bn.weight("moving_mean").value().toArray()) {
            assertEquals(1f, m, 0.35f);
        }
    }

    @Test
    void trainBatchNormWhenFrozenKeepsStatisticsMovingButGammaFrozen() {
        BatchNormalization bn = new BatchNormalization();
        Model model = new Sequential(new int[] {5, 5, 3}, new Conv2D(3, 1), bn);
        model.setTrainable(false);
        model.trainBatchNormWhenFrozen(true);
        float[] before = bn.weight("moving_mean").value().toArray();
        model.call(batch(), true);
        float[] after = bn.weight("moving_mean").value().toArray();
        assertFalse(java.util.Arrays.equals(before, after), "moving statistics updated");
        assertFalse(bn.weight("gamma").isTrainable());
        assertTrue(bn.usesBatchStatistics(true));
        assertFalse(bn.usesBatchStatistics(false));
    }

    @Test
    void unfreezeFromANestedModelUnfreezesAllOfItAndWhatFollows() {
        // stem -> base (b1, b2) -> head: unfreezing from "base" keeps the stem frozen and trains the rest.
        // It used to throw IndexOutOfBoundsException "layer index -1": the base itself is not in flattenedLayers().
        Conv2D stem = new Conv2D(3, 1);
        Conv2D b1 = new Conv2D(4, 3);
        Conv2D b2 = new Conv2D(4, 1);
        Dense head = new Dense(2);
        Model base = new Sequential("base", new int[] {5, 5, 3}, b1, b2);
        SymbolicTensor in = Input.of(5, 5, 3);
        Model model = Model.of(in, head.apply(base.apply(stem.apply(in))));
        model.setTrainable(false);
        model.unfreezeFrom("base");
        assertFalse(stem.isTrainable());
        assertTrue(b1.isTrainable() && b2.isTrainable() && head.isTrainable());
        assertEquals(6, model.trainableWeights().size());

        // A nested model's input layer has no place in flattenedLayers(): a clear error, not an index of -1.
        String nestedInput = base.layers().getFirst().name();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.unfreezeFrom(nestedInput));
        assertTrue(e.getMessage().contains(nestedInput) && e.getMessage().contains("base"), e.getMessage());
    }

    @Test
    void unfreezeFromFreezesEverythingBeforeTheNamedLayer() {
        Conv2D c1 = new Conv2D(4, 3);
        c1.named("c1");
        Conv2D c2 = new Conv2D(4, 1);
        c2.named("c2");
        Dense head = new Dense(2);
        head.named("head");
        Model base = new Sequential("base", new int[] {5, 5, 3}, c1, c2);
        SymbolicTensor in = Input.of(5, 5, 3);
        Model model = Model.of(in, head.apply(base.apply(in)));
        model.setTrainable(false);
        model.unfreezeFrom("c2");
        assertFalse(c1.isTrainable());
        assertTrue(c2.isTrainable() && head.isTrainable());
        assertEquals(4, model.trainableWeights().size());
    }

    @Test
    void baseAppliedInInferenceModeKeepsItsBatchNormFixedWhileTheModelTrains() {
        // Keras: y = base(x, training=False); the base's BN uses moving statistics and does not update them,
        // even though it is trainable and the model is called in training mode; gradients still reach it.
        BatchNormalization bn = new BatchNormalization().momentum(0.5f);
        Model base = new Sequential(new int[] {5, 5, 3}, new Conv2D(3, 1), bn);
        SymbolicTensor in = Input.of("x", 5, 5, 3);
        SymbolicTensor features = base.apply(List.of(in), false);
        Model model = Model.of(in, new Dense(2).apply(features));
        assertEquals(Optional.of(false), features.fixedTraining());
        float[] movingMean = bn.weight("moving_mean").value().toArray();
        Tensor training = model.call(batch(), true);
        assertArrayEquals(model.predict(batch()).toArray(), training.toArray(), 0f);
        assertArrayEquals(movingMean, bn.weight("moving_mean").value().toArray(), 0f, "moving mean not updated");
        Reduce.sum(training, null, false).backward();
        assertNotNull(bn.weight("gamma").value().grad(), "the base still learns");
    }
}
