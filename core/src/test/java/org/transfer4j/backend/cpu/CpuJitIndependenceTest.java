package org.transfer4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.transfer4j.backend.Backend;
import org.transfer4j.backend.Conv2dSpec;
import org.transfer4j.backend.Padding;
import org.transfer4j.backend.UnaryOp;
import org.transfer4j.ops.MatMul;
import org.transfer4j.ops.Reduce;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/**
 * The CPU backend's results do not depend on how far the JIT has compiled it: the same ops give the same bits in this
 * JVM, after enough calls for C2 to compile the hot loops, as in a JVM that only interprets ({@code -Xint}). The Vector
 * API's {@code reduceLanes(ADD)} broke this: its order is left to the implementation, and C2's intrinsic added a
 * product's lanes differently from the interpreter, so two identical backward passes in one JVM disagreed in their
 * last bits once the GEMM's dot product was compiled (the first of a run against the rest), which bit-for-bit tests
 * comparing two runs would trip over at random.
 */
class CpuJitIndependenceTest {
    /** Calls of the probe before its results count as compiled: far past C2's thresholds for the inner loops. */
    private static final int WARM_UP = 100;

    @Test
    void theOpsGiveTheSameBitsCompiledAsInterpreted() throws IOException, InterruptedException {
        List<String> compiled = null;
        for (int i = 0; i < WARM_UP; i++) {
            compiled = Probe.results();
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        // surefire runs core as a module: its classes are on the module path, the test's on the class path
        String modules = System.getProperty("jdk.module.path");
        String classPath = System.getProperty("java.class.path")
                + (modules == null || modules.isEmpty() ? "" : File.pathSeparator + modules);
        Process child = new ProcessBuilder(java.toString(), "-Xint", "--add-modules", "jdk.incubator.vector",
                "-cp", classPath, Probe.class.getName())
                .redirectErrorStream(false).start();
        child.getOutputStream().close();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!child.waitFor(120, TimeUnit.SECONDS)) {
            child.destroyForcibly();
        }
        assertEquals(0, child.exitValue(), "the interpreted probe failed: " + err);
        assertEquals(String.join("\n", compiled), out.strip(), "compiled (left) against interpreted (right)");
    }

    /** The ops, each as a line {@code name hash-of-the-bits}; {@code main} prints them (the child JVM). */
    static final class Probe {
        private Probe() {
        }

        public static void main(String[] args) {
            System.out.println(String.join("\n", results()));
        }

        static List<String> results() {
            Backend cpu = CpuBackend.instance();
            List<String> lines = new ArrayList<>();
            Tensor a = Tensor.uniform(new Generator(1), -1f, 1f, 4, 1280);
            Tensor b = Tensor.uniform(new Generator(2), -1f, 1f, 320, 1280);
            Tensor c = Tensor.uniform(new Generator(3), -1f, 1f, 1280, 37);
            lines.add("matmul a.bT " + hash(MatMul.matmul(a, b.transpose(0, 1))));
            lines.add("matmul a.c " + hash(MatMul.matmul(a, c)));
            lines.add("matmul aT.a " + hash(MatMul.matmul(a.transpose(0, 1), a)));
            Tensor x = Tensor.uniform(new Generator(4), -1f, 1f, 2, 6, 6, 19);
            Tensor k = Tensor.uniform(new Generator(5), -1f, 1f, 3, 3, 19, 23);
            Conv2dSpec spec = Conv2dSpec.of(Padding.SAME, 6, 6, 3, 3, 1, 1, 1, 1, 1);
            Tensor y = cpu.conv2d(x, k, spec);
            Tensor dy = Tensor.uniform(new Generator(6), -1f, 1f, y.shape());
            lines.add("conv2d " + hash(y));
            lines.add("conv2d backward data " + hash(cpu.conv2dBackwardData(dy, k, spec, x.shape())));
            lines.add("conv2d backward filter " + hash(cpu.conv2dBackwardFilter(x, dy, spec, k.shape())));
            Tensor g = Tensor.uniform(new Generator(7), 0.5f, 2f, 23);
            Backend.BatchNormForward f = cpu.batchNormTraining(y, g, g, 1e-3f, 0f, 6f);
            lines.add("batch norm " + hash(f.output()) + " " + hash(f.invStd()));
            Backend.BatchNormGradients d = cpu.batchNormBackward(y, dy, g, f.mean(), f.invStd(), f.output(), 0f, 6f);
            lines.add("batch norm backward " + hash(d.gradX()) + " " + hash(d.gradGamma()));
            lines.add("sum " + hash(Reduce.sum(y, new int[] {0, 1, 2}, false)));
            lines.add("add clamped " + hash(cpu.addClamped(y, dy, 0f, 0.5f)));
            // Math.exp, log and tanh: HotSpot's interpreter calls the same intrinsic stubs as compiled code
            Tensor logits = Tensor.uniform(new Generator(8), -4f, 4f, 64, 37);
            Backend.SoftmaxCrossEntropy s = cpu.softmaxCrossEntropy(logits, cpu.unary(UnaryOp.ABS, logits, 0f, 0f));
            lines.add("softmax cross-entropy " + hash(s.loss()) + " " + hash(s.probabilities()));
            lines.add("tanh " + hash(cpu.unary(UnaryOp.TANH, logits, 0f, 0f)) + " exp "
                    + hash(cpu.unary(UnaryOp.EXP, logits, 0f, 0f)));
            return lines;
        }

        private static String hash(Tensor t) {
            long h = 17;
            for (float v : t.toArray()) {
                h = h * 31 + Float.floatToIntBits(v);
            }
            return Long.toHexString(h);
        }
    }
}
