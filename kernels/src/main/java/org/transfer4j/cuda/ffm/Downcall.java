package org.transfer4j.cuda.ffm;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.util.Objects;

/**
 * One C function of a {@link NativeLibrary}, bound through {@link Linker#downcallHandle} with the
 * descriptor of its {@link Prototype}. The symbol is looked up and the handle made on the first call
 * of {@link #handle()}, so a library that lacks a function we bind (an older cuDNN without
 * {@code cudnnSetConvolutionGroupCount}, say) still loads, and only the op that needs that function
 * fails, with a {@link NativeSymbolNotFoundException} naming the symbol and the library.
 *
 * <p>Call sites use {@code (int) fn.handle().invokeExact(...)} with arguments whose static Java types
 * match {@link #descriptor()} exactly ({@code MemorySegment} for {@code ADDRESS}, {@code int},
 * {@code long}, {@code float}, {@code double}).
 */
public final class Downcall {

    private final NativeLibrary library;
    private final Prototype prototype;
    private final FunctionDescriptor descriptor;
    private volatile MethodHandle handle;

    Downcall(NativeLibrary library, Prototype prototype) {
        this.library = Objects.requireNonNull(library, "library");
        this.prototype = Objects.requireNonNull(prototype, "prototype");
        this.descriptor = prototype.descriptor();
    }

    /** The prototype this downcall was made from. */
    public Prototype prototype() {
        return prototype;
    }

    /** The descriptor the handle is made with: {@code prototype().descriptor()}. */
    public FunctionDescriptor descriptor() {
        return descriptor;
    }

    /**
     * The downcall handle, made on first use.
     *
     * @throws NativeSymbolNotFoundException when the library does not export the function
     */
    public MethodHandle handle() {
        MethodHandle h = handle;
        if (h == null) {
            synchronized (this) {
                h = handle;
                if (h == null) {
                    h = Linker.nativeLinker().downcallHandle(library.find(prototype.name()), descriptor);
                    handle = h;
                }
            }
        }
        return h;
    }

    @Override
    public String toString() {
        return prototype + " in " + library;
    }
}
