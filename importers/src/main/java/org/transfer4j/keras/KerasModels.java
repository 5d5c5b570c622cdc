package org.transfer4j.keras;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.transfer4j.applications.Preprocessing;
import org.transfer4j.nn.Model;

/**
 * One entry point for a saved Keras model, whatever its format: a Keras 3 {@code .keras} archive (a zip,
 * read by {@link KerasArchive}) or a full-model {@code .h5} of Keras 2 or 3 (read by {@link KerasH5}).
 * The format is told by the file's first bytes, not its name, so a renamed file still loads.
 */
public final class KerasModels {
    /** A zip file's local-header signature, "PK\3\4". */
    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};

    private KerasModels() {
    }

    /** The model with its weights; every failure is a {@link KerasImportException} naming the file. */
    public static Model load(Path file) {
        return isZip(file) ? KerasArchive.load(file) : KerasH5.load(file);
    }

    /**
     * The class names transfer4j stored with the model ({@link KerasH5#classNames}), in label order; empty for a
     * file without them, a {@code .keras} archive included (transfer4j does not write archives).
     */
    public static Optional<List<String>> classNames(Path file) {
        return isZip(file) ? Optional.empty() : KerasH5.classNames(file);
    }

    /**
     * The input preprocessing transfer4j stored with the model ({@link KerasH5#preprocessing}); empty for a file
     * without it, a {@code .keras} archive included.
     */
    public static Optional<Preprocessing> preprocessing(Path file) {
        return isZip(file) ? Optional.empty() : KerasH5.preprocessing(file);
    }

    static boolean isZip(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(ZIP_MAGIC.length), ZIP_MAGIC);
        } catch (IOException e) {
            // Let the format's own reader report the missing or unreadable file, with its usual message.
            return false;
        }
    }
}
