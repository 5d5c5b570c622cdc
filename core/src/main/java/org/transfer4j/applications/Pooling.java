package org.transfer4j.applications;

/**
 * Keras' {@code pooling} argument of an application built without its top: what follows the last
 * convolutional block, {@code (N,H,W,C)}.
 */
public enum Pooling {
    /** Keras' {@code None}: the model outputs the 4-D feature map {@code (N,H,W,C)}. */
    NONE,
    /** {@code "avg"}: a {@code GlobalAveragePooling2D}, output {@code (N,C)}. */
    AVG,
    /** {@code "max"}: a {@code GlobalMaxPooling2D}, output {@code (N,C)}. */
    MAX
}
