package org.transfer4j.keras;

import com.fasterxml.jackson.databind.JsonNode;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Node;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.transfer4j.nn.Model;

/**
 * Keras {@code .h5} files (the HDF5 layout of Keras 2 and of Keras 3's {@code model.save("x.h5")}): the root
 * attributes {@code keras_version}, {@code backend} and either {@code model_config} (a full model, weights
 * in the {@code model_weights} group) or {@code layer_names} (a weights-only file). Every failure, from a
 * file that is not HDF5 to a config transfer4j cannot build, is a {@link KerasImportException} that names
 * the file.
 */
public final class KerasH5 {
    static final String MODEL_CONFIG = "model_config";
    static final String LAYER_NAMES = "layer_names";

    private KerasH5() {
    }

    /** Keras version, backend, full model or weights-only, and the layers, without reading any weight. */
    public static KerasFileInfo info(Path file) {
        return read(file, hdf -> {
            String version = orUnknown(stringAttribute(hdf, "keras_version"));
            String backend = orUnknown(stringAttribute(hdf, "backend"));
            String config = stringAttribute(hdf, MODEL_CONFIG);
            if (config != null) {
                JsonNode json = KerasConfig.parse(config);
                return new KerasFileInfo(file, version, backend, true, KerasConfig.className(json), topLayerNames(json));
            }
            List<String> names = stringList(hdf, LAYER_NAMES);
            if (names == null) {
                throw noKerasContent();
            }
            return new KerasFileInfo(file, version, backend, false, null, names);
        });
    }

    /**
     * The model a full-model file describes, built from its {@code model_config}, with its weights still at
     * their initial values (see {@link #load} for the model with the file's weights).
     */
    public static Model buildModel(Path file) {
        String config = read(file, KerasH5::modelConfig);
        try {
            return KerasConfig.fromJson(config);
        } catch (KerasImportException e) {
            throw new KerasImportException(file + ": " + e.getMessage(), e);
        }
    }

    // ---- reading attributes ----------------------------------------------------------------------------

    /**
     * Opens the file, applies {@code action} and closes it; jhdf's errors (not HDF5, truncated, damaged)
     * become a {@link KerasImportException}, and every {@link KerasImportException} gets the file's name in front.
     */
    static <T> T read(Path file, Function<HdfFile, T> action) {
        if (!Files.isRegularFile(file)) {
            throw KerasImportException.of(file, "no such file");
        }
        try (HdfFile hdf = new HdfFile(file)) {
            return action.apply(hdf);
        } catch (KerasImportException e) {
            throw new KerasImportException(file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // jhdf reports a bad file with HdfException, but truncated or hostile files also surface as buffer,
            // index or argument exceptions from its parsers: all mean the same thing here.
            throw new KerasImportException(file + ": cannot be read as an HDF5 file (" + e.getClass().getSimpleName()
                    + ": " + e.getMessage() + ")", e);
        }
    }

    /** The {@code model_config} JSON, or an error saying what the file is instead. */
    static String modelConfig(HdfFile hdf) {
        String config = stringAttribute(hdf, MODEL_CONFIG);
        if (config != null) {
            return config;
        }
        if (stringList(hdf, LAYER_NAMES) != null) {
            throw new KerasImportException("a weights-only Keras file (root attribute 'layer_names', no "
                    + "'model_config'): build the model in Java and load these weights into it with KerasWeights.load");
        }
        throw noKerasContent();
    }

    private static KerasImportException noKerasContent() {
        return new KerasImportException("an HDF5 file without Keras content: its root has neither a "
                + "'model_config' nor a 'layer_names' attribute");
    }

    /** A string attribute, or null when absent; refuses an attribute of another type. */
    static String stringAttribute(Node node, String name) {
        Attribute attribute = node.getAttribute(name);
        if (attribute == null) {
            return null;
        }
        Object data = attribute.getData();
        if (data instanceof String s) {
            return s;
        }
        if (data instanceof String[] array && array.length == 1) {
            return array[0];
        }
        throw new KerasImportException("attribute '" + name + "' of " + node.getPath() + " is not a string (it holds "
                + attribute.getJavaType().getSimpleName() + ")");
    }

    /**
     * A list-of-strings attribute such as {@code layer_names}, or null when absent. Keras splits one that
     * exceeds HDF5's 64 KiB header limit into {@code layer_names0}, {@code layer_names1}, ...
     */
    static List<String> stringList(Node node, String name) {
        if (node.getAttribute(name) != null) {
            return strings(node, name);
        }
        List<String> out = new ArrayList<>();
        for (int chunk = 0; node.getAttribute(name + chunk) != null; chunk++) {
            out.addAll(strings(node, name + chunk));
        }
        return out.isEmpty() ? null : out;
    }

    private static List<String> strings(Node node, String name) {
        Object data = node.getAttribute(name).getData();
        if (data instanceof String[] array) {
            return List.of(array);
        }
        if (data instanceof String s) {
            return List.of(s);
        }
        throw new KerasImportException("attribute '" + name + "' of " + node.getPath() + " is not a list of strings");
    }

    private static String orUnknown(String s) {
        return s == null ? "unknown" : s;
    }

    /** The names Keras' {@code model.layers} would list for this config (see {@link KerasFileInfo}). */
    private static List<String> topLayerNames(JsonNode modelConfig) {
        JsonNode config = KerasConfig.config(modelConfig);
        boolean sequential = "Sequential".equals(KerasConfig.className(modelConfig));
        JsonNode layers = config.isArray() ? config : config.get("layers");
        if (layers == null || !layers.isArray()) {
            throw new KerasImportException("the model config has no 'layers' list");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode entry : layers) {
            if (!(sequential && KerasConfig.isInputLayer(entry))) {
                names.add(KerasConfig.entryName(entry));
            }
        }
        return names;
    }
}
