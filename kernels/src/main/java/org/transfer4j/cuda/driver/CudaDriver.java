package org.transfer4j.cuda.driver;

import java.util.function.Supplier;
import jcuda.driver.JCudaDriver;
import org.transfer4j.cuda.CudaAvailability;

/**
 * The one gate to the CUDA driver through JCuda: every class of this package calls
 * {@link #initialise()} before its first driver call.
 *
 * <p>Initialisation first asks {@link CudaAvailability#probe()} (which never throws) and stops with a
 * {@link CudaUnavailableException} carrying its reason when there is no driver or no device. Only then
 * does it touch {@code JCudaDriver}, whose class initialiser loads JCuda's native library, which links
 * against {@code libcuda.so.1}: where that fails anyway, the {@link UnsatisfiedLinkError} (or the
 * {@link NoClassDefFoundError} of a second attempt after a failed class initialisation) is turned into
 * a {@link CudaUnavailableException}, so a linkage error never escapes to the caller. Then JCuda's own
 * exceptions are switched off (statuses go through {@link CudaException#check}) and {@code cuInit(0)}
 * runs. The outcome is remembered: a failure is thrown again, with the same message, on every call.
 */
public final class CudaDriver {

    private static final Object LOCK = new Object();
    private static volatile CudaException failure;
    private static volatile boolean initialised;

    private CudaDriver() {
    }

    /**
     * Makes sure the driver is loaded and initialised.
     *
     * @throws CudaUnavailableException when CUDA cannot be used here, with the reason
     * @throws CudaException            when {@code cuInit} fails
     */
    public static void initialise() {
        if (initialised) {
            return;
        }
        synchronized (LOCK) {
            if (failure != null) {
                throw failure;
            }
            if (!initialised) {
                try {
                    initialise(CudaAvailability::probe, CudaDriver::loadJCuda);
                    initialised = true;
                } catch (CudaException e) {
                    failure = e;
                    throw e;
                }
            }
        }
    }

    /**
     * The initialisation steps with the probe and the JCuda loading injected (tests give a probe that
     * says "available" and a loader that throws, to check the translation).
     *
     * @param probe  where availability comes from
     * @param loader loads JCuda and calls {@code cuInit}; may throw a {@link LinkageError}
     */
    static void initialise(Supplier<CudaAvailability> probe, Runnable loader) {
        CudaAvailability cuda = probe.get();
        if (!cuda.available()) {
            throw new CudaUnavailableException("initialising the CUDA driver", cuda.reason(), null);
        }
        try {
            loader.run();
        } catch (LinkageError e) {
            throw new CudaUnavailableException("loading JCuda's native library", "the driver " + cuda.library().orElse("")
                    + " was found, but JCuda's native library (libJCudaDriver, from the jcuda-natives jar)"
                    + " did not load: " + e, e);
        }
    }

    /** Loads JCuda (its class initialiser loads the native library), disables its exceptions and calls cuInit. */
    static void loadJCuda() {
        JCudaDriver.setExceptionsEnabled(false);
        CudaException.check(JCudaDriver.cuInit(0), "cuInit(0)");
    }
}
