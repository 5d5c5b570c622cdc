package org.transfer4j.nn.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.transfer4j.testdata.KerasJsFixtures.assertMatchesKeras;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.transfer4j.nn.Input;
import org.transfer4j.nn.Layer;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.SymbolicTensor;
import org.transfer4j.tensor.Tensor;
import org.transfer4j.testdata.KerasJsFixtures;
import org.transfer4j.testdata.KerasJsFixtures.Case;

/**
 * Dropout, Flatten, Reshape, Add, Multiply, Concatenate and the advanced activations (LeakyReLU, PReLU,
 * ELU, ThresholdedReLU) against outputs of real Keras (keras-js fixtures). Configurations come from the
 * {@code testParams} of the fixture's {@code .test.js} where it has one, otherwise from its
 * {@code .keras.py}, transcribed with a comment citing it.
 */
class KerasOtherLayersFixtureTest {

    @Test
    void dropoutIsTheIdentityAtInferenceAsInKeras() {
        // core.Dropout.keras.py: Input(6) -> Dense(2) -> Dropout(0.5), evaluated with model.predict.
        Map<String, Case> cases = KerasJsFixtures.load("core.Dropout.json");
        assertEquals(1, cases.size());
        for (Case c : cases.values()) {
            SymbolicTensor in = Input.of(c.input().shape());
            Dense dense = new Dense(2);
            Model model = Model.of(in, new Dropout(0.5f).apply(dense.apply(in)));
            load(c, List.of(dense));
            assertMatchesKeras(c, model.predict(c.input().batchOfOne()));
        }
    }

    @Test
    void flattenMatchesKerasOnEveryFixture() {
        // core.Flatten.keras.py: Flatten() on inputs of shape (6,), (3, 2) and (3, 2, 2).
        Map<String, Case> cases = KerasJsFixtures.load("core.Flatten.json");
        assertEquals(3, cases.size());
        for (Case c : cases.values()) {
            assertMatchesKeras(c, single(new Flatten(), c));
        }
    }

    @Test
    void reshapeMatchesKerasOnEveryFixture() {
        List<JsonNode> params = KerasJsFixtures.testParams("core.Reshape");
        Map<String, Case> cases = KerasJsFixtures.load("core.Reshape.json");
        assertEquals(3, cases.size());
        for (Case c : cases.values()) {
            JsonNode target = params.get(c.index()).get("attrs").get("target_shape");
            int[] shape = new int[target.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = target.get(i).asInt();
            }
            assertMatchesKeras(c, single(new Reshape(shape), c));
        }
    }

    @Test
    void addMatchesKerasOnEveryFixture() {
        // merge.Add.test.js testParams: numBranches 2, 3, 4 of Dense(units 2) on the same input, then Add().
        List<JsonNode> params = KerasJsFixtures.testParams("merge.Add");
        Map<String, Case> cases = KerasJsFixtures.load("merge.Add.json");
        assertEquals(3, cases.size());
        for (Case c : cases.values()) {
            JsonNode p = params.get(c.index());
            assertMatchesKeras(c, branches(c, p.get("numBranches").asInt(), p.get("attrs").get("units").asInt(),
                    false, xs -> new Add().apply(xs)));
        }
    }

    @Test
    void multiplyMatchesKerasOnEveryFixture() {
        // merge.Multiply.test.js testParams: numBranches 2, 3, 4 of Dense(units 2) on the same input, then Multiply().
        List<JsonNode> params = KerasJsFixtures.testParams("merge.Multiply");
        Map<String, Case> cases = KerasJsFixtures.load("merge.Multiply.json");
        assertEquals(3, cases.size());
        for (Case c : cases.values()) {
            JsonNode p = params.get(c.index());
            assertMatchesKeras(c, branches(c, p.get("numBranches").asInt(), p.get("attrs").get("units").asInt(),
                    false, xs -> new Multiply().apply(xs)));
        }
    }

