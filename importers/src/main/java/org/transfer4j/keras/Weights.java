package org.transfer4j.keras;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.transfer4j.applications.PretrainedWeights;

/**
 * Pretrained-weight files fetched once and then read from a local cache, as Keras'
 * {@code get_file(..., file_hash=...)} does, but never without a checksum: a SHA-256 (64 hex digits) or an
 * MD5 (32), told apart by length as Keras' {@code hash_algorithm="auto"} does.
 *
 * <pre>{@code
 * Path h5 = Weights.fetch(ResNet50.builder().includeTop(false).imagenetWeights());   // Keras' URL and MD5
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
     * with the checksum {@code fileHash}: 64 hex digits (SHA-256) or 32 (MD5); see {@link WeightsCache#fetch}.
     *
     * @throws WeightsDownloadException naming the URL when it cannot be fetched or does not verify
     */
    public static Path fetch(URI url, String fileHash) {
        return cache(defaultDirectory()).fetch(url, fileHash);
    }

    /**
     * A Keras Application's weight file ({@code MobileNet.builder().alpha(0.25).includeTop(false).imagenetWeights()})
     * in the default cache, fetched from Keras' URL and checked with the hash Keras publishes.
     *
     * @throws IllegalArgumentException when Keras publishes no checksum for it (the MobileNets but one file):
     *     pass one you trust with {@link #fetch(URI, String)}
     * @throws WeightsDownloadException naming the URL when it cannot be fetched or does not verify
     */
    public static Path fetch(PretrainedWeights weights) {
        return cache(defaultDirectory()).fetch(weights);
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
