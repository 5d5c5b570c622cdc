package org.transfer4j.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transfer4j.applications.MobileNet;
import org.transfer4j.applications.PretrainedWeights;
import org.transfer4j.testdata.TestData;

/** Downloads from a local HTTP server (no internet in tests). */
class WeightsTest {
    /** SHA-256("abc"), the example of FIPS 180-2, appendix B.1. */
    private static final String ABC_SHA256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    /** MD5("abc"), from the test suite of RFC 1321, appendix A.5. */
    private static final String ABC_MD5 = "900150983cd24fb0d6963f7d28e17f72";
    /**
     * The SHA-256 of the test data's {@code mobilenet_2_5_224_tf_no_top.h5}, as {@code shared/data/keras/INVENTORY.md}
     * lists it (its README: a byte-for-byte copy of the Keras Applications file of that name).
     */
    private static final String MOBILENET_2_5_NO_TOP_SHA256 =
            "dbdb03ee2a22fd895301636cd328b234bb3a9952358f436d82f46b81e0d5b0bf";

    @TempDir
    Path cacheDir;

    private HttpServer server;
    private ExecutorService serverThreads;
    private final ConcurrentHashMap<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    /** 300 KB of seeded pseudo-random bytes: several network reads, and no two prefixes alike. */
    private final byte[] content = new byte[300_000];
    private String contentSha256;
    /** Served under /keras/: the shared test data's Keras file, read on first request. */
    private volatile byte[] kerasFile;

