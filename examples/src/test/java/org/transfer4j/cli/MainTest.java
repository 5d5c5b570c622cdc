package org.transfer4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void versionNamesTheProjectVersionAndTheJava() {
        assertEquals(0, run("--version"));
        String text = out.toString();
        assertTrue(text.startsWith("transfer4j "), text);
        assertFalse(text.contains("unknown version"), "version.properties was not filtered: " + text);
        assertFalse(text.contains("${"), "version.properties was not filtered: " + text);
        assertTrue(text.contains("Java " + Runtime.version().feature()), text);
    }

    @Test
    void noSubcommandPrintsUsageListingTheCommands() {
        assertEquals(0, run());
        assertTrue(out.toString().contains("Usage: transfer4j"), out.toString());
        assertTrue(out.toString().contains("demo"), out.toString());
        assertTrue(out.toString().contains("inspect") && out.toString().contains("predict"), out.toString());
    }

    @Test
    void demoRunsWithOptionsFromTheCommandLine() {
        assertEquals(0, run("demo", "--source-epochs", "1", "--source-per-class", "2", "--target-epochs", "1",
                "--target-per-class", "2", "--val-per-class", "1", "--image-size", "8", "--batch", "4", "--seed", "7",
                "--lr", "0.01"));
        String text = out.toString();
        assertTrue(text.contains("20 images of 8x8"), text);
        assertTrue(text.contains("1. from scratch") && text.contains("2. pretrained base frozen")
                && text.contains("3. fine-tune top block"), text);
    }

    @Test
    void demoRejectsZeroEpochsAsAUsageError() {
        assertEquals(2, run("demo", "--target-epochs", "0"));
        assertTrue(err.toString().contains("target-epochs must be at least 1, got 0"), err.toString());
    }

    @Test
    void demoRejectsAnUnknownOption() {
        assertEquals(2, run("demo", "--epoch", "3"));
        assertTrue(err.toString().contains("--epoch"), err.toString());
    }

    @Test
    void demoRejectsImagesTooLargeForMemoryAsAUsageError() {
        assertEquals(2, run("demo", "--image-size", "100000"));
        assertTrue(err.toString().contains("image-size 100000"), err.toString());
        assertFalse(err.toString().contains("Exception"), err.toString());
    }

    @Test
    void aDivergingRunSaysWhatToDoWithoutAStackTrace() {
        // Adam's first step at rate 1e30 moves every weight by about 1e30: the next batch's loss is not finite.
        assertEquals(1, run("demo", "--source-epochs", "1", "--source-per-class", "2", "--target-per-class", "2",
                "--val-per-class", "1", "--image-size", "8", "--batch", "4", "--lr", "1e30"));
        assertTrue(err.toString().contains("the loss became") && err.toString().contains("try a smaller --lr"),
                err.toString());
        assertFalse(err.toString().contains("\tat "), err.toString());
    }
}
