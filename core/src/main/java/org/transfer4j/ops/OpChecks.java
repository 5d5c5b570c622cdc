package org.transfer4j.ops;

import org.transfer4j.tensor.DeviceMismatchException;
import org.transfer4j.tensor.Tensor;

/** The checks every op makes on its inputs before calling the backend. */
final class OpChecks {
    private OpChecks() {
    }

    /** All inputs open and on the device of the first. */
    static void sameDevice(String op, Tensor first, Tensor... others) {
        first.ensureOpen(op);
        for (Tensor t : others) {
            t.ensureOpen(op);
            if (!t.device().equals(first.device())) {
                throw new DeviceMismatchException(op, first.device(), t.device());
            }
        }
    }
}
