package org.transfer4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.transfer4j.nn.layers.Add;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.Conv2D;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.nn.layers.Dropout;
import org.transfer4j.nn.layers.Flatten;
import org.transfer4j.nn.layers.MaxPooling2D;
import org.transfer4j.nn.layers.ReLU;
import org.transfer4j.ops.Reduce;
import org.transfer4j.ops.Unary;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/** The functional graph: wiring, running, nesting, sharing, cutting, naming and its errors. */
class ModelTest {
    private static Tensor images(long seed, int n) {
        return Tensor.randn(new Generator(seed), n, 6, 6, 3);
    }

    @Test
    void functionalModelEqualsTheLayersCalledOneAfterAnother() {
        Conv2D conv = new Conv2D(4, 3);
        BatchNormalization bn = new BatchNormalization();
        Dense dense = new Dense(2);
        SymbolicTensor in = Input.of(6, 6, 3);
        Model model = Model.of(in, dense.apply(new ReLU().apply(bn.apply(conv.apply(in)))));
        Tensor x = images(1, 2);

        Tensor expected = Unary.relu(bn.call(conv.call(x, false), false));
        expected = dense.call(expected, false);
        assertArrayEquals(expected.toArray(), model.predict(x).toArray(), 0f);
        assertArrayEquals(new int[] {2, 4, 4, 2}, model.predict(x).shape());
    }

    @Test
    void sequentialChainsItsLayersAndNamesThemLikeKeras() {
        Model model = new Sequential(new int[] {6, 6, 3}, new Conv2D(4, 3).named("c1"), new Dense(2).named("d1"));
        assertEquals(List.of("c1", "d1"), model.layers().stream().skip(1).map(Layer::name).toList());
        assertTrue(model.layers().getFirst() instanceof InputLayer);
        assertTrue(model.name().startsWith("sequential"));
        assertEquals("conv2d", LayerNames.snakeCase("Conv2D"));
        assertEquals("batch_normalization", LayerNames.snakeCase("BatchNormalization"));
        assertEquals("re_lu", LayerNames.snakeCase("ReLU"));
        assertEquals("global_average_pooling2d", LayerNames.snakeCase("GlobalAveragePooling2D"));
        assertEquals("depthwise_conv2d", LayerNames.snakeCase("DepthwiseConv2D"));
    }

    @Test
    void sharedLayerUsesTheSameWeightsAtEveryCall() {
        Dense shared = new Dense(3);
        SymbolicTensor in = Input.of(3);
        Model model = Model.of(in, shared.apply(shared.apply(in)));
        assertEquals(2, model.weights().size(), "a shared layer's weights are listed once");
        Tensor x = Tensor.randn(new Generator(3), 4, 3);
        Tensor twice = shared.call(shared.call(x, false), false);
        assertArrayEquals(twice.toArray(), model.predict(x).toArray(), 0f);
        assertThrows(IllegalArgumentException.class, () -> model.outputOf(shared.name()));
        assertTrue(model.summary().contains("multiple"));
    }

    @Test
    void multiOutputModelReturnsEveryOutput() {
        SymbolicTensor in = Input.of(5);
        Dense a = new Dense(2);
        Dense b = new Dense(3);
        Model model = Model.of(List.of(in), List.of(a.apply(in), b.apply(in)));
        Tensor x = Tensor.randn(new Generator(4), 2, 5);
        List<Tensor> out = model.callAll(List.of(x), false);
        assertArrayEquals(a.call(x, false).toArray(), out.get(0).toArray(), 0f);
        assertArrayEquals(b.call(x, false).toArray(), out.get(1).toArray(), 0f);
        assertThrows(IllegalStateException.class, model::output);
    }

