package org.transfer4j.nn;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Keras-style automatic layer names ({@code conv2d}, {@code conv2d_1}, ...) and name rules. */
final class LayerNames {
    private static final Map<String, AtomicInteger> COUNTERS = new ConcurrentHashMap<>();

    private LayerNames() {
    }

    /** {@code prefix} the first time, then {@code prefix_1}, {@code prefix_2}, ... (process-wide, as in Keras). */
    static String unique(String prefix) {
        int n = COUNTERS.computeIfAbsent(prefix, k -> new AtomicInteger()).getAndIncrement();
        return n == 0 ? prefix : prefix + "_" + n;
    }

    /** Keras' {@code to_snake_case}: {@code Conv2D -> conv2d}, {@code BatchNormalization -> batch_normalization}, {@code ReLU -> re_lu}. */
    static String snakeCase(String className) {
        String s = className.replaceAll("(.)([A-Z][a-z0-9]+)", "$1_$2");
        return s.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    /** Names address weights as {@code layer/weight}, so they must be non-empty and free of {@code /}. */
    static void check(String name) {
        if (name == null || name.isBlank() || name.contains("/")) {
            throw new IllegalArgumentException("a layer name must be non-empty and contain no '/', got '" + name + "'");
        }
    }

    /** {@code [32, 32, 3] -> (None, 32, 32, 3)}. */
    static String batchShape(int[] shape) {
        StringBuilder sb = new StringBuilder("(None");
        for (int d : shape) {
            sb.append(", ").append(d);
        }
        return sb.append(')').toString();
    }

    /** Levenshtein distance, for "did you mean" hints. */
    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(substitute, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
