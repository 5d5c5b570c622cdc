package org.transfer4j.cli;

import java.nio.file.Path;
import org.transfer4j.Transfer4jException;

/**
 * A file given on the command line that the command cannot use, for a reason the library does not already
 * report with its own exception (a model whose output is not a classifier, an output file that cannot be
 * written). {@link Main} prints it as one line, {@code transfer4j: <file>: <problem>}, and exits with 1.
 */
final class FileProblemException extends Transfer4jException {
    FileProblemException(Path file, String problem) {
        super(file + ": " + problem);
    }

    FileProblemException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
