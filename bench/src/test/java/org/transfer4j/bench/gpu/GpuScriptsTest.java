package org.transfer4j.bench.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What can be checked here of the scripts that run on the GPU machine: they parse ({@code bash -n},
 * {@code python3 -m py_compile}), {@code bundle.sh} refuses an unknown argument before building anything, and
 * {@code on-device.sh} refuses to start without a bundle. Their real run needs the GPU machine.
 */
class GpuScriptsTest {
    private static final Path SCRIPTS = Path.of("gpu"); // surefire runs in the module's folder, bench/

    private record Result(int status, String output) {
    }

    private static Result run(Path dir, List<String> command, String... env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        for (int i = 0; i < env.length; i += 2) {
            pb.environment().put(env[i], env[i + 1]);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "timed out: " + command);
        return new Result(p.exitValue(), out);
    }

    private static Path script(String name) {
        Path p = SCRIPTS.resolve(name).toAbsolutePath();
        assertTrue(Files.isRegularFile(p), p + " is missing");
        return p;
    }

    @Test
    void shellScriptsParse() throws Exception {
        for (String name : List.of("bundle.sh", "on-device.sh")) {
            Result r = run(Path.of("."), List.of("bash", "-n", script(name).toString()));
            assertEquals(0, r.status(), name + ": " + r.output());
        }
    }

    @Test
    void torchScriptCompiles(@TempDir Path dir) throws Exception {
        assumeTrue(onPath("python3"), "python3 is not on the PATH");
        Result r = run(dir, List.of("python3", "-c", "import py_compile,sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)",
                script("torch_side_by_side.py").toString(), dir.resolve("t.pyc").toString()));
        assertEquals(0, r.status(), r.output());
    }

    @Test
    void bundleRefusesAnUnknownArgumentBeforeBuilding() throws Exception {
        Result r = run(Path.of("."), List.of("bash", script("bundle.sh").toString(), "--bogus"));
        assertEquals(64, r.status(), r.output());
        assertTrue(r.output().contains("unknown argument '--bogus'"), r.output());
    }

    @Test
    void onDeviceRefusesToStartWithoutABundle(@TempDir Path dir) throws Exception {
        Result r = run(dir, List.of("bash", script("on-device.sh").toString()), "OUT", dir.resolve("out").toString());
        assertEquals(1, r.status(), r.output());
        assertTrue(r.output().contains("run bench/gpu/bundle.sh first"), r.output());
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && List.of(path.split(java.io.File.pathSeparator)).stream()
                .anyMatch(d -> Files.isExecutable(Path.of(d, program)));
    }
}
