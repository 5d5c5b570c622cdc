package org.transfer4j.bench.gpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HostProfile} samples the thread that started it about once a millisecond, names the method that thread
 * spent its time in, and counts another busy thread only when asked for every thread.
 */
class HostProfileTest {

    @Test
    void theSummaryNamesTheMethodTheProfiledThreadSpinsInAndCountsOnlyThatThread(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("spin.jfr");
        Thread other = new Thread(() -> spin(400));
        long threadId;
        try (HostProfile profile = HostProfile.start(file)) {
            threadId = profile.threadId();
            other.start();
            spin(400);
            other.join();
        }
        assertTrue(Files.size(file) > 0, "no recording written");

        String summary = HostProfile.summary(file, threadId, 10);
        int samples = samples(summary);
        assertTrue(samples >= 50, "400 ms at one sample a millisecond gave " + samples + ":\n" + summary);
        String top = summary.lines().filter(l -> l.contains("%")).findFirst().orElseThrow();
        assertTrue(top.endsWith("HostProfileTest.spin"), "the busiest method is not first:\n" + summary);

        String everyThread = HostProfile.summary(file, -1, 10);
        assertTrue(samples(everyThread) >= samples + 50, "the other spinning thread is missing:\n" + everyThread);
    }

    private static int samples(String summary) {
        String head = "host samples: ";
        return Integer.parseInt(summary.substring(head.length(), summary.indexOf(' ', head.length())));
    }

    /** Busy for {@code millis} in Java code (no sleeping: a sleeping thread is not sampled). */
    private static double spin(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        double x = 0;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 1000; i++) {
                x += Math.sqrt(i + x);
            }
        }
        return x;
    }
}
