package org.transfer4j.cuda.backend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a run's device time goes, op by op: with the system property {@value #PROPERTY} set to {@code true},
 * {@link CudaBackend} waits for the stream after every op and adds the op's wall time (launch and work) to
 * its name. Waiting after each op removes the overlap of host and device, so the totals are an upper bound of
 * each op's share and the profiled run is slower than an unprofiled one: for finding the heavy ops, not for
 * timing. Off (the default), it costs one branch per op.
 */
public final class OpProfile {
    /** The system property that turns profiling on. */
    public static final String PROPERTY = "transfer4j.cuda.profile";

    /** Calls and nanoseconds of one op name. */
    public record Entry(String op, long calls, long nanos) {
    }

    private final boolean enabled;
    private final Map<String, long[]> byOp = new LinkedHashMap<>();

    OpProfile(boolean enabled) {
        this.enabled = enabled;
    }

    static OpProfile fromSystemProperty() {
        return new OpProfile(Boolean.getBoolean(PROPERTY));
    }

    /** Whether ops are being timed. */
    public boolean enabled() {
        return enabled;
    }

    synchronized void add(String op, long nanos) {
        long[] e = byOp.computeIfAbsent(op, k -> new long[2]);
        e[0]++;
        e[1] += nanos;
    }

    /** Forgets the entries so far (after warm-up iterations, say). */
    public synchronized void reset() {
        byOp.clear();
    }

    /** The entries so far, the most time first. */
    public synchronized List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        byOp.forEach((op, e) -> out.add(new Entry(op, e[0], e[1])));
        out.sort((a, b) -> Long.compare(b.nanos(), a.nanos()));
        return out;
    }

    /** A table: op, calls, total ms, ms per call, share of the total. Empty when profiling is off. */
    public String table() {
        List<Entry> entries = entries();
        long total = entries.stream().mapToLong(Entry::nanos).sum();
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-28s %8s %10s %10s %6s%n", "op", "calls", "total ms",
                "ms/call", "share"));
        for (Entry e : entries) {
            sb.append(String.format(Locale.ROOT, "%-28s %8d %10.1f %10.3f %5.1f%%%n", e.op(), e.calls(), e.nanos() / 1e6,
                    e.nanos() / 1e6 / e.calls(), total == 0 ? 0 : 100.0 * e.nanos() / total));
        }
        return sb.toString();
    }
}
