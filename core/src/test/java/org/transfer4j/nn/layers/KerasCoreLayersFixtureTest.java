package org.transfer4j.nn.layers;

import static org.transfer4j.testdata.KerasJsFixtures.assertMatchesKeras;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.transfer4j.nn.Layer;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Sequential;
import org.transfer4j.testdata.KerasJsFixtures;
import org.transfer4j.testdata.KerasJsFixtures.Case;
import org.transfer4j.tensor.Tensor;

/** Conv2D, Dense, Activation and BatchNormalization against outputs of real Keras (keras-js fixtures). */
class KerasCoreLayersFixtureTest {

    @Test
    void conv2dMatchesKerasOnEveryFixture() {
        Map<String, Case> cases = KerasJsFixtures.load("convolutional.Conv2D.json");
        List<JsonNode> params = KerasJsFixtures.testParams("convolutional.Conv2D");
        for (Case c : cases.values()) {
            JsonNode a = params.get(c.index()).get("attrs");
            int[] k = pair(a.get("kernel_size"));
            int[] s = pair(a.get("strides"));
            int[] d = pair(a.get("dilation_rate"));
            Conv2D conv = new Conv2D(a.get("filters").asInt(), k[0], k[1]).strides(s[0], s[1]).dilationRate(d[0], d[1])
                    .padding(a.get("padding").asText()).activation(a.get("activation").asText())
                    .useBias(a.get("use_bias").asBoolean());
            assertMatchesKeras(c, run(conv, c));
        }
    }

    @Test
    void denseMatchesKerasOnEveryFixture() {
        // core.Dense.keras.py: cases 0-2 (and their [GPU] copies 3-5) use linear, sigmoid, and softplus without bias.
        String[] activations = {"linear", "sigmoid", "softplus"};
        for (Case c : KerasJsFixtures.load("core.Dense.json").values()) {
            Dense dense = new Dense(c.weights().getFirst().shape()[1]).activation(activations[c.index() % 3])
                    .useBias(c.weights().size() == 2);
            assertMatchesKeras(c, run(dense, c));
        }
    }

    @Test
    void activationsMatchKerasOnEveryFixture() {
        // core.Activation.keras.py: Dense(2) followed by Activation(name), names in this order.
        String[] names = {"softmax", "elu", "selu", "softplus", "softsign", "relu", "tanh", "sigmoid", "hard_sigmoid",
            "linear"};
        for (Case c : KerasJsFixtures.load("core.Activation.json").values()) {
            Dense dense = new Dense(2);
            Model model = new Sequential(c.input().shape(), dense, new Activation(names[c.index()]));
            load(dense, c);
            assertMatchesKeras(c, model.predict(c.input().batchOfOne()));
        }
    }

    @Test
    void batchNormalizationMatchesKerasOnEveryFixture() {
        List<JsonNode> params = KerasJsFixtures.testParams("normalization.BatchNormalization");
        for (Case c : KerasJsFixtures.load("normalization.BatchNormalization.json").values()) {
            JsonNode a = params.get(c.index()).get("attrs");
            BatchNormalization bn = new BatchNormalization().epsilon((float) a.get("epsilon").asDouble())
                    .axis(a.get("axis").asInt()).center(a.get("center").asBoolean()).scale(a.get("scale").asBoolean());
            assertMatchesKeras(c, run(bn, c));
        }
    }

    /** Builds the layer in a one-layer model on the case's input shape, loads Keras' weights, predicts. */
    static Tensor run(Layer layer, Case c) {
        Model model = new Sequential(c.input().shape(), layer);
        load(layer, c);
        return model.predict(c.input().batchOfOne());
    }

    static void load(Layer layer, Case c) {
        for (int i = 0; i < c.weights().size(); i++) {
            layer.weights().get(i).assign(c.weights().get(i).tensor());
        }
    }

    static int[] pair(JsonNode n) {
        return n.isArray() ? new int[] {n.get(0).asInt(), n.get(1).asInt()} : new int[] {n.asInt(), n.asInt()};
    }
}
