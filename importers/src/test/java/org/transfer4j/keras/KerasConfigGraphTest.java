package org.transfer4j.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.transfer4j.nn.Layer;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.tensor.Tensor;

/**
 * Graph cases written by hand in Keras' documented config formats (Keras 2: {@code inbound_nodes} as
 * {@code [[[layer, node, tensor, kwargs], ...]]}; Keras 3: {@code {"args": [__keras_tensor__ ...]}}), with
 * weights set by hand so that the expected outputs can be computed in the comments.
 */
class KerasConfigGraphTest {

    /** JSON written with single quotes, for readability. */
    static String json(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    static String input(String name, int... shape) {
        StringBuilder dims = new StringBuilder("null");
        for (int d : shape) {
            dims.append(", ").append(d);
        }
        return "{'class_name': 'InputLayer', 'name': '" + name + "', 'config': {'batch_input_shape': [" + dims
                + "], 'dtype': 'float32', 'sparse': false, 'name': '" + name + "'}, 'inbound_nodes': []}";
    }

    static String dense(String name, int units, String inbound) {
        return "{'class_name': 'Dense', 'name': '" + name + "', 'config': {'name': '" + name + "', 'trainable': true, "
                + "'dtype': 'float32', 'units': " + units + ", 'activation': 'linear', 'use_bias': true, "
                + "'kernel_initializer': {'class_name': 'GlorotUniform', 'config': {'seed': null}}, "
                + "'kernel_regularizer': null}, 'inbound_nodes': " + inbound + "}";
    }

    static String functional(String name, String layers, String inputs, String outputs) {
        return "{'class_name': 'Functional', 'config': {'name': '" + name + "', 'layers': [" + layers + "], "
                + "'input_layers': " + inputs + ", 'output_layers': " + outputs + "}}";
    }

    static Tensor row(float... values) {
        return Tensor.of(values, 1, values.length);
    }

    // ---- shared layers -------------------------------------------------------------------------------

    /** One Dense called on a and on b, then Add; the Add is listed first (Keras allows any order). */
    private static final String SHARED = functional("shared_model",
            "{'class_name': 'Add', 'name': 'sum', 'config': {'name': 'sum', 'trainable': true, 'dtype': 'float32'},"
            + " 'inbound_nodes': [[['shared', 0, 0, {}], ['shared', 1, 0, {}]]]},"
            + input("a", 2) + "," + input("b", 2) + ","
            + dense("shared", 1, "[[['a', 0, 0, {}]], [['b', 0, 0, {}]]]"),
            "[['a', 0, 0], ['b', 0, 0]]", "[['sum', 0, 0], ['shared', 1, 0]]");

    @Test
    void sharedLayerIsOneLayerAndNodeIndexSelectsItsCall() {
        Model model = KerasConfig.fromJson(json(SHARED));
        assertEquals(List.of("a", "b", "shared", "sum"), model.layers().stream().map(Layer::name).sorted().toList());
        assertEquals(3, model.countParams(), "one kernel (2,1) and one bias: the Dense is built once");
        model.layer("shared").weight("kernel").assign(new float[] {2f, 3f});
        model.layer("shared").weight("bias").assign(new float[] {0.5f});
        List<Tensor> out = model.callAll(List.of(row(1f, 1f), row(10f, 20f)), false);
        // shared(a) = 1*2 + 1*3 + 0.5 = 5.5; shared(b) = 10*2 + 20*3 + 0.5 = 80.5
        assertArrayEquals(new float[] {86f}, out.get(0).toArray(), 1e-5f, "sum = shared(a) + shared(b)");
        assertArrayEquals(new float[] {80.5f}, out.get(1).toArray(), 1e-5f, "['shared', 1, 0] is the call on b");
    }

    @Test
    void nodeIndexBeyondTheCallsIsNamed() {
        String config = json(SHARED).replace("[\"shared\", 1, 0]]}}", "[\"shared\", 2, 0]]}}");
        KerasImportException e = assertThrows(KerasImportException.class, () -> KerasConfig.fromJson(config));
        assertTrue(e.getMessage().contains("takes node 2 of 'shared'") && e.getMessage().contains("called 2 times"),
                e.getMessage());
    }

    // ---- nested models --------------------------------------------------------------------------------

    private static final String INNER = functional("inner",
            input("inner_in", 3) + "," + dense("d1", 2, "[[['inner_in', 0, 0, {}]]]"),
            "[['inner_in', 0, 0]]", "[['d1', 0, 0]]");

    /** The inner model as a layer: its first call in the outer model is node 1 (node 0 is its own graph). */
    private static String outer(int innerNode) {
        String nested = INNER.replace("'config': {'name': 'inner'",
                "'name': 'inner', 'inbound_nodes': [[['x', 0, 0, {'training': false}]]], 'config': {'name': 'inner'");
        return functional("outer", input("x", 3) + "," + nested + ","
                + dense("head", 1, "[[['inner', " + innerNode + ", 0, {}]]]"), "[['x', 0, 0]]", "[['head', 0, 0]]");
    }

    @Test
    void nestedFunctionalModelIsCalledLikeALayer() {
        Model model = KerasConfig.fromJson(json(outer(1)));
        assertEquals(List.of("x", "inner", "head"), model.layers().stream().map(Layer::name).toList());
        Model inner = assertInstanceOf(Model.class, model.layer("inner"));
        assertInstanceOf(Dense.class, model.layer("d1"), "layers of the nested model are found by name");
        assertEquals(2, inner.layers().size());
        inner.layer("d1").weight("kernel").assign(new float[] {1f, 0f, 0f, 1f, 1f, 1f}); // (3,2), row-major
        inner.layer("d1").weight("bias").assign(new float[] {0f, 0f});
        model.layer("head").weight("kernel").assign(new float[] {1f, -1f});
        model.layer("head").weight("bias").assign(new float[] {0f});
        // d1([1,2,3]) = [1*1 + 2*0 + 3*1, 1*0 + 2*1 + 3*1] = [4, 5]; head = 4 - 5 = -1
        assertArrayEquals(new float[] {-1f}, model.predict(row(1f, 2f, 3f)).toArray(), 1e-6f);
    }

    @Test
    void nestedModelNodeZeroIsNotACallOfThisModel() {
        KerasImportException e = assertThrows(KerasImportException.class, () -> KerasConfig.fromJson(json(outer(0))));
        assertTrue(e.getMessage().contains("takes node 0 of 'inner'") && e.getMessage().contains("node indices 1..1"),
                e.getMessage());
    }

    @Test
    void sequentialNestedInAFunctionalModel() {
        String sequential = "{'class_name': 'Sequential', 'name': 'head_block', 'config': {'name': 'head_block', "
                + "'layers': [" + input("head_in", 3) + "," + dense("h1", 4, "[]") + "," + dense("h2", 2, "[]") + "]},"
                + " 'inbound_nodes': [[['x', 0, 0, {}]]]}";
        Model model = KerasConfig.fromJson(json(functional("m", input("x", 3) + "," + sequential,
                "[['x', 0, 0]]", "[['head_block', 1, 0]]")));
        Model block = assertInstanceOf(Model.class, model.layer("head_block"));
        assertEquals(List.of("head_in", "h1", "h2"), block.layers().stream().map(Layer::name).toList());
        assertArrayEquals(new int[] {2}, model.output().shape());
        assertEquals(3 * 4 + 4 + 4 * 2 + 2, model.countParams());
    }

    @Test
    void trainingFalseKeywordFixesTheNestedBaseInInferenceModeAndIsExportedAgain() {
        // The Keras transfer-learning guide: x = base_model(inputs, training=False)
        String bn = "{'class_name': 'BatchNormalization', 'name': 'bn', 'config': {'name': 'bn', 'axis': -1, "
                + "'momentum': 0.5, 'epsilon': 0.001}, 'inbound_nodes': [[['base_in', 0, 0, {}]]]}";
        String base = "{'class_name': 'Functional', 'name': 'base', 'config': {'name': 'base', 'layers': ["
                + input("base_in", 2) + "," + bn + "], 'input_layers': [['base_in', 0, 0]], "
                + "'output_layers': [['bn', 0, 0]]}, 'inbound_nodes': [[['x', 0, 0, {'training': false}]]]}";
        Model model = KerasConfig.fromJson(json(functional("m", input("x", 2) + "," + base
                + "," + dense("head", 1, "[[['base', 1, 0, {}]]]"), "[['x', 0, 0]]", "[['head', 0, 0]]")));
        Layer bnLayer = model.layer("bn");
        float[] before = bnLayer.weight("moving_mean").value().toArray();
        Tensor x = Tensor.of(new float[] {1f, 2f, 3f, 5f}, 2, 2);
        assertArrayEquals(model.predict(x).toArray(), model.call(x, true).toArray(), 0f,
                "the base runs in inference mode in a training call");
        assertArrayEquals(before, bnLayer.weight("moving_mean").value().toArray(), 0f);
        String exported = KerasModelConfig.describe(model).toString();
        assertTrue(exported.replace(" ", "").contains("[\"x\",0,0,{\"training\":false}]"), exported);
    }

    @Test
    void nonBooleanTrainingKeywordIsRefused() {
        String layers = input("x", 2) + "," + dense("d", 1, "[[['x', 0, 0, {'training': 'yes'}]]]");
        KerasImportException e = assertThrows(KerasImportException.class,
                () -> KerasConfig.fromJson(json(functional("m", layers, "[['x', 0, 0]]", "[['d', 0, 0]]"))));
        assertTrue(e.getMessage().contains("training="), e.getMessage());
    }

    // ---- Sequential forms -----------------------------------------------------------------------------

    @Test
    void oldSequentialIsAListAndTakesItsInputFromTheFirstLayer() {
        // Keras 2.1: "config" is the layer list; the input is named after the first layer, as Keras names it.
        String config = "{'class_name': 'Sequential', 'config': [{'class_name': 'Dense', 'config': {'name': 'd', "
                + "'batch_input_shape': [null, 4], 'units': 3, 'activation': 'relu'}},"
                + " {'class_name': 'Dense', 'config': {'name': 'out', 'units': 1}}]}";
        Model model = KerasConfig.fromJson(json(config));
        assertEquals(List.of("d_input", "d", "out"), model.layers().stream().map(Layer::name).toList());
        assertArrayEquals(new int[] {4}, model.input().shape());
        assertArrayEquals(new int[] {1}, model.output().shape());
    }

    @Test
    void sequentialWithoutAnyInputShapeIsRefused() {
        String config = "{'class_name': 'Sequential', 'config': {'name': 's', 'layers': ["
                + "{'class_name': 'Dense', 'config': {'name': 'd', 'units': 3}}]}}";
        KerasImportException e = assertThrows(KerasImportException.class, () -> KerasConfig.fromJson(json(config)));
        assertTrue(e.getMessage().contains("input shape is unknown") && e.getMessage().contains("'d'"), e.getMessage());
    }

    // ---- Keras 3 ---------------------------------------------------------------------------------------

    private static String tensor(String layer, int node) {
        return "{'class_name': '__keras_tensor__', 'config': {'shape': [null, 2], 'dtype': 'float32', "
                + "'keras_history': ['" + layer + "', " + node + ", 0]}}";
    }

    @Test
    void kerasThreeWrappersTensorsAndDtypePolicies() {
        String policy = "{'module': 'keras', 'class_name': 'DTypePolicy', 'config': {'name': 'float32'}, 'registered_name': null}";
        String config = "{'module': 'keras.src.models.functional', 'class_name': 'Functional', 'registered_name': 'Functional',"
                + " 'build_config': {'input_shape': null}, 'config': {'name': 'k3', 'trainable': true, 'layers': ["
                + "{'module': 'keras.layers', 'class_name': 'InputLayer', 'registered_name': null, 'name': 'input_layer',"
                + " 'config': {'batch_shape': [null, 2], 'dtype': 'float32', 'sparse': false, 'name': 'input_layer'},"
                + " 'inbound_nodes': []},"
                + "{'module': 'keras.layers', 'class_name': 'Dense', 'registered_name': null, 'name': 'dense',"
                + " 'build_config': {'input_shape': [null, 2]}, 'config': {'name': 'dense', 'trainable': true,"
                + " 'dtype': " + policy + ", 'units': 2, 'activation': 'relu', 'use_bias': true, 'lora_rank': null,"
                + " 'kernel_initializer': {'module': 'keras.initializers', 'class_name': 'GlorotUniform',"
                + " 'config': {'seed': null}, 'registered_name': null}},"
                + " 'inbound_nodes': [{'args': [" + tensor("input_layer", 0) + "], 'kwargs': {}}]},"
                + "{'module': 'keras.layers', 'class_name': 'Add', 'registered_name': null, 'name': 'add',"
                + " 'config': {'name': 'add', 'trainable': true, 'dtype': " + policy + "},"
                + " 'inbound_nodes': [{'args': [[" + tensor("dense", 0) + ", " + tensor("input_layer", 0) + "]],"
                + " 'kwargs': {}}]}],"
                + " 'input_layers': ['input_layer', 0, 0], 'output_layers': ['add', 0, 0]}}";
        Model model = KerasConfig.fromJson(json(config));
        assertEquals(List.of("input_layer", "dense", "add"), model.layers().stream().map(Layer::name).toList());
        model.layer("dense").weight("kernel").assign(new float[] {1f, 2f, 3f, 4f});
        model.layer("dense").weight("bias").assign(new float[] {0f, -100f});
        // dense([1, 1]) = relu([1+3, 2+4-100]) = [4, 0]; add = [4+1, 0+1]
        assertArrayEquals(new float[] {5f, 1f}, model.predict(row(1f, 1f)).toArray(), 1e-6f);
    }

    @Test
    void kerasThreeSequentialTakesItsInputFromBatchShape() {
        String config = "{'module': 'keras', 'class_name': 'Sequential', 'config': {'name': 'seq', 'layers': ["
                + "{'module': 'keras.layers', 'class_name': 'InputLayer', 'config': {'batch_shape': [null, 8, 8, 3],"
                + " 'dtype': 'float32', 'sparse': false, 'name': 'input_layer'}},"
                + "{'module': 'keras.layers', 'class_name': 'Conv2D', 'config': {'name': 'conv', 'filters': 4,"
                + " 'kernel_size': [3, 3], 'strides': [1, 1], 'padding': 'same', 'data_format': 'channels_last',"
                + " 'dilation_rate': [1, 1], 'groups': 1, 'activation': 'relu', 'use_bias': true}}],"
                + " 'build_input_shape': [null, 8, 8, 3]}}";
        Model model = KerasConfig.fromJson(json(config));
        assertEquals(List.of("input_layer", "conv"), model.layers().stream().map(Layer::name).toList());
        assertArrayEquals(new int[] {8, 8, 4}, model.output().shape());
    }

    // ---- broken graphs --------------------------------------------------------------------------------

    @Test
    void unknownInboundLayerIsNamed() {
        String config = functional("m", input("x", 2) + "," + dense("d", 1, "[[['nowhere', 0, 0, {}]]]"),
                "[['x', 0, 0]]", "[['d', 0, 0]]");
        KerasImportException e = assertThrows(KerasImportException.class, () -> KerasConfig.fromJson(json(config)));
        assertTrue(e.getMessage().contains("layer 'd' takes its input from 'nowhere', which is not a layer"),
                e.getMessage());
    }

    @Test
    void cycleIsReportedNotRecursedInto() {
        String config = functional("m", input("x", 2) + ","
                + dense("p", 2, "[[['q', 0, 0, {}]]]") + "," + dense("q", 2, "[[['p', 0, 0, {}]]]"),
                "[['x', 0, 0]]", "[['q', 0, 0]]");
        KerasImportException e = assertThrows(KerasImportException.class, () -> KerasConfig.fromJson(json(config)));
        assertTrue(e.getMessage().contains("cycle") && e.getMessage().contains("'p' waits for [['q', 0, 0]]")
                && e.getMessage().contains("'q' waits for [['p', 0, 0]]"), e.getMessage());
    }

    @Test
    void secondOutputTensorOfALayerIsRefused() {
        String config = functional("m", input("x", 2) + "," + dense("d", 1, "[[['x', 0, 1, {}]]]"),
                "[['x', 0, 0]]", "[['d', 0, 0]]");
        KerasImportException e = assertThrows(KerasImportException.class, () -> KerasConfig.fromJson(json(config)));
        assertTrue(e.getMessage().contains("output tensor 1 of 'x'"), e.getMessage());
    }

    @Test
    void outputOfAnUnknownLayerIsNamed() {
        String config = functional("m", input("x", 2) + "," + dense("d", 1, "[[['x', 0, 0, {}]]]"),
                "[['x', 0, 0]]", "[['e', 0, 0]]");
        KerasImportException e = assertThrows(KerasImportException.class, () -> KerasConfig.fromJson(json(config)));
        assertTrue(e.getMessage().contains("output_layers takes its input from 'e'"), e.getMessage());
    }

    @Test
    void duplicateLayerNamesAreRefused() {
        String config = functional("m", input("x", 2) + "," + dense("d", 1, "[[['x', 0, 0, {}]]]") + ","
                + dense("d", 1, "[[['x', 0, 0, {}]]]"), "[['x', 0, 0]]", "[['d', 0, 0]]");
        KerasImportException e = assertThrows(KerasImportException.class, () -> KerasConfig.fromJson(json(config)));
        assertTrue(e.getMessage().contains("two layers are named 'd'"), e.getMessage());
    }

    @Test
    void notJsonAndNotAModelAreRefused() {
        KerasImportException bad = assertThrows(KerasImportException.class, () -> KerasConfig.fromJson("{\"class_name\": "));
        assertTrue(bad.getMessage().contains("not valid JSON"), bad.getMessage());
        KerasImportException layer = assertThrows(KerasImportException.class,
                () -> KerasConfig.fromJson(json("{'class_name': 'Dense', 'config': {'units': 2}}")));
        assertTrue(layer.getMessage().contains("class is 'Dense'"), layer.getMessage());
    }

    @Test
    void sparseInputIsRefused() {
        String config = functional("m", input("x", 2).replace("'sparse': false", "'sparse': true") + ","
                + dense("d", 1, "[[['x', 0, 0, {}]]]"), "[['x', 0, 0]]", "[['d', 0, 0]]");
        KerasImportException e = assertThrows(KerasImportException.class, () -> KerasConfig.fromJson(json(config)));
        assertTrue(e.getMessage().contains("input layer 'x' is sparse"), e.getMessage());
    }

    @Test
    void unknownSizeBesidesTheBatchIsRefused() {
        String config = functional("m", input("x", 2).replace("null, 2", "null, null, 2") + ","
                + dense("d", 1, "[[['x', 0, 0, {}]]]"), "[['x', 0, 0]]", "[['d', 0, 0]]");
        KerasImportException e = assertThrows(KerasImportException.class, () -> KerasConfig.fromJson(json(config)));
        assertTrue(e.getMessage().contains("layer 'x'") && e.getMessage().contains("unknown size"), e.getMessage());
    }
}
