package org.transfer4j.keras;

import java.nio.file.Path;
import org.transfer4j.Transfer4jException;

/**
 * A Keras file that cannot be read as asked: not HDF5, truncated, without Keras content, with a layer
 * class we do not support, or with weights that do not fit. The message names the file and, where they
 * are known, the layer and the weight, with what was expected and what was found.
 */
public class KerasImportException extends Transfer4jException {
    public KerasImportException(String message) {
        super(message);
    }

    public KerasImportException(String message, Throwable cause) {
        super(message, cause);
    }

    /** "{file}: {problem}". */
    public static KerasImportException of(Path file, String problem) {
        return new KerasImportException(file + ": " + problem);
    }

    /** "{file}: layer '{layer}': {problem}". */
    public static KerasImportException of(Path file, String layer, String problem) {
        return new KerasImportException(file + ": layer '" + layer + "': " + problem);
    }
}
