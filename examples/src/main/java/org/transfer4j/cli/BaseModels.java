package org.transfer4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.transfer4j.applications.ApplicationBuilder;
import org.transfer4j.applications.MobileNet;
import org.transfer4j.applications.MobileNetV2;
import org.transfer4j.applications.Preprocessing;
import org.transfer4j.applications.ResNet50;
import org.transfer4j.keras.KerasModels;
import org.transfer4j.keras.KerasWeights;
import org.transfer4j.nn.Layer;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.layers.Flatten;
import org.transfer4j.nn.layers.GlobalPooling2D;

/**
 * What {@code train --base} names, made into a base without its top: a feature map {@code (h,w,c)}.
 * <ul>
 *   <li>{@code mobilenet}, {@code mobilenet_v2}, {@code resnet50}: the Keras Applications architecture at
 *       {@code --image-size}, with the weights of a Keras {@code *_notop.h5} given by {@code --weights}
 *       (matched by layer name, strictly), or freshly initialised for {@code --mode scratch};</li>
 *   <li>a Keras full-model file ({@code .h5} or {@code .keras}), e.g. an ImageNet MobileNet: the model cut at
 *       its last feature map (the layer before global pooling), weights and all; its inputs are preprocessed
 *       as the file says when transfer4j saved it ({@link KerasModels#preprocessing}), else as MobileNet's.</li>
 * </ul>
 *
 * @param model          the base, output {@code (h,w,c)}
 * @param preprocessing  the preprocessing its weights were trained with
 * @param pretrained     whether it carries pretrained weights
 */
record BaseModels(Model model, Preprocessing preprocessing, boolean pretrained) {

    static final List<String> NAMES = List.of("mobilenet", "mobilenet_v2", "resnet50");

    /**
     * Resolves {@code --base} (a name or a file), {@code --weights} (null: none) at {@code imageSize} (0: the
     * file's), with MobileNet's and MobileNetV2's width multiplier {@code alpha}.
     */
    static BaseModels resolve(String base, Path weights, int imageSize, double alpha) {
        String name = base.toLowerCase(Locale.ROOT);
        if (NAMES.contains(name)) {
            int size = imageSize == 0 ? 224 : imageSize;
            ApplicationBuilder<?> builder = switch (name) {
                case "mobilenet" -> MobileNet.builder().alpha(alpha);
                case "mobilenet_v2" -> MobileNetV2.builder().alpha(alpha);
                default -> {
                    if (alpha != 1.0) {
                        throw new IllegalArgumentException("--alpha is for mobilenet and mobilenet_v2, not " + name);
                    }
                    yield ResNet50.builder();
                }
            };
            Model model = builder.includeTop(false).inputShape(size, size, 3).build();
            if (weights != null) {
                KerasWeights.load(requireFile(weights, "--weights"), model, true);
            }
            return new BaseModels(model, builder.preprocessing(), weights != null);
        }
        Path file = Path.of(base);
        if (!Files.exists(file)) {
            throw new FileProblemException(file, "--base is neither one of " + NAMES + " nor an existing model file");
        }
        if (weights != null) {
            throw new FileProblemException(weights, "--weights goes with a named --base (" + NAMES + "); the model file "
                    + file + " carries its own weights");
        }
        Model full = KerasModels.load(file);
        Model cut = cutAtLastFeatureMap(file, full);
        int[] in = cut.input().shape();
        if (imageSize != 0 && (in.length != 3 || in[0] != imageSize || in[1] != imageSize)) {
            throw new FileProblemException(file, "the model takes images of " + cut.input().shapeString()
                    + ", so --image-size " + imageSize + " does not fit it; leave --image-size out");
        }
        return new BaseModels(cut, KerasModels.preprocessing(file).orElse(Preprocessing.MOBILENET), true);
    }

    /**
     * The model up to the layer before its classifier: the input of its first global pooling or flatten layer
     * (Keras Applications' tops start with one); the model itself when it ends in a feature map {@code (h,w,c)}.
     */
    static Model cutAtLastFeatureMap(Path file, Model full) {
        if (full.output().shape().length == 3 && full.output().shape()[0] * full.output().shape()[1] > 1) {
            return full;
        }
        List<Layer> layers = full.layers();
        for (int i = 1; i < layers.size(); i++) {
            if (layers.get(i) instanceof GlobalPooling2D<?> || layers.get(i) instanceof Flatten) {
                Layer last = layers.get(i - 1);
                if (full.outputOf(last.name()).shape().length == 3) {
                    return full.cutAt(last.name());
                }
            }
        }
        throw new FileProblemException(file, "the model has no global pooling or flatten layer after a feature map "
                + "(h,w,c), so there is no base to cut from it");
    }

    private static Path requireFile(Path file, String option) {
        if (!Files.isRegularFile(file)) {
            throw new FileProblemException(file, option + ": no such file");
        }
        return file;
    }
}
