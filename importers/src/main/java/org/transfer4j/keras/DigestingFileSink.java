package org.transfer4j.keras;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A response body written to a file while its digest (SHA-256 or MD5, see {@link FileHash}) is computed, so
 * the download is read once.
 * It counts the bytes received, which lets the caller notice a stalled connection, and can be
 * cancelled from another thread.
 */
final class DigestingFileSink implements HttpResponse.BodySubscriber<Void> {
    private final FileChannel out;
    private final MessageDigest digest;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final AtomicLong bytes = new AtomicLong();
    private volatile Flow.Subscription subscription;
    private volatile boolean cancelled;

    DigestingFileSink(FileChannel out, MessageDigest digest) {
        this.out = out;
        this.digest = digest;
    }

    /** Bytes written so far. */
    long bytes() {
        return bytes.get();
    }

    /** The digest of everything written; call once the body has completed. */
    byte[] digest() {
        return digest.digest();
    }

    /** Stops receiving: the body completes exceptionally (if it has not completed yet). */
    void cancel() {
        cancelled = true;
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
        done.completeExceptionally(new IOException("download cancelled"));
    }

    @Override
    public CompletionStage<Void> getBody() {
        return done;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (cancelled) {
            s.cancel();
        } else {
            s.request(1);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        try {
            for (ByteBuffer b : buffers) {
                digest.update(b.duplicate());
                int n = b.remaining();
                while (b.hasRemaining()) {
                    out.write(b);
                }
                bytes.addAndGet(n);
            }
            subscription.request(1);
        } catch (IOException e) {
            subscription.cancel();
            done.completeExceptionally(e);
        }
    }

    @Override
    public void onError(Throwable error) {
        done.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        done.complete(null);
    }
}
