package org.transfer4j.train;

import java.util.Map;

/**
 * Stops training after epoch {@code epoch} (1-based; 0 never stops), as a crash right after that
 * epoch's checkpoint would. The resume tests of core and kernels share it.
 */
public final class StopAfter implements Callback {
    private final int epoch;
    private TrainingContext context;
    private boolean stopped;

    public StopAfter(int epoch) {
        this.epoch = epoch;
    }

    /** Whether it has stopped the run. */
    public boolean stopped() {
        return stopped;
    }

    @Override
    public void onTrainBegin(TrainingContext ctx) {
        context = ctx;
    }

    @Override
    public void onEpochEnd(int e, Map<String, Double> logs) {
        if (e == epoch) {
            context.stopTraining();
            stopped = true;
        }
    }
}
