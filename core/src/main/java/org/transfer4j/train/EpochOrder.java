package org.transfer4j.train;

import org.transfer4j.tensor.Generator;

/**
 * The sample order of a shuffled epoch, shared by every {@link Dataset} so that two datasets of the same
 * size (images, and the cached features computed from them) shuffle identically for the same seed.
 */
public final class EpochOrder {
    private EpochOrder() {
    }

    /** A Fisher–Yates permutation of {@code 0..n-1} drawn from the counter-based stream {@code seed}. */
    public static int[] permutation(int n, long seed) {
        int[] order = identity(n);
        for (int i = n - 1; i > 0; i--) {
            int j = (int) Long.remainderUnsigned(Generator.bits(seed, i), i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** {@code 0, 1, ..., n-1}. */
    public static int[] identity(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        return order;
    }

    /**
     * The seed of epoch {@code epoch} (0-based) of a run seeded {@code runSeed}: distinct per epoch, and
     * fixed, so a run resumed at epoch e shuffles epoch e as the uninterrupted run did.
     */
    public static long epochSeed(long runSeed, int epoch) {
        return Generator.mix64(runSeed ^ Generator.mix64(0x7EB0C4L + epoch));
    }
}
