package org.transfer4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.NoSuchLayerException;
import org.transfer4j.nn.Sequential;
import org.transfer4j.nn.Weight;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.Conv2D;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.nn.layers.ReLU;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

class TransferModelTest {

    /** A base named as Keras' MobileNet names its layers: a stem (block 1) and blocks 2 and 3. */
    private static Model base() {
        return new Sequential("base", new int[] {8, 8, 3},
                new Conv2D(4, 3).named("conv1"), new BatchNormalization().named("conv1_bn"), new ReLU().named("conv1_relu"),
                new Conv2D(4, 1).named("conv_pw_2"), new BatchNormalization().named("conv_pw_2_bn"),
                new ReLU().named("conv_pw_2_relu"),
                new Conv2D(6, 1).named("conv_pw_3"), new BatchNormalization().named("conv_pw_3_bn"),
                new ReLU().named("out_relu"));
    }

    private static Tensor images() {
        return Tensor.normal(new Generator(3), 2f, 1f, 4, 8, 8, 3);
    }

    private static long params(List<Weight> weights) {
        return weights.stream().mapToLong(Weight::numel).sum();
    }

    @Test
    void modelMapsImagesToLogitsThroughExtractorAndHeadThatShareWeights() {
        TransferModel tm = TransferModel.on(base()).classes(5).hiddenUnits(7).build();
        Tensor x = images();
        Tensor logits = tm.model().predict(x);
        assertArrayEquals(new int[] {4, 5}, logits.shape());
        Tensor features = tm.extractor().predict(x);
        assertArrayEquals(new int[] {4, 6}, features.shape(), "pooled base features (N, c)");
        assertArrayEquals(logits.toArray(), tm.head().predict(features).toArray(), 1e-6f,
                "head(extractor(x)) is the model");
        for (Weight w : tm.head().weights()) {
            assertTrue(tm.model().weights().contains(w), w.path() + " is shared by head and model");
        }
        assertSame(tm.base().layer("conv1"), tm.model().layer("conv1"));
        // head: BatchNormalization(6: gamma, beta, moving mean and variance) + Dense(6->7) + Dense(7->5)
        assertEquals(4 * 6 + 6 * 7 + 7 + 7 * 5 + 5, tm.head().countParams());
    }

    @Test
    void featureLayersConcatenateThePooledIntermediateMapsBeforeTheBaseOutput() {
        TransferModel tm = TransferModel.on(base()).classes(3).featureLayers("conv1_relu", "conv_pw_2_relu").build();
        Tensor x = images();
        // GAP(conv1_relu) 4 + GAP(conv_pw_2_relu) 4 + GAP(base output) 6
        Tensor features = tm.extractor().predict(x);
        assertArrayEquals(new int[] {4, 4 + 4 + 6}, features.shape());
        Tensor conv1 = Model.of(tm.base().input(), tm.base().outputOf("conv1_relu")).predict(x);
        float[] pooled = org.transfer4j.ops.Reduce.mean(conv1, new int[] {1, 2}, false).toArray();
        float[] f = features.toArray();
        for (int n = 0; n < 4; n++) {
            for (int c = 0; c < 4; c++) {
                assertEquals(pooled[n * 4 + c], f[n * 14 + c], 1e-5f, "sample " + n + " channel " + c);
            }
        }
        assertArrayEquals(tm.model().predict(x).toArray(), tm.head().predict(features).toArray(), 1e-5f);
        assertEquals(4 * 14 + 14 * 3 + 3, tm.head().countParams(), "BatchNormalization(14) + Dense(14->3)");
        assertSame(tm.base().layer("conv1"), tm.features().layer("conv1"), "the base's layers, not copies");

        NoSuchLayerException e = assertThrows(NoSuchLayerException.class,
                () -> TransferModel.on(base()).classes(3).featureLayers("conv_dw_9"));
        assertTrue(e.getMessage().contains("conv_dw_9"), e.getMessage());
    }

