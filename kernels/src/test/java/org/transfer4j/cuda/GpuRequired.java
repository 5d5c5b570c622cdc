package org.transfer4j.cuda;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.transfer4j.tensor.Device;

/**
 * The extension of {@link GpuTest}: before a GPU test class (or a GPU test method in another class) runs, it
 * asks core once whether a GPU is usable ({@link Device#whyNoGpu()}: driver, device, JCuda, cuBLAS, cuDNN) and,
 * when it is not, fails with that reason. GPU tests run only when someone asked for them, so on a machine without
 * a GPU they fail rather than skip: a green "0 run, all skipped" would hide that nothing was checked.
 */
public final class GpuRequired implements BeforeAllCallback, BeforeEachCallback {
    private static Optional<String> whyNoGpu;

    @Override
    public void beforeAll(ExtensionContext context) {
        check(context.getDisplayName());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        check(context.getRequiredTestClass().getSimpleName() + "." + context.getDisplayName());
    }

    /** Fails naming {@code test} and why there is no GPU; returns when a GPU is usable. */
    static void check(String test) {
        Optional<String> why = probe();
        if (why.isPresent()) {
            fail(test + " is a GPU test (tag '" + GpuTest.TAG + "') and this machine has no usable CUDA GPU: "
                    + why.get() + ". GPU tests run only when asked for (mvn -Pgpu, or the console launcher's"
                    + " --include-tag " + GpuTest.TAG + "); run them on the GPU machine (kernels/README.md, Tests).");
        }
    }

    /** The probe, once per test JVM (it loads native libraries). */
    private static synchronized Optional<String> probe() {
        if (whyNoGpu == null) {
            whyNoGpu = Device.whyNoGpu();
        }
        return whyNoGpu;
    }
}
