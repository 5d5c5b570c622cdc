package org.transfer4j.autograd;

/**
 * A scope in which ops record nothing (inference, frozen feature extraction, optimizer updates):
 * {@code try (NoGrad ignored = NoGrad.enter()) { ... }}. Scopes nest; the state is per thread.
 */
public final class NoGrad implements AutoCloseable {
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private boolean closed;

    private NoGrad() {
        DEPTH.get()[0]++;
    }

    public static NoGrad enter() {
        return new NoGrad();
    }

    /** True unless the current thread is inside a {@code NoGrad} scope. */
    public static boolean isGradEnabled() {
        return DEPTH.get()[0] == 0;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            DEPTH.get()[0]--;
        }
    }
}
