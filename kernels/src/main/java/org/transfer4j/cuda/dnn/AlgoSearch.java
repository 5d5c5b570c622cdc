package org.transfer4j.cuda.dnn;

import java.util.Locale;

/**
 * How the algorithm of a convolution shape is chosen, once per (plan, direction, math) key:
 * <ul>
 *   <li>{@link #HEURISTIC} (the default): cuDNN's heuristic ranking,
 *       {@code cudnnGetConvolution*Algorithm_v7}, which runs nothing;</li>
 *   <li>{@link #BENCHMARK}: every candidate is run and timed on the call's own buffers,
 *       {@code cudnnFindConvolution*AlgorithmEx}, and the fastest kept, as PyTorch's
 *       {@code torch.backends.cudnn.benchmark = True}. The first call of each key costs the runs of
 *       all candidates and a workspace of the cache's limit.</li>
 * </ul>
 * Chosen by the system property {@value #PROPERTY} ({@code heuristic} or {@code benchmark}), read
 * when a CUDA backend is created, or set on the backend.
 */
public enum AlgoSearch {
    /** cuDNN's heuristic query; nothing is run. */
    HEURISTIC,
    /** cuDNN's Find: every candidate is run and timed. */
    BENCHMARK;

    /** The system property that chooses the mode. */
    public static final String PROPERTY = "transfer4j.cudnn.algorithms";

    /**
     * The mode named {@code value} ({@code heuristic} or {@code benchmark}, any case, surrounding
     * blanks ignored).
     *
     * @throws IllegalArgumentException quoting {@code value} and the accepted names
     */
    public static AlgoSearch parse(String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        for (AlgoSearch s : values()) {
            if (s.propertyValue().equals(v)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown cuDNN algorithm search '" + value + "' (" + PROPERTY
                + "): expected heuristic or benchmark");
    }

    /** The mode of the system property {@value #PROPERTY}, {@link #HEURISTIC} when it is not set. */
    public static AlgoSearch fromSystemProperty() {
        String value = System.getProperty(PROPERTY);
        return value == null ? HEURISTIC : parse(value);
    }

    /** The property's spelling of this mode: {@code heuristic} or {@code benchmark}. */
    public String propertyValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
