package org.transfer4j.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Keras' {@code model.summary()} table: one row per layer with its name and type, output shape,
 * parameter count and (for graphs that are not a chain) the layers it is connected to; then the
 * totals of all, trainable and non-trainable parameters.
 */
final class ModelSummary {
    private ModelSummary() {
    }

    static String of(Model model) {
        boolean chain = isChain(model);
        List<String[]> rows = new ArrayList<>();
        for (SymbolicTensor in : model.inputs()) {
            rows.add(new String[] {in.layer().describe(), in.shapeString(), "0", ""});
        }
        for (Layer layer : model.layers()) {
            if (layer instanceof InputLayer) {
                continue;
            }
            List<LayerCall> callsOfLayer = model.calls().stream().filter(c -> c.layer() == layer).toList();
            String shape = callsOfLayer.size() == 1 ? callsOfLayer.getFirst().output().shapeString() : "multiple";
            List<String> from = new ArrayList<>();
            for (LayerCall c : callsOfLayer) {
                c.inputs().forEach(t -> from.add(t.layer().name()));
            }
            rows.add(new String[] {layer.describe(), shape, String.format(Locale.ROOT, "%,d", layer.countParams()),
                String.join(", ", from)});
        }
        String[] header = chain ? new String[] {"Layer (type)", "Output Shape", "Param #"}
                : new String[] {"Layer (type)", "Output Shape", "Param #", "Connected to"};
        int[] widths = new int[header.length];
        for (int c = 0; c < header.length; c++) {
            widths[c] = header[c].length();
            for (String[] r : rows) {
                widths[c] = Math.max(widths[c], r[c].length());
            }
            widths[c] += 3;
        }
        int total = 0;
        for (int w : widths) {
            total += w;
        }
        StringBuilder sb = new StringBuilder("Model: \"").append(model.name()).append("\"\n");
        sb.append("_".repeat(total)).append('\n');
        appendRow(sb, header, widths);
        sb.append("=".repeat(total)).append('\n');
        for (int i = 0; i < rows.size(); i++) {
            appendRow(sb, rows.get(i), widths);
            if (i + 1 < rows.size()) {
                sb.append(chain ? "" : "_".repeat(total) + "\n");
            }
        }
        sb.append("=".repeat(total)).append('\n');
        long all = model.countParams();
        long trainable = model.countTrainableParams();
        sb.append(String.format(Locale.ROOT, "Total params: %,d%n", all));
        sb.append(String.format(Locale.ROOT, "Trainable params: %,d%n", trainable));
        sb.append(String.format(Locale.ROOT, "Non-trainable params: %,d%n", all - trainable));
        sb.append("_".repeat(total)).append('\n');
        return sb.toString();
    }

    /** One input and every call takes exactly the previous call's output. */
    private static boolean isChain(Model model) {
        if (model.inputs().size() != 1) {
            return false;
        }
        SymbolicTensor previous = model.input();
        for (LayerCall call : model.calls()) {
            if (call.inputs().size() != 1 || call.inputs().getFirst() != previous) {
                return false;
            }
            previous = call.output();
        }
        return true;
    }

    private static void appendRow(StringBuilder sb, String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < widths.length; c++) {
            line.append(' ').append(cells[c]);
            line.append(" ".repeat(Math.max(1, widths[c] - cells[c].length() - 1)));
        }
        sb.append(line.toString().stripTrailing()).append('\n');
    }
}
