package org.transfer4j.tensor;

import org.transfer4j.Transfer4jException;

/** A tensor (or a view sharing its storage) was used after {@code close()}. */
public class ClosedTensorException extends Transfer4jException {
    public ClosedTensorException(String op, int[] shape) {
        super(op + ": tensor of shape " + java.util.Arrays.toString(shape) + " was used after close()");
    }
}
