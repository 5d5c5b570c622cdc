package org.transfer4j.cli;

import org.transfer4j.examples.TrainingDivergedException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code transfer4j} command: {@code transfer4j --help}, {@code transfer4j --version},
 * {@code transfer4j demo [options]}. Run it with the {@code ./transfer4j} launcher at the
 * repository root, which builds the jar when needed.
 */
@Command(name = "transfer4j",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "A deep-learning engine for the JVM, built for transfer learning with CNNs.",
        subcommands = {DemoCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line, configured as {@link #main} runs it; tests call {@code execute} on it. A run whose
     * training diverged prints its message and exits with 1; any other exception is a bug, and picocli
     * prints its stack trace.
     */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (!(e instanceof TrainingDivergedException)) {
                throw e;
            }
            commandLine.getErr().println(commandLine.getColorScheme().errorText(e.getMessage()));
            return commandLine.getCommandSpec().exitCodeOnExecutionException();
        });
        return cli;
    }

    /** Without a subcommand there is nothing to do: say what there is. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
