package org.transfer4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.transfer4j.nn.layers.Add;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.Conv2D;
import org.transfer4j.nn.layers.GlobalAveragePooling2D;
import org.transfer4j.ops.Unary;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;
import org.transfer4j.tensor.TensorScope;

/**
 * In a training step (a tape, inside a {@link TensorScope}) the graph frees an activation once the forward pass is
 * past it when no backward reads it ({@link Layer#backwardReadsInputs}, {@link Layer#backwardReadsOutput}), and
 * the gradients are the same as when everything is kept.
 */
class TrainingActivationReleaseTest {

    /** A ReLU that remembers what it was given: the batch norm's output, which its backward does not read. */
    static final class ProbeRelu extends SingleInputLayer {
        final List<Tensor> seen = new ArrayList<>();
        Tensor output;

        @Override
        protected int[] outputShape(int[] in) {
            return in.clone();
        }

        @Override
        protected boolean backwardReadsInputs() {
            return false;
        }

        @Override
        protected Tensor forward(Tensor x, boolean training) {
            seen.add(x);
            output = Unary.relu(x);
            return output;
        }
    }

    @Test
    void aBatchNormOutputReadOnlyByAReluIsFreedAndTheGradientsDoNotChange() {
        ProbeRelu probe = new ProbeRelu();
        Model model = residualBlock(probe);
        Tensor x = Tensor.uniform(new Generator(2), -1f, 1f, 3, 6, 6, 4);

        List<float[]> kept = gradients(model, x, false);
        assertFalse(probe.seen.getLast().isClosed(), "outside a scope nothing is freed");
        List<float[]> freed = gradients(model, x, true);
        assertTrue(probe.seen.getLast().isClosed(), "inside the step's scope the batch norm's output went early");
        for (int i = 0; i < kept.size(); i++) {
            assertArrayEquals(kept.get(i), freed.get(i), "gradient " + i + " is the same bit for bit");
        }
    }

    @Test
    void anActivationKeptForBackwardIsFreedOnceTheBackwardPassHasGonePastIt() {
        ProbeRelu probe = new ProbeRelu();
        Model model = residualBlock(probe);
        Tensor x = Tensor.uniform(new Generator(4), -1f, 1f, 3, 6, 6, 4);
        try (TensorScope ignored = TensorScope.open()) {
            Tensor y = model.call(x, true);
            Tensor kept = probe.output; // the ReLU's output: its own backward and the next convolution read it
            assertFalse(kept.isClosed(), "held for the backward pass");
            y.mul(y).mean().backward();
            assertTrue(kept.isClosed(), "freed by the backward pass, before the step's scope closes");
            assertFalse(y.isClosed(), "the model's output is the caller's");
            assertFalse(x.isClosed(), "and so is its input");
        }
    }

    /** conv -> bn -> probe relu -> conv -> bn, added to the input, then pooled: every declared layer on the path. */
    private static Model residualBlock(ProbeRelu probe) {
        SymbolicTensor in = Input.of("in", 6, 6, 4);
        SymbolicTensor c1 = new Conv2D(4, 3).padding("same").named("c1").apply(in);
        SymbolicTensor b1 = new BatchNormalization().named("b1").apply(c1);
        SymbolicTensor r1 = probe.named("r1").apply(b1);
        SymbolicTensor c2 = new Conv2D(4, 3).padding("same").named("c2").apply(r1);
        SymbolicTensor b2 = new BatchNormalization().named("b2").apply(c2);
        SymbolicTensor sum = new Add().named("add").apply(in, b2);
        return Model.of(in, new GlobalAveragePooling2D().named("pool").apply(sum));
    }

    /** The weights' gradients of mean(model(x)^2) after one backward, inside a scope or not. */
    private static List<float[]> gradients(Model model, Tensor x, boolean scoped) {
        for (Weight w : model.weights()) {
            w.value().zeroGrad();
        }
        if (scoped) {
            try (TensorScope ignored = TensorScope.open()) {
                Tensor y = model.call(x, true);
                y.mul(y).mean().backward();
            }
        } else {
            Tensor y = model.call(x, true);
            y.mul(y).mean().backward();
        }
        List<float[]> grads = new ArrayList<>();
        for (Weight w : model.weights()) {
            if (w.value().grad() != null) {
                grads.add(w.value().grad().toArray());
            }
        }
        return grads;
    }
}
