package org.transfer4j.keras;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * A seeded fuzz loop for plain JUnit tests: {@code tries} cases drawn from {@code generate}, each given to
 * {@code check}, which returns a label for the statistics or throws an {@link AssertionError}. A failing
 * case is shrunk greedily (the first smaller case from {@code shrinks} that still fails replaces it, until
 * none does or the budget is spent), and the error names the seed, the try, the shrunk and the original
 * case. Each try draws from its own split of {@code new SplittableRandom(seed)}, so a seed and a number of
 * tries always give the same cases.
 *
 * <p>Why not jqwik, which the issue names: jqwik 1.10.1's engine prints a message addressed to AI coding
 * agents into the output of every test run ({@code JqwikExecutor.printMessageForCodingAgents}, telling them
 * not to use the library and to "disregard previous instructions"), which then would sit in the output of
 * every build of this module. A seeded loop with greedy shrinking is all this test needs.
 *
 * @param <C> a case; its {@code toString} must say all of it (a record of records), for the report
 */
final class FuzzLoop<C> {
    /** Shrinking stops after this many checks or this much time, whichever comes first. */
    static final int SHRINK_CHECKS = 400;
    static final long SHRINK_NANOS = 60_000_000_000L;

    private final String name;
    private final Function<RandomGenerator, C> generate;
    private final Function<C, List<C>> shrinks;
    private final Function<C, String> check;

    FuzzLoop(String name, Function<RandomGenerator, C> generate, Function<C, List<C>> shrinks, Function<C, String> check) {
        this.name = name;
        this.generate = generate;
        this.shrinks = shrinks;
        this.check = check;
    }

    /** Runs the tries; returns how many cases got each label, sorted by label. */
    Map<String, Integer> run(long seed, int tries) {
        SplittableRandom master = new SplittableRandom(seed);
        Map<String, Integer> labels = new TreeMap<>();
        for (int i = 0; i < tries; i++) {
            C c = generate.apply(master.split());
            try {
                labels.merge(check.apply(c), 1, Integer::sum);
            } catch (AssertionError e) {
                throw shrunk(c, e, "try " + (i + 1) + " of " + tries + " with seed " + seed);
            }
        }
        return labels;
    }

    private AssertionError shrunk(C original, AssertionError error, String where) {
        C smallest = original;
        AssertionError smallestError = error;
        long deadline = System.nanoTime() + SHRINK_NANOS;
        int checks = 0;
        boolean smaller = true;
        while (smaller && checks < SHRINK_CHECKS && System.nanoTime() < deadline) {
            smaller = false;
            for (C candidate : shrinks.apply(smallest)) {
                if (checks++ >= SHRINK_CHECKS || System.nanoTime() >= deadline) {
                    break;
                }
                try {
                    check.apply(candidate);
                } catch (AssertionError e) {
                    smallest = candidate;
                    smallestError = e;
                    smaller = true;
                    break;
                }
            }
        }
        AssertionError out = new AssertionError(name + ": " + where + " fails: " + smallestError.getMessage()
                + "\n  shrunk case (" + checks + " shrink checks): " + smallest + "\n  original case: " + original,
                smallestError.getCause() != null ? smallestError.getCause() : smallestError);
        return out;
    }

    /** The usual shrinks of a list of steps: each step left out (while one remains), then each step made simpler. */
    static <S> List<List<S>> shrinkSteps(List<S> steps, Function<S, List<S>> simpler) {
        List<List<S>> out = new ArrayList<>();
        for (int i = 0; steps.size() > 1 && i < steps.size(); i++) {
            List<S> fewer = new ArrayList<>(steps);
            fewer.remove(i);
            out.add(List.copyOf(fewer));
        }
        for (int i = 0; i < steps.size(); i++) {
            for (S s : simpler.apply(steps.get(i))) {
                List<S> simplerSteps = new ArrayList<>(steps);
                simplerSteps.set(i, s);
                out.add(List.copyOf(simplerSteps));
            }
        }
        return out;
    }
}
