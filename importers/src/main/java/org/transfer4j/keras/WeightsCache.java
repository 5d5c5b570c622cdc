package org.transfer4j.keras;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.transfer4j.applications.PretrainedWeights;

/**
 * A folder of downloaded files, each named after the last path segment of its URL and verified by
 * SHA-256 or MD5, as Keras' {@code get_file} verifies them (made by {@link Weights#cache(Path)}). Instances
 * are immutable and safe to share.
 */
public final class WeightsCache {
    private static final Logger LOG = LoggerFactory.getLogger(WeightsCache.class);
    /** One lock per target file, so threads of this JVM download a file once and never race on it. */
    private static final ConcurrentHashMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    private final Path directory;
    private final Duration connectTimeout;
    private final Duration idleTimeout;

    WeightsCache(Path directory, Duration connectTimeout, Duration idleTimeout) {
        this.directory = directory.toAbsolutePath().normalize();
        this.connectTimeout = positive("connect timeout", connectTimeout);
        this.idleTimeout = positive("idle timeout", idleTimeout);
    }

    /** The cache folder. */
    public Path directory() {
        return directory;
    }

    /**
     * This cache with other timeouts: {@code connect} for opening the connection, {@code idle} for the
     * response headers and then for each next piece of the body (a stalled download fails after it).
     */
    public WeightsCache withTimeouts(Duration connect, Duration idle) {
        return new WeightsCache(directory, connect, idle);
    }

