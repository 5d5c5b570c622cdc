package org.transfer4j.bench.gpu;

import java.util.Locale;
import org.transfer4j.applications.MobileNetV2;
import org.transfer4j.applications.Pooling;
import org.transfer4j.applications.ResNet50;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.layers.Dense;

/**
 * The two architectures of the side-by-side, built by transfer4j's Keras Applications builders with random
 * weights: with a top for the training step and inference, without it (the base of a transfer model) for the
 * frozen-base case. The top is Keras' ({@code GlobalAveragePooling2D} then {@code Dense(classes)}), ending in logits
 * as PyTorch's models do; it is added here on a {@code pooling(AVG)} base rather than by {@code includeTop(true)},
 * which only accepts the 224x224 input of Keras' ImageNet weights, so that a smoke run can use a tiny input.
 */
enum BenchModel {
    MOBILENET_V2("MobileNetV2") {
        @Override
        Model build(boolean includeTop, int imageSize, int classes, double alpha) {
            MobileNetV2.Builder b = MobileNetV2.builder().alpha(alpha).inputShape(imageSize, imageSize, 3).includeTop(false);
            return includeTop ? withTop(b.pooling(Pooling.AVG).build(), classes) : b.build();
        }
    },
    RESNET50("ResNet50") {
        @Override
        Model build(boolean includeTop, int imageSize, int classes, double alpha) {
            var b = ResNet50.builder().inputShape(imageSize, imageSize, 3).includeTop(false);
            return includeTop ? withTop(b.pooling(Pooling.AVG).build(), classes) : b.build();
        }
    };

    private final String displayName;

    BenchModel(String displayName) {
        this.displayName = displayName;
    }

    /** The name both harnesses write ({@code MobileNetV2}, {@code ResNet50}). */
    String displayName() {
        return displayName;
    }

    /**
     * A new model with random weights: input {@code (N, imageSize, imageSize, 3)}; with the top, logits
     * {@code (N, classes)}; without, the last block's feature map. {@code alpha} is MobileNetV2's width multiplier
     * (ignored by ResNet50).
     */
    abstract Model build(boolean includeTop, int imageSize, int classes, double alpha);

    /** Keras' top on a pooled base: {@code Dense(classes)} named {@code predictions}, no activation (logits). */
    private static Model withTop(Model pooled, int classes) {
        return Model.of(pooled.name(), pooled.input(), new Dense(classes).named("predictions").apply(pooled.output()));
    }

    /** {@code mobilenetv2} / {@code MobileNetV2} / {@code mobilenet_v2}, {@code resnet50}: case and underscores ignored. */
    static BenchModel parse(String name) {
        String key = name.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
        for (BenchModel m : values()) {
            if (m.displayName.toLowerCase(Locale.ROOT).equals(key)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown model '" + name + "'; known: MobileNetV2, ResNet50");
    }
}
