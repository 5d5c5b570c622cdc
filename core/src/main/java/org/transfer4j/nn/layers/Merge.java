package org.transfer4j.nn.layers;

import java.util.Arrays;
import java.util.List;
import java.util.function.BinaryOperator;
import org.transfer4j.nn.Layer;
import org.transfer4j.ops.Views;
import org.transfer4j.tensor.Tensor;

/**
 * Keras' {@code Merge} base: a layer that combines two or more batches of the same size into one
 * ({@link Add}, {@link Multiply}, {@link Concatenate}). Subclasses give the merged shape and the forward.
 *
 * <p>The elementwise merges broadcast as Keras does: the non-batch shapes follow NumPy's rules, and a
 * shorter input first gets size-1 axes inserted right after the batch axis (Keras' {@code expand_dims(x, 1)}),
 * so {@code (N,4)} meets {@code (N,3,4)} as {@code (N,1,4)}. Error messages name the layer and every
 * input shape.
 */
public abstract class Merge extends Layer {

    protected Merge() {
    }

    @Override
    protected final int[] outputShape(List<int[]> inputShapes) {
        if (inputShapes.size() < 2) {
            throw new IllegalArgumentException("layer " + describe() + " merges at least 2 inputs, got "
                    + inputShapes.size());
        }
        return mergedShape(inputShapes);
    }

    /** Validates two or more input shapes (batch excluded) and returns the merged shape. */
    protected abstract int[] mergedShape(List<int[]> inputShapes);

    /** The broadcast of the non-batch shapes (see the class comment); throws naming every shape if there is none. */
    protected final int[] broadcastShape(List<int[]> inputShapes) {
        int rank = 0;
        for (int[] s : inputShapes) {
            rank = Math.max(rank, s.length);
        }
        int[] out = new int[rank];
        Arrays.fill(out, 1);
        for (int[] s : inputShapes) {
            int lead = rank - s.length;
            for (int i = 0; i < s.length; i++) {
                int d = s[i];
                if (out[lead + i] == 1) {
                    out[lead + i] = d;
                } else if (d != 1 && d != out[lead + i]) {
                    throw shapeError("inputs do not broadcast to one shape", inputShapes.toArray(int[][]::new));
                }
            }
        }
        return out;
    }

    /** {@code op(...op(op(x0, x1), x2)..., xk)} after bringing every input to the same rank. */
    protected final Tensor foldElementwise(List<Tensor> inputs, BinaryOperator<Tensor> op) {
        int rank = inputs.stream().mapToInt(Tensor::rank).max().orElseThrow();
        Tensor y = sameRank(inputs.getFirst(), rank);
        for (int i = 1; i < inputs.size(); i++) {
            y = op.apply(y, sameRank(inputs.get(i), rank));
        }
        return y;
    }

    /** {@code (N, d...) -> (N, 1, ..., 1, d...)} of the given rank: NumPy would align it with the batch axis instead. */
    private static Tensor sameRank(Tensor x, int rank) {
        Tensor y = x;
        while (y.rank() < rank) {
            y = Views.unsqueeze(y, 1);
        }
        return y;
    }
}
