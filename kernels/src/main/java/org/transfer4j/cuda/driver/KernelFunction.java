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

    /** {@code family/name}, as messages name a kernel. */
    public String qualifiedName() {
        return family + "/" + name;
    }

    @Override
    public String toString() {
        return qualifiedName();
    }
}
