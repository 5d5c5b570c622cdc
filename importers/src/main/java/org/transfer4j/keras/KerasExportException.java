package org.transfer4j.keras;

import java.nio.file.Path;
import org.transfer4j.Transfer4jException;

/**
 * A model that cannot be written as a Keras {@code .h5} file: the target cannot be written, or the model's
 * weights have no place in Keras' layout (two weights at one path, a name too long for an HDF5 attribute).
 * The message names the file and, where there is one, the layer. A failed save leaves no file behind and
 * an existing file at the target untouched.
 */
public class KerasExportException extends Transfer4jException {
    public KerasExportException(String message) {
        super(message);
    }

    public KerasExportException(String message, Throwable cause) {
        super(message, cause);
    }

    /** "{file}: {problem}". */
    static KerasExportException of(Path file, String problem) {
        return new KerasExportException(file + ": " + problem);
    }
}