    @Test
    void phasesReportTheirTrainableParameters() {
        TransferModel tm = TransferModel.on(base()).classes(3).build();
        long head = params(tm.head().trainableWeights());
        tm.freezeBase();
        assertEquals(head, tm.trainableParams(), "feature extraction trains the head only");
        assertTrue(tm.describe().contains(String.format("%,d of %,d", head, tm.model().countParams())), tm.describe());

        tm.unfreezeTopBlocks(1); // block 3: conv_pw_3, conv_pw_3_bn, out_relu
        long block3 = params(tm.model().layer("conv_pw_3").trainableWeights())
                + params(tm.model().layer("conv_pw_3_bn").trainableWeights());
        assertEquals(head + block3, tm.trainableParams());
        assertFalse(tm.model().layer("conv_pw_2").isTrainable());

        tm.unfreezeFrom("conv_pw_2");
        assertTrue(tm.model().layer("conv_pw_2").isTrainable());
        assertFalse(tm.model().layer("conv1").isTrainable());

        tm.unfreezeTopBlocks(99);
        assertEquals(params(tm.model().trainableWeights()), tm.trainableParams());
        assertTrue(tm.model().layer("conv1").isTrainable(), "more blocks than there are unfreezes the whole base");
    }

    @Test
    void blocksFollowTheNumbersInKerasLayerNames() {
        TransferModel tm = TransferModel.on(base()).classes(2).build();
        assertEquals(List.of("conv1", "conv_pw_2", "conv_pw_3"), tm.blocks(), "out_relu has no number: block 3");
        assertEquals("7", BaseBlocks.blockKey("conv_dw_7_bn"));
        assertEquals("7", BaseBlocks.blockKey("block_7_expand_BN"));
        assertEquals("4.2", BaseBlocks.blockKey("conv4_block2_1_conv"));
        assertNull(BaseBlocks.blockKey("out_relu"));
        assertEquals(List.of(new BaseBlocks.Block("conv1", "conv1_relu"), new BaseBlocks.Block("conv_pw_2", "conv_pw_2_relu"),
                new BaseBlocks.Block("conv_pw_3", "out_relu")), BaseBlocks.of(tm.base()));
        // the top 1 block below the last: conv_pw_2's last layer; asking for more than there are takes all
        assertEquals(4 + 4 + 6, TransferModel.on(base()).classes(2).featureLayersFromTopBlocks(5).build()
                .extractor().output().shape()[0]);
        assertEquals(4 + 6, TransferModel.on(base()).classes(2).featureLayersFromTopBlocks(1).build()
                .extractor().output().shape()[0]);
    }

    @Test
    void baseRunsInInferenceModeSoUnfrozenBatchNormKeepsItsStatistics() {
        // no BN in the head, so that predict and a training call differ only by the base's BN
        TransferModel tm = TransferModel.on(base()).classes(2).dropout(0).normalizeFeatures(false).build();
        tm.unfreezeTopBlocks(99);
        BatchNormalization bn = (BatchNormalization) tm.model().layer("conv1_bn");
        float[] before = bn.weight("moving_mean").value().toArray();
        Tensor x = images();
        assertArrayEquals(tm.model().predict(x).toArray(), tm.model().call(x, true).toArray(), 1e-6f);
        assertArrayEquals(before, bn.weight("moving_mean").value().toArray(), 0f);

        TransferModel batchStats = TransferModel.on(base()).classes(2).dropout(0).baseInInferenceMode(false).build();
        BatchNormalization bn2 = (BatchNormalization) batchStats.model().layer("conv1_bn");
        float[] before2 = bn2.weight("moving_mean").value().toArray();
        batchStats.model().call(x, true);
        assertFalse(java.util.Arrays.equals(before2, bn2.weight("moving_mean").value().toArray()),
                "with baseInInferenceMode(false) a trainable BN updates its statistics");

        // rewired between phases: the same layers, now with the base following the model's mode
        TransferModel rewired = tm.withBaseInInferenceMode(false);
        assertSame(tm.head(), rewired.head());
        assertSame(bn, rewired.model().layer("conv1_bn"));
        assertArrayEquals(tm.model().predict(x).toArray(), rewired.model().predict(x).toArray(), 0f,
                "same weights, same inference");
        rewired.model().call(x, true);
        assertFalse(java.util.Arrays.equals(before, bn.weight("moving_mean").value().toArray()),
                "the unfrozen BN now updates its statistics");
    }

    @Test
    void badBasesAndOptionsAreRefusedWithTheReason() {
        Model flat = new Sequential("flat", new int[] {4}, new Dense(3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TransferModel.on(flat));
        assertTrue(e.getMessage().contains("'flat'") && e.getMessage().contains("includeTop(false)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TransferModel.on(base()).classes(1));
        assertThrows(IllegalArgumentException.class, () -> TransferModel.on(base()).dropout(1.0));
        assertThrows(IllegalStateException.class, () -> TransferModel.on(base()).build());
        assertThrows(IllegalArgumentException.class, () -> TransferModel.on(base()).classes(2).build().unfreezeTopBlocks(0));
    }
}
