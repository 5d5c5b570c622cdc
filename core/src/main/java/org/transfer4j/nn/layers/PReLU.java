package org.transfer4j.nn.layers;

import java.util.Arrays;
import org.transfer4j.nn.Initializer;
import org.transfer4j.nn.Initializers;
import org.transfer4j.nn.SingleInputLayer;
import org.transfer4j.nn.Weight;
import org.transfer4j.ops.Arithmetic;
import org.transfer4j.ops.Unary;
import org.transfer4j.tensor.Tensor;

/**
 * Keras {@code PReLU(alpha_initializer="zeros", shared_axes=None)}: a leaky ReLU whose slope is learned,
 * {@code f(x) = relu(x) - alpha * relu(-x)}, {@code x (N, d1, ..., dk) -> y} of the same shape.
 *
 * <p>One weight, {@code alpha}, of the input's shape without the batch axis, except that the
 * {@code sharedAxes} (counted with the batch as axis 0, as in Keras) have size 1, so one slope serves the
 * whole axis: {@code sharedAxes(1, 2)} on {@code (N,H,W,C)} learns one slope per channel, {@code alpha (1,1,C)}.
 */
public class PReLU extends SingleInputLayer {
    private Initializer alphaInitializer = Initializers.zeros();
    private int[] sharedAxes = new int[0];

    private Weight alpha;

    public PReLU alphaInitializer(Initializer value) {
        checkNotBuilt("alphaInitializer");
        this.alphaInitializer = value;
        return this;
    }

    /** Axes (batch = 0, so each is at least 1) along which one slope is shared. */
    public PReLU sharedAxes(int... axes) {
        checkNotBuilt("sharedAxes");
        for (int a : axes) {
            if (a < 1) {
                throw new IllegalArgumentException("PReLU sharedAxes count the batch as axis 0 and must be >= 1, got "
                        + Arrays.toString(axes));
            }
        }
        this.sharedAxes = axes.clone();
        return this;
    }

    /** The shared axes (batch = 0); empty when none are shared. (Not {@code sharedAxes()}: that is the varargs setter.) */
    public int[] configuredSharedAxes() {
        return sharedAxes.clone();
    }

    @Override
    protected int[] outputShape(int[] in) {
        for (int a : sharedAxes) {
            if (a > in.length) {
                throw shapeError("sharedAxes " + Arrays.toString(sharedAxes) + " are out of range for inputs of rank "
                        + (in.length + 1) + " (batch axis included)", in);
            }
        }
        if (alpha != null && !Arrays.equals(alpha.shape(), alphaShape(in))) {
            throw shapeError("alpha was built for another input shape", in, alpha.shape());
        }
        return in.clone();
    }

    @Override
    protected void build(int[] in) {
        alpha = addWeight("alpha", alphaShape(in), alphaInitializer, true);
    }

    private int[] alphaShape(int[] in) {
        int[] shape = in.clone();
        for (int a : sharedAxes) {
            shape[a - 1] = 1;
        }
        return shape;
    }

    @Override
    protected Tensor forward(Tensor x, boolean training) {
        // alpha (d1..dk) broadcasts against x (N, d1..dk) by NumPy's trailing alignment.
        return Arithmetic.sub(Unary.relu(x), Arithmetic.mul(alpha.value(), Unary.relu(Unary.neg(x))));
    }
}
