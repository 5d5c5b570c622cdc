package org.transfer4j.keras;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.transfer4j.keras.KerasWeightGroup.StoredLayer;
import org.transfer4j.keras.KerasWeightGroup.StoredWeight;

/**
 * The weight arrays a Keras 2 {@code .h5} file stores, by layer, with their declared shapes: for a tool that
 * describes a file (the {@code inspect} command) without building a model. The weights group is the root of
 * a weights-only file or the {@code model_weights} group of a full model (see {@link KerasWeightGroup}).
 * No weight value is read; each declared shape is validated as {@link KerasWeights#load} would validate it
 * (positive dimensions, at most 2^31-1 elements), so a hostile file fails here with a
 * {@link KerasImportException} before anything of its declared size exists.
 *
 * <pre>
 * for (KerasWeightShapes.LayerShapes layer : KerasWeightShapes.read(Path.of("mobilenet_2_5_224_tf_no_top.h5"))) {
 *     ...   // conv1: conv1/kernel:0 (3, 3, 3, 8) = 216 values
 * }
 * </pre>
 */
public final class KerasWeightShapes {
    private KerasWeightShapes() {
    }

    /**
     * One stored array.
     *
     * @param name  the name listed in the layer's {@code weight_names}, e.g. {@code conv1/kernel:0}
     * @param shape its declared shape, e.g. {@code (3,3,3,8)} ({@code []} for a scalar)
     * @param count the number of values, the product of the shape
     */
    public record WeightShape(String name, int[] shape, int count) {
        public WeightShape {
            shape = shape.clone();
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        /** {@code (3, 3, 3, 8)}, as NumPy prints shapes. */
        public String shapeString() {
            return H5Arrays.shape(shape);
        }
    }

    /** The arrays of one layer group, in {@code weight_names} order. */
    public record LayerShapes(String layer, List<WeightShape> weights) {
        public LayerShapes {
            weights = List.copyOf(weights);
        }

        /** The values of all arrays of the layer. */
        public long count() {
            return weights.stream().mapToLong(WeightShape::count).sum();
        }
    }

    /**
     * The layers of {@code file} that store weights, in {@code layer_names} order (layers without weights,
     * such as an input or an activation, are left out), each with its arrays' names and declared shapes.
     *
     * @throws KerasImportException for a file that is not HDF5, has no Keras 2 weights group, or declares a
     *         damaged layout or an impossible shape
     */
    public static List<LayerShapes> read(Path file) {
        return KerasH5.read(file, hdf -> {
            List<LayerShapes> out = new ArrayList<>();
            for (StoredLayer stored : KerasWeightGroup.layers(KerasWeightGroup.of(hdf, file), file)) {
                List<WeightShape> weights = new ArrayList<>();
                for (StoredWeight w : stored.weights()) {
                    int count = H5Arrays.checkedSize(w.dims(), file, stored.name(), w.name());
                    // checkedSize has made every dimension positive and their product an int, so each fits an int.
                    int[] shape = new int[w.dims().length];
                    for (int i = 0; i < shape.length; i++) {
                        shape[i] = (int) w.dims()[i];
                    }
                    weights.add(new WeightShape(w.name(), shape, count));
                }
                out.add(new LayerShapes(stored.name(), weights));
            }
            return out;
        });
    }
}
