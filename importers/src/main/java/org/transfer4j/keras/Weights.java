package org.transfer4j.keras;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Pretrained-weight files fetched once and then read from a local cache, as Keras'
 * {@code get_file(..., file_hash=...)} does, but always checked with SHA-256.
 *
 * <pre>{@code
 * Path h5 = Weights.fetch(URI.create("https://storage.googleapis.com/.../mobilenet_1_0_224_tf_no_top.h5"), sha256);
 * Path h5 = Weights.cache(Path.of("models")).fetch(url, sha256);   // an explicit cache folder
 * }</pre>
 *
 * <p>The default cache folder is the system property {@value #CACHE_PROPERTY} when it is set, else
 * {@code ~/.transfer4j/models}. See {@link WeightsCache#fetch} for what a fetch does.
 */
public final class Weights {
    /** The system property that overrides the default cache folder. */
    public static final String CACHE_PROPERTY = "transfer4j.cache";
    /** How long connecting may take. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);
    /** How long the response headers, and then each next piece of the body, may keep us waiting. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

    private Weights() {
    }

    /**
     * The file at {@code url} in the default cache, downloaded first unless the cache already holds it
     * with the SHA-256 {@code sha256} (64 hex digits).
     *
     * @throws WeightsDownloadException naming the URL when it cannot be fetched or does not verify
     */
    public static Path fetch(URI url, String sha256) {
        return cache(defaultDirectory()).fetch(url, sha256);
    }

    /** A cache in {@code directory} (created on the first download), with the default timeouts. */
    public static WeightsCache cache(Path directory) {
        return new WeightsCache(directory, DEFAULT_CONNECT_TIMEOUT, DEFAULT_IDLE_TIMEOUT);
    }

    /** {@value #CACHE_PROPERTY} when set (and not blank), else {@code ~/.transfer4j/models}; read on each call. */
    public static Path defaultDirectory() {
        String configured = System.getProperty(CACHE_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("user.home"), ".transfer4j", "models");
    }
}
