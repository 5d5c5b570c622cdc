package org.transfer4j.train;

import java.util.Arrays;

/** Class weights for imbalanced classes, to give {@link Trainer#classWeights(double[])}. */
public final class ClassWeights {
    private ClassWeights() {
    }

    /** {@link #balanced(int[])} of the dataset's class counts. */
    public static double[] balanced(Dataset data) {
        return balanced(data.classCounts());
    }

    /**
     * scikit-learn's {@code compute_class_weight("balanced")}: {@code w_c = n / (C * count_c)}, with
     * {@code n} the number of samples and {@code C} the number of classes, so a class half as frequent as
     * average weighs 2. Every class must have at least one sample.
     */
    public static double[] balanced(int[] counts) {
        long n = 0;
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] <= 0) {
                throw new IllegalArgumentException("balanced class weights: class " + c + " has " + counts[c]
                        + " samples (counts " + Arrays.toString(counts) + "); every class needs at least one");
            }
            n += counts[c];
        }
        double[] w = new double[counts.length];
        for (int c = 0; c < counts.length; c++) {
            w[c] = (double) n / ((double) counts.length * counts[c]);
        }
        return w;
    }
}
