package org.transfer4j.cuda;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class (or method) that needs a CUDA GPU: it carries the JUnit tag {@code gpu}, which the default
 * build excludes and {@code mvn -Pgpu test} (or the console launcher's {@code --include-tag gpu}) selects, and
 * {@link GpuRequired}, which fails it at once with the probe's reason ({@code Device.whyNoGpu()}) when it was
 * asked for on a machine without a usable GPU, instead of letting each test fail on its own first CUDA call.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag(GpuTest.TAG)
@ExtendWith(GpuRequired.class)
public @interface GpuTest {
    /** The JUnit tag of the GPU tests. */
    String TAG = "gpu";
}
