package org.transfer4j.nn;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.transfer4j.ops.Arithmetic;
import org.transfer4j.ops.Gelu;
import org.transfer4j.ops.Softmax;
import org.transfer4j.ops.Unary;
import org.transfer4j.tensor.Tensor;

/**
 * Keras' activation functions by name ({@code Conv2D(..., activation="relu")}, {@code Activation("swish")}),
 * each composed from differentiable ops so autograd covers it.
 */
public final class Activations {
    /** SELU's constants (Klambauer et al. 2017), as in Keras. */
    private static final float SELU_ALPHA = 1.6732632423543772f;
    private static final float SELU_SCALE = 1.0507009873554805f;

    private static final Map<String, UnaryOperator<Tensor>> BY_NAME = new LinkedHashMap<>();

    static {
        BY_NAME.put("linear", x -> x);
        BY_NAME.put("relu", Unary::relu);
        BY_NAME.put("relu6", Unary::relu6);
        BY_NAME.put("sigmoid", Unary::sigmoid);
        BY_NAME.put("tanh", Unary::tanh);
        BY_NAME.put("softmax", x -> Softmax.softmax(x, -1));
        BY_NAME.put("swish", Activations::swish);
        BY_NAME.put("silu", Activations::swish);
        BY_NAME.put("gelu", x -> Gelu.gelu(x, false));
        BY_NAME.put("softplus", Activations::softplus);
        BY_NAME.put("softsign", x -> Arithmetic.div(x, Unary.affine(Unary.abs(x), 1f, 1f)));
        BY_NAME.put("elu", x -> elu(x, 1f));
        BY_NAME.put("selu", x -> Unary.affine(elu(x, SELU_ALPHA), SELU_SCALE, 0f));
        BY_NAME.put("hard_sigmoid", Activations::hardSigmoid);
        BY_NAME.put("exponential", Unary::exp);
    }

    private Activations() {
    }

    /** The activation Keras calls {@code name}; {@code null} means linear, as in Keras. */
    public static UnaryOperator<Tensor> get(String name) {
        if (name == null) {
            return BY_NAME.get("linear");
        }
        UnaryOperator<Tensor> f = BY_NAME.get(name.toLowerCase(Locale.ROOT));
        if (f == null) {
            throw new IllegalArgumentException("unknown activation '" + name + "'; known: " + BY_NAME.keySet());
        }
        return f;
    }

    /** The names {@link #get} accepts. */
    public static Set<String> names() {
        return Collections.unmodifiableSet(BY_NAME.keySet());
    }

    /** {@code x * sigmoid(x)}. */
    public static Tensor swish(Tensor x) {
        return Arithmetic.mul(x, Unary.sigmoid(x));
    }

    /**
     * {@code log(1 + e^x)}, computed as {@code max(x, 0) + log(1 + e^-|x|)} so that large x do not overflow.
     * {@code max(x, 0)} is written {@code (x + |x|) / 2}: the ops give relu and abs a zero derivative at
     * the kink, and only this form then gets softplus'(0) = 1/2 right.
     */
    public static Tensor softplus(Tensor x) {
        Tensor positivePart = Unary.affine(Arithmetic.add(x, Unary.abs(x)), 0.5f, 0f);
        return Arithmetic.add(positivePart, Unary.log(Unary.affine(Unary.exp(Unary.neg(Unary.abs(x))), 1f, 1f)));
    }

    /** {@code x if x > 0 else alpha * (e^x - 1)}, as {@code relu(x) + alpha * (e^min(x,0) - 1)}. */
    public static Tensor elu(Tensor x, float alpha) {
        Tensor negativePart = Unary.affine(Unary.exp(Unary.clamp(x, Float.NEGATIVE_INFINITY, 0f)), alpha, -alpha);
        return Arithmetic.add(Unary.relu(x), negativePart);
    }

    /**
     * Keras 2's piecewise-linear sigmoid {@code clip(0.2 x + 0.5, 0, 1)}, which the reference fixtures
     * (and Keras 2 models) use. Keras 3 changed it to {@code relu6(x + 3) / 6}.
     */
    public static Tensor hardSigmoid(Tensor x) {
        return Unary.clamp(Unary.affine(x, 0.2f, 0.5f), 0f, 1f);
    }
}
