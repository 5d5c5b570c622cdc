package org.transfer4j.cli;

import java.util.concurrent.Callable;
import org.transfer4j.examples.Demo;
import org.transfer4j.examples.Demo.Config;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code transfer4j demo}: the three approaches of transfer learning on generated images (see {@link Demo}). */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Pretrains a small CNN on generated stripe images (10 stripe angles), then compares on a related "
                    + "task with few images (5 other angles, square waves, more noise): (1) training from "
                    + "scratch, (2) the pretrained base frozen under a new head, (3) fine-tuning the top block "
                    + "at a 10x smaller rate. Prints accuracy and time per approach. Needs no download; seeded."},
        sortOptions = false,
        sortSynopsis = false)
final class DemoCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--seed", paramLabel = "S", description = "seed of the data, weights and shuffling (default: ${DEFAULT-VALUE})")
    private long seed = Config.DEFAULT_SEED;

    @Option(names = "--image-size", paramLabel = "N", description = "image height and width in pixels (default: ${DEFAULT-VALUE})")
    private int imageSize = Config.DEFAULT_IMAGE_SIZE;

    @Option(names = "--source-per-class", paramLabel = "N", description = "pretraining images per class (default: ${DEFAULT-VALUE})")
    private int sourcePerClass = Config.DEFAULT_SOURCE_PER_CLASS;

    @Option(names = "--source-epochs", paramLabel = "N", description = "pretraining epochs (default: ${DEFAULT-VALUE})")
    private int sourceEpochs = Config.DEFAULT_SOURCE_EPOCHS;

    @Option(names = "--target-per-class", paramLabel = "N", description = "target training images per class (default: ${DEFAULT-VALUE})")
    private int targetPerClass = Config.DEFAULT_TARGET_PER_CLASS;

    @Option(names = "--target-epochs", paramLabel = "N", description = "epochs of each target approach (default: ${DEFAULT-VALUE})")
    private int targetEpochs = Config.DEFAULT_TARGET_EPOCHS;

    @Option(names = "--val-per-class", paramLabel = "N", description = "validation images per class (default: ${DEFAULT-VALUE})")
    private int valPerClass = Config.DEFAULT_VAL_PER_CLASS;

    @Option(names = "--batch", paramLabel = "N", description = "mini-batch size (default: ${DEFAULT-VALUE})")
    private int batch = Config.DEFAULT_BATCH;

    @Option(names = "--lr", paramLabel = "X", description = "Adam learning rate; the fine-tuned top block gets a tenth of it (default: ${DEFAULT-VALUE})")
    private float lr = Config.DEFAULT_LR;

    @Override
    public Integer call() {
        Config config;
        try {
            config = new Config(seed, imageSize, sourcePerClass, sourceEpochs, targetPerClass, targetEpochs,
                    valPerClass, batch, lr);
        } catch (IllegalArgumentException e) {
            // A bad option value is a usage error: say which, show the usage, exit 2 as picocli does.
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Demo.run(config, spec.commandLine().getOut());
        return 0;
    }
}
