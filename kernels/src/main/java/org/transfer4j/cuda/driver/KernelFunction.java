package org.transfer4j.cuda.driver;

import jcuda.driver.CUfunction;

/**
 * A kernel loaded from a family's module, ready to launch with {@link KernelLauncher}: the kernel family
 * ({@code .cu} base name, e.g. {@code elementwise}), its {@code extern "C"} name (e.g. {@code relu_f32}), JCuda's
 * handle, its parameters as the PTX declares them and what it may be launched with on the device.
 */
public final class KernelFunction {
    private final String family;
    private final String name;
    private final CUfunction function;
    private final KernelSignature signature;
    private final LaunchLimits limits;
    /** Made once: every launch passes it to the checks, which name the kernel only when one fails. */
    private final String qualifiedName;

    public KernelFunction(String family, String name, CUfunction function, KernelSignature signature,
                          LaunchLimits limits) {
        this.family = family;
        this.name = name;
        this.function = function;
        this.signature = signature;
        this.limits = limits;
        this.qualifiedName = family + "/" + name;
    }

    public String family() {
        return family;
    }

    public String name() {
        return name;
    }

    /** JCuda's handle. */
    public CUfunction function() {
        return function;
    }

    public KernelSignature signature() {
        return signature;
    }

    public LaunchLimits limits() {
        return limits;
    }

    /** The native {@code CUfunction}, for a launch through FFM; 0 when JCuda's handle does not expose it. */
    public long address() {
        return function instanceof AddressableFunction a ? a.address() : 0;
    }

    /** A JCuda function handle whose native address can be read (JCuda keeps it in a protected field). */
    static final class AddressableFunction extends CUfunction {
        long address() {
            return getNativePointer();
        }
    }

    /** {@code family/name}, as messages name a kernel. */
    public String qualifiedName() {
        return qualifiedName;
    }

    @Override
    public String toString() {
        return qualifiedName();
    }
}
