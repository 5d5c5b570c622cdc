package org.transfer4j.tensor;

/**
 * A seeded, counter-based random generator (as Philox is in PyTorch/cuRAND): number {@code k} of a
 * stream is a pure function {@code hash(seed, k)}. Any backend can produce the same numbers in any
 * order or in parallel; the generator only hands out counter ranges.
 *
 * <p>Handing out counters is synchronized, so one generator may be shared (as the default one is);
 * a thread that wants a reproducible stream of its own should still use its own generator.
 */
public final class Generator {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static volatile Generator defaultGenerator = new Generator(0);

    private final long seed;
    private long counter;

    public Generator(long seed) {
        this.seed = seed;
    }

    /**
     * The process-wide generator used where none is given: weight initialisers, dropout layers. It
     * starts from seed 0, so a program that builds the same models in the same order gets the same
     * weights on every run; {@link #manualSeed} restarts it (as {@code torch.manual_seed} or
     * {@code keras.utils.set_random_seed}).
     */
    public static Generator defaultGenerator() {
        return defaultGenerator;
    }

    /** Replaces the default generator by a fresh one with this seed. */
    public static void manualSeed(long seed) {
        defaultGenerator = new Generator(seed);
    }

    public long seed() {
        return seed;
    }

    /** The next counter; restoring it with {@link #setCounter} replays the stream from there. */
    public synchronized long counter() {
        return counter;
    }

    public synchronized void setCounter(long counter) {
        this.counter = counter;
    }

    /** Reserves {@code n} numbers of the stream and returns the first counter. */
    public synchronized long reserve(long n) {
        long first = counter;
        counter += n;
        return first;
    }

    /** splitmix64's finaliser: a bijective 64-bit mix with good avalanche. */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** 64 random bits for counter {@code k} of the stream {@code seed}. */
    public static long bits(long seed, long k) {
        return mix64(mix64(seed) + (k + 1) * GOLDEN);
    }

    /** A uniform float in [0, 1) with 24 random bits, for counter {@code k}. */
    public static float uniform(long seed, long k) {
        return (bits(seed, k) >>> 40) * 0x1.0p-24f;
    }

    /** A uniform double in (0, 1] (never 0, so its log is finite), for counter {@code k}. */
    public static double uniformOpenZero(long seed, long k) {
        return ((bits(seed, k) >>> 11) + 1) * 0x1.0p-53;
    }

    /**
     * A standard normal sample by Box–Muller from counters {@code k} and {@code k+1}; so a normal
     * tensor of n elements uses 2n counters, element i the pair starting at {@code first + 2i}.
     */
    public static float normal(long seed, long k) {
        double u1 = uniformOpenZero(seed, k);
        double u2 = uniformOpenZero(seed, k + 1);
        return (float) (Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2));
    }
}
