package org.transfer4j.train;

import java.util.List;

/**
 * Labelled samples for training or evaluation, handed out an epoch at a time.
 *
 * <p>Reproducibility contract: with {@code shuffle}, the order of an epoch is
 * {@link EpochOrder#permutation(int, long) EpochOrder.permutation(size(), seed)}; without, it is
 * {@code 0, 1, ..., size()-1}. Random augmentation, when a dataset applies it, is a pure function of
 * {@code (seed, sample index)}, never of the thread that decoded the sample. So the same seed gives the
 * same batches, whatever the number of loader threads.
 */
public interface Dataset {

    /** Number of samples. */
    int size();

    /** Class names in label order (label {@code i} is {@code classNames().get(i)}). */
    List<String> classNames();

    /** The label of sample {@code index}, without decoding it (for class counts and class weights). */
    int label(int index);

    /**
     * Whether batches are randomly augmented (so a sample's inputs change between epochs). Feature
     * caching is only exact when they are not.
     */
    boolean augmented();

    /** The epoch's batches of at most {@code batchSize} samples, in the order the contract above gives. */
    BatchStream batches(int batchSize, boolean shuffle, long seed);

    /** How many samples carry each label. */
    default int[] classCounts() {
        int[] counts = new int[classNames().size()];
        for (int i = 0; i < size(); i++) {
            counts[label(i)]++;
        }
        return counts;
    }
}
