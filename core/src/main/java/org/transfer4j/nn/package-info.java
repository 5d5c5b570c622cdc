/**
 * Layers and models with Keras names and semantics, so that a Keras model maps onto them 1:1.
 *
 * <p>A {@link org.transfer4j.nn.Layer} is configured, then built on first use from its input shape
 * ({@code build} creates its {@link org.transfer4j.nn.Weight}s), then called. It can be called eagerly
 * on tensors ({@code layer.call(x, training)}) or applied to {@link org.transfer4j.nn.SymbolicTensor}s
 * to wire a functional graph, which a {@link org.transfer4j.nn.Model} runs. Shapes given to and
 * returned by layers leave out the batch axis, as Keras' {@code Input(shape=...)} does.
 */
package org.transfer4j.nn;
