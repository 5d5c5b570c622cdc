package org.transfer4j.bench;

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
import org.transfer4j.backend.cpu.CpuBackend;
import org.transfer4j.tensor.Tensor;

/**
 * The two halves of a convolution's backward pass on the CPU backend, for the cases of
 * {@link Conv2dForwardBenchmark}: {@code backwardData} (dx from dy and the kernel) and
 * {@code backwardFilter} (dkernel from x and dy). Each does as many flops as the forward pass,
 * {@code 2 * N*OH*OW*OC * KH*KW*C/groups}.
 *
 * <p>HOW TO RUN: {@code mvn -q -pl core,bench -am package -DskipTests}, then
 * {@code java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar org.transfer4j.bench.Conv2dBackwardBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s}
 * (prints GFLOP/s), or {@code java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar Conv2dBackwardBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class Conv2dBackwardBenchmark {

    @Param({"3x3 64->64 56x56 n16", "depthwise 3x3 112x112x32 n16"})
    public String shape;

    private Backend cpu;
    private Tensor x;
    private Tensor kernel;
    private Tensor gradY;
    private Conv2dSpec spec;

    @Setup
    public void setup() {
        Conv2dForwardBenchmark.Case c = Conv2dForwardBenchmark.CASES.get(shape);
        cpu = CpuBackend.instance();
        x = c.input(1);
        kernel = c.kernel(2);
        gradY = c.output(3);
        spec = c.spec();
    }

    @Benchmark
    public Tensor backwardData() {
        return cpu.conv2dBackwardData(gradY, kernel, spec, x.shape());
    }

    @Benchmark
    public Tensor backwardFilter() {
        return cpu.conv2dBackwardFilter(x, gradY, spec, kernel.shape());
    }

    /** Runs JMH with the given command-line options and prints GFLOP/s per case. */
    public static void main(String[] args) throws Exception {
        Conv2dForwardBenchmark.printGflops(Conv2dBackwardBenchmark.class, args);
    }
}
