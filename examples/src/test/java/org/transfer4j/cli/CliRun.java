package org.transfer4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One run of the command line as {@link Main#main} runs it, with its exit code and what it printed. */
record CliRun(int exitCode, String out, String err) {
    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** Exit code 0; the error stream stays empty. */
    CliRun succeeded() {
        assertEquals(0, exitCode, () -> "exit code; stderr: " + err + "; stdout: " + out);
        assertEquals("", err, "stderr");
        return this;
    }

    /**
     * Exit code 1 with exactly one line {@code transfer4j: <file>: <problem>} on stderr: no stack trace,
     * nothing on stdout.
     */
    CliRun failedOn(Object file, String problemPart) {
        assertEquals(1, exitCode, () -> "exit code; stderr: " + err + "; stdout: " + out);
        String line = err.stripTrailing();
        assertFalse(line.contains("\n"), () -> "more than one line: " + err);
        assertTrue(line.startsWith("transfer4j: " + file + ": "), () -> "does not start with the file " + file + ": " + err);
        assertTrue(line.contains(problemPart), () -> "does not say '" + problemPart + "': " + err);
        assertEquals("", out, "stdout");
        return this;
    }

    /**
     * Exit code 2 (a picocli usage error) whose message mentions {@code part}; picocli follows it with the
     * usage, or for a misspelt option with the options it resembles.
     */
    CliRun usageError(String part) {
        assertEquals(2, exitCode, () -> "exit code; stderr: " + err + "; stdout: " + out);
        assertTrue(err.contains(part), () -> "does not say '" + part + "': " + err);
        assertFalse(err.contains("\tat "), () -> "a stack trace: " + err);
        return this;
    }
}
