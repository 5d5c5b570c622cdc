package org.transfer4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.transfer4j.applications.MobileNetV2;
import org.transfer4j.applications.Pooling;
import org.transfer4j.applications.ResNet50;
import org.transfer4j.backend.FakeDevice;
import org.transfer4j.nn.layers.Add;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.Conv2D;
import org.transfer4j.nn.layers.DepthwiseConv2D;
import org.transfer4j.nn.layers.ReLU;
import org.transfer4j.nn.layers.ZeroPadding2D;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;
import org.transfer4j.tensor.TensorScope;

/**
 * {@link InferenceModel} computes what {@link Model#predict} computes (the independent truth here: the layers
 * one by one), up to float rounding, on models whose batch norms have non-trivial statistics, and it fuses the
 * chains it should and no others.
 */
class InferenceModelTest {

    @Test
    void mobileNetV2FoldsEveryBatchNormAndPaddingAndMatchesPredict() {
        Model model = MobileNetV2.builder().alpha(0.35).includeTop(false).pooling(Pooling.AVG).inputShape(64, 64, 3)
                .build();
        randomizeBatchNorms(model, 11);
        InferenceModel fast = InferenceModel.of(model);
        long batchNorms = model.flattenedLayers().stream().filter(l -> l instanceof BatchNormalization).count();
        assertEquals(52, batchNorms);
        assertEquals(batchNorms, fast.foldedBatchNorms());
        // a strided block: the zero padding joins the depthwise convolution; a residual block: the add joins the projection
        assertTrue(fast.fusedLayers().contains("block_1_pad + block_1_depthwise + block_1_depthwise_BN + block_1_depthwise_relu"),
                fast.fusedLayers().toString());
        assertTrue(fast.fusedLayers().contains("block_2_project + block_2_project_BN + block_2_add"),
                fast.fusedLayers().toString());
        assertMatchesPredict(model, fast, 12);
    }

    @Test
    void resNet50FusesBiasBatchNormAddAndReluAndMatchesPredict() {
        Model model = ResNet50.builder().includeTop(false).pooling(Pooling.AVG).inputShape(64, 64, 3).build();
        randomizeBatchNorms(model, 21);
        InferenceModel fast = InferenceModel.of(model);
        assertEquals(53, fast.foldedBatchNorms());
        List<String> fused = fast.fusedLayers();
        assertTrue(fused.contains("conv1_pad + conv1_conv + conv1_bn + conv1_relu"), fused.toString());
        // an identity block's last convolution takes the shortcut and the block's ReLU
        assertTrue(fused.contains("conv2_block2_3_conv + conv2_block2_3_bn + conv2_block2_add + conv2_block2_out"),
                fused.toString());
        assertMatchesPredict(model, fast, 22);
    }

    @Test
    void refreshFollowsChangedWeights() {
        Model model = convBatchNormRelu();
        randomizeBatchNorms(model, 31);
        InferenceModel fast = InferenceModel.of(model);
        assertMatchesPredict(model, fast, 32);
        BatchNormalization bn = (BatchNormalization) model.layer("bn");
        bn.weight("moving_mean").assign(Tensor.uniform(new Generator(33), -2f, 2f, 6));
        Tensor x = Tensor.uniform(new Generator(34), -1f, 1f, 2, 9, 9, 3);
        assertFalse(close(model.predict(x), fast.predict(x)), "a snapshot: stale until refreshed");
        fast.refresh();
        assertMatchesPredict(model, fast, 35);
    }

    @Test
    void aValueReadTwiceIsNotSkipped() {
        // conv -> bn -> relu, and the conv's output is also added to the relu's: the conv cannot absorb the bn
        SymbolicTensor in = Input.of("in", 9, 9, 3);
        SymbolicTensor c = new Conv2D(6, 3).padding("same").named("conv").apply(in);
        SymbolicTensor b = new BatchNormalization().named("bn").apply(c);
        SymbolicTensor r = new ReLU().named("relu").apply(b);
        Model model = Model.of(in, new Add().named("add").apply(c, r));
        randomizeBatchNorms(model, 41);
        InferenceModel fast = InferenceModel.of(model);
        assertEquals(List.of("conv"), fast.fusedLayers(), "only the conv's own bias");
        assertEquals(0, fast.foldedBatchNorms());
        assertMatchesPredict(model, fast, 42);
    }

