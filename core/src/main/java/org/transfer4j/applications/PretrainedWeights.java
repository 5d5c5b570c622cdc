package org.transfer4j.applications;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A pretrained-weight file as a Keras Application lists it: where Keras downloads it from, the name
 * Keras caches it under (always the URL's last path segment) and the checksum Keras verifies it with.
 * {@link ApplicationBuilder#imagenetWeights()} gives the ImageNet file of a builder's configuration;
 * the importers module fetches it ({@code org.transfer4j.keras.Weights.fetch(PretrainedWeights)}).
 *
 * @param url the file's URL, http or https
 * @param fileName the URL's last path segment, the name Keras' {@code get_file} caches the file under
 * @param fileHash the file's checksum as Keras' {@code get_file(file_hash=...)} takes it, in lowercase hex:
 *     64 digits are a SHA-256, 32 an MD5. <b>Null means Keras publishes no checksum for this file</b>
 *     (Keras downloads it unverified), so it cannot be checked against a published value
 */
public record PretrainedWeights(URI url, String fileName, String fileHash) {
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}|[0-9a-f]{32}");

    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException when the URL is not http(s), the file name is not the URL's last
     *     path segment, or the hash is neither 64 (SHA-256) nor 32 (MD5) lowercase hex digits
     */
    public PretrainedWeights {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(fileName, "fileName");
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("weights URL must be http or https: " + url);
        }
        String path = url.getPath() == null ? "" : url.getPath();
        if (fileName.isEmpty() || !path.endsWith("/" + fileName)) {
            throw new IllegalArgumentException("fileName '" + fileName + "' is not the last path segment of " + url);
        }
        if (fileHash != null && !HASH.matcher(fileHash).matches()) {
            throw new IllegalArgumentException("fileHash must be 64 (SHA-256) or 32 (MD5) lowercase hex digits, or"
                    + " null when none is published; got '" + fileHash + "' for " + fileName);
        }
    }

    /** The file {@code fileName} in the folder URL {@code base} (which ends with a slash), as Keras joins them. */
    static PretrainedWeights of(String base, String fileName, String fileHash) {
        return new PretrainedWeights(URI.create(base + fileName), fileName, fileHash);
    }

    /**
     * The file naming ResNet and VGG share in Keras: {@code base + modelName +
     * "_weights_tf_dim_ordering_tf_kernels.h5"} ({@code _notop.h5} without the top), with the hash Keras lists
     * for it: {@code hashes.get(modelName)} is (with the top, without).
     */
    static PretrainedWeights tfKernels(String base, String modelName, boolean includeTop,
                                       Map<String, List<String>> hashes) {
        String fileName = modelName + "_weights_tf_dim_ordering_tf_kernels" + (includeTop ? "" : "_notop") + ".h5";
        return of(base, fileName, hashes.get(modelName).get(includeTop ? 0 : 1));
    }
}
