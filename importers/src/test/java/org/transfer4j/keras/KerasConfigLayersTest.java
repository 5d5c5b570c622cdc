package org.transfer4j.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.transfer4j.keras.KerasConfigGraphTest.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.transfer4j.nn.Input;
import org.transfer4j.nn.Layer;
import org.transfer4j.nn.SymbolicTensor;
import org.transfer4j.nn.layers.AveragePooling2D;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.Conv2D;
import org.transfer4j.nn.layers.Cropping2D;
import org.transfer4j.nn.layers.DepthwiseConv2D;
import org.transfer4j.nn.layers.Dropout;
import org.transfer4j.nn.layers.ELU;
import org.transfer4j.nn.layers.LeakyReLU;
import org.transfer4j.nn.layers.MaxPooling2D;
import org.transfer4j.nn.layers.SeparableConv2D;
import org.transfer4j.nn.layers.ThresholdedReLU;
import org.transfer4j.nn.layers.UpSampling2D;
import org.transfer4j.nn.layers.ZeroPadding2D;
import org.transfer4j.tensor.Tensor;

/** The Keras arguments of each layer class reach the transfer4j layer; those we cannot honour are refused. */
class KerasConfigLayersTest {

    private static Layer layer(String className, String config) {
        JsonNode node = KerasConfig.parse(json(config));
        return KerasLayers.create(className, "l", node);
    }

    private static int[] outputShape(Layer layer, int... inputShape) {
        SymbolicTensor in = Input.of(inputShape);
        return layer.apply(in).shape();
    }

    private static KerasImportException refused(String className, String config) {
        return assertThrows(KerasImportException.class, () -> layer(className, config));
    }

    @Test
    void everyLayerClassOfCoreHasAFactory() throws IOException, URISyntaxException, ClassNotFoundException {
        List<String> layerClasses = new ArrayList<>();
        URI uri = Conv2D.class.getResource("Conv2D.class").toURI();
        try (FileSystem jar = uri.getScheme().equals("jar") ? FileSystems.newFileSystem(uri, Map.of()) : null;
                Stream<Path> files = Files.list(Path.of(uri).getParent())) {
            for (Path p : files.toList()) {
                String file = p.getFileName().toString();
                if (!file.endsWith(".class") || file.contains("$")) {
                    continue;
                }
                Class<?> c = Class.forName("org.transfer4j.nn.layers." + file.substring(0, file.length() - 6));
                if (Layer.class.isAssignableFrom(c) && Modifier.isPublic(c.getModifiers())
                        && !Modifier.isAbstract(c.getModifiers())) {
                    layerClasses.add(c.getSimpleName());
                }
            }
        }
        assertTrue(layerClasses.size() >= 28, "found the layer classes: " + layerClasses);
        for (String c : layerClasses) {
            assertTrue(KerasLayers.supports(c), "no factory for " + c);
        }
    }

    @Test
    void convolutionArguments() {
        Conv2D conv = assertInstanceOf(Conv2D.class, layer("Conv2D", "{'name': 'l', 'filters': 4, 'kernel_size': [3, 2],"
                + " 'strides': [2, 1], 'padding': 'same', 'dilation_rate': [1, 1], 'groups': 1, 'activation': 'tanh',"
                + " 'use_bias': false, 'data_format': 'channels_last', 'kernel_regularizer': {'class_name': 'L2',"
                + " 'config': {'l2': 0.0001}}, 'kernel_constraint': null}"));
        assertEquals("l", conv.name());
        assertEquals(4, conv.filters());
        assertEquals("tanh", conv.activation());
        // same padding: OH = ceil(9 / 2) = 5, OW = ceil(9 / 1) = 9; kernel (3,2,3,4), no bias
        assertArrayEquals(new int[] {5, 9, 4}, outputShape(conv, 9, 9, 3));
        assertEquals(3 * 2 * 3 * 4, conv.countParams());

        DepthwiseConv2D dw = assertInstanceOf(DepthwiseConv2D.class, layer("DepthwiseConv2D",
                "{'kernel_size': 3, 'strides': 1, 'padding': 'valid', 'depth_multiplier': 2, 'groups': 1}"));
        assertEquals(2, dw.depthMultiplier());
        assertArrayEquals(new int[] {3, 3, 6}, outputShape(dw, 5, 5, 3));
        assertEquals(3 * 3 * 3 * 2 + 6, dw.countParams());

        SeparableConv2D sep = assertInstanceOf(SeparableConv2D.class, layer("SeparableConv2D",
                "{'filters': 5, 'kernel_size': [3, 3], 'padding': 'same', 'depth_multiplier': 1, 'activation': 'relu'}"));
        assertEquals(5, sep.filters());
        assertArrayEquals(new int[] {4, 4, 5}, outputShape(sep, 4, 4, 2));
        // depthwise (3,3,2,1), pointwise (1,1,2,5), bias (5)
        assertEquals(18 + 10 + 5, sep.countParams());
    }

