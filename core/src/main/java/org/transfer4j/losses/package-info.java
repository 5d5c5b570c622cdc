/**
 * Training losses with Keras names and semantics ({@code keras.losses}): {@link org.transfer4j.losses.CategoricalCrossentropy},
 * {@link org.transfer4j.losses.SparseCategoricalCrossentropy}, {@link org.transfer4j.losses.BinaryCrossentropy} and
 * {@link org.transfer4j.losses.MeanSquaredError}.
 *
 * <p>Every {@link org.transfer4j.losses.Loss} returns a scalar reduced as Keras' default
 * {@code "sum_over_batch_size"}: the per-sample losses are summed and divided by the number of samples
 * (for the elementwise losses, by the number of elements). The losses are composed from the ops in
 * {@code org.transfer4j.ops}, so {@code loss.backward()} differentiates them with respect to the
 * predictions; targets are constants.
 */
package org.transfer4j.losses;
