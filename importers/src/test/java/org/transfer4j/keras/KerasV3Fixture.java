package org.transfer4j.keras;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.transfer4j.nn.Input;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.SymbolicTensor;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.Conv2D;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.nn.layers.GlobalAveragePooling2D;
import org.transfer4j.nn.layers.ReLU;

/**
 * A small Keras 3 model, its weights file and its {@code .keras} archive, written as Keras 3's
 * {@code saving_lib.py} writes them (no Keras 3 file is available here):
 * <pre>
 * outer (Functional)                       store path of its variables
 *   input_layer (2,2,2)
 *   stem   Conv2D(3, 1x1)                  layers/conv2d/vars/0 kernel (1,1,2,3), 1 bias (3,)
 *   base   Functional                      layers/functional/...
 *     base_in (2,2,3)
 *     c1   Conv2D(3, 1x1)                  layers/functional/layers/conv2d/vars/0, 1
 *     bn   BatchNormalization              layers/functional/layers/batch_normalization/vars/0..3
 *     relu ReLU                            (no variables)
 *     c2   Conv2D(2, 1x1)                  layers/functional/layers/conv2d_1/vars/0, 1
 *   gap    GlobalAveragePooling2D          (no variables)
 *   fc     Dense(3, relu)                  layers/dense/vars/0 kernel (2,3), 1 bias (3,)
 *   head   Dense(2)                        layers/dense_1/vars/0 kernel (3,2), 1 bias (2,)
 * </pre>
 * The paths follow {@code _save_container_state} (class name in snake case, {@code _1}, {@code _2} for
 * repeats, counted per model level, so c1 is {@code conv2d} again inside {@code functional}); the indices
 * follow {@code Layer.save_own_variables} ({@code _trainable_variables + _non_trainable_variables}: BN's
 * gamma, beta, moving_mean, moving_variance). The values are distinct, so a misplaced array shows.
 */
final class KerasV3Fixture {
    /** One stored variable: {@code path/vars/index}. */
    record Var(String path, int index, int[] shape, float[] values) {
    }

    static final float BN_EPSILON = 1e-3f;

    private KerasV3Fixture() {
    }

    /** The model built in Java, with transfer4j's own names where Keras' would differ: Keras 3 matches by path. */
    static Model javaModel() {
        SymbolicTensor baseIn = Input.of("base_in", 2, 2, 3);
        SymbolicTensor b = new Conv2D(3, 1).named("c1").apply(baseIn);
        b = new BatchNormalization().named("bn").apply(b);
        b = new ReLU().named("relu").apply(b);
        b = new Conv2D(2, 1).named("c2").apply(b);
        Model base = Model.of("base", baseIn, b);
        SymbolicTensor in = Input.of("input_layer", 2, 2, 2);
        SymbolicTensor x = new Conv2D(3, 1).named("stem").apply(in);
        x = base.apply(x);
        x = new GlobalAveragePooling2D().named("gap").apply(x);
        x = new Dense(3).activation("relu").named("fc").apply(x);
        x = new Dense(2).named("head").apply(x);
        return Model.of("outer", in, x);
    }

