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
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/**
 * ReLU forward through {@link Tensor#relu()} on the CPU backend, on MobileNetV2's first activation
 * (16x112x112x32, 25.7 MB). Memory bound: it reads x and writes y, 8 bytes per element, so
 * {@code GB/s = 8 * numel / (ms * 1e6)}. {@code copy} ({@link Tensor#copy()}: allocate, read, write)
 * is the baseline: the bandwidth an elementwise op can hope for through the same allocation path.
 *
 * <p>HOW TO RUN: {@code mvn -q -pl core,bench -am package -DskipTests}, then
 * {@code java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar org.transfer4j.bench.ReluBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s}
 * (prints GB/s) or the usual {@code java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar ReluBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ReluBenchmark {
    @Param({"16x112x112x32"})
    public String shape;

    private Tensor x;

    @Setup
    public void setup() {
        x = Tensor.randn(new Generator(1), BatchNormBenchmark.parse(shape));
    }

    @Benchmark
    public Tensor relu() {
        return x.relu();
    }

    @Benchmark
    public Tensor copy() {
        return x.copy();
    }

    /** Runs JMH with the given command-line options and prints GB/s per case. */
    public static void main(String[] args) throws Exception {
        BatchNormBenchmark.printBandwidth(ReluBenchmark.class, Map.of("relu", 8, "copy", 8), args);
    }
}
