package org.transfer4j.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.transfer4j.backend.FakeDevice;
import org.transfer4j.tensor.Tensor;

/**
 * What the backward pass holds on a device: the gradients of intermediate tensors are freed as soon as the pass
 * is done with them, so a deep chain needs memory for its frontier, not for every gradient at once.
 */
class AutogradMemoryTest {
    private final FakeDevice fake = FakeDevice.create(5);

    /** x -> x * 1.5 repeated {@code depth} times, with a probe op at the bottom that records the live storages. */
    @Test
    void aDeepChainsBackwardHoldsItsFrontierNotEveryGradient() {
        Tensor x = Tensor.of(fake.device(), new float[] {1, 2, 3}, 3).requiresGrad(true);
        List<Long> liveSeen = new ArrayList<>();
        Tensor probe = Autograd.record("probe", x.mul(1f), g -> {
            liveSeen.add(fake.liveStorages());
            return new Tensor[] {g.mul(1f)};
        }, x);
        Tensor y = probe;
        int depth = 40;
        for (int i = 0; i < depth; i++) {
            y = y.mul(1.5f);
        }
        long afterForward = fake.liveStorages();
        y.sum().backward();

        assertEquals(1, liveSeen.size());
        // Without freeing, each of the 40 links would leave its gradient behind before the probe runs.
        assertTrue(liveSeen.getFirst() <= afterForward + 6,
                "live storages when the pass reached the bottom: " + liveSeen.getFirst() + ", after the forward pass "
                        + afterForward);
        float scale = (float) Math.pow(1.5, depth);
        assertArrayEquals(new float[] {scale, scale, scale}, x.grad().toArray(), scale * 1e-6f);
    }

    /**
     * A tensor read twice (a residual fork) gets its second gradient added over its first, which only the pass holds:
     * x -> h = relu(x) -> a = 2h, b = 3h -> a + b -> sum. The backward makes four tensors of x's size (sum's broadcast
     * gradient, the two affine gradients, relu's dx), not five (no separate sum for h), and dh = 5 where x > 0.
     */
    @Test
    void aForksSecondGradientIsAddedOverTheFirstWithoutANewTensor() {
        float[] xs = {1, -2, 3, 4, -5, 6, 7};
        Tensor x = Tensor.of(fake.device(), xs, 7).requiresGrad(true);
        Tensor h = x.relu();
        Tensor y = h.mul(2f).add(h.mul(3f)).sum();
        fake.recordAllocations();
        y.backward();
        long ofXsSize = fake.allocations().stream().filter(e -> e[0] > 0 && e[1] == 7L * Float.BYTES).count();
        assertEquals(4, ofXsSize, "tensors of x's size made by the backward pass");
        assertArrayEquals(new float[] {5, 0, 5, 5, 0, 5, 5}, x.grad().toArray(), 0f);
    }

    /**
     * No gradient is added in place where someone else can see it: a gradient the caller passed in (the training
     * loop's seed, reused every step) keeps its values, and a gradient shared by two pending tensors, or by the
     * gradient a node is working from, is summed into a new tensor. y = 1 * ((in1 - in0) + in0) = in1: the add hands
     * one tensor to both of its inputs, then the subtraction hands that same tensor on to in1 while in0's second
     * gradient is its negation.
     */
    @Test
    void gradientsOthersHoldAreNeverWrittenOver() {
        Tensor a = Tensor.of(fake.device(), new float[] {1, 2, 3}, 3).requiresGrad(true);
        Tensor seed = Tensor.of(fake.device(), new float[] {1, 1, 1}, 3);
        a.add(a).backward(seed);
        assertArrayEquals(new float[] {1, 1, 1}, seed.toArray(), 0f, "the caller's gradient");
        assertArrayEquals(new float[] {2, 2, 2}, a.grad().toArray(), 0f);

        Tensor x0 = Tensor.of(fake.device(), new float[] {1, 2, 3}, 3).requiresGrad(true);
        Tensor x1 = Tensor.of(fake.device(), new float[] {4, 5, 6}, 3).requiresGrad(true);
        Tensor in0 = x0.relu();
        Tensor in1 = x1.relu();
        Tensor y = in1.sub(in0).add(in0).mul(1f);
        y.backward(Tensor.of(fake.device(), new float[] {0.5f, 0.25f, 2f}, 3));
        assertArrayEquals(new float[] {0, 0, 0}, x0.grad().toArray(), 0f, "in0 cancels");
        assertArrayEquals(new float[] {0.5f, 0.25f, 2f}, x1.grad().toArray(), 0f, "y = in1");

        // y = 1 * (2a + (a + w)) with a = relu(v): the inner add hands one tensor to a and to the leaf w, whose sum
        // waits for the pass's end, then a's second gradient (2) arrives; w's must stay 1
        Tensor v = Tensor.of(fake.device(), new float[] {1, 2}, 2).requiresGrad(true);
        Tensor w = Tensor.of(fake.device(), new float[] {3, 4}, 2).requiresGrad(true);
        Tensor av = v.relu();
        av.mul(2f).mul(1f).add(av.add(w)).mul(1f).sum().backward();
        assertArrayEquals(new float[] {1, 1}, w.grad().toArray(), 0f, "the leaf's share of the tensor handed to both");
        assertArrayEquals(new float[] {3, 3}, v.grad().toArray(), 0f);
    }

    @Test
    void leavesHandedTheSameGradientGetTheirOwnSoThatFreeingOneKeepsTheOther() {
        Tensor w1 = Tensor.of(fake.device(), new float[] {1, 2}, 2).requiresGrad(true);
        Tensor w2 = Tensor.of(fake.device(), new float[] {3, 4}, 2).requiresGrad(true);
        w1.add(w2).mul(3f).sum().backward(); // add's backward hands one tensor to both inputs
        w1.zeroGrad();
        assertArrayEquals(new float[] {3, 3}, w2.grad().toArray(), 0f);
    }

    @Test
    void afterBackwardOnlyTheLeafGradientsAreNewOnTheDevice() {
        Tensor a = Tensor.of(fake.device(), new float[] {1, -2}, 2).requiresGrad(true);
        Tensor b = Tensor.of(fake.device(), new float[] {3, 4}, 2).requiresGrad(true);
        Tensor loss = a.mul(b).add(a).relu().mul(a.reshape(1, 2).reshape(2)).sum(); // a reaches the loss three ways
        long before = fake.liveStorages();
        loss.backward();
        // a.grad, b.grad and the pass's seed (the ones, made by backward() before the pass) are all that is new
        assertEquals(before + 3, fake.liveStorages());
        // d/da sum(relu(a*b + a) * a) = relu'(.)*(b+1)*a + relu(a*b+a): a=1,b=3 -> 4+4 = 8; a=-2,b=4 -> relu'=0, relu=0
        assertArrayEquals(new float[] {8, 0}, a.grad().toArray(), 1e-6f);
        assertArrayEquals(new float[] {1, 0}, b.grad().toArray(), 1e-6f); // relu'(.)*a*a
    }
}
