package org.transfer4j.nn.layers;

import java.util.Arrays;
import java.util.Locale;
import org.transfer4j.backend.Padding;
import org.transfer4j.nn.Activations;

/** Checks and conversions of layer arguments shared by several layers. */
final class LayerArgs {
    private LayerArgs() {
    }

    /** Keras' padding strings: {@code "valid"} or {@code "same"}. */
    static Padding padding(String keras) {
        return switch (keras == null ? "" : keras.toLowerCase(Locale.ROOT)) {
            case "valid" -> Padding.VALID;
            case "same" -> Padding.SAME;
            default -> throw new IllegalArgumentException("padding must be \"valid\" or \"same\", got \"" + keras + "\"");
        };
    }

    /** Keras' {@code data_format}: true for {@code "channels_first"} (NCHW), false for {@code "channels_last"} (NHWC). */
    static boolean channelsFirst(String dataFormat) {
        return switch (dataFormat == null ? "" : dataFormat.toLowerCase(Locale.ROOT)) {
            case "channels_last" -> false;
            case "channels_first" -> true;
            default -> throw new IllegalArgumentException(
                    "dataFormat must be \"channels_last\" or \"channels_first\", got \"" + dataFormat + "\"");
        };
    }

    static void positive(String argument, int... values) {
        for (int v : values) {
            if (v < 1) {
                throw new IllegalArgumentException(argument + " must be positive, got " + Arrays.toString(values));
            }
        }
    }

    /** Keras' {@code activation} argument: a name {@link Activations#get} knows; null means "linear". */
    static String activation(String name) {
        Activations.get(name);
        return name == null ? "linear" : name;
    }

    static void nonNegative(String argument, int... values) {
        for (int v : values) {
            if (v < 0) {
                throw new IllegalArgumentException(argument + " must be non-negative, got " + Arrays.toString(values));
            }
        }
    }
}
