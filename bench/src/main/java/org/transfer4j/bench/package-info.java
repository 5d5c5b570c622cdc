/**
 * JMH benchmarks. Each class is named after what it measures ({@code GemmBenchmark}); methods name the
 * variant. Build with {@code mvn -pl bench -am package -DskipTests}, run with
 * {@code java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar GemmBenchmark}.
 */
package org.transfer4j.bench;
