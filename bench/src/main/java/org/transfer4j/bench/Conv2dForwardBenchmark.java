package org.transfer4j.bench;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.transfer4j.backend.Backend;
import org.transfer4j.backend.Conv2dSpec;
import org.transfer4j.backend.Padding;
import org.transfer4j.backend.cpu.CpuBackend;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/**
 * Forward 2-D convolution on the CPU backend, NHWC with a HWIO kernel, Keras SAME padding, for the
 * convolutions that dominate ResNets and MobileNets. A convolution does
 * {@code 2 * N*OH*OW*OC * KH*KW*C/groups} flops, so {@code GFLOP/s = flops / (ms * 1e6)}; {@link #main}
 * runs the benchmark and prints that table. References for "3x3 64->64 56x56 n16" on a 2-core AVX-512
 * machine: DL4J about 14 GFLOP/s, PyTorch CPU about 144 GFLOP/s.
 *
 * <p>HOW TO RUN: {@code mvn -q -pl core,bench -am package -DskipTests}, then either
 * {@code java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar org.transfer4j.bench.Conv2dForwardBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s}
 * (prints GFLOP/s) or the usual {@code java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar Conv2dForwardBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class Conv2dForwardBenchmark {

    /** One benchmarked convolution: {@code x (n,size,size,c), kernel (k,k,c/groups,oc)}, SAME padding. */
    public record Case(int n, int size, int c, int k, int oc, int stride, int groups) {
        public int outSize() {
            return (size + stride - 1) / stride;
        }

        public double flops() {
            return 2.0 * n * outSize() * outSize() * oc * k * k * (c / groups);
        }

        public Tensor input(long seed) {
            return Tensor.randn(new Generator(seed), n, size, size, c);
        }

        public Tensor kernel(long seed) {
            return Tensor.randn(new Generator(seed), k, k, c / groups, oc);
        }

        public Tensor output(long seed) {
            return Tensor.randn(new Generator(seed), n, outSize(), outSize(), oc);
        }

        public Conv2dSpec spec() {
            return Conv2dSpec.of(Padding.SAME, size, size, k, k, stride, stride, 1, 1, groups);
        }
    }

    /** The {@code @Param} names; the first two are the ResNet 3x3 and MobileNet depthwise targets. */
    public static final Map<String, Case> CASES = Map.of(
            "3x3 64->64 56x56 n16", new Case(16, 56, 64, 3, 64, 1, 1),
            "depthwise 3x3 112x112x32 n16", new Case(16, 112, 32, 3, 32, 1, 32),
            "1x1 64->256 56x56 n16", new Case(16, 56, 64, 1, 256, 1, 1),
            "3x3 s2 3->32 224x224 n16", new Case(16, 224, 3, 3, 32, 2, 1));

    @Param({"3x3 64->64 56x56 n16", "depthwise 3x3 112x112x32 n16", "1x1 64->256 56x56 n16", "3x3 s2 3->32 224x224 n16"})
    public String shape;

    private Backend cpu;
    private Tensor x;
    private Tensor kernel;
    private Conv2dSpec spec;

    @Setup
    public void setup() {
        Case c = CASES.get(shape);
        cpu = CpuBackend.instance();
        x = c.input(1);
        kernel = c.kernel(2);
        spec = c.spec();
    }

    @Benchmark
    public Tensor cpuIm2colGemm() {
        return cpu.conv2d(x, kernel, spec);
    }

    /** Runs JMH with the given command-line options and prints GFLOP/s per case. */
    public static void main(String[] args) throws Exception {
        printGflops(Conv2dForwardBenchmark.class, args);
    }

    /** Shared with {@link Conv2dBackwardBenchmark}: every method of a case does the same flops. */
    static void printGflops(Class<?> benchmark, String[] args) throws Exception {
        Throughput.print(benchmark, args, "GFLOP/s", (method, shape) -> CASES.get(shape).flops() / 1e9);
    }
}
