package org.transfer4j.cuda;

/**
 * A CUDA compute capability {@code major.minor}, as the driver reports it
 * ({@code CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR/MINOR}): 9.0 for an H100, 8.6 for an RTX 30xx,
 * 7.5 for a T4.
 */
public record ComputeCapability(int major, int minor) implements Comparable<ComputeCapability> {

    /** @throws IllegalArgumentException when major is not positive or minor is negative */
    public ComputeCapability {
        if (major < 1 || minor < 0) {
            throw new IllegalArgumentException("invalid compute capability " + major + "." + minor);
        }
    }

    /** Whether this is at least {@code major.minor}. */
    public boolean atLeast(int major, int minor) {
        return compareTo(new ComputeCapability(major, minor)) >= 0;
    }

    @Override
    public int compareTo(ComputeCapability other) {
        return major != other.major ? Integer.compare(major, other.major) : Integer.compare(minor, other.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
