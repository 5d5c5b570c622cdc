package org.transfer4j.keras;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import java.nio.file.Path;

/**
 * Tiny {@code .h5} files holding only root attributes, for the tests of the {@code transfer4j_*}
 * attributes that {@link KerasH5} reads: {@code layer_names ["out"]}, {@code keras_version} when given,
 * and the attribute under test.
 */
final class RootAttributeFile {
    private RootAttributeFile() {
    }

    /**
     * Writes {@code file} with {@code layer_names ["out"]}, {@code keras_version = kerasVersion} unless it
     * is null, and {@code name = value} (a String, or an array to test the wrong type); returns {@code file}.
     */
    static Path write(Path file, String kerasVersion, String name, Object value) {
        try (WritableHdfFile out = HdfFile.write(file)) {
            if (kerasVersion != null) {
                out.putAttribute("keras_version", kerasVersion);
            }
            out.putAttribute("layer_names", new String[] {"out"});
            out.putAttribute(name, value);
        }
        return file;
    }
}
