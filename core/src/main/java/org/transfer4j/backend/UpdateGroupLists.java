package org.transfer4j.backend;

import java.util.List;
import org.transfer4j.tensor.Tensor;

/**
 * The parallel lists of the {@code *UpdateGroup} methods of {@link Backend}: weights, gradients and
 * state slots, slot i belonging to weight i. Backends check them here, before any weight changes.
 */
public final class UpdateGroupLists {
    private UpdateGroupLists() {
    }

    /**
     * The number of weights, after checking that {@code grads} and every non-null list in {@code slots}
     * have one entry per weight.
     *
     * @throws IllegalArgumentException naming {@code op} and both sizes otherwise
     */
    public static int count(String op, List<Tensor> params, List<Tensor> grads, List<?>... slots) {
        if (params == null || grads == null) {
            throw new IllegalArgumentException(op + ": the weight and gradient lists must not be null");
        }
        int n = params.size();
        check(op, "gradient", n, grads);
        for (List<?> s : slots) {
            if (s != null) {
                check(op, "state slot", n, s);
            }
        }
        return n;
    }

    /** Entry {@code i} of an optional slot list: null when the list is null (the slot is not used). */
    public static Tensor at(List<Tensor> slots, int i) {
        return slots == null ? null : slots.get(i);
    }

    private static void check(String op, String what, int n, List<?> list) {
        if (list.size() != n) {
            throw new IllegalArgumentException(op + ": " + n + " weights but " + list.size() + " " + what
                    + " tensors; every list needs one entry per weight");
        }
    }
}
