package org.transfer4j.nn;

import java.util.List;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/**
 * What the join tests share: {@link Model#callAll}'s training plan stage by stage (each join on top of the ones before
 * it, as {@code callAll} stacks them), so that a test compares a join with the plan just before it; and seeded weights
 * for a small graph.
 */
final class JoinFixtures {
    private JoinFixtures() {
    }

    /** A zero padding joined to the convolution or pooling after it. */
    static List<GraphStep> paddingJoined(Model model) {
        return JoinedPadding.plan(model.calls(), model.outputs());
    }

    /** And a biased convolution joined to the batch norm after it. */
    static List<GraphStep> biasJoined(Model model) {
        return BiasedBatchNorm.plan(paddingJoined(model), model.outputs());
    }

    /** And a batch norm joined to the ReLU or ReLU6 that alone reads it. */
    static List<GraphStep> clampJoined(Model model) {
        return ClampedBatchNorm.plan(biasJoined(model), model.outputs());
    }

    /** And a two-input Add joined to its ReLU: the whole plan {@link Model#callAll} runs. */
    static List<GraphStep> allJoined(Model model) {
        return ClampedAdd.plan(clampJoined(model), model.outputs());
    }

    /** Every weight uniform from {@code seed}: gammas and moving variances in [0.5, 2), the rest in [-0.6, 0.6). */
    static void seededWeights(Model model, long seed) {
        Generator gen = new Generator(seed);
        for (Weight w : model.weights()) {
            boolean positive = w.path().endsWith("moving_variance") || w.path().endsWith("gamma");
            w.assign(positive ? Tensor.uniform(gen, 0.5f, 2f, w.shape()) : Tensor.uniform(gen, -0.6f, 0.6f, w.shape()));
        }
    }
}