    @BeforeEach
    void startServer() throws Exception {
        new Random(42).nextBytes(content);
        contentSha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        serverThreads = Executors.newCachedThreadPool();
        server.setExecutor(serverThreads);
        server.createContext("/files/", exchange -> {
            count(exchange);
            byte[] body = exchange.getRequestURI().getPath().endsWith("abc.txt")
                    ? "abc".getBytes(StandardCharsets.US_ASCII) : content;
            send(exchange, body, body.length);
        });
        server.createContext("/keras/", exchange -> {
            count(exchange);
            byte[] body = kerasFile;
            send(exchange, body, body.length);
        });
        server.createContext("/slow/", exchange -> {
            count(exchange);
            exchange.sendResponseHeaders(200, content.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(content, 0, content.length / 2);
                out.flush();
                sleep(300);
                out.write(content, content.length / 2, content.length - content.length / 2);
            }
        });
        server.createContext("/redirect/", exchange -> {
            count(exchange);
            exchange.getResponseHeaders().add("Location", "/files/model.h5");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.createContext("/missing/", exchange -> {
            count(exchange);
            send(exchange, "not here".getBytes(StandardCharsets.US_ASCII), 404);
        });
        server.createContext("/truncated/", exchange -> {
            count(exchange);
            // declares the whole length, sends half, then closes the connection
            exchange.sendResponseHeaders(200, content.length);
            OutputStream out = exchange.getResponseBody();
            out.write(content, 0, content.length / 2);
            out.flush();
            exchange.close();
        });
        server.createContext("/stall/", exchange -> {
            count(exchange);
            exchange.sendResponseHeaders(200, content.length);
            OutputStream out = exchange.getResponseBody();
            out.write(content, 0, 1000);
            out.flush();
            sleep(10_000); // interrupted by stopServer
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        serverThreads.shutdownNow();
        server.stop(0);
    }

    private void count(HttpExchange exchange) {
        hits.computeIfAbsent(exchange.getRequestURI().getPath(), k -> new AtomicInteger()).incrementAndGet();
    }

    private static void send(HttpExchange exchange, byte[] body, int status) throws IOException {
        exchange.sendResponseHeaders(status == body.length ? 200 : status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private URI url(String path) {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + path);
    }

    private int hitsOf(String path) {
        AtomicInteger n = hits.get(path);
        return n == null ? 0 : n.get();
    }

    private List<String> cacheFiles() throws IOException {
        try (Stream<Path> files = Files.list(cacheDir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private WeightsCache cache() {
        return Weights.cache(cacheDir);
    }

    @Test
    void theFirstCallDownloadsAndTheSecondUsesTheCache() throws IOException {
        Path first = cache().fetch(url("/files/model.h5"), contentSha256);
        assertEquals(cacheDir.resolve("model.h5"), first);
        assertArrayEquals(content, Files.readAllBytes(first));
        assertEquals(1, hitsOf("/files/model.h5"));
        Path second = cache().fetch(url("/files/model.h5"), contentSha256.toUpperCase());
        assertEquals(first, second);
        assertEquals(1, hitsOf("/files/model.h5"), "the second call must not download");
        assertEquals(List.of("model.h5"), cacheFiles(), "no temporary file is left behind");
    }

    @Test
    void aKnownDigestVerifies() throws IOException {
        Path file = cache().fetch(url("/files/abc.txt"), ABC_SHA256);
        assertEquals("abc", Files.readString(file));
        assertEquals(ABC_SHA256, WeightsCache.sha256Of(file));
    }

    @Test
    void aCachedFileWithTheWrongChecksumIsDownloadedAgain() throws IOException {
        Files.writeString(cacheDir.resolve("model.h5"), "a corrupted earlier download");
        Path file = cache().fetch(url("/files/model.h5"), contentSha256);
        assertEquals(1, hitsOf("/files/model.h5"));
        assertArrayEquals(content, Files.readAllBytes(file));
    }

    @Test
    void aBadChecksumDeletesTheDownloadAndNamesUrlAndBothDigests() throws IOException {
        URI url = url("/files/model.h5");
        WeightsDownloadException e = assertThrows(WeightsDownloadException.class,
                () -> cache().fetch(url, ABC_SHA256));
        assertTrue(e.getMessage().contains(url.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("expected " + ABC_SHA256), e.getMessage());
        assertTrue(e.getMessage().contains("got " + contentSha256), e.getMessage());
        assertEquals(List.of(), cacheFiles());
    }

    @Test
    void anHttpErrorNamesTheUrlAndTheStatus() throws IOException {
        URI url = url("/missing/model.h5");
        WeightsDownloadException e = assertThrows(WeightsDownloadException.class,
                () -> cache().fetch(url, contentSha256));
        assertTrue(e.getMessage().contains("GET " + url + ": HTTP 404"), e.getMessage());
        assertEquals(List.of(), cacheFiles());
    }

    @Test
    void redirectsAreFollowedAndTheFileIsNamedAfterTheRequestedUrl() throws IOException {
        Path file = cache().fetch(url("/redirect/weights.h5"), contentSha256);
        assertEquals(cacheDir.resolve("weights.h5"), file);
        assertArrayEquals(content, Files.readAllBytes(file));
        assertEquals(1, hitsOf("/redirect/weights.h5"));
        assertEquals(1, hitsOf("/files/model.h5"));
    }

    @Test
    void concurrentFetchesOfOneFileLeaveOneIntactFile() throws Exception {
        URI url = url("/slow/model.h5");
        CyclicBarrier start = new CyclicBarrier(2);
        try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
            Future<Path> a = threads.submit(() -> {
                start.await();
                return cache().fetch(url, contentSha256);
            });
            Future<Path> b = threads.submit(() -> {
                start.await();
                return Weights.cache(cacheDir).fetch(url, contentSha256);
            });
            assertEquals(a.get(), b.get());
            assertEquals(contentSha256, WeightsCache.sha256Of(a.get()));
        }
        assertEquals(1, hitsOf("/slow/model.h5"), "the second caller waits and then finds the file cached");
        assertEquals(List.of("model.h5"), cacheFiles());
    }

    @Test
    void aConnectionClosedEarlyLeavesNothingInTheCache() throws IOException {
        URI url = url("/truncated/model.h5");
        WeightsDownloadException e = assertThrows(WeightsDownloadException.class,
                () -> cache().fetch(url, contentSha256));
        // the client notices the missing bytes itself (the checksum would be the second line of defence)
        assertTrue(e.getMessage().startsWith("GET " + url + " failed after "), e.getMessage());
        assertEquals(List.of(), cacheFiles());
    }

    @Test
    void aStalledDownloadIsAbandonedAfterTheIdleTimeout() throws IOException {
        URI url = url("/stall/model.h5");
        long startNanos = System.nanoTime();
        WeightsDownloadException e = assertThrows(WeightsDownloadException.class,
                () -> cache().withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(300)).fetch(url, contentSha256));
        long ms = (System.nanoTime() - startNanos) / 1_000_000;
        assertTrue(e.getMessage().contains("no data for 300 ms after 1000 bytes"), e.getMessage());
        assertTrue(ms < 5_000, "gave up after " + ms + " ms, long before the server's 10 s stall ended");
        assertEquals(List.of(), cacheFiles());
    }

    @Test
    void theDefaultCacheIsTheSystemPropertyElseUnderTheHomeFolder() throws IOException {
        String before = System.getProperty(Weights.CACHE_PROPERTY);
        try {
            System.clearProperty(Weights.CACHE_PROPERTY);
            assertEquals(Path.of(System.getProperty("user.home"), ".transfer4j", "models"), Weights.defaultDirectory());
            Path custom = cacheDir.resolve("custom");
            System.setProperty(Weights.CACHE_PROPERTY, custom.toString());
            assertEquals(custom, Weights.defaultDirectory());
            Path file = Weights.fetch(url("/files/model.h5"), contentSha256);
            assertEquals(custom.resolve("model.h5"), file);
            assertArrayEquals(content, Files.readAllBytes(file));
        } finally {
            if (before == null) {
                System.clearProperty(Weights.CACHE_PROPERTY);
            } else {
                System.setProperty(Weights.CACHE_PROPERTY, before);
            }
        }
    }

    @Test
    void malformedChecksumsAndUrlsAreRejectedBeforeAnyRequest() {
        // 40 hex digits (a SHA-1) is neither of Keras' two algorithms
        IllegalArgumentException sha1 = assertThrows(IllegalArgumentException.class,
                () -> cache().fetch(url("/files/model.h5"), "a9993e364706816aba3e25717850c26c9cd0d89d"));
        assertTrue(sha1.getMessage().contains("64 hex digits (SHA-256) or 32 (MD5)"), sha1.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> cache().fetch(url("/files/model.h5"), "g" + ABC_MD5.substring(1)));
        assertThrows(IllegalArgumentException.class, () -> cache().fetch(url("/files/model.h5"), (String) null));
        assertThrows(IllegalArgumentException.class, () -> cache().fetch(url("/files/"), contentSha256));
        assertThrows(IllegalArgumentException.class, () -> cache().fetch(url("/files/%2E%2E"), contentSha256));
        assertThrows(IllegalArgumentException.class,
                () -> cache().fetch(URI.create("file:///etc/model.h5"), contentSha256));
        assertEquals(0, hits.size());
    }

    @Test
    void anMd5VerifiesAsKerasAutoRuleReadsA32DigitHash() throws IOException {
        Path file = cache().fetch(url("/files/abc.txt"), ABC_MD5);
        assertEquals("abc", Files.readString(file));
        Path again = cache().fetch(url("/files/abc.txt"), ABC_MD5.toUpperCase());
        assertEquals(file, again);
        assertEquals(1, hitsOf("/files/abc.txt"), "the cached file verifies with MD5 too");
    }

    @Test
    void aWrongMd5DeletesTheDownloadAndNamesTheAlgorithm() throws Exception {
        URI url = url("/files/model.h5");
        String contentMd5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
        WeightsDownloadException e = assertThrows(WeightsDownloadException.class,
                () -> cache().fetch(url, ABC_MD5));
        assertTrue(e.getMessage().contains(url + ": md5 mismatch: expected " + ABC_MD5 + ", got " + contentMd5),
                e.getMessage());
        assertEquals(List.of(), cacheFiles());
        WeightsDownloadException sha = assertThrows(WeightsDownloadException.class,
                () -> cache().fetch(url, ABC_SHA256));
        assertTrue(sha.getMessage().contains("sha256 mismatch"), sha.getMessage());
    }

    @Test
    void aKerasApplicationsFileIsFetchedUnderItsKerasNameAndVerifiedWithItsListedHash() throws IOException {
        Path shared = TestData.require("keras/mobilenet_2_5_224_tf_no_top.h5");
        kerasFile = Files.readAllBytes(shared);
        PretrainedWeights listed = MobileNet.builder().alpha(0.25).includeTop(false).imagenetWeights();
        assertEquals("mobilenet_2_5_224_tf_no_top.h5", listed.fileName());
        assertEquals(MOBILENET_2_5_NO_TOP_SHA256, listed.fileHash());
        // Keras' listing, served from the local server under Keras' path instead of storage.googleapis.com
        URI local = url(listed.url().getPath().replaceFirst("^/tensorflow/", "/keras/"));
        PretrainedWeights served = new PretrainedWeights(local, listed.fileName(), listed.fileHash());
        String before = System.getProperty(Weights.CACHE_PROPERTY);
        try {
            System.setProperty(Weights.CACHE_PROPERTY, cacheDir.toString());
            Path file = Weights.fetch(served);
            assertEquals(cacheDir.resolve("mobilenet_2_5_224_tf_no_top.h5"), file);
            assertArrayEquals(kerasFile, Files.readAllBytes(file));
            assertEquals(MOBILENET_2_5_NO_TOP_SHA256, WeightsCache.sha256Of(file));
            assertEquals(file, Weights.fetch(served));
            assertEquals(1, hitsOf(local.getPath()), "the second fetch uses the cache");
        } finally {
            if (before == null) {
                System.clearProperty(Weights.CACHE_PROPERTY);
            } else {
                System.setProperty(Weights.CACHE_PROPERTY, before);
            }
        }
    }

    @Test
    void aFileWithoutAPublishedHashIsRefusedBeforeAnyRequest() {
        PretrainedWeights listed = MobileNet.builder().imagenetWeights();
        assertEquals(null, listed.fileHash(), "Keras publishes no hash for mobilenet_1_0_224_tf.h5");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Weights.fetch(listed));
        assertTrue(e.getMessage().contains("Keras publishes no checksum for mobilenet_1_0_224_tf.h5"), e.getMessage());
        assertTrue(e.getMessage().contains("fetch(url, hash)"), e.getMessage());
        PretrainedWeights local = new PretrainedWeights(url("/files/model.h5"), "model.h5", null);
        assertThrows(IllegalArgumentException.class, () -> cache().fetch(local));
        assertEquals(0, hits.size());
    }
}
