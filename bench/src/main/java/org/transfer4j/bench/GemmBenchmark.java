package org.transfer4j.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.transfer4j.backend.cpu.CpuGemm;

/**
 * Square single-precision GEMM on the CPU, {@code C = A * B} with {@code A, B, C (size x size)}:
 * {@code cpuBlocked} is {@link CpuGemm#sgemm} (packed, blocked, Vector API, all cores),
 * {@code cpuBlockedTransposed} the same with both operands stored transposed (the packing path
 * differs), and {@code cpuReference} the plain triple loop it is tested against (the baseline).
 *
 * <p>Reading the result. One call does {@code 2 * size^3} floating-point operations. The primary
 * score is calls per second; the secondary row {@code ...:gflop} (an {@link AuxCounters} counter
 * that adds {@code 2 * size^3 / 1e9} per call, reported per second) is GFLOP/s directly. Example:
 * {@code GemmBenchmark.cpuBlocked:gflop 2048 thrpt 3 290 ops/s} means 290 GFLOP/s.
 *
 * <p>HOW TO RUN (from the repository root, Java 25):
 * <pre>
 * mvn -q -pl core,bench -am package -DskipTests
 * $JAVA_HOME/bin/java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar GemmBenchmark \
 *     -f 1 -wi 2 -i 3 -w 1s -r 1s
 * </pre>
 * Add {@code -p size=2048} for one size, {@code -jvmArgsAppend -Dtransfer4j.threads=1} for one core.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Benchmark)
public class GemmBenchmark {
    @Param({"512", "1024", "2048"})
    int size;

    float[] a;
    float[] b;
    float[] c;

    @Setup
    public void setUp() {
        Random random = new Random(42);
        a = new float[size * size];
        b = new float[size * size];
        c = new float[size * size];
        for (int i = 0; i < a.length; i++) {
            a[i] = random.nextFloat() - 0.5f;
            b[i] = random.nextFloat() - 0.5f;
        }
    }

    /** Floating-point work done, in GFLOP; JMH reports it per second, i.e. as GFLOP/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Flops {
        public double gflop;

        @Setup(Level.Iteration)
        public void reset() {
            gflop = 0;
        }

        void add(int size) {
            gflop += 2.0 * size * size * size / 1e9;
        }
    }

    @Benchmark
    public float[] cpuBlocked(Flops flops) {
        CpuGemm.sgemm(false, false, size, size, size, 1f, a, 0, size, b, 0, size, 0f, c, 0, size);
        flops.add(size);
        return c;
    }

    @Benchmark
    public float[] cpuBlockedTransposed(Flops flops) {
        CpuGemm.sgemm(true, true, size, size, size, 1f, a, 0, size, b, 0, size, 0f, c, 0, size);
        flops.add(size);
        return c;
    }

    @Benchmark
    public float[] cpuReference(Flops flops) {
        CpuGemm.reference(false, false, size, size, size, 1f, a, 0, size, b, 0, size, 0f, c, 0, size);
        flops.add(size);
        return c;
    }
}