    @Test
    void poolingStridesDefaultToThePoolSize() {
        MaxPooling2D max = assertInstanceOf(MaxPooling2D.class,
                layer("MaxPooling2D", "{'pool_size': [3, 2], 'strides': null, 'padding': 'valid'}"));
        assertArrayEquals(new int[] {3, 2}, max.strides());
        AveragePooling2D avg = assertInstanceOf(AveragePooling2D.class,
                layer("AveragePooling2D", "{'pool_size': 2, 'strides': [1, 1], 'padding': 'same'}"));
        assertArrayEquals(new int[] {2, 2}, avg.poolSize());
        assertArrayEquals(new int[] {1, 1}, avg.strides());
        assertArrayEquals(new int[] {1, 1, 7}, outputShape(layer("GlobalAveragePooling2D", "{'keepdims': true}"), 4, 4, 7));
        assertArrayEquals(new int[] {7}, outputShape(layer("GlobalMaxPooling2D", "{}"), 4, 4, 7));
    }

    @Test
    void batchNormalizationArguments() {
        BatchNormalization bn = assertInstanceOf(BatchNormalization.class, layer("BatchNormalization",
                "{'axis': [3], 'momentum': 0.9, 'epsilon': 0.01, 'center': false, 'scale': true, 'renorm': false,"
                + " 'fused': true, 'virtual_batch_size': null, 'moving_mean_initializer': {'class_name': 'Zeros'}}"));
        assertEquals(0.9f, bn.momentum());
        assertEquals(0.01f, bn.epsilon());
        outputShape(bn, 2, 2, 5);
        assertEquals(List.of("gamma", "moving_mean", "moving_variance"), bn.weights().stream().map(w -> w.name()).toList());
        KerasImportException renorm = refused("BatchNormalization", "{'renorm': true}");
        assertTrue(renorm.getMessage().contains("'renorm' = true is not supported"), renorm.getMessage());
    }

    @Test
    void reluArgumentsFollowKerasFormula() {
        Layer relu = layer("ReLU", "{'max_value': 1.4, 'negative_slope': 0.2, 'threshold': 0.2}");
        // Keras ReLU: max_value for x >= max_value, x for threshold <= x < max_value, else negative_slope * (x - threshold)
        // x = -1: 0.2 * (-1.2) = -0.24; x = 0.1: 0.2 * (0.1 - 0.2) = -0.02; x = 0.5: 0.5; x = 3: 1.4
        Tensor y = relu.call(Tensor.of(new float[] {-1f, 0.1f, 0.5f, 3f}, 1, 4), false);
        assertArrayEquals(new float[] {-0.24f, -0.02f, 0.5f, 1.4f}, y.toArray(), 1e-6f);
        assertEquals(0.1f, assertInstanceOf(LeakyReLU.class, layer("LeakyReLU", "{'alpha': 0.1}")).negativeSlope());
        assertEquals(0.2f, assertInstanceOf(LeakyReLU.class, layer("LeakyReLU", "{'negative_slope': 0.2}")).negativeSlope());
        assertEquals(0.3f, assertInstanceOf(LeakyReLU.class, layer("LeakyReLU", "{}")).negativeSlope(), "Keras' default");
        assertEquals(0.7f, assertInstanceOf(ELU.class, layer("ELU", "{'alpha': 0.7}")).alpha());
        assertEquals(0.7f, assertInstanceOf(ThresholdedReLU.class, layer("ThresholdedReLU", "{'theta': 0.7}")).theta());
        // PReLU shared over H and W: one slope per channel, alpha (1, 1, C)
        Layer prelu = layer("PReLU", "{'shared_axes': [1, 2], 'alpha_initializer': {'class_name': 'Zeros'}}");
        outputShape(prelu, 4, 4, 3);
        assertArrayEquals(new int[] {1, 1, 3}, prelu.weight("alpha").shape());
    }

