package org.transfer4j.testdata;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.transfer4j.tensor.Tensor;

/**
 * The per-layer Keras reference fixtures in {@code keras-reference/keras-js-layers} (see its README):
 * each file maps a case id such as {@code convolutional.Conv2D.0} to the input(s), the weights in
 * Keras' {@code get_weights()} order and layout, and the output Keras computed. Arrays are flattened
 * row-major and exclude the batch axis; {@link Array#batchOfOne} adds it.
 */
public final class KerasJsFixtures {
    public static final String FOLDER = "keras-reference/keras-js-layers";

    private KerasJsFixtures() {
    }

    /** A flattened array with its shape (batch axis excluded). */
    public record Array(float[] data, int[] shape) {
        /** As a tensor with a batch axis of one: {@code (1, shape...)}. */
        public Tensor batchOfOne() {
            int[] s = new int[shape.length + 1];
            s[0] = 1;
            System.arraycopy(shape, 0, s, 1, shape.length);
            return Tensor.of(data, s);
        }

        /** As a tensor of exactly {@code shape} (for weights). */
        public Tensor tensor() {
            return Tensor.of(data, shape);
        }
    }

    /** One case: inputs (one, or several for merge layers), weights, and Keras' expected output. */
    public record Case(String id, List<Array> inputs, List<Array> weights, Array expected) {
        public Array input() {
            return inputs.getFirst();
        }

        /** The trailing number of the id: {@code convolutional.Conv2D.7 -> 7}. */
        public int index() {
            return Integer.parseInt(id.substring(id.lastIndexOf('.') + 1));
        }
    }

    /** Keras' tolerance in these fixtures (keras-js {@code approxEquals}): absolute, per element. */
    public static final double TOLERANCE = 1e-4;

    /** Fails unless {@code actual} is {@code (1, expected.shape...)} and within {@link #TOLERANCE} of Keras. */
    public static void assertMatchesKeras(Case c, Tensor actual) {
        int[] want = c.expected().batchOfOne().shape();
        if (!Arrays.equals(want, actual.shape())) {
            throw new AssertionError(c.id() + ": output shape " + Arrays.toString(actual.shape())
                    + ", Keras gave " + Arrays.toString(want));
        }
        float[] got = actual.toArray();
        float[] expected = c.expected().data();
        for (int i = 0; i < got.length; i++) {
            if (!(Math.abs(got[i] - expected[i]) <= TOLERANCE)) {
                throw new AssertionError(c.id() + ": element " + i + " is " + got[i] + ", Keras gave " + expected[i]
                        + " (tolerance " + TOLERANCE + ")");
            }
        }
    }

    /** All cases of one fixture file, e.g. {@code "convolutional.Conv2D.json"}, in file order. */
    public static Map<String, Case> load(String fileName) {
        Path path = TestData.require(FOLDER + "/" + fileName);
        try {
            JsonNode root = new ObjectMapper().readTree(path.toFile());
            Map<String, Case> cases = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : root.properties()) {
                JsonNode c = e.getValue();
                List<Array> inputs = new ArrayList<>();
                if (c.has("inputs")) {
                    c.get("inputs").forEach(n -> inputs.add(array(n)));
                } else {
                    inputs.add(array(c.get("input")));
                }
                List<Array> weights = new ArrayList<>();
                if (c.has("weights")) {
                    c.get("weights").forEach(n -> weights.add(array(n)));
                }
                cases.put(e.getKey(), new Case(e.getKey(), inputs, weights, array(c.get("expected"))));
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Keras fixture " + path, e);
        }
    }

    /**
     * The layer configurations of a fixture, case by case, read from the {@code testParams} array of
     * its keras-js test ({@code <name>.test.js}): entries like
     * {@code {inputShape: [5, 5, 2], attrs: {filters: 4, kernel_size: [3, 3], padding: 'valid'}}}, with
     * Keras' argument names. Files without such an array (Dense, Activation, ...) give an empty list:
     * read their configuration from {@code <name>.keras.py}.
     */
    public static List<JsonNode> testParams(String baseName) {
        Path path = TestData.require(FOLDER + "/" + baseName + ".test.js");
        try {
            String js = Files.readString(path);
            int start = js.indexOf("testParams = [");
            if (start < 0) {
                return List.of();
            }
            start = js.indexOf('[', start);
            int depth = 0;
            int end = start;
            do {
                char ch = js.charAt(end++);
                depth += ch == '[' ? 1 : ch == ']' ? -1 : 0;
            } while (depth > 0);
            ObjectMapper lenient = JsonMapper.builder()
                    .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES, JsonReadFeature.ALLOW_SINGLE_QUOTES,
                            JsonReadFeature.ALLOW_TRAILING_COMMA, JsonReadFeature.ALLOW_JAVA_COMMENTS)
                    .build();
            List<JsonNode> params = new ArrayList<>();
            lenient.readTree(js.substring(start, end)).forEach(params::add);
            return params;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the testParams of " + path, e);
        }
    }

    private static Array array(JsonNode node) {
        JsonNode data = node.get("data");
        float[] values = new float[data.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) data.get(i).asDouble();
        }
        JsonNode shape = node.get("shape");
        int[] dims = new int[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = shape.get(i).asInt();
        }
        return new Array(values, dims);
    }
}
