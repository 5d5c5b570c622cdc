package org.transfer4j.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/**
 * {@link Arithmetic#addClamped}: by hand, and against its definition, {@link Arithmetic#add} then {@link Unary#clamp},
 * values and gradients bit for bit, through the one-pass primitive (inputs of one shape, contiguous) and through the
 * composite it falls back to (broadcasting, a transposed view), with one tensor as both inputs.
 */
class AddClampedTest {

    @Test
    void handComputedValuesAndGradients() {
        // clamp(a + b, 0, 1): 1 + 0.5 = 1.5 -> 1; -2 + 1 = -1 -> 0; 0.25 + 0.25 = 0.5; 3 + -3 = 0 (on the bound)
        Tensor a = Tensor.of(new float[] {1f, -2f, 0.25f, 3f}, 2, 2).requiresGrad(true);
        Tensor b = Tensor.of(new float[] {0.5f, 1f, 0.25f, -3f}, 2, 2).requiresGrad(true);
        Tensor y = Arithmetic.addClamped(a, b, 0f, 1f);
        assertArrayEquals(new float[] {1f, 0f, 0.5f, 0f}, y.toArray(), 0f);
        // d/da = d/db = 1 strictly between the bounds, else 0 (the bounds themselves included): dy = 2, 3, 5, 7
        y.backward(Tensor.of(new float[] {2f, 3f, 5f, 7f}, 2, 2));
        assertArrayEquals(new float[] {0f, 0f, 5f, 0f}, a.grad().toArray(), 0f, "da");
        assertArrayEquals(new float[] {0f, 0f, 5f, 0f}, b.grad().toArray(), 0f, "db");
    }

    @Test
    void oneTensorAsBothInputsGetsBothGradients() {
        // y = clamp(x + x, 0, 1): x = 0.25 -> 0.5 (inside, dy/dx = 2), 0.75 -> 1 (capped), -1 -> 0
        Tensor x = Tensor.of(new float[] {0.25f, 0.75f, -1f}, 3).requiresGrad(true);
        Tensor y = Arithmetic.addClamped(x, x, 0f, 1f);
        assertArrayEquals(new float[] {0.5f, 1f, 0f}, y.toArray(), 0f);
        y.backward(Tensor.ones(3));
        assertArrayEquals(new float[] {2f, 0f, 0f}, x.grad().toArray(), 0f);
        assertSameAsComposite(Tensor.of(new float[] {0.25f, 0.75f, -1f}, 3), null, t -> t, 0f, 1f);
    }

    @Test
    void onePassAndFallbackAreTheAddThenTheClampBitForBit() {
        Generator gen = new Generator(5);
        Tensor a = Tensor.uniform(gen, -2f, 2f, 6, 37);
        Tensor b = Tensor.uniform(gen, -2f, 2f, 6, 37);
        // the primitive: one shape, contiguous
        assertSameAsComposite(a, b, t -> t, 0f, 1f);
        assertSameAsComposite(a, b, t -> t, 0f, Float.POSITIVE_INFINITY);
        // the fallback: a broadcast bias (37), and b transposed (a view that is not contiguous)
        assertSameAsComposite(a, Tensor.uniform(gen, -2f, 2f, 37), t -> t, 0f, 6f);
        Tensor bt = Tensor.uniform(gen, -2f, 2f, 37, 6);
        assertSameAsComposite(a, bt, t -> t.transpose(0, 1), -0.5f, 0.5f);
    }

    @Test
    void badBoundsAreNamed() {
        Tensor a = Tensor.zeros(2, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Arithmetic.addClamped(a, a, 1f, 0f));
        assertTrue(e.getMessage().contains("addClamped") && e.getMessage().contains("1.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Arithmetic.addClamped(a, a, Float.NaN, 0f));
    }

    /**
     * {@code addClamped(a, view(b))} against {@code clamp(add(a, view(b)))} on fresh leaves: values, then the
     * gradients of a and b for a random dy. {@code b == null}: a is both inputs.
     */
    private static void assertSameAsComposite(Tensor a, Tensor b, UnaryOperator<Tensor> view, float low, float high) {
        Tensor[] fused = leaves(a, b);
        Tensor[] apart = leaves(a, b);
        Tensor yf = Arithmetic.addClamped(fused[0], view.apply(fused[1]), low, high);
        Tensor ya = Unary.clamp(Arithmetic.add(apart[0], view.apply(apart[1])), low, high);
        assertArrayEquals(ya.toArray(), yf.toArray(), 0f, "values");
        Tensor dy = Tensor.uniform(new Generator(9), -1f, 1f, ya.shape());
        yf.backward(dy);
        ya.backward(dy);
        assertArrayEquals(apart[0].grad().toArray(), fused[0].grad().toArray(), 0f, "da");
        assertArrayEquals(apart[1].grad().toArray(), fused[1].grad().toArray(), 0f, "db");
    }

    private static Tensor[] leaves(Tensor a, Tensor b) {
        Tensor la = Tensor.of(a.toArray(), a.shape()).requiresGrad(true);
        return new Tensor[] {la, b == null ? la : Tensor.of(b.toArray(), b.shape()).requiresGrad(true)};
    }
}
