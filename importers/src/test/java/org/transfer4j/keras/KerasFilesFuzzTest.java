package org.transfer4j.keras;

import io.jhdf.HdfFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transfer4j.applications.MobileNet;
import org.transfer4j.nn.Model;
import org.transfer4j.testdata.TestData;

/**
 * The rule of issue 5's "Hostile and broken files", fuzzed: a damaged Keras or {@code .npy} file, read
 * through any public entry point, either reads or fails with a {@link KerasImportException} naming the
 * file; never another exception or error (jhdf's exceptions, OutOfMemoryError, StackOverflowError,
 * NegativeArraySizeException, ...), never a hang (each read has {@value #TIME_LIMIT_S} s), and never an
 * allocation out of proportion to the file (at most {@value #ALLOCATION_LIMIT_BYTES} bytes per read).
 *
 * <p>The files are the real ones of {@code ../shared/data/keras} and the {@code .npy} fixtures, each changed
 * by 1-4 {@link FileMutation}s: byte flips, runs of 0x00/0xFF/random bytes, truncation, deleted and
 * duplicated ranges; for HDF5 also fields located by {@link H5Landmarks} (dataspace dimensions, attribute
 * lengths, element sizes, data addresses, message sizes, the superblock's end-of-file address, ...) set to
 * boundary values or pointed at other structures, and same-length edits of the {@code model_config} JSON
 * (numbers, layer names, brackets); for {@code .npy} the header's shape, type or order rewritten. The
 * readers: {@link KerasH5#info}, {@link KerasH5#buildModel}, {@link KerasH5#load}, {@code KerasWeights.read},
 * {@link KerasWeights#load(Path, Model, boolean)} (strict and not, into MobileNet) and {@link Npy#read}.
 *
 * <p>The seed is fixed, so CI runs the same cases each time, and the default numbers of tries keep this
 * class within about 30 s on 2 cores. {@code -Dtransfer4j.fuzz.tries=N} runs N tries per test instead, and
 * {@code -Dtransfer4j.fuzz.seed=S} draws other cases, for long local runs. A failure is shrunk by
 * {@link FuzzLoop}; once fixed, the shrunk case becomes a fixed test in {@link KerasFilesFuzzRegressionTest}.
 */
class KerasFilesFuzzTest {
    static final long TIME_LIMIT_S = 5;
    /** The real files are at most 3 MB and read whole with tens of MB; a quarter GB is out of proportion. */
    static final long ALLOCATION_LIMIT_BYTES = 256L << 20;
    static final long DEFAULT_SEED = 5_052_025;
    static final int H5_TRIES = 1_200;
    static final int NPY_TRIES = 5_000;

    static final List<String> H5_FILES = List.of("mobilenet_2_5_224_tf_no_top.h5",
            "mobilenet_v1_0.25_224_imagenet.h5", "resnet8_cifar10_keras2.4.0.h5",
            "resnet8_cifar10_large_keras2.14.0.h5", "vww_96.h5");
    static final Path NPY_DIR = Path.of("src/test/resources/npy");

    /**
     * A real file, the HDF5 fields the fuzzer aims at in it, where its {@code model_config} JSON lies
     * ({@code jsonStart < 0} when it has none), and (MobileNet only) a model its weights load into.
     */
    record Original(String name, byte[] bytes, H5Landmarks.Found fields, int jsonStart, int jsonEnd, Model model) {
    }

    /** One fuzz case: a file and the mutations applied to it in order. */
    record Case(String file, List<FileMutation> mutations) {
        byte[] apply(byte[] bytes) {
            byte[] out = bytes;
            for (FileMutation m : mutations) {
                out = m.apply(out);
            }
            return out;
        }

        List<Case> shrinks() {
            return FuzzLoop.shrinkSteps(mutations, FileMutation::simpler).stream().map(ms -> new Case(file, ms)).toList();
        }
    }

