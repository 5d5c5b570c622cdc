package org.transfer4j.bench;

import java.util.Arrays;
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
import org.transfer4j.ops.BatchNorm;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/**
 * Batch normalisation over channels on the CPU backend, NHWC activations of a ResNet stage
 * (16x56x56x64) and of MobileNetV2's first block (16x112x112x32). It is memory bound, so the figure
 * of merit is bandwidth: {@code GB/s = bytes / (ms * 1e6)} with the bytes each variant must move,
 * 4 per float:
 * <ul>
 *   <li>{@code training} ({@link BatchNorm#train}): reads x for the statistics, reads it again to
 *       normalise, writes y: 12 bytes per element;</li>
 *   <li>{@code inference} ({@link BatchNorm#infer}): reads x, writes y: 8 bytes per element;</li>
 *   <li>{@code backward} (the {@code batchNormBackward} primitive): reads x and dy for the sums, again
 *       for dx, writes dx: 20 bytes per element.</li>
 * </ul>
 * Every variant also allocates its output, whose zeroing by the JVM is one more write, not counted.
 *
 * <p>HOW TO RUN: {@code mvn -q -pl core,bench -am package -DskipTests}, then
 * {@code java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar org.transfer4j.bench.BatchNormBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s}
 * (prints GB/s) or the usual {@code java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar BatchNormBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class BatchNormBenchmark {
    /** Bytes each benchmark method moves per element of x. */
    static final Map<String, Integer> BYTES_PER_ELEMENT = Map.of("training", 12, "inference", 8, "backward", 20);

    @Param({"16x56x56x64", "16x112x112x32"})
    public String shape;

    private Backend backend;
    private Tensor x;
    private Tensor dy;
    private Tensor gamma;
    private Tensor beta;
    private Tensor movingMean;
    private Tensor movingVariance;
    private Backend.BatchNormForward saved;

    @Setup
    public void setup() {
        int[] s = parse(shape);
        int c = s[s.length - 1];
        x = Tensor.randn(new Generator(1), s);
        dy = Tensor.randn(new Generator(2), s);
        gamma = Tensor.randn(new Generator(3), c);
        beta = Tensor.randn(new Generator(4), c);
        movingMean = Tensor.zeros(c);
        movingVariance = Tensor.ones(c);
        backend = x.backend();
        saved = backend.batchNormTraining(x, gamma, beta, 1e-3f);
    }

    @Benchmark
    public Tensor training() {
        return BatchNorm.train(x, gamma, beta, movingMean, movingVariance, 0.99f, 1e-3f);
    }

    @Benchmark
    public Tensor inference() {
        return BatchNorm.infer(x, gamma, beta, movingMean, movingVariance, 1e-3f);
    }

    @Benchmark
    public Backend.BatchNormGradients backward() {
        return backend.batchNormBackward(x, dy, gamma, saved.mean(), saved.invStd());
    }

    static int[] parse(String shape) {
        return Arrays.stream(shape.split("x")).mapToInt(Integer::parseInt).toArray();
    }

    /** Runs JMH with the given command-line options and prints GB/s per case. */
    public static void main(String[] args) throws Exception {
        printBandwidth(BatchNormBenchmark.class, BYTES_PER_ELEMENT, args);
    }

    /** Shared with {@link ReluBenchmark}: bytes moved = bytes per element (by method) x elements of the shape. */
    static void printBandwidth(Class<?> benchmark, Map<String, Integer> bytesPerElement, String[] args)
            throws Exception {
        Throughput.print(benchmark, args, "GB/s", (method, shape) -> bytesPerElement.get(method)
                * (double) Arrays.stream(parse(shape)).asLongStream().reduce(1, (a, b) -> a * b) / 1e9);
    }
}
