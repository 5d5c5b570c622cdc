package org.transfer4j.tensor;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.transfer4j.backend.Storage;

/**
 * Frees, when it closes, the storage of every tensor made inside it on this thread, except those it was
 * told to {@link #keep}. A training step or a prediction makes hundreds of intermediate tensors (activations,
 * the tape's saved values, gradients); on the CPU the garbage collector reclaims them, but GPU memory does
 * not count towards the Java heap, so the collector runs far too rarely for it: without scopes a
 * MobileNetV2 training step on an H200 filled all 141 GB of device memory within a few steps and every
 * allocation became a real {@code cuMemAlloc}. PyTorch frees each tensor when its last Python reference
 * goes; a scope is the JVM's stand-in for that, around a unit of work whose results are known.
 *
 * <pre>{@code
 * try (TensorScope scope = TensorScope.open()) {
 *     Tensor loss = lossFn.compute(model.call(x, true), labels);
 *     loss.backward();
 *     optimizer.step();
 *     return loss.item();                  // or: return scope.keep(someTensor);
 * }
 * }</pre>
 *
 * <p>What a scope tracks: each storage a tensor is made over inside it ({@link Tensor#wrap}: every op result,
 * every new tensor); views of older storage are not tracked, so a scope never frees what existed before it
 * opened. What must outlive the scope: tensors returned by the code in it ({@link #keep}), and state made
 * lazily inside it that belongs to a longer-lived owner — an optimizer's slots, a layer's device constants,
 * a weight's gradient — which its owner makes with {@link #outside}. Scopes nest: a kept storage passes to
 * the enclosing scope, which frees it in its turn unless kept there too. Closing a storage twice is
 * harmless, so ops that close their own temporaries are fine inside a scope.
 *
 * <p>A tensor freed by a scope fails every later use with {@link ClosedTensorException}: a reference held
 * past the scope without {@code keep} is a bug that shows at once, on the CPU as on the GPU.
 */
public final class TensorScope implements AutoCloseable {
    private static final ThreadLocal<TensorScope> CURRENT = new ThreadLocal<>();
    /** Per thread: how many {@link #outside} calls are running (tracking is off while it is above 0). */
    private static final ThreadLocal<int[]> OUTSIDE = ThreadLocal.withInitial(() -> new int[1]);

    private final TensorScope parent;
    private final Thread owner;
    private final Set<Storage> made = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<Storage> kept = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closed;

    private TensorScope(TensorScope parent) {
        this.parent = parent;
        this.owner = Thread.currentThread();
    }

    /** Opens a scope on this thread, inside the current one if any. */
    public static TensorScope open() {
        TensorScope scope = new TensorScope(CURRENT.get());
        CURRENT.set(scope);
        return scope;
    }

    /** The innermost scope open on this thread, or null when none is open or tracking is off ({@link #outside}). */
    public static TensorScope current() {
        return isTracking() ? CURRENT.get() : null;
    }

    /** Whether a scope is open on this thread and tracking (not inside {@link #outside}). */
    public static boolean isTracking() {
        return CURRENT.get() != null && OUTSIDE.get()[0] == 0;
    }

    /**
     * Runs {@code maker} with tracking off: what it makes belongs to no scope (garbage-collected as before).
     * For state made lazily inside a scope by an owner that outlives it: optimizer slots, device constants,
     * accumulated gradients.
     */
    public static <T> T outside(Supplier<T> maker) {
        int[] depth = OUTSIDE.get();
        depth[0]++;
        try {
            return maker.get();
        } finally {
            depth[0]--;
        }
    }

    /**
     * Runs {@code maker} in a scope of its own and returns its result; of the storages it made, only
     * {@code kept}'s passes to the enclosing scope (which frees it in its turn), the others are left to the garbage
     * collector. For a producer whose calls may make more than they return: a batch stream that prepares the next
     * batch while handing out this one must not see that next batch freed with this one.
     */
    public static <T> T keepingOnly(Supplier<T> maker, Function<T, Tensor> kept) {
        TensorScope scope = open();
        T result;
        Storage keep;
        try {
            result = maker.get();
            Tensor t = kept.apply(result);
            keep = t != null && scope.made.contains(t.storage()) ? t.storage() : null;
        } finally {
            scope.made.clear(); // the rest (and all of it if maker throws) is left to the garbage collector
            scope.close();
        }
        if (keep != null) {
            track(keep);
        }
        return result;
    }

