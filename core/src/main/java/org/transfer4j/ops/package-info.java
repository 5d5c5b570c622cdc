/**
 * The differentiable ops. Each op computes its forward result with {@link org.transfer4j.backend.Backend}
 * primitives and, right beside it, records its backward (the derivative of each input) on the tape.
 * Composite ops (GELU, softmax, variance, ...) are written in terms of other ops, so their gradients come
 * for free; fused primitives exist only where they pay (see {@code bench}).
 */
package org.transfer4j.ops;
