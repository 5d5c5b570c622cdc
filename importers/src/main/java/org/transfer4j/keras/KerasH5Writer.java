package org.transfer4j.keras;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.transfer4j.applications.Preprocessing;
import org.transfer4j.keras.KerasLayerConfigs.NotDescribable;
import org.transfer4j.nn.Layer;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Weight;

/**
 * Writes a model as a Keras 2 full-model {@code .h5} file (tf.keras 2's {@code save_model_to_hdf5}), with jhdf:
 * <pre>
 * /                      keras_version, backend, model_config (JSON; absent when the model has no Keras description),
 *                        transfer4j_class_names (JSON array; only when class names are given, ignored by Keras),
 *                        transfer4j_preprocessing ("mobilenet", "caffe" or "torch"; only when given, ignored by Keras)
 *   model_weights/       layer_names (the layers with weights, in model.layers order), backend, keras_version
 *     conv1/             weight_names = [conv1/kernel:0]
 *       conv1/kernel:0   float32 dataset (3, 3, 3, 8)
 *     base/              a nested model: weight_names = [conv/kernel:0, bn/gamma:0, ...], datasets at those paths
 * </pre>
 * Deviations from Keras' own files, each forced by jhdf 0.13's writer and each read the same way by Keras'
 * {@code load_attributes_from_hdf5_group} and {@code load_weights_from_hdf5_group}:
 * <ul>
 *   <li>{@code layer_names} lists only the layers that have weights, and only they get a group. Keras lists
 *       every layer, giving a weightless one an empty group with an empty {@code weight_names}, but its loader
 *       skips those layers, pairing the layers with weights in order. jhdf cannot write an empty array
 *       attribute, and an empty group ends up overwritten (see {@link #write}).</li>
 *   <li>A model without any weight gets an empty {@code model_weights} group without {@code layer_names};
 *       Keras reads a missing string-list attribute as an empty list.</li>
 *   <li>Strings are fixed-length ASCII (Keras: variable-length), which h5py returns as {@code bytes}; Keras
 *       decodes both. jhdf also adds a root attribute {@code _jHDF} naming itself, which Keras does not read.</li>
 *   <li>The JSON has no spaces after separators, and a {@code model_config} larger than
 *       {@link H5Output#MAX_ATTRIBUTE_BYTES} is first shortened by leaving out the initializer, regularizer and
 *       constraint arguments (written at Keras' defaults anyway, which Keras' constructors restore), then,
 *       if still too large, left out: the file then holds weights only and the report says why.</li>
 * </ul>
 * The file is written to a temporary file beside the target, read back to check that it holds what was
 * written, then renamed over the target in one atomic step; on any failure the temporary file is deleted
 * and an existing target is left as it was.
 */
final class KerasH5Writer {
    private static final Logger LOG = LoggerFactory.getLogger(KerasH5Writer.class);