    @Test
    void paddingAndCroppingForms() {
        assertArrayEquals(new int[] {1, 1, 1, 1}, ((ZeroPadding2D) layer("ZeroPadding2D", "{'padding': 1}")).padding());
        assertArrayEquals(new int[] {2, 2, 3, 3}, ((ZeroPadding2D) layer("ZeroPadding2D", "{'padding': [2, 3]}")).padding());
        assertArrayEquals(new int[] {0, 1, 2, 3},
                ((ZeroPadding2D) layer("ZeroPadding2D", "{'padding': [[0, 1], [2, 3]]}")).padding());
        assertArrayEquals(new int[] {1, 2, 0, 1},
                ((Cropping2D) layer("Cropping2D", "{'cropping': [[1, 2], [0, 1]]}")).cropping());
        UpSampling2D up = (UpSampling2D) layer("UpSampling2D", "{'size': [2, 3], 'interpolation': 'nearest'}");
        assertArrayEquals(new int[] {2, 3}, up.size());
        KerasImportException bilinear = refused("UpSampling2D", "{'size': 2, 'interpolation': 'bilinear'}");
        assertTrue(bilinear.getMessage().contains("layer 'l' (UpSampling2D)") && bilinear.getMessage().contains("bilinear"),
                bilinear.getMessage());
    }

    @Test
    void shapeLayersAndMerges() {
        assertArrayEquals(new int[] {2, 6}, outputShape(layer("Reshape", "{'target_shape': [2, -1]}"), 3, 4));
        assertArrayEquals(new int[] {12}, outputShape(layer("Flatten", "{'data_format': 'channels_last'}"), 3, 4));
        Layer concat = layer("Concatenate", "{'axis': 1}");
        assertArrayEquals(new int[] {5, 2}, concat.apply(List.of(Input.of(2, 2), Input.of(3, 2))).shape());
        assertArrayEquals(new int[] {3}, layer("Add", "{}").apply(List.of(Input.of(3), Input.of(3))).shape());
        assertArrayEquals(new int[] {3}, layer("Multiply", "{}").apply(List.of(Input.of(3), Input.of(3))).shape());
        assertArrayEquals(new int[] {3}, layer("Average", "{}").apply(List.of(Input.of(3), Input.of(3))).shape());
        assertArrayEquals(new int[] {4, 3}, outputShape(layer("Softmax", "{'axis': 1}"), 4, 3));
    }

    @Test
    void dropoutIsTheIdentityAtInferenceAndKeepsItsArguments() {
        Dropout d = assertInstanceOf(Dropout.class, layer("Dropout", "{'rate': 0.25, 'noise_shape': [null, 1, 1, null], 'seed': 3}"));
        assertEquals(0.25f, d.rate());
        Tensor x = Tensor.of(new float[] {1f, 2f, 3f, 4f}, 1, 2, 2, 1);
        assertArrayEquals(x.toArray(), d.call(x, false).toArray());
        assertEquals(0.2f, assertInstanceOf(org.transfer4j.nn.layers.SpatialDropout2D.class,
                layer("SpatialDropout2D", "{'rate': 0.2, 'noise_shape': null, 'seed': null}")).rate());
    }

    @Test
    void preprocessingLayersComputeKerasFormulas() {
        // Rescaling: y = x * scale + offset = 255 / 127.5 - 1 = 1
        Tensor y = layer("Rescaling", "{'scale': 0.00784313725, 'offset': -1.0}").call(Tensor.of(new float[] {255f, 0f}, 1, 2), false);
        assertArrayEquals(new float[] {1f, -1f}, y.toArray(), 1e-5f);
        // Normalization with axis None and fixed statistics: y = (x - 2) / sqrt(4)
        Layer norm = layer("Normalization", "{'axis': null, 'mean': 2.0, 'variance': 4.0, 'invert': false}");
        assertArrayEquals(new float[] {-1f, 0f, 1f}, norm.call(Tensor.of(new float[] {0f, 2f, 4f}, 1, 3), false).toArray(), 1e-6f);
        KerasImportException invert = refused("Normalization", "{'axis': -1, 'mean': 2.0, 'variance': 4.0, 'invert': true}");
        assertTrue(invert.getMessage().contains("'invert'"), invert.getMessage());
    }

    @Test
    void nameTrainableAndActivation() {
        Layer dense = KerasLayers.create("Dense", "top", KerasConfig.parse(json(
                "{'name': 'top', 'units': 2, 'trainable': false, 'activation': {'module': 'keras.activations',"
                + " 'class_name': 'function', 'config': 'softmax', 'registered_name': 'function'}}")));
        assertEquals("top", dense.name());
        assertFalse(dense.isTrainable());
        outputShape(dense, 3);
        assertTrue(dense.trainableWeights().isEmpty());
        // softmax of equal logits (zero input) is uniform
        assertArrayEquals(new float[] {0.5f, 0.5f}, dense.call(Tensor.zeros(1, 3), false).toArray(), 1e-6f);
        KerasImportException unknown = refused("Activation", "{'activation': 'mish_v9'}");
        assertTrue(unknown.getMessage().contains("layer 'l' (Activation)") && unknown.getMessage().contains("mish_v9"),
                unknown.getMessage());
    }

