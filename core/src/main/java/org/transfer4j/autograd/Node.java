package org.transfer4j.autograd;

import org.transfer4j.Transfer4jException;
import org.transfer4j.tensor.Tensor;

/**
 * One recorded op on the tape: its inputs and the function that maps the gradient of its output to
 * the gradients of its inputs. The backward function holds whatever the forward pass saved for it;
 * {@link #release()} drops all of that once backward has used it.
 */
public final class Node {
    /**
     * Maps dL/d(output) (always contiguous) to dL/d(input_i) for each input, in input order;
     * {@code null} only for inputs that do not require grad.
     */
    @FunctionalInterface
    public interface BackwardFn {
        Tensor[] apply(Tensor gradOutput);
    }

    private final String op;
    private Tensor[] inputs;
    private BackwardFn backward;

    Node(String op, Tensor[] inputs, BackwardFn backward) {
        this.op = op;
        this.inputs = inputs;
        this.backward = backward;
    }

    public String op() {
        return op;
    }

    Tensor[] inputs() {
        checkLive();
        return inputs;
    }

    Tensor[] apply(Tensor gradOutput) {
        checkLive();
        return backward.apply(gradOutput);
    }

    boolean isReleased() {
        return backward == null;
    }

    /** Frees what forward saved; a later backward through this node fails clearly. */
    void release() {
        inputs = null;
        backward = null;
    }

    private void checkLive() {
        if (backward == null) {
            throw new Transfer4jException("backward through '" + op
                    + "' a second time: its saved tensors were released by the first backward()");
        }
    }

    @Override
    public String toString() {
        return "Node(" + op + ")";
    }
}
