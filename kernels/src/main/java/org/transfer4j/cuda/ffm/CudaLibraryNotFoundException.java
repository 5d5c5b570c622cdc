package org.transfer4j.cuda.ffm;

import java.nio.file.Path;
import java.util.List;
import org.transfer4j.Transfer4jException;

/**
 * A CUDA library (cuBLAS, cuDNN, the runtime) could not be loaded under any of its sonames. The
 * message names the library, the sonames tried, whether {@code dlopen}'s own search was tried, and
 * every folder searched, plus the files found there that failed to load.
 */
public final class CudaLibraryNotFoundException extends Transfer4jException {

    private final String library;
    private final List<String> sonames;
    private final List<Path> searched;

    public CudaLibraryNotFoundException(String library, List<String> sonames, boolean systemSearch,
                                        List<Path> searched, List<String> failures) {
        super(message(library, sonames, systemSearch, searched, failures));
        this.library = library;
        this.sonames = List.copyOf(sonames);
        this.searched = List.copyOf(searched);
    }

    /** The library's name, e.g. {@code cuBLAS}. */
    public String library() {
        return library;
    }

    /** The sonames tried, in order. */
    public List<String> sonames() {
        return sonames;
    }

    /** The folders searched, in order (not counting {@code dlopen}'s own search). */
    public List<Path> searched() {
        return searched;
    }

    private static String message(String library, List<String> sonames, boolean systemSearch,
                                  List<Path> searched, List<String> failures) {
        StringBuilder m = new StringBuilder("no ").append(library).append(" library (").append(String.join(", ", sonames))
                .append(") found: searched ");
        if (systemSearch) {
            m.append("the system library path (LD_LIBRARY_PATH, ld.so cache), ");
        }
        m.append("the folders ").append(searched);
        if (!failures.isEmpty()) {
            m.append("; found but not loadable: ").append(String.join("; ", failures));
        }
        m.append(" (install it or set TRANSFER4J_CUDA_LIB to its folder)");
        return m.toString();
    }
}