    @Test
    void aBatchNormFixedInTrainingModeIsNotFoldedAndKeepsItsMode() {
        // apply(x, true) pins the batch norm to batch statistics even in predict (Keras' training=True call)
        SymbolicTensor in = Input.of("in", 9, 9, 3);
        SymbolicTensor c = new Conv2D(6, 3).padding("same").named("conv").apply(in);
        SymbolicTensor b = new BatchNormalization().named("bn").apply(List.of(c), true);
        Model model = Model.of(in, new ReLU().named("relu").apply(b));
        randomizeBatchNorms(model, 71);
        InferenceModel fast = InferenceModel.of(model);
        assertEquals(0, fast.foldedBatchNorms());
        assertEquals(List.of("conv"), fast.fusedLayers());
        assertMatchesPredict(model, fast, 72);
    }

    @Test
    void aDepthwiseConvolutionWithItsOwnActivationAndPaddingIsOneStep() {
        SymbolicTensor in = Input.of("in", 10, 10, 4);
        SymbolicTensor p = new ZeroPadding2D(0, 1, 0, 1).named("pad").apply(in);
        SymbolicTensor d = new DepthwiseConv2D(3).depthMultiplier(2).strides(2).activation("relu6").named("dw").apply(p);
        Model model = Model.of(in, d);
        InferenceModel fast = InferenceModel.of(model);
        assertEquals(List.of("pad + dw"), fast.fusedLayers());
        assertMatchesPredict(model, fast, 51);
    }

    @Test
    void followsTheModelToAnotherDeviceAndLeavesNothingBehind() {
        Model model = convBatchNormRelu();
        randomizeBatchNorms(model, 61);
        InferenceModel fast = InferenceModel.of(model);
        Tensor x = Tensor.uniform(new Generator(62), -1f, 1f, 2, 9, 9, 3);
        Tensor expected = model.predict(x);
        FakeDevice fake = FakeDevice.create(5);
        model.to(fake.device());
        Tensor xf = x.to(fake.device());
        fast.predict(xf).close(); // the first call moves the scale and shift
        long live = fake.liveStorages();
        try (TensorScope ignored = TensorScope.open()) {
            Tensor y = fast.predict(xf);
            assertArrayEquals(expected.toArray(), y.toArray(), 1e-5f);
        }
        assertEquals(live, fake.liveStorages(), "a predict inside a scope frees its activations and output");
    }

    private static Model convBatchNormRelu() {
        SymbolicTensor in = Input.of("in", 9, 9, 3);
        SymbolicTensor c = new Conv2D(6, 3).padding("same").named("conv").apply(in);
        SymbolicTensor b = new BatchNormalization().named("bn").apply(c);
        return Model.of(in, new ReLU().maxValue(6f).named("relu").apply(b));
    }

    /** Moving statistics, gamma and beta drawn at random (variance in [0.5, 2)), so that folding them matters. */
    private static void randomizeBatchNorms(Model model, long seed) {
        Generator gen = new Generator(seed);
        for (Layer l : model.flattenedLayers()) {
            if (l instanceof BatchNormalization) {
                for (Weight w : l.weights()) {
                    boolean variance = w.name().equals("moving_variance");
                    w.assign(Tensor.uniform(gen, variance ? 0.5f : -0.5f, variance ? 2f : 0.5f, w.shape()));
                }
            }
            for (Weight w : l.weights()) {
                if (w.name().equals("bias")) {
                    w.assign(Tensor.uniform(gen, -0.2f, 0.2f, w.shape()));
                }
            }
        }
    }

    private static void assertMatchesPredict(Model model, InferenceModel fast, long seed) {
        int[] shape = model.input().shape();
        Tensor x = Tensor.uniform(new Generator(seed), -1f, 1f, 2, shape[0], shape[1], shape[2]);
        Tensor expected = model.predict(x);
        Tensor got = fast.predict(x);
        assertArrayEquals(expected.shape(), got.shape());
        assertTrue(close(expected, got), () -> "worst difference " + worst(expected, got) + " at scale "
                + scale(expected));
    }

    /** Within 1e-4 of the output's largest magnitude: float rounding, reordered by the folding. */
    private static boolean close(Tensor expected, Tensor got) {
        return worst(expected, got) <= 1e-4 * Math.max(1.0, scale(expected));
    }

    private static double worst(Tensor expected, Tensor got) {
        float[] e = expected.toArray();
        float[] g = got.toArray();
        double worst = 0;
        for (int i = 0; i < e.length; i++) {
            worst = Math.max(worst, Math.abs((double) e[i] - g[i]));
        }
        return worst;
    }

    private static double scale(Tensor t) {
        double m = 0;
        for (float v : t.toArray()) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
