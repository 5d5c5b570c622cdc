/**
 * Training: datasets of labelled batches, the training loop ({@code fit}, {@code evaluate},
 * {@code predict}) with its callbacks and {@link org.transfer4j.train.History}, checkpoints, and the
 * transfer-learning workflow (frozen base + new head, feature caching, fine-tuning).
 *
 * <p>A {@link org.transfer4j.train.Dataset} hands out one epoch at a time as a
 * {@link org.transfer4j.train.BatchStream}: the order of the samples is a pure function of the epoch's
 * seed ({@link org.transfer4j.train.EpochOrder}), so two datasets of the same size shuffled with the
 * same seed visit their samples in the same order. That is what lets a cache of base features stand in
 * for the images it was computed from and give the same training run.
 */
package org.transfer4j.train;