    private static final Map<String, Original> ORIGINALS = new ConcurrentHashMap<>();
    private static final ExecutorService READERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fuzz-reader");
        t.setDaemon(true); // a reader that hangs must not keep the test JVM alive
        return t;
    });

    @TempDir
    Path dir;

    static long seed() {
        return Long.getLong("transfer4j.fuzz.seed", DEFAULT_SEED);
    }

    static int tries(int byDefault) {
        return Integer.getInteger("transfer4j.fuzz.tries", byDefault);
    }

    @Test
    void aDamagedKerasFileReadsOrIsRefusedWithAKerasImportException() {
        List<Original> originals = H5_FILES.stream().map(KerasFilesFuzzTest::h5Original).toList();
        FuzzLoop<Case> loop = new FuzzLoop<>("damaged .h5", r -> {
            Original o = originals.get(r.nextInt(originals.size()));
            return new Case(o.name(), Stream.generate(() -> switch (r.nextInt(6)) {
                case 0, 1 -> FileMutation.field(o.fields(), o.bytes(), r);
                case 2 -> o.jsonStart() >= 0 ? FileMutation.json(o.bytes(), o.jsonStart(), o.jsonEnd(), r)
                        : FileMutation.bytes(o.bytes().length, r);
                default -> FileMutation.bytes(o.bytes().length, r);
            }).limit(1 + r.nextInt(4)).toList());
        }, Case::shrinks, this::readH5);
        report("damaged .h5", loop, tries(H5_TRIES));
    }

    @Test
    void aDamagedNpyFileReadsOrIsRefusedWithAKerasImportException() throws IOException {
        List<Original> originals;
        try (Stream<Path> files = Files.list(NPY_DIR)) {
            originals = files.map(p -> p.getFileName().toString()).sorted().map(KerasFilesFuzzTest::npyOriginal).toList();
        }
        FuzzLoop<Case> loop = new FuzzLoop<>("damaged .npy", r -> {
            Original o = originals.get(r.nextInt(originals.size()));
            return new Case(o.name(), Stream.generate(() -> r.nextInt(4) == 0 ? FileMutation.npyHeader(r)
                    : FileMutation.bytes(o.bytes().length, r)).limit(1 + r.nextInt(4)).toList());
        }, Case::shrinks, this::readNpy);
        report("damaged .npy", loop, tries(NPY_TRIES));
    }

    /**
     * Every public reader of a Keras file on the mutated file: {@code KerasH5}'s info, model and model with
     * weights; the arrays alone; and, for MobileNet, loading into a model built in Java. The label is the
     * outcome of {@code KerasH5.load} (of {@code KerasWeights.read} for the weights-only file).
     */
    String readH5(Case c) {
        Original original = ORIGINALS.get(c.file());
        Path file = write(c, original);
        readsOrRefuses("KerasH5.info", file, () -> KerasH5.info(file));
        readsOrRefuses("KerasH5.buildModel", file, () -> KerasH5.buildModel(file));
        String load = readsOrRefuses("KerasH5.load", file, () -> KerasH5.load(file));
        String arrays = readsOrRefuses("KerasWeights.read", file, () -> {
            try (HdfFile hdf = H5Arrays.open(file)) {
                return KerasWeights.read(KerasWeightGroup.of(hdf, file), file);
            }
        });
        if (original.model() != null) {
            readsOrRefuses("KerasWeights.load(strict)", file, () -> KerasWeights.load(file, original.model(), true));
            readsOrRefuses("KerasWeights.load", file, () -> KerasWeights.load(file, original.model(), false));
        }
        return original.jsonStart() >= 0 ? load : arrays;
    }

    String readNpy(Case c) {
        Path file = write(c, ORIGINALS.get(c.file()));
        return readsOrRefuses("Npy.read", file, () -> Npy.read(file));
    }

    private Path write(Case c, Original original) {
        try {
            return Files.write(dir.resolve(c.file()), c.apply(original.bytes()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void report(String name, FuzzLoop<Case> loop, int tries) {
        long start = System.nanoTime();
        Map<String, Integer> outcomes = loop.run(seed(), tries);
        System.out.printf("%s: %d tries, seed %d, %.1f s; outcomes:%n", name, tries, seed(),
                (System.nanoTime() - start) / 1e9);
        outcomes.forEach((label, n) -> System.out.printf("  %5d  %s%n", n, label));
    }

    private static Original h5Original(String name) {
        return ORIGINALS.computeIfAbsent(name, n -> {
            Path path = TestData.require("keras/" + n);
            Model model = switch (n) {
                case "mobilenet_2_5_224_tf_no_top.h5" -> MobileNet.builder().alpha(0.25).includeTop(false).build();
                case "mobilenet_v1_0.25_224_imagenet.h5" -> MobileNet.builder().alpha(0.25).build();
                default -> null;
            };
            try {
                byte[] bytes = Files.readAllBytes(path);
                int start = indexOf(bytes, "{\"class_name\"");
                return new Original(n, bytes, H5Landmarks.find(path), start, start < 0 ? -1 : jsonEnd(bytes, start), model);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static Original npyOriginal(String name) {
        return ORIGINALS.computeIfAbsent(name, n -> {
            try {
                return new Original(n, Files.readAllBytes(NPY_DIR.resolve(n)), null, -1, -1, null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static int indexOf(byte[] bytes, String text) {
        return new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf(text);
    }

    /** The end of the JSON object that starts at {@code start}: its closing brace, counted outside strings. */
    private static int jsonEnd(byte[] bytes, int start) {
        int depth = 0;
        boolean inString = false;
        for (int i = start; i < bytes.length; i++) {
            char ch = (char) bytes[i];
            if (inString) {
                if (ch == '\\') {
                    i++;
                } else if (ch == '"') {
                    inString = false;
                }
            } else if (ch == '"') {
                inString = true;
            } else if (ch == '{' || ch == '[') {
                depth++;
            } else if ((ch == '}' || ch == ']') && --depth == 0) {
                return i + 1;
            }
        }
        throw new IllegalStateException("unterminated JSON at " + start);
    }

    // ---- the rule -----------------------------------------------------------------------------------

    /**
     * Runs {@code read} on a reader thread with the time limit and checks the rule; returns "read" or
     * the kind of refusal, for the statistics.
     */
    static String readsOrRefuses(String entry, Path file, Callable<?> read) {
        Future<Throwable> result = READERS.submit(() -> {
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = threads.getCurrentThreadAllocatedBytes();
            Throwable thrown = null;
            try {
                read.call();
            } catch (Throwable t) {
                thrown = t;
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            if (allocated > ALLOCATION_LIMIT_BYTES) {
                return new AssertionError(entry + " allocated " + allocated + " bytes for a file of "
                        + Files.size(file) + " bytes (limit " + ALLOCATION_LIMIT_BYTES + ")"
                        + (thrown == null ? "" : ", then threw " + thrown), thrown);
            }
            return thrown;
        });
        Throwable thrown;
        try {
            thrown = result.get(TIME_LIMIT_S, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            result.cancel(true);
            throw new AssertionError(entry + " did not finish within " + TIME_LIMIT_S + " s (a hang on a damaged file)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            throw new AssertionError("the reader thread failed", e.getCause());
        }
        return switch (thrown) {
            case null -> "read";
            case AssertionError a -> throw a;
            case KerasImportException k when k.getMessage() != null && k.getMessage().contains(file.toString()) ->
                    kind(k.getMessage().substring(k.getMessage().indexOf(file.toString()) + file.toString().length()));
            case KerasImportException k -> throw new AssertionError(entry + " threw a KerasImportException that does "
                    + "not name the file " + file + ": " + k.getMessage(), k);
            default -> throw new AssertionError(entry + " threw " + thrown.getClass().getName()
                    + ", not a KerasImportException: " + thrown, thrown);
        };
    }

    /** A coarse class of refusal message: its first words, without numbers and names. */
    private static String kind(String message) {
        String m = message.replaceAll("^: (layer '[^']*': )?", "");
        String[] words = m.split("[ (:,]+");
        return String.join(" ", List.of(words).subList(0, Math.min(3, words.length))).replaceAll("\\d+", "N");
    }
}
