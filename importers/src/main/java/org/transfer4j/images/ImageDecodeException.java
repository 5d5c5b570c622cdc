package org.transfer4j.images;

import java.nio.file.Path;
import org.transfer4j.Transfer4jException;

/**
 * An image file that cannot be decoded: missing, not an image, in a format no installed decoder reads,
 * truncated or corrupt, or too large to hold as one tensor. The message starts with the file's path and
 * says what is wrong; the decoder's own exception, where there is one, is the cause.
 */
public class ImageDecodeException extends Transfer4jException {
    public ImageDecodeException(String message) {
        super(message);
    }

    public ImageDecodeException(String message, Throwable cause) {
        super(message, cause);
    }

    /** "{file}: {problem}". */
    public static ImageDecodeException of(Path file, String problem) {
        return new ImageDecodeException(file + ": " + problem);
    }

    /** "{file}: {problem}: {cause's message}", with {@code cause} attached. */
    public static ImageDecodeException of(Path file, String problem, Throwable cause) {
        String detail = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new ImageDecodeException(file + ": " + problem + ": " + detail, cause);
    }
}
