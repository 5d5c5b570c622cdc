package org.transfer4j.cuda.ffm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.util.Objects;

/**
 * A loaded native library: its name for messages ({@code cuBLAS}), where it was found (a path, or the
 * soname when {@code dlopen} found it on its own search path) and its symbols. Loaded libraries live
 * as long as the JVM ({@code Arena.global()}): CUDA libraries are never unloaded.
 *
 * @param name     the library's name in messages, e.g. {@code cuBLAS}
 * @param location a path, or the bare soname found by {@code dlopen}
 * @param symbols  the library's symbols
 */
public record NativeLibrary(String name, String location, SymbolLookup symbols) {

    public NativeLibrary {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(symbols, "symbols");
    }

    /** A downcall of {@code prototype} into this library; the symbol is looked up on first use. */
    public Downcall downcall(Prototype prototype) {
        return new Downcall(this, prototype);
    }

    /**
     * The address of {@code symbol}.
     *
     * @throws NativeSymbolNotFoundException naming the symbol and this library when it is not exported
     */
    public MemorySegment find(String symbol) {
        return symbols.find(symbol).orElseThrow(() -> new NativeSymbolNotFoundException(symbol, name, location));
    }

    @Override
    public String toString() {
        return name + " (" + location + ")";
    }
}
