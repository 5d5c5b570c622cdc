package org.transfer4j.bench.gpu;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * One measured case of one framework, as both harnesses write it (JSON, snake_case names).
 *
 * @param model                     {@code MobileNetV2} or {@code ResNet50}
 * @param kind                      {@link #TRAIN}, {@link #INFERENCE} or {@link #FROZEN}
 * @param imagesPerSecond           images through the timed work per second (frozen: the head's epochs over the
 *                                  cached features for transfer4j; the base and the head for PyTorch)
 * @param msPerIteration            milliseconds per timed iteration (a batch; frozen: an epoch)
 * @param epochsPerSecond           frozen only: epochs over the frozen data set per second (transfer4j: of the
 *                                  head on the cache, the one-time feature pass left out)
 * @param epochsPerSecondWithCache  frozen, transfer4j only: the same epochs with the feature pass counted in
 * @param peakMemoryBytes           the allocator's peak during the case (weights, data and everything else
 *                                  allocated then included); null where there is no GPU allocator (CPU runs)
 * @param iterations                timed iterations (frozen: epochs)
 * @param details                   anything else worth keeping (loss, cache seconds, allocator counters)
 * @param error                     why the case failed (e.g. out of memory), else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CaseResult(String model, String kind, Double imagesPerSecond, Double msPerIteration,
                         Double epochsPerSecond, Double epochsPerSecondWithCache, Long peakMemoryBytes,
                         Integer iterations, Map<String, Object> details, String error) {
    public static final String TRAIN = "train";
    public static final String INFERENCE = "inference";
    public static final String FROZEN = "frozen";

    /** A case that failed: its model, kind and the reason. */
    public static CaseResult failed(String model, String kind, String error, Map<String, Object> details) {
        return new CaseResult(model, kind, null, null, null, null, null, null, details, error);
    }

    public boolean ok() {
        return error == null;
    }
}
