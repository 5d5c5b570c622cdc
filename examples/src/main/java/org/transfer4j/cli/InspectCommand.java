package org.transfer4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.transfer4j.keras.KerasFileInfo;
import org.transfer4j.keras.KerasH5;
import org.transfer4j.keras.KerasWeightShapes;
import org.transfer4j.keras.KerasWeightShapes.LayerShapes;
import org.transfer4j.keras.KerasWeightShapes.WeightShape;
import org.transfer4j.nn.InputLayer;
import org.transfer4j.nn.Layer;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.SymbolicTensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code transfer4j inspect MODEL.h5 [--json]}: what a Keras {@code .h5} file holds. For a full model: the
 * Keras version and backend, the model class, and Keras' {@code model.summary()} table (layer, class,
 * output shape, parameters, trainable) with the parameter totals, from the architecture alone (no weight
 * value is read). For a weights-only file: its layer names, with each stored array's name and shape. A file
 * transfer4j saved with its class names ({@link KerasH5#CLASS_NAMES}) also lists them, in label order.
 */
@Command(name = "inspect",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"Describes a Keras .h5 file: Keras version, backend, full model or weights-only, the layers "
                + "(name, class, output shape, parameters, trainable) and the parameter totals. A weights-only "
                + "file lists its layers with the shapes of their stored weights. Reads no weight value."},
        sortOptions = false)
final class InspectCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL.h5", description = "the Keras .h5 file")
    private Path file;

    @Option(names = "--json", description = "print one JSON object instead of the table")
    private boolean json;

    @Override
    public Integer call() {
        KerasFileInfo info = KerasH5.info(file);
        ObjectNode report = info.fullModel() ? fullModel(info) : weightsOnly(info);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(report));
        } else {
            printText(report, out);
        }
        out.flush();
        return 0;
    }

    // ---- the report, as JSON --------------------------------------------------------------------------

    private static ObjectNode header(KerasFileInfo info) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("file", info.file().toString());
        o.put("kerasVersion", info.kerasVersion());
        o.put("backend", info.backend());
        o.put("kind", info.fullModel() ? "full model" : "weights only");
        o.put("modelClass", info.modelClass());
        if (!info.classNames().isEmpty()) {
            ArrayNode names = o.putArray("classNames");
            info.classNames().forEach(names::add);
        }
        info.savedPreprocessing().ifPresent(p -> o.put("preprocess", Preprocess.of(p).optionName()));
        return o;
    }

    /**
     * The rows are the layers Keras' {@code model.layers} lists ({@link KerasFileInfo#layerNames()}: a
     * Sequential's InputLayer is left out, a nested model is one row), as Keras' summary shows them.
     */
    private ObjectNode fullModel(KerasFileInfo info) {
        Model model = KerasH5.buildModel(file);
        ObjectNode o = header(info);
        ArrayNode inputs = o.putArray("inputShapes");
        model.inputs().forEach(in -> inputs.add(Json.batchShape(in.shape())));
        ArrayNode outputs = o.putArray("outputShapes");
        model.outputs().forEach(out -> outputs.add(Json.batchShape(out.shape())));
        ArrayNode layers = o.putArray("layers");
        for (String name : info.layerNames()) {
            Layer layer = model.layer(name);
            ObjectNode row = layers.addObject();
            row.put("name", layer.name());
            row.put("class", layer.typeName());
            int[] shape = outputShape(model, layer);
            if (shape == null) {
                row.putNull("outputShape");
            } else {
                row.set("outputShape", Json.batchShape(shape));
            }
            row.put("parameters", layer.countParams());
            row.put("trainable", layer.isTrainable());
        }
        long total = model.countParams();
        long trainable = model.countTrainableParams();
        ObjectNode totals = o.putObject("totals");
        totals.put("layers", info.layerCount());
        totals.put("parameters", total);
        totals.put("trainable", trainable);
        totals.put("nonTrainable", total - trainable);
        return o;
    }

    /** The output shape of the layer's one call in the model, or null for a layer called more than once. */
    private static int[] outputShape(Model model, Layer layer) {
        if (layer instanceof InputLayer) {
            return model.inputs().stream().filter(in -> in.layer() == layer).findFirst()
                    .map(SymbolicTensor::shape).orElse(null);
        }
        try {
            return model.outputOf(layer.name()).shape();
        } catch (IllegalArgumentException e) {
            return null; // a shared layer has one output per call, as Keras' summary says "multiple"
        }
    }

    /** Every name of {@code layer_names}, with the arrays of those that store weights (none for the others). */
    private ObjectNode weightsOnly(KerasFileInfo info) {
        Map<String, LayerShapes> stored = KerasWeightShapes.read(file).stream()
                .collect(Collectors.toMap(LayerShapes::layer, Function.identity()));
        ObjectNode o = header(info);
        ArrayNode layers = o.putArray("layers");
        long total = 0;
        int arrays = 0;
        for (String name : info.layerNames()) {
            ObjectNode row = layers.addObject();
            row.put("name", name);
            ArrayNode weights = row.putArray("weights");
            LayerShapes shapes = stored.get(name);
            long count = 0;
            if (shapes != null) {
                for (WeightShape w : shapes.weights()) {
                    ObjectNode weight = weights.addObject();
                    weight.put("name", w.name());
                    ArrayNode shape = weight.putArray("shape");
                    for (int d : w.shape()) {
                        shape.add(d);
                    }
                    weight.put("count", w.count());
                    arrays++;
                }
                count = shapes.count();
            }
            row.put("parameters", count);
            total += count;
        }
        ObjectNode totals = o.putObject("totals");
        totals.put("layers", info.layerCount());
        totals.put("weightArrays", arrays);
        totals.put("parameters", total);
        return o;
    }

    // ---- the report, as text --------------------------------------------------------------------------

    private static void printText(ObjectNode report, PrintWriter out) {
        boolean full = report.get("kind").asText().equals("full model");
        out.println("file:     " + report.get("file").asText());
        out.println("keras:    " + report.get("kerasVersion").asText() + " (backend " + report.get("backend").asText() + ")");
        out.println("kind:     " + report.get("kind").asText()
                + (full ? " (" + report.get("modelClass").asText() + ")" : ""));
        if (full) {
            out.println("input:    " + shapes(report.get("inputShapes")));
            out.println("output:   " + shapes(report.get("outputShapes")));
        }
        if (report.has("classNames")) {
            List<String> names = new ArrayList<>();
            report.get("classNames").forEach(n -> names.add(n.asText()));
            out.println("classes:  " + names.size() + " (" + String.join(", ", names) + ")");
        }
        if (report.has("preprocess")) {
            out.println("preprocess: " + report.get("preprocess").asText() + " (as trained; evaluate and predict default to it)");
        }
        out.println();
        List<String[]> rows = new ArrayList<>();
        if (full) {
            rows.add(new String[] {"Layer", "Class", "Output shape", "Param #", "Trainable"});
            report.get("layers").forEach(l -> rows.add(new String[] {l.get("name").asText(), l.get("class").asText(),
                l.get("outputShape").isNull() ? "multiple" : Json.shapeText(l.get("outputShape")),
                count(l.get("parameters").asLong()), l.get("trainable").asBoolean() ? "yes" : "no"}));
        } else {
            // One row per stored array, the layer named on its first; a layer without weights gets one row.
            rows.add(new String[] {"Layer", "Stored weight", "Shape", "Param #"});
            for (JsonNode l : report.get("layers")) {
                String name = l.get("name").asText();
                if (l.get("weights").isEmpty()) {
                    rows.add(new String[] {name, "", "", "0"});
                }
                for (JsonNode w : l.get("weights")) {
                    rows.add(new String[] {name, w.get("name").asText(), Json.shapeText(w.get("shape")),
                        count(w.get("count").asLong())});
                    name = "";
                }
            }
        }
        Table.print(rows, out);
        out.println();
        JsonNode totals = report.get("totals");
        out.println("Layers: " + totals.get("layers").asInt()
                + (full ? "" : ", weight arrays: " + totals.get("weightArrays").asInt()));
        out.println("Total params: " + count(totals.get("parameters").asLong()));
        if (full) {
            out.println("Trainable params: " + count(totals.get("trainable").asLong()));
            out.println("Non-trainable params: " + count(totals.get("nonTrainable").asLong()));
        }
    }

    private static String shapes(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(s -> out.add(Json.shapeText(s)));
        return String.join(", ", out);
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
