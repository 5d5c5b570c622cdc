/**
 * Classification metrics, stateful as Keras metrics are: {@code update(predictions, targets)} once per
 * batch, {@code result()} at any time, {@code reset()} between epochs.
 *
 * <p>Predictions are {@code (N,C)} class scores, logits or probabilities alike (argmax and ranks are the
 * same for both). Targets are int labels, a tensor of class indices {@code (N)} or {@code (N,1)}, or
 * one-hot rows {@code (N,C)}. Metrics read predictions outside autograd: each update downloads the
 * batch once (detached) and counts on the host, so updating a metric never records on the tape.
 */
package org.transfer4j.metrics;
