package org.transfer4j.keras;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.transfer4j.nn.Layer;
import org.transfer4j.nn.Model;

/**
 * Keras 3 {@code .keras} archives ({@code model.save("x.keras")}): a zip holding {@code metadata.json}
 * ({@code keras_version}, {@code date_saved}), {@code config.json} (the model, as {@code serialize_keras_object}
 * writes it) and {@code model.weights.h5} (the variables, laid out as in a {@code .weights.h5}: see
 * {@link KerasWeightsV3}); Keras' {@code saving_lib.py}, {@code _save_model_to_fileobj}.
 *
 * <pre>
 * Model model = KerasArchive.load(Path.of("classifier.keras"));   // architecture and weights
 * </pre>
 *
 * <p>The archive is untrusted: every entry name is checked (no {@code ..} segment, no absolute path, no
 * entry twice), the JSON entries and the weights have size caps checked against the declared size
 * before reading and against the bytes actually inflated while reading (a zip bomb's declared size may
 * lie), and nothing is extracted except the weights, to a temporary file of our own naming that is
 * deleted afterwards. Every failure is a {@link KerasImportException} naming the file and the entry.
 */
public final class KerasArchive {
    static final String CONFIG = "config.json";
    static final String METADATA = "metadata.json";
    static final String WEIGHTS = "model.weights.h5";
    /** The default cap on the uncompressed weights: 2 GiB, over 500 million float32 values. */
    public static final long DEFAULT_MAX_WEIGHTS_BYTES = 2L << 30;
    /** Caps on the JSON entries; real configs are kilobytes to a few megabytes. */
    static final long MAX_CONFIG_BYTES = 64L << 20;
    static final long MAX_METADATA_BYTES = 1L << 20;

    private KerasArchive() {
    }

    /** The model of a {@code .keras} archive with its weights, loaded strictly; see {@link #load(Path, long)}. */
    public static Model load(Path file) {
        return load(file, DEFAULT_MAX_WEIGHTS_BYTES);
    }

    /**
     * The model of a {@code .keras} archive: built from {@code config.json}, then every variable of
     * {@code model.weights.h5} loaded strictly (a layer with weights left without, or variables no layer
     * takes, is an error).
     *
     * @param maxWeightsBytes the largest uncompressed {@code model.weights.h5} accepted
     */
    public static Model load(Path file, long maxWeightsBytes) {
        return open(file, maxWeightsBytes, (archive, weights) -> {
            String configJson = archive.text(CONFIG, MAX_CONFIG_BYTES);
            Model model;
            JsonNode config;
            try {
                config = KerasConfig.parse(configJson);
                model = KerasConfig.build(config);
            } catch (KerasImportException e) {
                throw new KerasImportException(archive.entryPath(CONFIG) + archive.savedBy() + ": " + e.getMessage(), e);
            }
            Map<Layer, String> classes = new IdentityHashMap<>();
            configClasses(config, model, classes, 0);
            Function<Layer, String> kerasClass = l -> classes.getOrDefault(l, KerasV3Paths.javaKerasClass(l));
            KerasWeightsV3.load(weights, archive.entryPath(WEIGHTS), model, true, kerasClass);
            return model;
        });
    }

    /**
     * Loads the weights of a {@code .keras} archive into a model built in Java (Keras'
     * {@code model.load_weights("x.keras")}); {@code config.json} is not read. See
     * {@link KerasWeightsV3#load(Path, Model, boolean)} for the matching and {@code strict}.
     */
    public static WeightLoadReport loadWeights(Path file, Model model, boolean strict) {
        Objects.requireNonNull(model, "model");
        return open(file, DEFAULT_MAX_WEIGHTS_BYTES, (archive, weights) -> KerasWeightsV3.load(weights,
                archive.entryPath(WEIGHTS), model, strict, KerasV3Paths::javaKerasClass));
    }

    // ---- the archive ----------------------------------------------------------------------------------

    private interface Action<T> {
        T apply(ZipArchive archive, Path weights);
    }