    @Test
    void callingAMultiOutputModelAsOneLayerPointsToCallAll() {
        SymbolicTensor in = Input.of(5);
        Model model = Model.of(List.of(in), List.of(new Dense(2).apply(in), new Dense(3).apply(in)));
        IllegalStateException call = assertThrows(IllegalStateException.class,
                () -> model.call(Tensor.ones(1, 5), false));
        assertTrue(call.getMessage().contains("2 outputs") && call.getMessage().contains("callAll"), call.getMessage());
        assertThrows(IllegalStateException.class, () -> model.apply(Input.of(5)));
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> model.callAll(List.of(Tensor.ones(1, 5), Tensor.ones(1, 5)), false));
        assertTrue(count.getMessage().contains("takes 1 input, got 2"), count.getMessage());
    }

    @Test
    void nestedModelRunsAsALayerAndItsLayersAreAddressable() {
        Model base = new Sequential("base", new int[] {6, 6, 3},
                new Conv2D(4, 3).named("base_conv"), new BatchNormalization().named("base_bn"));
        SymbolicTensor in = Input.of(6, 6, 3);
        Dense head = new Dense(2);
        head.named("head");
        Model model = Model.of(in, head.apply(base.apply(in)));

        Tensor x = images(5, 2);
        assertArrayEquals(head.call(base.call(x, false), false).toArray(), model.predict(x).toArray(), 0f);
        assertSame(base.layer("base_conv"), model.layer("base_conv"));
        assertSame(base.layer("base_conv").weight("kernel"), model.weight("base_conv/kernel"));
        assertEquals(List.of("input_layer", "base_conv", "base_bn", "head"),
                model.flattenedLayers().stream().map(l -> l.name().replaceAll("_\\d+$", "")).toList());
        assertEquals(base.countParams() + head.countParams(), model.countParams());
    }

    @Test
    void cutAtReturnsTheIntermediateOutputWithTheSameWeights() {
        Conv2D conv = new Conv2D(4, 3);
        conv.named("features");
        Model model = new Sequential(new int[] {6, 6, 3}, conv, new ReLU(), new Dense(2));
        Model cut = model.cutAt("features");
        Tensor x = images(6, 1);
        assertArrayEquals(conv.call(x, false).toArray(), cut.predict(x).toArray(), 0f);
        assertSame(conv.weight("kernel"), cut.weight("features/kernel"));
        assertEquals(conv.countParams(), cut.countParams());
    }

    @Test
    void cuttingInsideANestedModelNamesThatModelAndHowToCutIt() {
        // The message used to suggest model.layer("<nested model>").cutAt(...), which does not compile
        // (layer() returns a Layer) and did not say which nested model holds the layer.
        Model base = new Sequential("base", new int[] {6, 6, 3}, new Conv2D(4, 3).named("inner_conv"));
        SymbolicTensor in = Input.of(6, 6, 3);
        Model model = Model.of(in, new Dense(2).apply(base.apply(in)));
        NoSuchLayerException e = assertThrows(NoSuchLayerException.class, () -> model.cutAt("inner_conv"));
        assertTrue(e.getMessage().contains("'base'") && e.getMessage().contains("((Model) model.layer(\"base\"))"
                + ".cutAt(\"inner_conv\")"), e.getMessage());
        Model cut = ((Model) model.layer("base")).cutAt("inner_conv");
        assertArrayEquals(new int[] {4, 4, 4}, cut.output().shape());
    }

    @Test
    void summaryListsLayersShapesAndParameterTotals() {
        Conv2D conv = new Conv2D(8, 3);
        conv.named("conv");
        BatchNormalization bn = new BatchNormalization();
        bn.named("bn");
        Dense dense = new Dense(10);
        dense.named("logits");
        Model model = new Sequential("net", new int[] {32, 32, 3}, conv, bn, dense);
        String s = model.summary();
        // Conv2D: 3*3*3*8 + 8 = 224; BN: 4*8 = 32 (gamma, beta trainable: 16); Dense on (30,30,8): 8*10 + 10 = 90
        assertTrue(s.contains("conv (Conv2D)"), s);
        assertTrue(s.contains("(None, 30, 30, 8)"), s);
        assertTrue(s.contains("(None, 30, 30, 10)"), s);
        assertTrue(s.contains("Total params: 346\n"), s);
        assertTrue(s.contains("Trainable params: 330\n"), s);
        assertTrue(s.contains("Non-trainable params: 16\n"), s);
        conv.setTrainable(false);
        assertTrue(model.summary().contains("Trainable params: 106\n"), model.summary());
    }

    @Test
    void summaryOfKerasMnistConvnetMatchesKerasPrintout() {
        // keras.io/examples/vision/mnist_convnet: model.summary() prints (None, 26, 26, 32) 320,
        // (None, 13, 13, 32), (None, 11, 11, 64) 18,496, (None, 5, 5, 64), (None, 1600), (None, 10) 16,010,
        // "Total params: 34,826".
        Model model = new Sequential(new int[] {28, 28, 1},
                new Conv2D(32, 3).activation("relu"), new MaxPooling2D(2),
                new Conv2D(64, 3).activation("relu"), new MaxPooling2D(2),
                new Flatten(), new Dropout(0.5f), new Dense(10).activation("softmax"));
        String s = model.summary();
        for (String expected : new String[] {"(None, 26, 26, 32)", "320", "(None, 13, 13, 32)", "(None, 11, 11, 64)",
            "18,496", "(None, 5, 5, 64)", "(None, 1600)", "16,010", "Total params: 34,826\n",
            "Trainable params: 34,826\n", "Non-trainable params: 0\n"}) {
            assertTrue(s.contains(expected), expected + " missing from\n" + s);
        }
    }

    @Test
    void unknownLayerNameGivesTheModelNameAndAHint() {
        Model model = new Sequential("net", new int[] {4}, new Dense(3).named("fc1"), new Dense(2).named("fc2"));
        NoSuchLayerException e = assertThrows(NoSuchLayerException.class, () -> model.layer("fc3"));
        assertTrue(e.getMessage().contains("'net'") && e.getMessage().contains("'fc3'")
                && e.getMessage().contains("Did you mean"), e.getMessage());
        assertThrows(NoSuchLayerException.class, () -> model.weight("fc1/gamma"));
        assertThrows(NoSuchLayerException.class, () -> model.cutAt("nope"));
    }

    @Test
    void wrongInputShapeNamesTheModelAndTheShapes() {
        Model model = new Sequential("net", new int[] {6, 6, 3}, new Conv2D(4, 3));
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> model.predict(Tensor.zeros(2, 6, 6, 4)));
        assertTrue(e.getMessage().contains("net") && e.getMessage().contains("[6, 6, 4]")
                && e.getMessage().contains("(None, 6, 6, 3)"), e.getMessage());
        assertThrows(ShapeMismatchException.class, () -> model.predict(Tensor.zeros(6, 6, 3)));
    }

    @Test
    void layerRejectsInputsThatDoNotFitItsWeightsOrRank() {
        Conv2D conv = new Conv2D(4, 3);
        conv.named("conv_a");
        conv.call(images(7, 1), false);
        ShapeMismatchException channels = assertThrows(ShapeMismatchException.class,
                () -> conv.call(Tensor.zeros(1, 6, 6, 5), false));
        assertTrue(channels.getMessage().contains("conv_a (Conv2D)"), channels.getMessage());
        ShapeMismatchException rank = assertThrows(ShapeMismatchException.class,
                () -> new Conv2D(4, 3).apply(Input.of(6, 3)));
        assertTrue(rank.getMessage().contains("(H,W,C)"), rank.getMessage());
        assertThrows(ShapeMismatchException.class, () -> new Conv2D(4, 7).apply(Input.of(6, 6, 3)));
        assertThrows(IllegalStateException.class, () -> conv.strides(2), "configuration after build");
    }

    @Test
    void duplicateNamesAndDisconnectedGraphsAreRejected() {
        SymbolicTensor in = Input.of(4);
        SymbolicTensor x = new Dense(4).named("same").apply(in);
        SymbolicTensor y = new Dense(4).named("same").apply(x);
        assertThrows(IllegalArgumentException.class, () -> Model.of(in, y));
        SymbolicTensor other = Input.of(4);
        SymbolicTensor z = new Dense(2).apply(other);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Model.of(in, z));
        assertTrue(e.getMessage().contains("graph disconnected"), e.getMessage());
    }

    @Test
    void anOutputThatIsAnotherModelsInputIsAGraphDisconnection() {
        // Model.of(in, other) used to build, then fail in predict with NoSuchElementException.
        SymbolicTensor in = Input.of(4);
        SymbolicTensor other = Input.of("other", 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Model.of(in, other));
        assertTrue(e.getMessage().contains("graph disconnected") && e.getMessage().contains("'other'"), e.getMessage());
        float[] x = {1, 2, 3, 4};
        assertArrayEquals(x, Model.of(in, in).predict(Tensor.of(x, 1, 4)).toArray(), 0f,
                "an input that is its own output is fine");
    }

    @Test
    void anInputListedTwiceIsRejected() {
        // Keras: "The list of inputs passed to the model is redundant. All inputs should only appear once."
        // Here the second batch would silently replace the first.
        SymbolicTensor in = Input.of("x", 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Model.of(List.of(in, in), List.of(new Add().apply(in, in))));
        assertTrue(e.getMessage().contains("'x'") && e.getMessage().contains("twice"), e.getMessage());
    }

    @Test
    void predictRecordsNoTapeAndCallRecordsOne() {
        Model model = new Sequential(new int[] {4}, new Dense(3));
        Tensor x = Tensor.randn(new Generator(8), 2, 4);
        assertTrue(!model.predict(x).requiresGrad());
        Tensor y = model.call(x, true);
        assertTrue(y.requiresGrad());
        Reduce.sum(y, new int[0], false).backward();
        for (Weight w : model.weights()) {
            assertNotSame(null, w.value().grad(), w.path() + " has a gradient");
        }
    }
}
