package org.transfer4j.keras;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Node;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.transfer4j.applications.Preprocessing;
import org.transfer4j.nn.Model;

/**
 * Keras {@code .h5} files (the HDF5 layout of Keras 2 and of Keras 3's {@code model.save("x.h5")}): the root
 * attributes {@code keras_version}, {@code backend} and either {@code model_config} (a full model, weights
 * in the {@code model_weights} group) or {@code layer_names} (a weights-only file).
 *
 * <pre>
 * Model model = KerasH5.load(Path.of("resnet8_cifar10_keras2.4.0.h5"));   // architecture and weights
 * Tensor probabilities = model.predict(images);                          // (N,32,32,3) -> (N,10)
 * </pre>
 * Every failure, from a file that is not HDF5 to a config transfer4j cannot build or weights that do not
 * fit, is a {@link KerasImportException} whose message starts with the file.
 */
public final class KerasH5 {
    static final String MODEL_CONFIG = "model_config";
    static final String LAYER_NAMES = "layer_names";
    /**
     * The root attribute in which transfer4j stores a classifier's class names, in label order: a JSON array
     * of strings ({@code ["daisy","dandelion","roses"]}), written like {@code model_config}. Keras' loaders
     * read only the attributes they know, so Keras' {@code load_model} ignores it.
     */
    public static final String CLASS_NAMES = "transfer4j_class_names";
    /**
     * The root attribute in which transfer4j stores the input preprocessing a classifier was trained with: the
     * lower-case name of a {@link Preprocessing} ({@code "mobilenet"}, {@code "caffe"}, {@code "torch"}), one
     * string. Keras ignores it, as it does {@value #CLASS_NAMES}.
     */
    public static final String PREPROCESSING = "transfer4j_preprocessing";
    private static final ObjectMapper JSON = new ObjectMapper();

    private KerasH5() {
    }

    /**
     * The model of a full-model file with its weights: built from {@code model_config}, then every weight
     * loaded from {@code model_weights} by layer name, strictly (a layer of either side without its
     * counterpart is an error). A weights-only file is refused with a message saying what to do instead.
     */
    public static Model load(Path file) {
        return read(file, hdf -> {
            Model model = build(file, modelConfig(file, hdf));
            KerasWeights.load(KerasWeightGroup.of(hdf, file), model, file, true);
            return model;
        });
    }

    /**
     * The model a full-model file describes, with its weights still at their initial values: the
     * architecture only (see {@link #load} for the model with the file's weights).
     */
    public static Model buildModel(Path file) {
        return build(file, read(file, hdf -> modelConfig(file, hdf)));
    }

    /** Keras version, backend, full model or weights-only, and the layers, without reading any weight. */
    public static KerasFileInfo info(Path file) {
        return read(file, hdf -> {
            String version = orUnknown(stringAttribute(file, hdf, "keras_version"));
            String backend = orUnknown(stringAttribute(file, hdf, "backend"));
            String config = stringAttribute(file, hdf, MODEL_CONFIG);
            if (config != null) {
                try {
                    JsonNode json = KerasConfig.parse(config);
                    return new KerasFileInfo(file, version, backend, true, KerasConfig.className(json),
                            topLayerNames(json), classNames(file, hdf).orElse(List.of()),
                            preprocessing(file, hdf).orElse(null));
                } catch (KerasImportException e) {
                    throw new KerasImportException(file + ": " + e.getMessage(), e);
                }
            }
            List<String> names = H5Arrays.strings(hdf, LAYER_NAMES, file, null);
            if (names == null) {
                throw noKerasContent(file);
            }
            return new KerasFileInfo(file, version, backend, false, null, names, classNames(file, hdf).orElse(List.of()),
                    preprocessing(file, hdf).orElse(null));
        });
    }

