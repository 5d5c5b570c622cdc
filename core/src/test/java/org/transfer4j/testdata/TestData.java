package org.transfer4j.testdata;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Where tests find the real third-party data ({@code ../shared/data}, system property
 * {@code transfer4j.data}). Absent data skips a test with a message saying so, except under
 * {@code CI=true}, where it fails: CI must never pass by skipping the checks against Keras.
 */
public final class TestData {
    private TestData() {
    }

    /** The data root from {@code transfer4j.data}, default {@code ../shared/data}. */
    public static Path root() {
        return Path.of(System.getProperty("transfer4j.data", "../shared/data"));
    }

    /** {@code root().resolve(relative)}, after checking it exists (skip, or fail under CI=true). */
    public static Path require(String relative) {
        Path path = root().resolve(relative);
        if (!Files.exists(path)) {
            String message = "test data " + path.toAbsolutePath() + " is absent (set -Dtransfer4j.data to the shared data folder)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(message + "; under CI=true missing data is a failure");
            }
            Assumptions.abort(message + "; skipping");
        }
        return path;
    }
}
