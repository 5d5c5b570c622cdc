package org.transfer4j.tensor;

import org.transfer4j.Transfer4jException;

/** An op received tensors that live on different devices. */
public class DeviceMismatchException extends Transfer4jException {
    public DeviceMismatchException(String op, Device a, Device b) {
        super(op + ": tensors are on different devices (" + a + " and " + b + "); move one with to(device)");
    }
}
