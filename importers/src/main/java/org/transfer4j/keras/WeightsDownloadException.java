package org.transfer4j.keras;

import org.transfer4j.Transfer4jException;

/**
 * A pretrained-weight file that could not be fetched: an HTTP error status, a broken or stalled
 * connection, a checksum that does not match, or a cache folder that cannot be written. The message
 * names the URL and, for a checksum, its algorithm (sha256 or md5) and the expected and actual digests.
 * Nothing is left in the cache when it is thrown.
 */
public class WeightsDownloadException extends Transfer4jException {
    public WeightsDownloadException(String message) {
        super(message);
    }

    public WeightsDownloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