    /** {@link #outside} for code that returns nothing (a callback). */
    public static void runOutside(Runnable action) {
        outside(() -> {
            action.run();
            return null;
        });
    }

    /** Called by {@link Tensor#wrap}: the innermost open scope of this thread (if tracking) now owns {@code storage}. */
    static void track(Storage storage) {
        TensorScope scope = CURRENT.get();
        if (scope != null && OUTSIDE.get()[0] == 0) {
            scope.made.add(storage);
        }
    }

    /**
     * For a backend whose storage wraps another backend's (a test double over the CPU backend, say): in the
     * innermost open scope, {@code wrapper} takes the place of {@code wrapped}, so that keeping a tensor over
     * the wrapper keeps both, and freeing the wrapper (which must close what it wraps) frees both.
     */
    public static void adopt(Storage wrapper, Storage wrapped) {
        TensorScope scope = CURRENT.get();
        if (scope != null && scope.made.remove(wrapped)) {
            scope.made.add(wrapper);
        }
    }

    /** Keeps {@code t}'s storage (and so every view of it) alive past this scope; returns {@code t}. */
    public Tensor keep(Tensor t) {
        checkOpen();
        kept.add(t.storage());
        return t;
    }

    /** Keeps every tensor of {@code tensors} (nulls are skipped). */
    public void keepAll(Iterable<Tensor> tensors) {
        for (Tensor t : tensors) {
            if (t != null) {
                keep(t);
            }
        }
    }

    /** Whether {@code storage} was made in this scope and is still tracked by it (not kept, not freed). */
    public boolean owns(Storage storage) {
        return made.contains(storage) && !kept.contains(storage);
    }

    /**
     * {@link #free}s {@code storage} unless one of {@code live} is over it (a view, or the same tensor handed on):
     * how a backward pass drops a gradient and a prediction an activation as soon as they are done with it.
     */
    public void freeUnlessUsed(Storage storage, Collection<Tensor> live) {
        for (Tensor t : live) {
            if (t.storage() == storage) {
                return;
            }
        }
        free(storage);
    }

    /** Frees a storage this scope {@link #owns} now, before the scope closes; nothing for any other storage. */
    public void free(Storage storage) {
        checkOpen();
        if (owns(storage)) {
            made.remove(storage);
            storage.close();
        }
    }

    /**
     * {@link #freeUnlessUsed} by whichever scope owns {@code storage}, this one or one it is nested in: how a
     * backward pass (its own scope) drops an activation the training step's scope made.
     */
    public void freeWhereOwnedUnlessUsed(Storage storage, Collection<Tensor> live) {
        for (TensorScope s = this; s != null; s = s.parent) {
            if (s.owns(storage)) {
                s.freeUnlessUsed(storage, live);
                return;
            }
        }
    }

    /**
     * Hands a storage this scope {@link #owns} over to the caller: the scope forgets it (neither frees it nor passes
     * it on). For a tensor that becomes long-lived state, such as a weight's gradient the backward pass made.
     */
    public void disown(Storage storage) {
        checkOpen();
        if (owns(storage)) {
            made.remove(storage);
        }
    }

    /** How many storages made in this scope are still tracked (for tests and diagnostics). */
    public int trackedCount() {
        return made.size();
    }

    /**
     * Frees every storage made in this scope that was not kept; kept ones pass to the enclosing scope. Scopes
     * must close in the reverse order of opening, on the thread that opened them.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("a TensorScope must be closed on the thread that opened it (" + owner.getName() + ")");
        }
        if (CURRENT.get() != this) {
            throw new IllegalStateException("TensorScope closed out of order: an inner scope is still open");
        }
        closed = true;
        CURRENT.set(parent);
        List<Storage> free = new ArrayList<>(made.size());
        for (Storage s : made) {
            if (kept.contains(s)) {
                if (parent != null) {
                    parent.made.add(s);
                }
            } else {
                free.add(s);
            }
        }
        made.clear();
        for (Storage s : free) {
            s.close();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("TensorScope is closed");
        }
    }
}
