package org.transfer4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code --device}: the examples jar has no CUDA backend on its class path (by design: it stays CPU-only), so
 * {@code auto} falls back to the CPU saying why, {@code cuda} is a usage error carrying that reason, and
 * {@code cpu} is the CPU, as the commands print them.
 */
class DeviceOptionTest {
    /** The line {@code --device auto} prints without the kernels jar. */
    static final String AUTO_ON_CPU = "device: cpu (--device auto found no GPU: no CUDA backend on the class path "
            + "(the transfer4j-kernels jar))";

    /** A command with nothing but the option, printing the line the commands print. */
    @Command(name = "probe")
    static final class Probe implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Mixin
        private DeviceOption device;

        @Override
        public Integer call() {
            spec.commandLine().getOut().println(device.choose().line());
            return 0;
        }
    }

    private static CliRun probe(String... args) {
        CommandLine cli = new CommandLine(new Probe());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    @Test
    void autoIsTheDefaultAndFallsBackToTheCpuSayingWhy() {
        assertEquals(AUTO_ON_CPU + "\n", probe().succeeded().out());
        assertEquals(AUTO_ON_CPU + "\n", probe("--device", "AUTO").succeeded().out());
    }

    @Test
    void cpuIsTheCpuWithoutAReason() {
        assertEquals("device: cpu\n", probe("--device", "cpu").succeeded().out());
    }

    @Test
    void cudaWithoutAGpuIsAUsageErrorCarryingTheReason() {
        CliRun run = probe("--device", "cuda").usageError("--device cuda: no CUDA backend on the class path: put the "
                + "transfer4j-kernels jar (and JCuda) beside core; use --device cpu, or auto to fall back to it");
        assertEquals("", run.out());
        probe("--device", "gpu").usageError("--device must be cpu, cuda or auto, got 'gpu'");
    }

    @Test
    void everyCommandThatComputesTakesTheOption() {
        for (String command : new String[] {"train", "evaluate", "predict"}) {
            String help = CliRun.of(command, "--help").succeeded().out();
            assertTrue(help.contains("--device=cpu|cuda|auto"), command + ": " + help);
        }
        CliRun.of("predict", "--model", "m.h5", "--device", "cuda", "x.jpg").usageError("--device cuda: no CUDA backend");
        CliRun.of("evaluate", "--model", "m.h5", "--data", "d", "--device", "cuda").usageError("--device cuda: no CUDA backend");
    }
}
