package org.transfer4j.cli;

import org.transfer4j.examples.TrainingDivergedException;
import org.transfer4j.images.ImageDecodeException;
import org.transfer4j.images.ImageFolderException;
import org.transfer4j.keras.KerasImportException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code transfer4j} command: {@code transfer4j --help}, {@code transfer4j --version},
 * {@code transfer4j demo [options]}, {@code transfer4j inspect MODEL.h5}, {@code transfer4j predict --model MODEL.h5 ...},
 * {@code transfer4j train --data DIR --base MODEL.h5 ...}, {@code transfer4j evaluate --model MODEL.h5 --data DIR}. Run it with the {@code ./transfer4j} launcher at the
 * repository root, which builds the jar when needed.
 */
@Command(name = "transfer4j",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "A deep-learning engine for the JVM, built for transfer learning with CNNs.",
        subcommands = {DemoCommand.class, InspectCommand.class, PredictCommand.class, TrainCommand.class,
                EvaluateCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line, configured as {@link #main} runs it; tests call {@code execute} on it. A run whose
     * training diverged prints its message and exits with 1; a file that cannot be used (a damaged or
     * unsupported model, an image that does not decode, an image folder without the expected classes) prints
     * one line {@code transfer4j: <file>: <problem>} and exits with 1. Any other exception is a bug, and picocli prints its stack trace.
     */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            String message = switch (e) {
                case TrainingDivergedException diverged -> diverged.getMessage();
                // train's loop names the epoch, step and first non-finite parameter; MODEL.ckpt keeps the last good epoch
                case org.transfer4j.train.TrainingDivergedException diverged -> "transfer4j: " + oneLine(diverged.getMessage());
                // These messages already start with the file.
                case KerasImportException bad -> "transfer4j: " + oneLine(bad.getMessage());
                case ImageDecodeException bad -> "transfer4j: " + oneLine(bad.getMessage());
                case ImageFolderException bad -> "transfer4j: " + oneLine(bad.getMessage());
                case FileProblemException bad -> "transfer4j: " + oneLine(bad.getMessage());
                default -> throw e;
            };
            commandLine.getErr().println(commandLine.getColorScheme().errorText(message));
            return commandLine.getCommandSpec().exitCodeOnExecutionException();
        });
        return cli;
    }

    /** A message on one line: a multi-line library message is joined with "; ". */
    private static String oneLine(String message) {
        return message.strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    /** Without a subcommand there is nothing to do: say what there is. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
