package org.transfer4j.optim;

/**
 * An exponential moving average of the loss with bias correction, fastai's {@code AvgSmoothLoss}:
 * {@code avg = beta * avg + (1 - beta) * loss} from {@code avg = 0}, reported as
 * {@code avg / (1 - beta^count)} so that the first values are not pulled towards 0.
 */
final class LossSmoother {
    private final double beta;
    private double average;
    private int count;

    LossSmoother(double beta) {
        if (!(beta >= 0 && beta < 1)) {
            throw new IllegalArgumentException("the smoothing beta must be in [0, 1), got " + beta);
        }
        this.beta = beta;
    }

    /** Adds one loss and returns the smoothed, bias-corrected value. */
    double add(double loss) {
        count++;
        average = beta * average + (1 - beta) * loss;
        return average / (1 - Math.pow(beta, count));
    }
}