    /** {@code data_format='channels_first'} gives layers on (C,H,W) inputs; the channel axis stays first. */
    @Test
    void channelsFirstLayersKeepTheChannelAxisFirst() {
        String cf = "'data_format': 'channels_first'";
        // Conv2D(4, 3x3, valid) over (C,H,W) = (2,6,5): (4, 6-2, 5-2)
        assertArrayEquals(new int[] {4, 4, 3}, outputShape(layer("Conv2D", "{'filters': 4, 'kernel_size': 3, " + cf + "}"), 2, 6, 5));
        assertArrayEquals(new int[] {2, 3, 2}, outputShape(layer("MaxPooling2D", "{" + cf + "}"), 2, 6, 5));
        assertArrayEquals(new int[] {2, 3, 2}, outputShape(layer("AveragePooling2D", "{" + cf + "}"), 2, 6, 5));
        assertArrayEquals(new int[] {2, 1, 1},
                outputShape(layer("GlobalAveragePooling2D", "{'keepdims': true, " + cf + "}"), 2, 6, 5));
        assertArrayEquals(new int[] {2}, outputShape(layer("GlobalMaxPooling2D", "{" + cf + "}"), 2, 6, 5));
        assertArrayEquals(new int[] {2, 8, 7}, outputShape(layer("ZeroPadding2D", "{" + cf + "}"), 2, 6, 5));
        assertArrayEquals(new int[] {2, 4, 3}, outputShape(layer("Cropping2D", "{'cropping': 1, " + cf + "}"), 2, 6, 5));
        assertArrayEquals(new int[] {2, 12, 10}, outputShape(layer("UpSampling2D", "{" + cf + "}"), 2, 6, 5));
        assertArrayEquals(new int[] {4, 4, 3},
                outputShape(layer("DepthwiseConv2D", "{'kernel_size': 3, 'depth_multiplier': 2, " + cf + "}"), 2, 6, 5));
        assertArrayEquals(new int[] {3, 4, 3},
                outputShape(layer("SeparableConv2D", "{'filters': 3, 'kernel_size': 3, " + cf + "}"), 2, 6, 5));
        // no data_format, or null: Keras' default, channels_last
        assertEquals("channels_last", ((Conv2D) layer("Conv2D", "{'filters': 4, 'kernel_size': 3}")).dataFormat());
        assertEquals("channels_last",
                ((Conv2D) layer("Conv2D", "{'filters': 4, 'kernel_size': 3, 'data_format': null}")).dataFormat());
    }

    @Test
    void argumentsWeCannotHonourAreRefusedByName() {
        KerasImportException cf = refused("Conv2D", "{'filters': 2, 'kernel_size': 3, 'data_format': 'NCHW'}");
        assertTrue(cf.getMessage().contains("layer 'l' (Conv2D)") && cf.getMessage().contains("\"NCHW\""),
                cf.getMessage());
        KerasImportException extra = refused("Dense", "{'units': 2, 'kernel_quantizer': 'int8'}");
        assertTrue(extra.getMessage().contains("argument 'kernel_quantizer' = \"int8\" is not supported"), extra.getMessage());
        KerasImportException groups = refused("DepthwiseConv2D", "{'kernel_size': 3, 'groups': 2}");
        assertTrue(groups.getMessage().contains("'groups' = 2"), groups.getMessage());
        KerasImportException missing = refused("Dense", "{'activation': 'relu'}");
        assertTrue(missing.getMessage().contains("argument 'units' is missing"), missing.getMessage());
        KerasImportException wrongType = refused("Conv2D", "{'filters': 'four', 'kernel_size': 3}");
        assertTrue(wrongType.getMessage().contains("'filters' must be an integer"), wrongType.getMessage());
    }

    @Test
    void unknownClassNamesItselfTheLayerAndWhatIsSupported() {
        KerasImportException e = assertThrows(KerasImportException.class,
                () -> KerasLayers.create("Conv3D", "volume_conv", KerasConfig.parse("{}")));
        assertTrue(e.getMessage().contains("layer 'volume_conv' has the Keras class 'Conv3D'"), e.getMessage());
        assertTrue(e.getMessage().contains("supported classes: [") && e.getMessage().contains("Conv2D")
                && e.getMessage().contains("InputLayer") && e.getMessage().contains("Sequential"), e.getMessage());
    }
}
