package org.transfer4j.cuda;

/**
 * The PTX targets checked in for every kernel family, and which one a device runs. PTX is forward
 * compatible: the driver JIT-compiles {@code .target sm_75} PTX for any device of compute capability
 * 7.5 or above, and {@code sm_90} PTX for 9.0 and above (Hopper, Blackwell, ...). The newer target lets
 * nvcc use the newer instructions, so a device gets the newest target it can run.
 */
public enum PtxTarget {
    /** {@code nvcc -ptx -arch=compute_90}: compute capability 9.0 and above. */
    SM90("sm90", new ComputeCapability(9, 0)),
    /** {@code nvcc -ptx -arch=compute_75}: 7.5 to 8.9 (Turing, Ampere, Ada); the oldest CUDA 13 supports. */
    SM75("sm75", new ComputeCapability(7, 5));

    private final String suffix;
    private final ComputeCapability minimum;

    PtxTarget(String suffix, ComputeCapability minimum) {
        this.suffix = suffix;
        this.minimum = minimum;
    }

    /** The file-name suffix: {@code <family>.<suffix>.ptx}. */
    public String suffix() {
        return suffix;
    }

    /** The lowest compute capability that runs this PTX. */
    public ComputeCapability minimum() {
        return minimum;
    }

    /** The PTX directive this target's files declare, e.g. {@code .target sm_90}. */
    public String targetDirective() {
        return ".target sm_" + minimum.major() + minimum.minor();
    }

    /**
     * The newest target a device of compute capability {@code cc} runs: 9.0 and above get
     * {@link #SM90}, 7.5 to 8.9 get {@link #SM75}.
     *
     * @throws IllegalArgumentException when cc is below 7.5, older than every checked-in target
     */
    public static PtxTarget forComputeCapability(ComputeCapability cc) {
        for (PtxTarget target : values()) {   // newest first
            if (cc.compareTo(target.minimum) >= 0) {
                return target;
            }
        }
        throw new IllegalArgumentException("a GPU of compute capability " + cc + " is not supported: the"
                + " kernels are compiled for 7.5 and above (the oldest target of CUDA 13's nvcc is compute_75)");
    }
}
