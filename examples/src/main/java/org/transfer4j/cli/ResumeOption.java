package org.transfer4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.transfer4j.train.Checkpoint;
import org.transfer4j.train.CorruptCheckpointException;
import org.transfer4j.train.History;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code --resume [CKPT]} option of {@code train}, a picocli {@code @Mixin}: which checkpoint continues an
 * interrupted run, read and checked against the phases the run's {@code --mode} runs, before anything trains.
 */
final class ResumeOption {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(names = "--resume", arity = "0..1", paramLabel = "CKPT", description = "continue an interrupted run from "
            + "its checkpoint (default: MODEL.ckpt beside --out), with the options and data of that run; the history "
            + "CSV is continued")
    private String resume; // null: a new run; empty: the checkpoint beside --out

    /** The file to resume from: {@code CKPT}, else {@code checkpointFile}, the one the run writes beside {@code --out}. */
    Path file(Path checkpointFile) {
        return resume == null || resume.isEmpty() ? checkpointFile : Path.of(resume);
    }

    /**
     * The checkpoint to continue, or null without {@code --resume}: then a checkpoint an interrupted run left
     * at {@code checkpointFile} is refused rather than overwritten. A missing or unreadable file is a
     * {@link FileProblemException} naming it; a checkpoint whose phases are not the first of {@code phases}
     * (those {@code --mode} runs) is a usage error.
     */
    Checkpoint read(Path checkpointFile, List<String> phases) {
        if (resume == null) {
            if (Files.exists(checkpointFile)) {
                throw usage(checkpointFile + " holds an interrupted run: continue it with --resume, or delete it to "
                        + "start again");
            }
            return null;
        }
        Path file = file(checkpointFile);
        if (!Files.isRegularFile(file)) {
            throw new FileProblemException(file, "no such checkpoint to --resume from");
        }
        Checkpoint checkpoint;
        try {
            checkpoint = Checkpoint.read(file);
        } catch (CorruptCheckpointException e) {
            throw new FileProblemException(file, "cannot --resume from it: " + e.problem(), e);
        } catch (IOException e) {
            throw new FileProblemException(file, "cannot --resume from it: " + e, e);
        }
        List<String> written = checkpoint.history().phases().stream().map(History.Phase::name).toList();
        if (written.isEmpty() || written.size() > phases.size() || !phases.subList(0, written.size()).equals(written)) {
            throw usage("--resume " + file + ": the checkpoint's run has the phases " + written + ", --mode runs "
                    + phases);
        }
        return checkpoint;
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
