package org.transfer4j.cli;

import java.util.concurrent.Callable;
import org.transfer4j.examples.Demo;
import org.transfer4j.examples.Demo.Config;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code transfer4j demo}: trains a small CNN from scratch on generated images (see {@link Demo}). */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Generates 10 classes of striped images (the stripe angle is the class; period, phase, colours and "
                    + "noise are random), then trains a small CNN on them from scratch and prints the "
                    + "validation accuracy after each epoch. Needs no download; seeded, so runs repeat."},
        sortOptions = false,
        sortSynopsis = false)
final class DemoCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--epochs", paramLabel = "N", description = "passes over the training set (default: ${DEFAULT-VALUE})")
    private int epochs = Config.DEFAULT_EPOCHS;

    @Option(names = "--seed", paramLabel = "S", description = "seed of the data and the initial weights (default: ${DEFAULT-VALUE})")
    private long seed = Config.DEFAULT_SEED;

    @Option(names = "--train-per-class", paramLabel = "N", description = "training images per class (default: ${DEFAULT-VALUE})")
    private int trainPerClass = Config.DEFAULT_TRAIN_PER_CLASS;

    @Option(names = "--val-per-class", paramLabel = "N", description = "validation images per class (default: ${DEFAULT-VALUE})")
    private int valPerClass = Config.DEFAULT_VAL_PER_CLASS;

    @Option(names = "--image-size", paramLabel = "N", description = "image height and width in pixels (default: ${DEFAULT-VALUE})")
    private int imageSize = Config.DEFAULT_IMAGE_SIZE;

    @Option(names = "--batch", paramLabel = "N", description = "mini-batch size (default: ${DEFAULT-VALUE})")
    private int batch = Config.DEFAULT_BATCH;

    @Option(names = "--lr", paramLabel = "X", description = "SGD learning rate (default: ${DEFAULT-VALUE})")
    private float lr = Config.DEFAULT_LR;

    @Option(names = "--momentum", paramLabel = "X", description = "SGD momentum (default: ${DEFAULT-VALUE})")
    private float momentum = Config.DEFAULT_MOMENTUM;

    @Override
    public Integer call() {
        Config config;
        try {
            config = new Config(epochs, seed, trainPerClass, valPerClass, imageSize, batch, lr, momentum);
        } catch (IllegalArgumentException e) {
            // A bad option value is a usage error: say which, show the usage, exit 2 as picocli does.
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Demo.run(config, spec.commandLine().getOut());
        return 0;
    }
}