    @Test
    void concatenateMatchesKerasOnEveryFixture() {
        // merge.Concatenate.keras.py, cases 0-6: Dense(2) branches on Input(6); case 0 joins them directly,
        // cases 1-6 pass each branch through RepeatVector(3) first. Branches and axes per case:
        int[] numBranches = {2, 2, 2, 2, 2, 3, 4};
        int[] axes = {-1, -1, -2, 1, 2, -1, -1};
        Map<String, Case> cases = KerasJsFixtures.load("merge.Concatenate.json");
        assertEquals(7, cases.size());
        for (Case c : cases.values()) {
            int i = c.index();
            assertMatchesKeras(c, branches(c, numBranches[i], 2, i > 0, xs -> new Concatenate().axis(axes[i]).apply(xs)));
        }
    }

    @Test
    void advancedActivationsMatchKeras() {
        // advanced_activations.keras.py: LeakyReLU(alpha=0.4), PReLU() with alpha loaded from the fixture,
        // ELU(alpha=1.1), ThresholdedReLU(theta=0.9), each on an input of shape (6,).
        Map<String, Supplier<Layer>> layers = Map.of(
                "advanced_activations.LeakyReLU.0", () -> new LeakyReLU().alpha(0.4f),
                "advanced_activations.PReLU.0", PReLU::new,
                "advanced_activations.ELU.0", () -> new ELU().alpha(1.1f),
                "advanced_activations.ThresholdedReLU.0", () -> new ThresholdedReLU().theta(0.9f));
        Map<String, Case> cases = KerasJsFixtures.load("advanced_activations.json");
        assertEquals(layers.keySet(), cases.keySet());
        for (Case c : cases.values()) {
            assertMatchesKeras(c, single(layers.get(c.id()).get(), c));
        }
    }

    /** One layer on the case's input, with the case's weights loaded in order. */
    private static Tensor single(Layer layer, Case c) {
        SymbolicTensor in = Input.of(c.input().shape());
        Model model = Model.of(in, layer.apply(in));
        load(c, List.of(layer));
        return model.predict(c.input().batchOfOne());
    }

    /**
     * The keras-js merge notebooks' graph: {@code n} parallel {@code Dense(units)} on one input (their
     * kernels and biases are the case's weights, in order), optionally each followed by
     * {@code RepeatVector(3)}, then the merge layer.
     */
    private static Tensor branches(Case c, int n, int units, boolean repeat3,
            Function<List<SymbolicTensor>, SymbolicTensor> merge) {
        SymbolicTensor in = Input.of(c.input().shape());
        List<Layer> dense = new ArrayList<>();
        List<SymbolicTensor> outs = new ArrayList<>();
        for (int b = 0; b < n; b++) {
            Dense d = new Dense(units);
            dense.add(d);
            SymbolicTensor y = d.apply(in);
            outs.add(repeat3 ? repeatVector3(y, units) : y);
        }
        Model model = Model.of(in, merge.apply(outs));
        load(c, dense);
        return model.predict(c.input().batchOfOne());
    }

    /**
     * Keras {@code RepeatVector(3)}: {@code (N, u) -> (N, 3, u)}, built from the layers under test as
     * {@code Concatenate(axis=1)} of three copies of {@code Reshape(1, u)}.
     */
    private static SymbolicTensor repeatVector3(SymbolicTensor y, int units) {
        SymbolicTensor row = new Reshape(1, units).apply(y);
        return new Concatenate().axis(1).apply(row, row, row);
    }

    /** Assigns the case's weights, in Keras' get_weights() order, to the layers' weights in order. */
    private static void load(Case c, List<Layer> layers) {
        int k = 0;
        for (Layer layer : layers) {
            for (var w : layer.weights()) {
                w.assign(c.weights().get(k++).tensor());
            }
        }
        assertEquals(c.weights().size(), k, c.id() + ": every Keras weight is loaded");
    }
}