    /** Opens and checks the archive, extracts the weights to a temporary file, runs {@code action}, cleans up. */
    private static <T> T open(Path file, long maxWeightsBytes, Action<T> action) {
        if (!Files.isRegularFile(file)) {
            throw KerasImportException.of(file, "no such file");
        }
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new KerasImportException(file + ": not a zip archive, so not a Keras .keras file ("
                    + e.getMessage() + ")", e);
        }
        Path weights = null;
        try (zip) {
            ZipArchive archive = new ZipArchive(file, zip, entries(file, zip));
            archive.metadata();
            weights = archive.extractWeights(maxWeightsBytes);
            return action.apply(archive, weights);
        } catch (IOException | RuntimeException e) {
            if (e instanceof KerasImportException k) {
                throw k;
            }
            throw new KerasImportException(file + ": cannot read the archive (" + e + ")", e);
        } finally {
            if (weights != null) {
                deleteQuietly(weights);
            }
        }
    }

    /** Every entry by name, after checking that no name could escape a directory or appears twice. */
    private static Map<String, ZipEntry> entries(Path file, ZipFile zip) {
        Map<String, ZipEntry> out = new HashMap<>();
        Enumeration<? extends ZipEntry> all = zip.entries();
        while (all.hasMoreElements()) {
            ZipEntry entry = all.nextElement();
            String name = entry.getName();
            if (name.startsWith("/") || name.startsWith("\\") || name.matches("^[A-Za-z]:.*") || name.indexOf('\0') >= 0
                    || Arrays.asList(name.split("[/\\\\]")).contains("..")) {
                throw KerasImportException.of(file, "entry '" + name + "' has an absolute path or a '..' segment; "
                        + "Keras writes no such entry, and the archive is refused");
            }
            if (out.put(name, entry) != null) {
                throw KerasImportException.of(file, "entry '" + name + "' appears twice; the archive is ambiguous");
            }
        }
        return out;
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // Nothing the caller can do about it; the JVM tries again when it exits.
            temp.toFile().deleteOnExit();
        }
    }

    /**
     * The Keras classes a {@code .keras} config gives its layers ({@code class_name}, which Keras 3 writes
     * as the Python class name: the name the weights store is keyed by), for the layers of {@code model}
     * built from it, nested models included.
     */
    static void configClasses(JsonNode modelConfig, Model model, Map<Layer, String> out, int depth) {
        if (depth > KerasV3Paths.MAX_NESTING) {
            return;
        }
        JsonNode config = KerasConfig.config(modelConfig);
        JsonNode layers = config.isArray() ? config : config.path("layers");
        for (JsonNode entry : layers) {
            String className = KerasConfig.className(entry);
            Layer layer = model.layers().stream().filter(l -> l.name().equals(KerasConfig.entryName(entry)))
                    .findFirst().orElse(null);
            if (layer == null) {
                continue;
            }
            // A Keras 2.2 config may call a nested functional model "Model"; Keras 3 calls it Functional.
            out.put(layer, "Model".equals(className) ? "Functional" : className);
            if (layer instanceof Model nested && KerasConfig.MODEL_CLASSES.contains(className)) {
                configClasses(entry, nested, out, depth + 1);
            }
        }
    }

    /** An opened archive whose entry names were checked. */
    private record ZipArchive(Path file, ZipFile zip, Map<String, ZipEntry> entries) {
        /** {@code x.keras!/config.json}, the name messages use for an entry. */
        Path entryPath(String entry) {
            return Path.of(file + "!/" + entry);
        }

        /** Checks {@code metadata.json} when present (Keras' loader does not require it). */
        void metadata() {
            if (entries.containsKey(METADATA)) {
                try {
                    KerasConfig.parse(text(METADATA, MAX_METADATA_BYTES));
                } catch (KerasImportException e) {
                    throw KerasImportException.of(entryPath(METADATA), e.getMessage().replace("model config", "metadata"));
                }
            }
        }

        /** {@code " (saved by Keras 3.3.3)"}, or nothing when the metadata does not say. */
        String savedBy() {
            if (!entries.containsKey(METADATA)) {
                return "";
            }
            JsonNode version = KerasConfig.parse(text(METADATA, MAX_METADATA_BYTES)).path("keras_version");
            return version.isTextual() ? " (saved by Keras " + version.textValue() + ")" : "";
        }

        ZipEntry require(String name) {
            ZipEntry entry = entries.get(name);
            if (entry == null) {
                String why = name.equals(WEIGHTS) && entries.containsKey("model.weights.npz")
                        ? "the weights are in model.weights.npz (Keras' weights_format='npz'), which transfer4j does not read"
                        : "not a Keras .keras file";
                throw KerasImportException.of(file, "no entry '" + name + "' in the archive (it holds "
                        + new TreeSet<>(entries.keySet()) + "): " + why);
            }
            if (entry.isDirectory()) {
                throw KerasImportException.of(entryPath(name), "is a directory, not a file");
            }
            return entry;
        }

        /** A UTF-8 entry of at most {@code cap} bytes. */
        String text(String name, long cap) {
            ZipEntry entry = require(name);
            try (InputStream in = zip.getInputStream(entry)) {
                var bytes = new ByteArrayOutputStream();
                copy(name, entry, in, bytes, cap);
                return bytes.toString(StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new KerasImportException(entryPath(name) + ": cannot read the entry (" + e.getMessage() + ")", e);
            }
        }

        /** {@code model.weights.h5} copied to a new temporary file, at most {@code cap} bytes. */
        Path extractWeights(long cap) throws IOException {
            ZipEntry entry = require(WEIGHTS);
            checkDeclared(WEIGHTS, entry, cap);
            Path temp = Files.createTempFile("transfer4j-", ".weights.h5");
            try (InputStream in = zip.getInputStream(entry); OutputStream out = Files.newOutputStream(temp)) {
                copy(WEIGHTS, entry, in, out, cap);
                return temp;
            } catch (IOException | RuntimeException e) {
                deleteQuietly(temp);
                if (e instanceof KerasImportException k) {
                    throw k;
                }
                throw new KerasImportException(entryPath(WEIGHTS) + ": cannot extract the entry (" + e.getMessage()
                        + ")", e);
            }
        }

        private void checkDeclared(String name, ZipEntry entry, long cap) {
            if (entry.getSize() > cap) {
                throw KerasImportException.of(entryPath(name), "declares " + entry.getSize()
                        + " bytes uncompressed, more than the " + cap + " accepted; refused before reading");
            }
        }

        /**
         * Copies the entry, stopping as soon as more bytes come than the entry declares or than {@code cap}:
         * the declared size is checked first, but it is the archive's word, and a zip bomb may lie.
         */
        private void copy(String name, ZipEntry entry, InputStream in, OutputStream out, long cap)
                throws IOException {
            checkDeclared(name, entry, cap);
            long declared = entry.getSize();
            long limit = declared >= 0 ? declared : cap;
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                total += n;
                if (total > limit) {
                    throw KerasImportException.of(entryPath(name), "inflates to more than "
                            + (declared >= 0 ? "its declared " + declared + " bytes" : "the " + cap + " bytes accepted")
                            + "; the archive is damaged or hostile");
                }
                out.write(buffer, 0, n);
            }
            if (declared >= 0 && total != declared) {
                throw KerasImportException.of(entryPath(name), "holds " + total + " bytes but declares " + declared
                        + "; the archive is damaged");
            }
        }
    }
}