    /**
     * Writes {@code model} to {@code path} as a Keras 2 full-model file that Keras' {@code load_model} and
     * {@link #load} read: the weights, and the model config when every layer (nested models included) has a
     * Keras description; otherwise the weights only, with the reason in the report (and a logged warning).
     * The file is written beside the target and renamed over it, so a failed save leaves an existing file
     * as it was. The layout and its deviations from Keras' own files are described on {@link KerasH5Writer}.
     *
     * <pre>
     * KerasSaveReport report = KerasH5.save(model, Path.of("model.h5"));
     * Model again = KerasH5.load(Path.of("model.h5"));      // same layers, same weights, same outputs
     * </pre>
     *
     * @throws KerasExportException when the file cannot be written or the weights have no place in the layout
     */
    public static KerasSaveReport save(Model model, Path path) {
        java.util.Objects.requireNonNull(model, "model");
        java.util.Objects.requireNonNull(path, "path");
        return KerasH5Writer.save(model, path, null, null);
    }

    /**
     * As {@link #save(Model, Path)}, and stores the classifier's class names, in label order, in the root
     * attribute {@value #CLASS_NAMES}, which {@link #classNames(Path)} reads back (and Keras ignores).
     *
     * <pre>
     * KerasH5.save(model, Path.of("flowers.h5"), List.of("daisy", "dandelion", "roses", "sunflowers", "tulips"));
     * List&lt;String&gt; classes = KerasH5.classNames(Path.of("flowers.h5")).orElseThrow();
     * </pre>
     *
     * @throws KerasExportException when the names are empty, blank or repeated, or their count is not the size
     *                              of the last axis of the model's one output {@code (N, C)}; nothing is written
     */
    public static KerasSaveReport save(Model model, Path path, List<String> classNames) {
        java.util.Objects.requireNonNull(model, "model");
        java.util.Objects.requireNonNull(path, "path");
        java.util.Objects.requireNonNull(classNames, "classNames");
        return KerasH5Writer.save(model, path, classNames, null);
    }

    /**
     * As {@link #save(Model, Path, List)}, and stores the preprocessing the classifier's inputs need (the one it
     * was trained with) in the root attribute {@value #PREPROCESSING}, which {@link #preprocessing(Path)} reads
     * back, so that evaluating or running the model later scales images as training did.
     *
     * <pre>
     * KerasH5.save(model, Path.of("flowers.h5"), classNames, Preprocessing.CAFFE);   // a ResNet50 base
     * Preprocessing p = KerasH5.preprocessing(Path.of("flowers.h5")).orElse(Preprocessing.MOBILENET);
     * </pre>
     *
     * @throws KerasExportException as {@link #save(Model, Path, List)} does; nothing is written
     */
    public static KerasSaveReport save(Model model, Path path, List<String> classNames, Preprocessing preprocessing) {
        java.util.Objects.requireNonNull(model, "model");
        java.util.Objects.requireNonNull(path, "path");
        java.util.Objects.requireNonNull(classNames, "classNames");
        java.util.Objects.requireNonNull(preprocessing, "preprocessing");
        return KerasH5Writer.save(model, path, classNames, preprocessing);
    }

    /**
     * The preprocessing a file saved by {@link #save(Model, Path, List, Preprocessing)} holds, or empty for a
     * file without it (every file Keras writes, and transfer4j's files saved without one).
     *
     * @throws KerasImportException when the attribute is there but is not one string naming a {@link Preprocessing}
     *                              in lower case ({@code mobilenet}, {@code caffe}, {@code torch})
     */
    public static Optional<Preprocessing> preprocessing(Path file) {
        return read(file, hdf -> preprocessing(file, hdf));
    }

    private static Optional<Preprocessing> preprocessing(Path file, HdfFile hdf) {
        String name = stringAttribute(file, hdf, PREPROCESSING);
        if (name == null) {
            return Optional.empty();
        }
        for (Preprocessing p : Preprocessing.values()) {
            if (preprocessingName(p).equals(name)) {
                return Optional.of(p);
            }
        }
        throw KerasImportException.of(file, "attribute '" + PREPROCESSING + "' is '" + abbreviate(name)
                + "', not one of " + Arrays.stream(Preprocessing.values()).map(KerasH5::preprocessingName).toList());
    }

