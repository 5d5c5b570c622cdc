package org.transfer4j.nn;

import org.transfer4j.Transfer4jException;

/** A layer or weight name that a model does not have; the message lists what it does have. */
public class NoSuchLayerException extends Transfer4jException {
    public NoSuchLayerException(String message) {
        super(message);
    }
}
