package org.transfer4j.cuda.driver;

import jcuda.driver.CUfunction;

/**
 * A kernel loaded from a family's module, ready to launch with {@link KernelLauncher}.
 *
 * @param family    the kernel family ({@code .cu} base name), e.g. {@code elementwise}
 * @param name      the kernel's {@code extern "C"} name, e.g. {@code relu_f32}
 * @param function  JCuda's handle
 * @param signature its parameters as the PTX declares them
 * @param limits    what it may be launched with on the device
 */
public record KernelFunction(String family, String name, CUfunction function, KernelSignature signature,
                             LaunchLimits limits) {

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
        return family + "/" + name;
    }

    @Override
    public String toString() {
        return qualifiedName();
    }
}
