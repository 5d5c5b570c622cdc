package org.transfer4j.cuda.ffm;

import org.transfer4j.Transfer4jException;

/**
 * A function bound by a {@link Downcall} is not exported by the library that was loaded (an older or
 * newer version than the binding was written for). Thrown on the first call of that function, not
 * when the library loads, so that a missing function only fails the op that needs it.
 */
public final class NativeSymbolNotFoundException extends Transfer4jException {

    public NativeSymbolNotFoundException(String symbol, String library, String location) {
        super("symbol " + symbol + " not found in " + library + " (" + location + ")");
    }
}