    /** {@code (start + i) / 8}, with alternating signs: distinct, small and exact in float. */
    static float[] values(int start, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (i % 2 == 0 ? 1 : -1) * (start + i) / 8f;
        }
        return v;
    }

    /** Positive, for variances: {@code 0.5 + (start + i) / 4}. */
    static float[] positive(int start, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = 0.5f + (start + i) / 4f;
        }
        return v;
    }

    /** Every variable of the model, in store order. */
    static List<Var> vars() {
        String base = "layers/functional/layers/";
        return List.of(
                new Var("layers/conv2d", 0, new int[] {1, 1, 2, 3}, values(1, 6)),
                new Var("layers/conv2d", 1, new int[] {3}, values(10, 3)),
                new Var(base + "conv2d", 0, new int[] {1, 1, 3, 3}, values(20, 9)),
                new Var(base + "conv2d", 1, new int[] {3}, values(30, 3)),
                new Var(base + "batch_normalization", 0, new int[] {3}, positive(1, 3)),   // gamma
                new Var(base + "batch_normalization", 1, new int[] {3}, values(40, 3)),    // beta
                new Var(base + "batch_normalization", 2, new int[] {3}, values(50, 3)),    // moving_mean
                new Var(base + "batch_normalization", 3, new int[] {3}, positive(5, 3)),   // moving_variance
                new Var(base + "conv2d_1", 0, new int[] {1, 1, 3, 2}, values(60, 6)),
                new Var(base + "conv2d_1", 1, new int[] {2}, values(70, 2)),
                new Var("layers/dense", 0, new int[] {2, 3}, values(80, 6)),
                new Var("layers/dense", 1, new int[] {3}, values(90, 3)),
                new Var("layers/dense_1", 0, new int[] {3, 2}, values(100, 6)),
                new Var("layers/dense_1", 1, new int[] {2}, values(110, 2)));
    }

    /** The values stored at {@code path/vars/index}. */
    static float[] value(String path, int index) {
        return vars().stream().filter(v -> v.path().equals(path) && v.index() == index).findFirst().orElseThrow()
                .values();
    }

    /** The Keras names a newer Keras 3 writes as each {@code vars} group's {@code name} attribute. */
    static final Map<String, String> SAVED_NAMES = Map.of("layers/conv2d", "stem",
            "layers/functional/layers/conv2d", "c1", "layers/functional/layers/batch_normalization", "bn",
            "layers/functional/layers/conv2d_1", "c2", "layers/dense", "fc", "layers/dense_1", "head");

    /** Store paths of the layers without variables, in Keras' naming. */
    static final List<String> WEIGHTLESS = List.of("layers/input_layer", "layers/functional/layers/input_layer",
            "layers/functional/layers/re_lu", "layers/global_average_pooling2d");

    /**
     * Writes {@code vars} as a Keras 3 {@code .weights.h5}. {@code older}: every layer gets a {@code vars}
     * group, empty without variables, and no name attribute ({@code H5Entry} of Keras 3.0–3.3); otherwise
     * groups carry the layer's {@code name} ({@code H5IOStore.make(path, metadata)} of later versions).
     * Both write optimizer variables (ignored by the loader). The model's own empty root {@code vars}
     * group is left out: jhdf 0.13 writes an empty group last in the file in a form it cannot read back.
     */
    static Path writeWeights(Path file, List<Var> vars, boolean older) {
        try (WritableHdfFile hdf = HdfFile.write(file)) {
            Map<String, WritableGroup> groups = new HashMap<>();
            if (older) {
                WEIGHTLESS.forEach(p -> group(hdf, groups, p + "/vars"));
            }
            for (Var v : vars) {
                WritableGroup g = group(hdf, groups, v.path() + "/vars");
                if (!older && v.index() == 0 && SAVED_NAMES.containsKey(v.path())) {
                    g.putAttribute("name", SAVED_NAMES.get(v.path()));
                }
                g.putDataset(Integer.toString(v.index()), nd(v.values(), v.shape()));
            }
            // Adam's iteration count and one slot: saved by _save_state under the model's 'optimizer' attribute.
            WritableGroup optimizer = group(hdf, groups, "optimizer/vars");
            optimizer.putDataset("0", 7L);
            optimizer.putDataset("1", new float[] {1, 2, 3});
        }
        return file;
    }

    /** The group at a slash-separated path, created with its parents as needed. */
    static WritableGroup group(WritableHdfFile hdf, Map<String, WritableGroup> groups, String path) {
        WritableGroup g = groups.get(path);
        if (g != null) {
            return g;
        }
        int slash = path.lastIndexOf('/');
        WritableGroup parent = slash < 0 ? null : group(hdf, groups, path.substring(0, slash));
        String name = path.substring(slash + 1);
        g = parent == null ? hdf.putGroup(name) : parent.putGroup(name);
        groups.put(path, g);
        return g;
    }

    /** A row-major float array as the nested Java array jhdf writes with those dimensions. */
    static Object nd(float[] flat, int[] shape) {
        if (shape.length == 1) {
            return flat.clone();
        }
        Object out = Array.newInstance(float.class, shape);
        fill(out, flat, new int[] {0});
        return out;
    }

    private static void fill(Object array, float[] flat, int[] next) {
        if (array instanceof float[] row) {
            for (int i = 0; i < row.length; i++) {
                row[i] = flat[next[0]++];
            }
            return;
        }
        for (int i = 0; i < Array.getLength(array); i++) {
            fill(Array.get(array, i), flat, next);
        }
    }

    // ---- the same model as Keras 3 serialises it -------------------------------------------------------

    private static final String POLICY = "{'module': 'keras', 'class_name': 'DTypePolicy', "
            + "'config': {'name': 'float32'}, 'registered_name': null}";

    private static String tensor(String layer, int node, String shape) {
        return "{'class_name': '__keras_tensor__', 'config': {'shape': " + shape + ", 'dtype': 'float32', "
                + "'keras_history': ['" + layer + "', " + node + ", 0]}}";
    }

    private static String call(String layer, int node, String shape) {
        return "[{'args': [" + tensor(layer, node, shape) + "], 'kwargs': {}}]";
    }

    private static String input(String name, String batchShape) {
        return "{'module': 'keras.layers', 'class_name': 'InputLayer', 'config': {'batch_shape': " + batchShape
                + ", 'dtype': 'float32', 'sparse': false, 'name': '" + name + "'}, 'registered_name': null, "
                + "'name': '" + name + "', 'inbound_nodes': []}";
    }

    private static String initializer(String className) {
        return "{'module': 'keras.initializers', 'class_name': '" + className + "', 'config': {'seed': null}, "
                + "'registered_name': null}";
    }

    private static String conv(String name, int filters, String inShape, String inbound) {
        return "{'module': 'keras.layers', 'class_name': 'Conv2D', 'config': {'name': '" + name + "', "
                + "'trainable': true, 'dtype': " + POLICY + ", 'filters': " + filters + ", 'kernel_size': [1, 1], "
                + "'strides': [1, 1], 'padding': 'valid', 'data_format': 'channels_last', 'dilation_rate': [1, 1], "
                + "'groups': 1, 'activation': 'linear', 'use_bias': true, 'kernel_initializer': "
                + initializer("GlorotUniform") + ", 'bias_initializer': {'module': 'keras.initializers', "
                + "'class_name': 'Zeros', 'config': {}, 'registered_name': null}, 'kernel_regularizer': null, "
                + "'bias_regularizer': null, 'activity_regularizer': null, 'kernel_constraint': null, "
                + "'bias_constraint': null}, 'registered_name': null, 'build_config': {'input_shape': " + inShape
                + "}, 'name': '" + name + "', 'inbound_nodes': " + inbound + "}";
    }

    private static String dense(String name, int units, String activation, String inShape, String inbound) {
        return "{'module': 'keras.layers', 'class_name': 'Dense', 'config': {'name': '" + name + "', "
                + "'trainable': true, 'dtype': " + POLICY + ", 'units': " + units + ", 'activation': '" + activation
                + "', 'use_bias': true, 'kernel_initializer': " + initializer("GlorotUniform") + ", "
                + "'bias_initializer': {'module': 'keras.initializers', 'class_name': 'Zeros', 'config': {}, "
                + "'registered_name': null}, 'kernel_regularizer': null, 'bias_regularizer': null, "
                + "'kernel_constraint': null, 'bias_constraint': null}, 'registered_name': null, "
                + "'build_config': {'input_shape': " + inShape + "}, 'name': '" + name + "', "
                + "'inbound_nodes': " + inbound + "}";
    }

    /**
     * {@code config.json} of the model, in the shape of Keras 3's {@code serialize_keras_object} output
     * (module / class_name / config / registered_name / build_config entries, {@code __keras_tensor__}
     * inbound nodes; a nested Functional's call is its node 1, as Keras counts the node that built it).
     */
    static String configJson() {
        String base = "{'module': 'keras.src.models.functional', 'class_name': 'Functional', 'config': {"
                + "'name': 'base', 'trainable': true, 'layers': ["
                + input("base_in", "[null, 2, 2, 3]") + ", "
                + conv("c1", 3, "[null, 2, 2, 3]", call("base_in", 0, "[null, 2, 2, 3]")) + ", "
                + "{'module': 'keras.layers', 'class_name': 'BatchNormalization', 'config': {'name': 'bn', "
                + "'trainable': true, 'dtype': " + POLICY + ", 'axis': -1, 'momentum': 0.99, 'epsilon': 0.001, "
                + "'center': true, 'scale': true, 'beta_initializer': " + initializer("Zeros") + ", "
                + "'gamma_initializer': " + initializer("Ones") + ", 'moving_mean_initializer': "
                + initializer("Zeros") + ", 'moving_variance_initializer': " + initializer("Ones") + ", "
                + "'beta_regularizer': null, 'gamma_regularizer': null, 'beta_constraint': null, "
                + "'gamma_constraint': null, 'synchronized': false}, 'registered_name': null, "
                + "'build_config': {'input_shape': [null, 2, 2, 3]}, 'name': 'bn', 'inbound_nodes': "
                + call("c1", 0, "[null, 2, 2, 3]") + "}, "
                + "{'module': 'keras.layers', 'class_name': 'ReLU', 'config': {'name': 'relu', 'trainable': true, "
                + "'dtype': " + POLICY + ", 'max_value': null, 'negative_slope': 0.0, 'threshold': 0.0}, "
                + "'registered_name': null, 'build_config': {'input_shape': [null, 2, 2, 3]}, 'name': 'relu', "
                + "'inbound_nodes': " + call("bn", 0, "[null, 2, 2, 3]") + "}, "
                + conv("c2", 2, "[null, 2, 2, 3]", call("relu", 0, "[null, 2, 2, 3]"))
                + "], 'input_layers': [['base_in', 0, 0]], 'output_layers': [['c2', 0, 0]]}, "
                + "'registered_name': 'Functional', 'build_config': {'input_shape': [null, 2, 2, 3]}, "
                + "'name': 'base', 'inbound_nodes': " + call("stem", 0, "[null, 2, 2, 3]") + "}";
        String outer = "{'module': 'keras.src.models.functional', 'class_name': 'Functional', 'config': {"
                + "'name': 'outer', 'trainable': true, 'layers': ["
                + input("input_layer", "[null, 2, 2, 2]") + ", "
                + conv("stem", 3, "[null, 2, 2, 2]", call("input_layer", 0, "[null, 2, 2, 2]")) + ", "
                + base + ", "
                + "{'module': 'keras.layers', 'class_name': 'GlobalAveragePooling2D', 'config': {'name': 'gap', "
                + "'trainable': true, 'dtype': " + POLICY + ", 'data_format': 'channels_last', 'keepdims': false}, "
                + "'registered_name': null, 'build_config': {'input_shape': [null, 2, 2, 2]}, 'name': 'gap', "
                + "'inbound_nodes': " + call("base", 1, "[null, 2, 2, 2]") + "}, "
                + dense("fc", 3, "relu", "[null, 2]", call("gap", 0, "[null, 2]")) + ", "
                + dense("head", 2, "linear", "[null, 3]", call("fc", 0, "[null, 3]"))
                + "], 'input_layers': [['input_layer', 0, 0]], 'output_layers': [['head', 0, 0]]}, "
                + "'registered_name': 'Functional', 'build_config': {'input_shape': null}, "
                + "'compile_config': null}";
        return outer.replace('\'', '"');
    }

    static final String METADATA = "{\"keras_version\": \"3.3.3\", \"date_saved\": \"2024-05-01@12:00:00\"}";

    /** A zip of the given entries, in order, deflated, as {@code zipfile.ZipFile(fileobj, "w")} writes them. */
    static Path writeZip(Path file, Map<String, byte[]> entries) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return file;
    }

    /**
     * The entries of the model's {@code .keras} archive in the order {@code _save_model_to_fileobj}
     * writes them: metadata.json, config.json, then model.weights.h5 (the H5IOStore closed last).
     */
    static Map<String, byte[]> archiveEntries(Path weightsFile) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(KerasArchive.METADATA, METADATA.getBytes(StandardCharsets.UTF_8));
        entries.put(KerasArchive.CONFIG, configJson().getBytes(StandardCharsets.UTF_8));
        entries.put(KerasArchive.WEIGHTS, Files.readAllBytes(weightsFile));
        return entries;
    }

    // ---- the model computed by hand --------------------------------------------------------------------

    /**
     * The model's output for one NHWC image {@code x (2,2,2)}, computed from the stored variables with the
     * layers' formulas, independently of transfer4j's layers.
     */
    static float[] expectedOutput(float[] x) {
        String base = "layers/functional/layers/";
        int pixels = 4;
        float[] h = conv1x1(x, pixels, 2, 3, value("layers/conv2d", 0), value("layers/conv2d", 1));
        h = conv1x1(h, pixels, 3, 3, value(base + "conv2d", 0), value(base + "conv2d", 1));
        String bn = base + "batch_normalization";
        h = batchNorm(h, 3, value(bn, 0), value(bn, 1), value(bn, 2), value(bn, 3));
        h = relu(h);
        h = conv1x1(h, pixels, 3, 2, value(base + "conv2d_1", 0), value(base + "conv2d_1", 1));
        // GlobalAveragePooling2D: the mean over the 4 pixels of each channel.
        float[] pooled = new float[2];
        for (int p = 0; p < pixels; p++) {
            for (int c = 0; c < 2; c++) {
                pooled[c] += h[p * 2 + c] / pixels;
            }
        }
        float[] fc = relu(dense(pooled, 2, 3, value("layers/dense", 0), value("layers/dense", 1)));
        return dense(fc, 3, 2, value("layers/dense_1", 0), value("layers/dense_1", 1));
    }

    /** A 1x1 convolution: {@code y[p, o] = sum_i x[p, i] * k[0, 0, i, o] + b[o]}. */
    static float[] conv1x1(float[] x, int pixels, int in, int out, float[] k, float[] b) {
        float[] y = new float[pixels * out];
        for (int p = 0; p < pixels; p++) {
            for (int o = 0; o < out; o++) {
                double s = b[o];
                for (int i = 0; i < in; i++) {
                    s += x[p * in + i] * k[i * out + o];
                }
                y[p * out + o] = (float) s;
            }
        }
        return y;
    }

    /** Inference batch normalisation: {@code gamma * (x - mean) / sqrt(variance + 1e-3) + beta} per channel. */
    static float[] batchNorm(float[] x, int channels, float[] gamma, float[] beta, float[] mean, float[] variance) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            int c = i % channels;
            y[i] = (float) (gamma[c] * (x[i] - mean[c]) / Math.sqrt(variance[c] + BN_EPSILON) + beta[c]);
        }
        return y;
    }

    static float[] relu(float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.max(0f, x[i]);
        }
        return y;
    }

    /** {@code y[o] = sum_i x[i] * k[i, o] + b[o]}. */
    static float[] dense(float[] x, int in, int out, float[] k, float[] b) {
        return conv1x1(x, 1, in, out, k, b);
    }

    /** Every variable with its stored values, for tests that change one. */
    static List<Var> varsWith(String path, int index, Var replacement) {
        List<Var> out = new ArrayList<>();
        for (Var v : vars()) {
            if (v.path().equals(path) && v.index() == index) {
                if (replacement != null) {
                    out.add(replacement);
                }
            } else {
                out.add(v);
            }
        }
        return out;
    }
}
