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
