/**
 * Reverse-mode automatic differentiation on a dynamic tape, as in micrograd and PyTorch: an op that
 * receives a tensor requiring gradients records a {@link org.transfer4j.autograd.Node} on its output;
 * {@code loss.backward()} walks the nodes in reverse topological order and accumulates gradients.
 */
package org.transfer4j.autograd;