    /**
     * The version written: the last tf.keras 2 line, whose {@code load_model} reads this layout. Keras reads
     * it to pick weight conversions, and only {@code "1"} (Keras 1) triggers any.
     */
    static final String KERAS_VERSION = "2.15.0";
    static final String BACKEND = "tensorflow";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonGenerator.Feature.ESCAPE_NON_ASCII) // Keras' json.dumps writes ASCII only
            .build();

    /** One weight array to write: its path inside its layer group ({@code conv1/kernel:0}). */
    private record StoredArray(String path, Weight weight) {
    }

    /** One layer group of {@code model_weights}. */
    private record LayerGroup(String name, List<StoredArray> arrays) {
        List<String> weightNames() {
            return arrays.stream().map(StoredArray::path).toList();
        }
    }

    /** The {@code model_config} to write, or the reason there is none. */
    private record Config(String json, String modelClass, String omitted) {
    }

    private KerasH5Writer() {
    }

    /**
     * Writes the file; {@code classNames} and {@code preprocessing} may each be null (no class-names or
     * preprocessing attribute).
     */
    static KerasSaveReport save(Model model, Path path, List<String> classNames, Preprocessing preprocessing) {
        Path target = path.toAbsolutePath().normalize();
        if (Files.isDirectory(target)) {
            throw KerasExportException.of(target, "is a folder; give the path of the .h5 file to write");
        }
        Path folder = target.getParent();
        if (folder == null || !Files.isDirectory(folder)) {
            throw KerasExportException.of(target, "its folder does not exist");
        }
        Config config = config(model);
        // transfer4j's own root attributes (name -> string value), written and checked alike.
        Map<String, String> extras = new LinkedHashMap<>();
        if (classNames != null) {
            extras.put(KerasH5.CLASS_NAMES, classNamesJson(model, classNames, target));
        }
        if (preprocessing != null) {
            extras.put(KerasH5.PREPROCESSING, KerasH5.preprocessingName(preprocessing));
        }
        List<LayerGroup> groups = plan(model, target);
        Path temp;
        try {
            temp = createTemp(folder, target);
        } catch (IOException | RuntimeException e) {
            throw new KerasExportException(target + ": cannot create a temporary file in " + folder + " (" + e + ")", e);
        }
        boolean moved = false;
        try {
            write(temp, config, extras, groups, target);
            check(temp, config, extras, groups, target);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
        } catch (IOException e) {
            throw new KerasExportException(target + ": cannot replace it with the written file (" + e + ")", e);
        } catch (KerasExportException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new KerasExportException(target + ": saving model '" + model.name() + "' failed: " + e, e);
        } finally {
            if (!moved) {
                deleteQuietly(temp);
            }
        }
        if (config.omitted() != null) {
            LOG.warn("{}: wrote weights only, no model config: {}", target, config.omitted());
        }
        return new KerasSaveReport(target, config.modelClass(), config.omitted(),
                groups.stream().map(LayerGroup::name).toList(), groups.stream().mapToInt(g -> g.arrays().size()).sum());
    }

    // ---- planning (nothing is written yet) -----------------------------------------------------------------

    private static Config config(Model model) {
        ObjectNode description;
        try {
            description = KerasModelConfig.describe(model);
        } catch (NotDescribable e) {
            return new Config(null, null, e.getMessage());
        }
        String json = json(description);
        int limit = H5Output.MAX_ATTRIBUTE_BYTES;
        if (H5Output.utf8Length(json) > limit) {
            int full = H5Output.utf8Length(json);
            json = json(withoutDefaults(description.deepCopy()));
            int shortened = H5Output.utf8Length(json);
            if (shortened > limit) {
                return new Config(null, null, "the model config takes " + full + " bytes (" + shortened
                        + " without initializers, regularizers and constraints), more than the " + limit
                        + " that jhdf 0.13 can write into one HDF5 attribute");
            }
        }
        return new Config(json, KerasModelConfig.className(model), null);
    }

    /**
     * The class names as the JSON array stored in {@link KerasH5#CLASS_NAMES}, after checking them: at least
     * one, none null, blank or repeated, and one per score of the model's output {@code (N, C)} (last axis C).
     */
    private static String classNamesJson(Model model, List<String> classNames, Path target) {
        if (classNames.isEmpty()) {
            throw KerasExportException.of(target, "no class names given; pass null (or use save(model, path)) to "
                    + "save without them");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < classNames.size(); i++) {
            String name = classNames.get(i);
            if (name == null || name.isBlank()) {
                throw KerasExportException.of(target, "class name " + i + " of " + classNames + " is "
                        + (name == null ? "null" : "blank"));
            }
            if (!seen.add(name)) {
                throw KerasExportException.of(target, "class name '" + name + "' appears twice in " + classNames);
            }
        }
        if (model.outputs().size() != 1) {
            throw KerasExportException.of(target, "model '" + model.name() + "' has " + model.outputs().size()
                    + " outputs; class names are for a classifier with one output (N, C)");
        }
        int[] out = model.output().shape();
        int scores = out.length == 0 ? 1 : out[out.length - 1];
        if (scores != classNames.size()) {
            throw KerasExportException.of(target, classNames.size() + " class names " + classNames + " for model '"
                    + model.name() + "' whose output " + model.output().shapeString() + " has " + scores + " scores");
        }
        ArrayNode array = JSON.createArrayNode();
        classNames.forEach(array::add);
        String json = json(array);
        if (H5Output.utf8Length(json) > H5Output.MAX_ATTRIBUTE_BYTES) {
            throw KerasExportException.of(target, "the class names take " + H5Output.utf8Length(json)
                    + " bytes as JSON, more than the " + H5Output.MAX_ATTRIBUTE_BYTES + " one HDF5 attribute can hold");
        }
        return json;
    }

    private static String json(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a model config tree could not be serialised: " + e.getMessage(), e);
        }
    }

    /** Drops, from every layer config, the arguments a Keras constructor defaults to exactly what we write. */
    private static JsonNode withoutDefaults(JsonNode node) {
        if (node instanceof ObjectNode object) {
            List<String> drop = new ArrayList<>();
            object.fieldNames().forEachRemaining(key -> {
                if (key.endsWith("_initializer") || key.endsWith("_regularizer") || key.endsWith("_constraint")) {
                    drop.add(key);
                }
            });
            object.remove(drop);
        }
        node.forEach(KerasH5Writer::withoutDefaults);
        return node;
    }

    /**
     * The layer groups: each of the model's layers (Keras order) that has weights, its arrays in Keras'
     * saving order ({@code trainable_weights + non_trainable_weights}) at {@code <owner layer>/<weight>:0},
     * the names TensorFlow gives Keras 2 variables (a nested model's inner layers keep their own names).
     */
    private static List<LayerGroup> plan(Model model, Path file) {
        List<LayerGroup> groups = new ArrayList<>();
        Map<Weight, String> groupOf = new IdentityHashMap<>();
        for (Layer layer : model.layers()) {
            List<Weight> weights = layer.weights();
            if (weights.isEmpty()) {
                continue;
            }
            checkName(file, layer.name(), "layer name");
            List<StoredArray> arrays = new ArrayList<>();
            Set<String> paths = new HashSet<>();
            for (Weight w : Stream.concat(weights.stream().filter(Weight::isTrainable),
                    weights.stream().filter(w -> !w.isTrainable())).toList()) {
                String path = w.path() + ":0";
                for (String part : path.split("/")) {
                    checkName(file, part, "part of the weight path '" + path + "' in layer '" + layer.name() + "'");
                }
                if (!paths.add(path)) {
                    throw KerasExportException.of(file, "layer '" + layer.name() + "': two of its weights would be stored"
                            + " at '" + path + "' (two nested layers of one name); rename one of them");
                }
                String other = groupOf.put(w, layer.name());
                if (other != null) {
                    throw KerasExportException.of(file, "weight " + w.path() + " belongs to both '" + other + "' and '"
                            + layer.name() + "' (a layer shared between them); Keras' h5 layout stores each layer's"
                            + " weights once");
                }
                arrays.add(new StoredArray(path, w));
            }
            groups.add(new LayerGroup(layer.name(), arrays));
        }
        return groups;
    }

    private static void checkName(Path file, String name, String what) {
        if (H5Output.utf8Length(name) > H5Output.MAX_NAME_BYTES) {
            throw KerasExportException.of(file, "the " + what + " '" + name + "' takes " + H5Output.utf8Length(name)
                    + " bytes; jhdf 0.13 writes HDF5 names of at most " + H5Output.MAX_NAME_BYTES + " bytes");
        }
    }

    // ---- writing ------------------------------------------------------------------------------------------

    /**
     * Writes the file. jhdf keeps a group's members in a hash map and writes them depth first in that map's
     * order, each object header before its members; then, at the end of the last dataset's data, it writes
     * a 42-byte block naming itself. An object header that comes after the last dataset's data, which only
     * a group holding no dataset can be, is overwritten by that block and the file cannot be read. So every
     * group written here holds a dataset: there is no group for a layer without weights (see the class
     * comment), and a model without weights has no dataset, so nothing comes after the (absent) data.
     */
    private static void write(Path temp, Config config, Map<String, String> extras, List<LayerGroup> groups,
                              Path target) {
        try (WritableHdfFile hdf = HdfFile.write(temp)) {
            hdf.putAttribute("keras_version", KERAS_VERSION);
            hdf.putAttribute("backend", BACKEND);
            if (config.json() != null) {
                hdf.putAttribute(KerasH5.MODEL_CONFIG, config.json());
            }
            extras.forEach(hdf::putAttribute);
            WritableGroup weights = hdf.putGroup(KerasWeightGroup.MODEL_WEIGHTS);
            H5Output.putStrings(weights, KerasH5.LAYER_NAMES, groups.stream().map(LayerGroup::name).toList(), target);
            weights.putAttribute("backend", BACKEND);
            weights.putAttribute("keras_version", KERAS_VERSION);
            for (LayerGroup group : groups) {
                WritableGroup layerGroup = weights.putGroup(group.name());
                H5Output.putStrings(layerGroup, "weight_names", group.weightNames(), target);
                Map<String, WritableGroup> folders = new HashMap<>();
                for (StoredArray array : group.arrays()) {
                    putDataset(layerGroup, folders, array, group.name());
                }
            }
        }
    }

    /** The dataset at {@code array.path()} inside the layer group, making the groups on its path once each. */
    private static void putDataset(WritableGroup layerGroup, Map<String, WritableGroup> folders, StoredArray array,
                                   String layer) {
        String[] parts = array.path().split("/");
        WritableGroup parent = layerGroup;
        String prefix = "";
        for (int i = 0; i < parts.length - 1; i++) {
            prefix = prefix + parts[i] + "/";
            WritableGroup p = parent;
            String name = parts[i];
            parent = folders.computeIfAbsent(prefix, k -> p.putGroup(name));
        }
        float[] values;
        try {
            values = array.weight().value().toArray();
        } catch (RuntimeException e) {
            throw new KerasExportException("layer '" + layer + "': cannot read the values of weight "
                    + array.weight().path() + ": " + e.getMessage(), e);
        }
        parent.putDataset(parts[parts.length - 1], H5Output.shaped(values, array.weight().shape()));
    }

    // ---- checking -----------------------------------------------------------------------------------------

    /**
     * Reads the written file back (names, attributes and declared shapes, no values): guards against a
     * layout jhdf writes but cannot read, before the file replaces anything.
     */
    private static void check(Path temp, Config config, Map<String, String> extras, List<LayerGroup> groups,
                              Path target) {
        try (HdfFile hdf = H5Arrays.open(temp)) {
            if (config.json() != null && !config.json().equals(KerasH5.stringAttribute(temp, hdf, KerasH5.MODEL_CONFIG))) {
                throw KerasExportException.of(target, "the written model_config does not read back as written");
            }
            for (Map.Entry<String, String> extra : extras.entrySet()) {
                if (!extra.getValue().equals(KerasH5.stringAttribute(temp, hdf, extra.getKey()))) {
                    throw KerasExportException.of(target, "the written " + extra.getKey() + " does not read back as written");
                }
            }
            List<KerasWeightGroup.StoredLayer> stored = KerasWeightGroup.layers(KerasWeightGroup.of(hdf, temp), temp);
            List<String> names = stored.stream().map(KerasWeightGroup.StoredLayer::name).toList();
            if (!names.equals(groups.stream().map(LayerGroup::name).toList())) {
                throw KerasExportException.of(target, "the written file lists the layers " + names + ", not the "
                        + groups.size() + " written");
            }
            for (int i = 0; i < groups.size(); i++) {
                List<String> weightNames = stored.get(i).weights().stream().map(KerasWeightGroup.StoredWeight::name).toList();
                if (!weightNames.equals(groups.get(i).weightNames())) {
                    throw KerasExportException.of(target, "layer '" + names.get(i) + "' reads back with the weights "
                            + weightNames + ", not " + groups.get(i).weightNames());
                }
                for (int j = 0; j < weightNames.size(); j++) {
                    long[] dims = stored.get(i).weights().get(j).dims();
                    int[] shape = groups.get(i).arrays().get(j).weight().shape();
                    if (!java.util.Arrays.equals(dims, java.util.Arrays.stream(shape).asLongStream().toArray())) {
                        throw KerasExportException.of(target, "weight '" + weightNames.get(j) + "' reads back with the"
                                + " shape " + H5Arrays.shape(dims) + ", not " + H5Arrays.shape(shape));
                    }
                }
            }
        } catch (KerasImportException e) {
            throw new KerasExportException(target + ": the written file does not read back: " + e.getMessage(), e);
        }
    }

    /**
     * An empty file beside the target, hidden ({@code .model.h5.<random>.tmp}). Made with the folder's usual
     * permissions (umask), not {@code createTempFile}'s owner-only ones, since it becomes the saved file; when
     * it replaces a file, it takes that file's permissions.
     */
    private static Path createTemp(Path folder, Path target) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path temp = folder.resolve("." + target.getFileName() + "." + Long.toUnsignedString(RANDOM.nextLong(), 36)
                    + ".tmp");
            try {
                Files.createFile(temp);
            } catch (FileAlreadyExistsException e) {
                if (attempt < 100) {
                    continue;
                }
                throw e;
            }
            if (Files.exists(target)) {
                try {
                    Files.setPosixFilePermissions(temp, Files.getPosixFilePermissions(target));
                } catch (UnsupportedOperationException | IOException e) {
                    // not a POSIX file system, or not ours to change: the new file keeps the default permissions
                }
            }
            return temp;
        }
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            LOG.warn("could not delete the temporary file {}: {}", temp, e.toString());
        }
    }
}
