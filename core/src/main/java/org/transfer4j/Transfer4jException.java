package org.transfer4j;

/**
 * The root of every exception transfer4j throws on purpose. It is unchecked, as in jHDF and PyTorch:
 * callers catch the typed subclasses they can act on ({@code ShapeMismatchException}, ...).
 */
public class Transfer4jException extends RuntimeException {
    public Transfer4jException(String message) {
        super(message);
    }

    public Transfer4jException(String message, Throwable cause) {
        super(message, cause);
    }
}
