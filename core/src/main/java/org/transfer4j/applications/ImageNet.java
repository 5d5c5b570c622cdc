package org.transfer4j.applications;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * The 1000 ImageNet-1k classes of the Keras Applications' top, and Keras' {@code decode_predictions}.
 * The names are the same index -> (WordNet id, name) map as Keras' {@code imagenet_class_index.json}, shipped
 * as the resource {@code imagenet_classes.txt} (from keras-js, MIT; see the README next to it).
 */
public final class ImageNet {
    /** The number of ImageNet-1k classes, the width of the applications' top. */
    public static final int CLASSES = 1000;

    private static final String RESOURCE = "imagenet_classes.txt";

    private ImageNet() {
    }

    /** One guess: the class index, its WordNet id ({@code n02504458}), its name ({@code African_elephant}), its score. */
    public record Prediction(int index, String wnid, String label, float probability) {
    }

    /** The name of class {@code index} (0..999), e.g. 386 -> {@code African_elephant}. */
    public static String label(int index) {
        return Classes.LABELS[checkIndex(index)];
    }

    /** The WordNet id of class {@code index} (0..999), e.g. 386 -> {@code n02504458}. */
    public static String wnid(int index) {
        return Classes.WNIDS[checkIndex(index)];
    }

    /**
     * Keras' {@code decode_predictions(preds, top)}: {@code probabilities (N,1000)} -> for each row its
     * {@code top} classes, highest score first (equal scores: lower index first). The scores are reported
     * as given; they need not be probabilities (logits decode the same way).
     *
     * @throws ShapeMismatchException when the tensor is not {@code (N,1000)}
     * @throws IllegalArgumentException when {@code top} is not in 1..1000
     */
    public static List<List<Prediction>> decodePredictions(Tensor probabilities, int top) {
        int[] shape = probabilities.shape();
        if (shape.length != 2 || shape[1] != CLASSES) {
            throw ShapeMismatchException.of("ImageNet.decodePredictions", "expects a batch of predictions (N, "
                    + CLASSES + "), one score per ImageNet class in each row", shape);
        }
        if (top < 1 || top > CLASSES) {
            throw new IllegalArgumentException("ImageNet.decodePredictions: top must be in 1.." + CLASSES + ", got " + top);
        }
        float[] scores = probabilities.toArray();
        List<List<Prediction>> rows = new ArrayList<>(shape[0]);
        for (int n = 0; n < shape[0]; n++) {
            int offset = n * CLASSES;
            // Stable sort by descending score, so equal scores keep the lower index first.
            List<Prediction> row = IntStream.range(0, CLASSES).boxed()
                    .sorted(Comparator.comparingDouble((Integer i) -> scores[offset + i]).reversed())
                    .limit(top)
                    .map(i -> new Prediction(i, Classes.WNIDS[i], Classes.LABELS[i], scores[offset + i]))
                    .toList();
            rows.add(row);
        }
        return List.copyOf(rows);
    }

    private static int checkIndex(int index) {
        if (index < 0 || index >= CLASSES) {
            throw new IndexOutOfBoundsException("ImageNet class index must be in 0.." + (CLASSES - 1) + ", got " + index);
        }
        return index;
    }

    /** The class list, read from the resource on first use (the holder idiom makes that lazy and thread-safe). */
    private static final class Classes {
        static final String[] WNIDS = new String[CLASSES];
        static final String[] LABELS = new String[CLASSES];

        static {
            try (InputStream in = ImageNet.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("the resource " + RESOURCE + " is missing from transfer4j core");
                }
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                int count = 0;
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    String[] fields = line.split("\t");
                    if (count >= CLASSES || fields.length != 3 || !fields[0].equals(Integer.toString(count))) {
                        throw new IllegalStateException(RESOURCE + " line " + (count + 1)
                                + " is not 'index<TAB>wnid<TAB>name' for class " + count + ": '" + line + "'");
                    }
                    WNIDS[count] = fields[1];
                    LABELS[count] = fields[2];
                    count++;
                }
                if (count != CLASSES) {
                    throw new IllegalStateException(RESOURCE + " has " + count + " classes, not " + CLASSES);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the resource " + RESOURCE, e);
            }
        }
    }
}
