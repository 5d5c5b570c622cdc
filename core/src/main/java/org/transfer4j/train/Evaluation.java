package org.transfer4j.train;

import org.transfer4j.metrics.ConfusionMatrix;

/**
 * The result of {@link Trainer#evaluate}: the mean loss over the samples (without class weights, as Keras
 * evaluates), the accuracy, and the confusion matrix (rows: true class, columns: predicted class).
 *
 * @param samples the samples evaluated; {@code skipped} the ones that could not be read
 */
public record Evaluation(double loss, double accuracy, ConfusionMatrix confusion, int samples, int skipped) {
}