    /**
     * Where {@link #fetch} keeps the file of {@code url}: the cache folder and the URL's last path segment.
     *
     * @throws IllegalArgumentException when the URL is not http(s) or its path does not end in a file name
     */
    public Path pathOf(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("weights URL must be http or https: " + url);
        }
        String path = url.getPath() == null ? "" : url.getPath();
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("weights URL does not end in a file name: " + url);
        }
        try {
            return directory.resolve(name);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("weights URL's file name '" + name + "' is not a valid file name: "
                    + url, e);
        }
    }

    /**
     * The file of {@code url} in this cache. When the cache holds it with the checksum {@code fileHash}, it
     * is returned without any download; otherwise (absent, or a wrong checksum, which is logged) it is
     * downloaded, following redirects, into a temporary file in the cache folder, verified while it streams,
     * synced to disk and renamed into place atomically, so the cache never holds a partial or unverified file.
     *
     * @param fileHash the file's checksum, either case, its algorithm told by its length as Keras'
     *     {@code get_file(file_hash=..., hash_algorithm="auto")} does: 64 hex digits are a SHA-256, 32 an MD5
     *     (Keras publishes MD5s for ResNet and VGG)
     * @throws IllegalArgumentException for a malformed checksum or a URL without a file name
     * @throws WeightsDownloadException naming the URL: an HTTP error status, a failed, truncated or stalled
     *     transfer, a checksum mismatch (naming the algorithm, the expected and actual digests), or an
     *     unwritable cache
     */
    public Path fetch(URI url, String fileHash) {
        FileHash expected = FileHash.parse(fileHash, url);
        Path target = pathOf(url);
        ReentrantLock lock = LOCKS.computeIfAbsent(target, k -> new ReentrantLock());
        lock.lock();
        try {
            if (Files.isRegularFile(target)) {
                String actual = expected.of(target);
                if (actual.equals(expected.hex())) {
                    LOG.debug("{}: using the cached {}", url, target);
                    return target;
                }
                LOG.warn("{} has {} {}, not the expected {}: downloading it again from {}",
                        target, expected.name(), actual, expected.hex(), url);
            }
            Files.createDirectories(directory);
            download(url, target, expected);
            return target;
        } catch (IOException e) {
            throw new WeightsDownloadException("cannot fetch " + url + " into " + directory + ": " + e, e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The file Keras lists for a pretrained model ({@code ApplicationBuilder.imagenetWeights()}), fetched as
     * {@link #fetch(URI, String)} with the hash Keras publishes.
     *
     * @throws IllegalArgumentException when Keras publishes no checksum for the file ({@code fileHash} null):
     *     nothing is downloaded unverified; the message says how to pass a checksum you trust
     */
    public Path fetch(PretrainedWeights weights) {
        if (weights.fileHash() == null) {
            throw new IllegalArgumentException("Keras publishes no checksum for " + weights.fileName() + " ("
                    + weights.url() + "), and transfer4j downloads nothing unverified: get the file's SHA-256 from"
                    + " a source you trust (or compute it from a copy you trust) and call fetch(url, hash) with it");
        }
        return fetch(weights.url(), weights.fileHash());
    }

    private void download(URI url, Path target, FileHash expected) throws IOException {
        LOG.info("Downloading {} to {}", url, target);
        Path tmp = Files.createTempFile(directory, "." + target.getFileName() + ".", ".part");
        HttpClient client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL) // never from https down to http
                .connectTimeout(connectTimeout)
                .build();
        try {
            long bytes;
            String actual;
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                DigestingFileSink sink = new DigestingFileSink(out, expected.newDigest());
                HttpRequest request = HttpRequest.newBuilder(url).timeout(idleTimeout).GET().build();
                CompletableFuture<HttpResponse<Void>> response = client.sendAsync(request,
                        info -> info.statusCode() == 200 ? sink : HttpResponse.BodySubscribers.discarding());
                HttpResponse<Void> r = await(url, response, sink);
                if (r.statusCode() != 200) {
                    throw new WeightsDownloadException("GET " + url + ": HTTP " + r.statusCode()
                            + (r.uri().equals(url) ? "" : " (redirected to " + r.uri() + ")"));
                }
                out.force(true);
                bytes = sink.bytes();
                actual = HexFormat.of().formatHex(sink.digest());
            }
            if (!actual.equals(expected.hex())) {
                throw new WeightsDownloadException("GET " + url + ": " + expected.name() + " mismatch: expected "
                        + expected.hex() + ", got " + actual + " (" + bytes + " bytes); the download was deleted");
            }
            Npy.moveIntoPlace(tmp, target);
            syncDirectory();
            LOG.info("Downloaded {} ({} bytes, {} verified)", target, bytes, expected.name());
        } finally {
            client.shutdownNow();
            deleteQuietly(tmp); // gone already after a successful move
        }
    }

    /**
     * Waits for the whole body. The HTTP client has no timeout for a body that stops arriving, so this
     * polls the bytes received and gives up when a full idle period brings none.
     */
    private HttpResponse<Void> await(URI url, CompletableFuture<HttpResponse<Void>> response,
            DigestingFileSink sink) {
        long seen = -1;
        while (true) {
            try {
                return response.get(idleTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                long now = sink.bytes();
                if (now == seen) {
                    sink.cancel();
                    response.cancel(true);
                    throw new WeightsDownloadException("GET " + url + ": no data for " + idleTimeout.toMillis()
                            + " ms after " + now + " bytes; the download was abandoned");
                }
                seen = now;
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                throw new WeightsDownloadException("GET " + url + " failed after " + sink.bytes() + " bytes: "
                        + cause, cause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                sink.cancel();
                response.cancel(true);
                throw new WeightsDownloadException("GET " + url + ": interrupted", e);
            }
        }
    }

    /** Makes the rename durable; some platforms (Windows) cannot open a folder, and then it is skipped. */
    private void syncDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            LOG.debug("cannot sync the folder {}: {}", directory, e.toString());
        }
    }

    /** Deletes a temporary file without masking the error being thrown, if any. */
    private static void deleteQuietly(Path tmp) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            LOG.warn("cannot delete the temporary file {}: {}", tmp, e.toString());
        }
    }

    /** The SHA-256 of a file, as lowercase hex. */
    static String sha256Of(Path file) throws IOException {
        return FileHash.hexDigest(file, FileHash.digest("SHA-256"));
    }

    private static Duration positive(String what, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + d);
        }
        return d;
    }
}
