package org.transfer4j.nn.layers;

import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;
import org.transfer4j.nn.SingleInputLayer;
import org.transfer4j.ops.Arithmetic;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/**
 * What {@link Dropout} and {@link SpatialDropout2D} share (Keras' {@code SpatialDropout2D} is a {@code Dropout}
 * with a fixed noise shape): the rate, the seed, and the training pass {@code x * mask}, where the mask holds
 * 0 with probability {@code rate} and {@code 1 / (1 - rate)} otherwise (inverted dropout,
 * {@link org.transfer4j.ops.Dropout}); at inference, or with rate 0, the layer is the identity. A subclass
 * only chooses the mask's shape. With a {@link #seed} the layer draws from its own generator, so two layers
 * with the same seed drop the same elements; without, it draws from {@link Generator#defaultGenerator()}.
 *
 * @param <T> the subclass itself, so that {@link #seed(long)} returns the concrete layer (as in {@link Pooling2D})
 */
public abstract class BaseDropout<T extends BaseDropout<T>> extends SingleInputLayer {
    private final float rate;
    private Generator generator;
    /** The seed given to {@link #seed(long)}, kept only to be reported by {@link #seed()}. */
    private Long seed;

    /** Package-private: the subclasses are the dropout layers of this package. */
    BaseDropout(float rate) {
        // Keras accepts rates in [0, 1); 1 would drop everything and scale by infinity.
        if (!(rate >= 0f && rate < 1f)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " rate must be in [0, 1), got " + rate);
        }
        this.rate = rate;
    }

    /**
     * The mask's shape for this input, batch axis included; it broadcasts to {@code x}'s shape, and an axis
     * of size 1 shares one draw along it. Called in training only.
     */
    abstract int[] maskShape(Tensor x);

    /** Draws masks from a generator of its own with this seed. */
    public T seed(long value) {
        checkNotBuilt("seed");
        this.generator = new Generator(value);
        this.seed = value;
        @SuppressWarnings("unchecked") // T is this class's own subclass: see the class comment
        T self = (T) this;
        return self;
    }

    public float rate() {
        return rate;
    }

    /** The seed of the layer's own generator, or empty when it draws from the default generator. */
    public OptionalLong seed() {
        return seed == null ? OptionalLong.empty() : OptionalLong.of(seed);
    }

    /**
     * The layer's own generator when it has a {@link #seed}, else empty (it draws from the default one).
     * A training checkpoint saves and restores its counter, so a resumed run drops the same elements.
     */
    public Optional<Generator> ownGenerator() {
        return Optional.ofNullable(generator);
    }

    @Override
    protected Tensor forward(Tensor x, boolean training) {
        if (!training || rate == 0f) {
            return x;
        }
        int[] mask = maskShape(x);
        Generator gen = generator != null ? generator : Generator.defaultGenerator();
        if (Arrays.equals(mask, x.shape())) {
            return org.transfer4j.ops.Dropout.dropout(x, rate, gen, true);
        }
        // A smaller mask is inverted dropout applied to ones, broadcast by the multiply, so whole rows or
        // channels share one draw.
        Tensor ones = Tensor.zeros(x.device(), mask);
        ones.backend().fill(ones, 1f);
        return Arithmetic.mul(x, org.transfer4j.ops.Dropout.dropout(ones, rate, gen, true));
    }
}
