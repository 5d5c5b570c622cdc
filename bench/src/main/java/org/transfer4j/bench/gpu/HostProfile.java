package org.transfer4j.bench.gpu;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the host's time goes in a timed section: Java Flight Recorder's method samples of the thread that runs it,
 * every millisecond, summarised as the methods most often on top of the stack ("self") and the transfer4j methods
 * most often anywhere on it ("total", the harness's own frames left out).
 *
 * <p>On a GPU the host only queues work, and when the device's work per op is tiny (the frozen case's head step:
 * about 20 ops on a (64, 1280) batch) the host's time per op is the epoch's time. {@code OpProfile} cannot show it
 * (it syncs after every op); this does, without changing what runs. Samples taken while the thread is in native code
 * ({@code cuLaunchKernel}, a copy that waits for the stream) come from JFR's native method samples and count as
 * such. Needs the {@code jdk.jfr} module in the runtime ({@code bench/gpu/bundle.sh} links it in).
 *
 * <pre>
 * java -cp transfer4j-gpu.jar org.transfer4j.bench.gpu.HostProfile recording.jfr [top]
 * </pre>
 */
final class HostProfile implements AutoCloseable {
    /** JFR's default sampling period is 10-20 ms; a head epoch lasts about 10 ms. */
    static final Duration PERIOD = Duration.ofMillis(1);
    private static final String JAVA_SAMPLE = "jdk.ExecutionSample";
    private static final String NATIVE_SAMPLE = "jdk.NativeMethodSample";
    private static final String OURS = "org.transfer4j.";
    /** The harness's own frames: on every sample's stack, they would top the "total" list. */
    private static final String HARNESS = "org.transfer4j.bench.";

    private final Recording recording;
    private final Path file;
    private final long threadId;

    private HostProfile(Recording recording, Path file, long threadId) {
        this.recording = recording;
        this.file = file;
        this.threadId = threadId;
    }

    /** Starts sampling now; {@link #close()} stops and writes the recording to {@code file}. */
    static HostProfile start(Path file) {
        Recording r = new Recording();
        r.enable(JAVA_SAMPLE).withPeriod(PERIOD).withStackTrace();
        r.enable(NATIVE_SAMPLE).withPeriod(PERIOD).withStackTrace();
        r.setToDisk(true);
        r.start();
        return new HostProfile(r, file, Thread.currentThread().threadId());
    }

    /** The thread that started the profile: the summary counts its samples only. */
    long threadId() {
        return threadId;
    }

    @Override
    public void close() {
        recording.stop();
        try {
            recording.dump(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the host profile " + file, e);
        } finally {
            recording.close();
        }
    }

    /**
     * The summary of a recording: the samples of thread {@code threadId} (all threads when negative), the
     * {@code top} methods by self samples and the {@code top} transfer4j methods by total samples, each with its
     * share of the thread's samples.
     */
    static String summary(Path jfr, long threadId, int top) {
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> total = new HashMap<>();
        int javaSamples = 0;
        int nativeSamples = 0;
        try (RecordingFile in = new RecordingFile(jfr)) {
            while (in.hasMoreEvents()) {
                RecordedEvent e = in.readEvent();
                String type = e.getEventType().getName();
                boolean isNative = type.equals(NATIVE_SAMPLE);
                if (!isNative && !type.equals(JAVA_SAMPLE)) {
                    continue;
                }
                if (threadId >= 0 && (e.getThread("sampledThread") == null
                        || e.getThread("sampledThread").getJavaThreadId() != threadId)) {
                    continue;
                }
                RecordedStackTrace stack = e.getStackTrace();
                if (stack == null || stack.getFrames().isEmpty()) {
                    continue;
                }
                List<RecordedFrame> frames = stack.getFrames();
                if (isNative) {
                    nativeSamples++;
                } else {
                    javaSamples++;
                }
                self.merge((isNative ? "[native] " : "") + name(frames.get(0)), 1, Integer::sum);
                Set<String> seen = new HashSet<>();
                for (RecordedFrame f : frames) {
                    String n = name(f);
                    if (n.startsWith(OURS) && !n.startsWith(HARNESS) && seen.add(n)) {
                        total.merge(n, 1, Integer::sum);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the host profile " + jfr, e);
        }
        int samples = javaSamples + nativeSamples;
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "host samples: %d (%d in Java, %d in native code), one per %d ms%n", samples,
                javaSamples, nativeSamples, PERIOD.toMillis()));
        if (samples == 0) {
            return b.toString();
        }
        b.append("self (the method on top of the stack):\n");
        table(b, self, samples, top);
        b.append("total (transfer4j methods anywhere on the stack):\n");
        table(b, total, samples, top);
        return b.toString();
    }

    private static void table(StringBuilder b, Map<String, Integer> counts, int samples, int top) {
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(top)
                .forEach(e -> b.append(String.format(Locale.ROOT, "  %5.1f%% %6d  %s%n", 100.0 * e.getValue() / samples,
                        e.getValue(), e.getKey())));
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    /** Prints the summary of a recording: {@code HostProfile file.jfr [top]} (every thread's samples). */
    public static void main(String[] args) {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: HostProfile recording.jfr [top]");
            System.exit(64);
        }
        System.out.print(summary(Path.of(args[0]), -1, args.length == 2 ? Integer.parseInt(args[1]) : 25));
    }
}