    /** How {@code p} is written in {@value #PREPROCESSING}: its name in lower case ({@code "caffe"}). */
    static String preprocessingName(Preprocessing p) {
        return p.name().toLowerCase(Locale.ROOT);
    }

    /**
     * The class names a file saved by {@link #save(Model, Path, List)} holds, in label order, or empty for a
     * file without them (every file Keras writes).
     *
     * @throws KerasImportException when the attribute is there but is not a non-empty JSON array of distinct,
     *                              non-blank strings
     */
    public static Optional<List<String>> classNames(Path file) {
        return read(file, hdf -> classNames(file, hdf));
    }

    private static Optional<List<String>> classNames(Path file, HdfFile hdf) {
        String json = stringAttribute(file, hdf, CLASS_NAMES);
        if (json == null) {
            return Optional.empty();
        }
        JsonNode array;
        try {
            array = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw KerasImportException.of(file, "attribute '" + CLASS_NAMES + "' is not JSON: "
                    + e.getOriginalMessage());
        }
        if (array == null || !array.isArray() || array.isEmpty()) {
            throw KerasImportException.of(file, "attribute '" + CLASS_NAMES + "' is " + abbreviate(json)
                    + ", not a non-empty JSON array of class names");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode name : array) {
            if (!name.isTextual() || name.asText().isBlank()) {
                throw KerasImportException.of(file, "attribute '" + CLASS_NAMES + "' holds " + abbreviate(name.toString())
                        + " at index " + names.size() + ", not a class name (a non-blank string)");
            }
            if (names.contains(name.asText())) {
                throw KerasImportException.of(file, "attribute '" + CLASS_NAMES + "' names class '" + name.asText()
                        + "' twice");
            }
            names.add(name.asText());
        }
        return Optional.of(List.copyOf(names));
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    // ---- reading ---------------------------------------------------------------------------------------

    /**
     * Opens the file, applies {@code action} and closes it. The action's {@link KerasImportException}s
     * already name the file; any other exception from jhdf (a damaged or hostile file surfaces as buffer,
     * index or argument exceptions from its parsers) becomes one that does.
     */
    static <T> T read(Path file, Function<HdfFile, T> action) {
        try (HdfFile hdf = H5Arrays.open(file)) {
            return action.apply(hdf);
        } catch (KerasImportException e) {
            throw e;
        } catch (RuntimeException e) {
            throw H5Arrays.wrap(file, null, "the file", e);
        }
    }

    /** The config built into a model, its errors prefixed with the file. */
    private static Model build(Path file, String config) {
        try {
            return KerasConfig.fromJson(config);
        } catch (KerasImportException e) {
            throw new KerasImportException(file + ": " + e.getMessage(), e);
        }
    }

    /** The {@code model_config} JSON, or an error saying what the file is instead. */
    static String modelConfig(Path file, HdfFile hdf) {
        String config = stringAttribute(file, hdf, MODEL_CONFIG);
        if (config != null) {
            return config;
        }
        if (H5Arrays.hasStrings(hdf, LAYER_NAMES)) {
            throw KerasImportException.of(file, "a weights-only Keras file (root attribute 'layer_names', no "
                    + "'model_config'): build the model in Java and load these weights into it with KerasWeights.load");
        }
        throw noKerasContent(file);
    }

    private static KerasImportException noKerasContent(Path file) {
        return KerasImportException.of(file, "an HDF5 file without Keras content: its root has neither a "
                + "'model_config' nor a 'layer_names' attribute");
    }

    /** A string attribute, or null when absent; an attribute of another type is an error. */
    static String stringAttribute(Path file, Node node, String name) {
        Attribute attribute = node.getAttribute(name);
        if (attribute == null) {
            return null;
        }
        return switch (attribute.getData()) {
            case String s -> s;
            case String[] array when array.length == 1 -> array[0];
            case null, default -> throw KerasImportException.of(file, "attribute '" + name + "' of " + node.getPath()
                    + " is not a string (it holds " + H5Arrays.dtypeName(attribute.getDataType()) + ")");
        };
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
