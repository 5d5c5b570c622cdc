package org.transfer4j.bench.gpu;

/**
 * The work of one side-by-side run, the same for both frameworks.
 *
 * @param batch        images per batch (64 in the issue)
 * @param imageSize    square input size (224)
 * @param classes      classes of the top for the training step (1000, ImageNet's)
 * @param alpha        MobileNetV2's width multiplier (1.0)
 * @param warmup       untimed iterations before each timed case (batches; frozen: batches of the base and one head epoch)
 * @param iterations   timed batches of the training step and inference
 * @param frozenImages images of the frozen-base data set (a multiple of the batch is fairest)
 * @param frozenEpochs timed head epochs over them
 * @param frozenWarmupEpochs untimed head epochs before them (the JIT compiles the training loop's host code)
 * @param headClasses  classes of the new head in the frozen-base case
 * @param optimizer    {@code sgd} (momentum 0.9, rate 0.01) or {@code adam} (rate 1e-3)
 * @param seed         of the random weights' inputs and labels
 * @param fusedInference the inference case runs the fused {@code InferenceModel}, else {@code Model.predict}
 */
record Settings(int batch, int imageSize, int classes, double alpha, int warmup, int iterations, int frozenImages,
                int frozenEpochs, int frozenWarmupEpochs, int headClasses, String optimizer, long seed,
                boolean fusedInference) {
    Settings {
        positive("batch", batch);
        positive("image size", imageSize);
        positive("classes", classes);
        positive("iterations", iterations);
        positive("frozen images", frozenImages);
        positive("frozen epochs", frozenEpochs);
        positive("frozen warm-up epochs", frozenWarmupEpochs);
        if (headClasses < 2) {
            throw new IllegalArgumentException("head classes must be at least 2, got " + headClasses);
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("warm-up must be >= 0, got " + warmup);
        }
        if (!optimizer.equals("sgd") && !optimizer.equals("adam")) {
            throw new IllegalArgumentException("optimizer must be sgd or adam, got '" + optimizer + "'");
        }
    }

    private static void positive(String what, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be at least 1, got " + value);
        }
    }
}
