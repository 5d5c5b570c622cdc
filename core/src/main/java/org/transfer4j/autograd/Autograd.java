package org.transfer4j.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.transfer4j.backend.Storage;
import org.transfer4j.Transfer4jException;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;
import org.transfer4j.tensor.TensorScope;

/** Recording on the tape, and the backward pass that walks it. */
public final class Autograd {
    private Autograd() {
    }

    /** True when an op on these inputs must be recorded: grad is enabled and some input requires it. */
    public static boolean needsGrad(Tensor... inputs) {
        if (!NoGrad.isGradEnabled()) {
            return false;
        }
        for (Tensor t : inputs) {
            if (t != null && t.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Records {@code op} on {@code output} when {@link #needsGrad} holds for the inputs, and returns the
     * output. Ops call this right after computing their forward result; {@code backward} is the
     * derivative, written beside the forward code.
     */
    public static Tensor record(String op, Tensor output, Node.BackwardFn backward, Tensor... inputs) {
        if (needsGrad(inputs)) {
            output.attachGradFn(new Node(op, inputs.clone(), backward));
        }
        return output;
    }

    /**
     * Back-propagates {@code gradRoot} (same shape as {@code root}) through the tape, adding into the
     * {@code grad} of every leaf that requires it, then releases the tape.
     */
    public static void backward(Tensor root, Tensor gradRoot) {
        if (!root.requiresGrad()) {
            throw new Transfer4jException("backward(): the tensor " + Arrays.toString(root.shape())
                    + " does not require grad (no input of the computation had requiresGrad set)");
        }
        if (!Arrays.equals(root.shape(), gradRoot.shape())) {
            throw ShapeMismatchException.of("backward", "gradient shape differs from the tensor's", root.shape(),
                    gradRoot.shape());
        }
        if (root.gradFn() == null) {
            // A leaf is its own gradient's destination: there is no tape to walk.
            try (NoGrad ignored = NoGrad.enter()) {
                root.accumulateGrad(gradRoot);
            }
            return;
        }
        List<Tensor> order = topologicalOrder(root);
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        grads.put(root, gradRoot);
        // The pass's own scope: every gradient of an intermediate tensor is made in it, and is freed as soon as
        // no pending gradient shares its storage, so that only the frontier of the pass holds (device) memory;
        // the rest goes when the pass ends. Leaves' gradients are made outside any scope (accumulateGrad).
        try (NoGrad ignored = NoGrad.enter(); TensorScope pass = TensorScope.open()) {
            for (int i = order.size() - 1; i >= 0; i--) {
                Tensor t = order.get(i);
                Tensor g = grads.remove(t);
                Node node = t.gradFn();
                if (g == null) {
                    node.release(); // not on a path from the root
                    continue;
                }
                Tensor[] inputs = node.inputs();
                // Backward functions may assume a contiguous gradient (sum's backward makes stride-0 views).
                Tensor contiguous = g.contiguous();
                Tensor[] inputGrads = node.apply(contiguous);
                List<Storage> done = new ArrayList<>(inputGrads.length + 2);
                done.add(g.storage());
                done.add(contiguous.storage());
                if (inputGrads.length != inputs.length) {
                    throw new Transfer4jException("backward of '" + node.op() + "' returned " + inputGrads.length
                            + " gradients for " + inputs.length + " inputs");
                }
                for (int k = 0; k < inputs.length; k++) {
                    Tensor in = inputs[k];
                    if (in == null || !in.requiresGrad()) {
                        continue;
                    }
                    Tensor gi = inputGrads[k];
                    if (gi == null) {
                        throw new Transfer4jException("backward of '" + node.op() + "' gave no gradient for input " + k);
                    }
                    if (!Arrays.equals(gi.shape(), in.shape())) {
                        throw ShapeMismatchException.of("backward of '" + node.op() + "'",
                                "gradient of input " + k + " has the wrong shape", in.shape(), gi.shape());
                    }
                    // A leaf's contributions are summed over the pass too, then added to its .grad once (as
                    // PyTorch's engine does): one new gradient tensor per leaf and pass.
                    Tensor pending = grads.get(in);
                    if (pending == null) {
                        grads.put(in, gi);
                    } else if (addsInPlace(pending, gi, g, contiguous, grads, pass)) {
                        // a fork's second gradient added over its first: no third tensor of the activation's size
                        pending.backend().addInPlace(pending, gi);
                        done.add(gi.storage());
                    } else {
                        grads.put(in, pending.add(gi));
                        done.add(pending.storage());
                        done.add(gi.storage());
                    }
                }
                node.release();
                // Only now, once every input's gradient has its place: one of them may be a view of g.
                for (Storage s : done) {
                    pass.freeUnlessUsed(s, grads.values());
                }
                // Every reader of t has had its backward and t's own has run: nothing reads t's values any more.
                if (t.freesAfterBackward()) {
                    pass.freeWhereOwnedUnlessUsed(t.storage(), grads.values());
                }
            }
            // What is left are the leaves' sums (every non-leaf on a path from the root was visited). A sum this
            // pass made, over a storage of its own that no other leaf's sum shares, becomes the leaf's gradient as
            // it is (PyTorch's AccumulateGrad steals it the same way); otherwise the leaf gets a copy or a sum.
            for (Map.Entry<Tensor, Tensor> e : grads.entrySet()) {
                Tensor leaf = e.getKey();
                Tensor g = e.getValue();
                if (leaf.grad() == null && pass.owns(g.storage()) && spansItsStorage(g) && soleUser(g, grads)) {
                    pass.disown(g.storage());
                    leaf.takeGrad(g);
                } else {
                    leaf.accumulateGrad(g);
                }
            }
        }
    }

    /**
     * Whether the pending gradient of a tensor may take its next one, {@code gi}, added in place: the pass made it, it
     * is its whole storage, and nothing else the pass still holds or is working on can see it change (no other pending
     * gradient is over its storage, not even the same tensor handed to another input, nor is the node's incoming
     * gradient {@code g}, from which the node's other results may be views). {@code gi} must be contiguous and over
     * another storage.
     */
    private static boolean addsInPlace(Tensor pending, Tensor gi, Tensor g, Tensor contiguous, Map<Tensor, Tensor> grads,
                                       TensorScope pass) {
        Storage s = pending.storage();
        return pass.owns(s) && spansItsStorage(pending) && gi.isContiguous() && gi.storage() != s
                && g.storage() != s && contiguous.storage() != s && pendingOver(s, grads) == 1;
    }

    /** How many pending gradients are over {@code s}: the same tensor handed to two inputs counts twice. */
    private static int pendingOver(Storage s, Map<Tensor, Tensor> grads) {
        int n = 0;
        for (Tensor t : grads.values()) {
            if (t.storage() == s) {
                n++;
            }
        }
        return n;
    }

    /** Whether {@code t} is its storage, contiguous from element 0 to the end (not a view into a larger block). */
    private static boolean spansItsStorage(Tensor t) {
        return t.isContiguous() && t.offset() == 0 && t.numel() == t.storage().size();
    }

    /** Whether no other pending gradient than {@code g} itself is over {@code g}'s storage. */
    private static boolean soleUser(Tensor g, Map<Tensor, Tensor> grads) {
        for (Tensor other : grads.values()) {
            if (other != g && other.storage() == g.storage()) {
                return false;
            }
        }
        return true;
    }


    /** Tensors with a grad function reachable from root, each after all of its inputs. */
    private static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        Set<Tensor> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        // Iterative DFS: a frame is (tensor, index of the next input to visit); deep nets would overflow recursion.
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        if (root.gradFn() != null) {
            visited.add(root);
            stack.push(new Object[] {root, 0});
        }
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Tensor t = (Tensor) frame[0];
            Tensor[] inputs = t.gradFn().inputs();
            int next = (Integer) frame[1];
            if (next < inputs.length) {
                frame[1] = next + 1;
                Tensor in = inputs[next];
                if (in != null && in.gradFn() != null && visited.add(in)) {
                    stack.push(new Object[] {in, 0});
                }
            } else {
                stack.pop();
                order.add(t);
            }
        }
        return order;
    }
}
