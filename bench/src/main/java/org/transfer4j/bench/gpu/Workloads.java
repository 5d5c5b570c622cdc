package org.transfer4j.bench.gpu;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.Random;
import java.util.stream.IntStream;
import org.transfer4j.losses.SparseCategoricalCrossentropy;
import org.transfer4j.nn.InferenceModel;
import org.transfer4j.nn.Model;
import org.transfer4j.optim.Adam;
import org.transfer4j.optim.Optimizer;
import org.transfer4j.optim.ParamGroup;
import org.transfer4j.optim.ParamGroups;
import org.transfer4j.optim.SGD;
import org.transfer4j.tensor.Device;
import org.transfer4j.tensor.Tensor;
import org.transfer4j.tensor.TensorScope;
import org.transfer4j.train.FeatureCache;
import org.transfer4j.train.History;
import org.transfer4j.train.InMemoryDataset;
import org.transfer4j.train.Trainer;
import org.transfer4j.train.TransferModel;

/**
 * The three timed cases on one device, each on a new model with random weights and random inputs already on the
 * device (uniform in [-1, 1), MobileNet's input range): warm-up iterations, {@link DeviceClock#synchronize()},
 * the timer, the timed iterations, synchronize, the timer. The allocator's peak is reset after the model and the
 * inputs are on the device, so it counts them as PyTorch's {@code max_memory_allocated()} does after
 * {@code reset_peak_memory_stats()}.
 */
final class Workloads {
    private final DeviceClock clock;
    private final Settings s;
    private final Path hostProfiles;

    /** {@code hostProfiles}: the folder for each timed section's {@link HostProfile} recording, or null for none. */
    Workloads(DeviceClock clock, Settings settings, Path hostProfiles) {
        this.clock = clock;
        this.s = settings;
        this.hostProfiles = hostProfiles;
    }

    /** Where {@link HostProfile} writes a case's recording: {@code <folder>/<model>-<case>.jfr}. */
    static Path hostProfileFile(Path folder, BenchModel which, String kind) {
        return folder.resolve(which.displayName() + "-" + kind + ".jfr");
    }

    /** JFR sampling of a timed section when asked for ({@code --host-profile}), else null (nothing to close). */
    private HostProfile hostProfile(BenchModel which, String kind) {
        return hostProfiles == null ? null : HostProfile.start(hostProfileFile(hostProfiles, which, kind));
    }

    private Device device() {
        return clock.device();
    }

    /**
     * Training step: {@code zeroGrad}, forward in training mode, sparse cross-entropy on the logits, backward,
     * optimizer step ({@code x (B,S,S,3) -> logits (B,classes)}).
     */
    CaseResult trainStep(BenchModel which) {
        Progress p = new Progress();
        try {
            Model model = which.build(true, s.imageSize(), s.classes(), s.alpha()).to(device());
            Optimizer opt = optimizer(ParamGroups.all(model));
            Tensor x = randomImages(s.batch(), 1);
            int[] labels = randomLabels(s.batch(), s.classes(), 2);
            SparseCategoricalCrossentropy loss = new SparseCategoricalCrossentropy(true);
            clock.synchronize();
            clock.resetPeak();
            Tensor last = null;
            for (int i = 0; i < s.warmup(); i++, p.warmup++) {
                last = step(model, opt, loss, x, labels);
            }
            clock.synchronize();
            clock.resetProfile(); // a profile (-Dtransfer4j.cuda.profile) covers the timed iterations only
            p.before = allocated();
            double seconds;
            try (HostProfile ignored = hostProfile(which, CaseResult.TRAIN)) {
                long t0 = System.nanoTime();
                for (int i = 0; i < s.iterations(); i++, p.timed++) {
                    last = step(model, opt, loss, x, labels);
                }
                clock.synchronize();
                seconds = (System.nanoTime() - t0) / 1e9;
            }
            Map<String, Object> d = p.details(allocated(), s.iterations());
            d.put("last_loss", last.item()); // after the timer: a host read waits for the device
            return timed(which, CaseResult.TRAIN, seconds, s.iterations(), d);
        } catch (RuntimeException e) {
            return failed(which, CaseResult.TRAIN, e, p);
        }
    }

    /** One step; what it made on the device is freed when it returns ({@link TensorScope}), but the loss. */
    private static Tensor step(Model model, Optimizer opt, SparseCategoricalCrossentropy loss, Tensor x, int[] labels) {
        opt.zeroGrad();
        try (TensorScope scope = TensorScope.open()) {
            Tensor l = loss.compute(model.call(x, true), labels);
            l.backward();
            opt.step();
            return scope.keep(l);
        }
    }

    /**
     * Inference, {@code x (B,S,S,3) -> logits (B,classes)}, no tape, training false: by default the fused
     * {@link InferenceModel} (each convolution's bias, batch norm, residual add and ReLU in one pass), with
     * {@code --inference layers} {@code model.predict(x)}, layer by layer as PyTorch eager runs its modules.
     */
    CaseResult inference(BenchModel which) {
        Progress p = new Progress();
        try {
            Model layers = which.build(true, s.imageSize(), s.classes(), s.alpha()).to(device());
            InferenceModel fused = s.fusedInference() ? InferenceModel.of(layers) : null;
            UnaryOperator<Tensor> model = fused != null ? fused::predict : layers::predict;
            Tensor x = randomImages(s.batch(), 3);
            clock.synchronize();
            clock.resetPeak();
            Tensor y = null;
            for (int i = 0; i < s.warmup(); i++, p.warmup++) {
                y = model.apply(x);
            }
            clock.synchronize();
            clock.resetProfile(); // a profile (-Dtransfer4j.cuda.profile) covers the timed iterations only
            p.before = allocated();
            double seconds;
            try (HostProfile ignored = hostProfile(which, CaseResult.INFERENCE)) {
                long t0 = System.nanoTime();
                for (int i = 0; i < s.iterations(); i++, p.timed++) {
                    y = model.apply(x);
                }
                clock.synchronize();
                seconds = (System.nanoTime() - t0) / 1e9;
            }
            Map<String, Object> d = p.details(allocated(), s.iterations());
            d.put("last_logit_0", (double) y.toArray()[0]);
            d.put("inference", fused != null ? "fused" : "layers");
            return timed(which, CaseResult.INFERENCE, seconds, s.iterations(), d);
        } catch (RuntimeException e) {
            return failed(which, CaseResult.INFERENCE, e, p);
        }
    }

    /**
     * Head-only training on a frozen base, the transfer4j way: the base ({@code includeTop(false)}) under a
     * {@link TransferModel} head (global average pooling, batch normalisation, dropout 0.2, {@code Dense(headClasses)}),
     * frozen; {@link FeatureCache} runs the extractor once over the {@code frozenImages} images (in device memory),
     * then {@link Trainer#fit} trains the head on the cached features, {@code frozenWarmupEpochs} untimed epochs then {@code frozenEpochs}
     * timed ones. Reports the head's epochs per second, and with the feature pass counted in.
     */
    CaseResult frozenBase(BenchModel which) {
        Progress p = new Progress();
        try {
            TransferModel tm = TransferModel.on(which.build(false, s.imageSize(), s.classes(), s.alpha()))
                    .classes(s.headClasses()).build();
            tm.model().to(device());
            tm.freezeBase();
            Tensor images = randomImages(s.frozenImages(), 5);
            int[] labels = randomLabels(s.frozenImages(), s.headClasses(), 6);
            List<String> names = IntStream.range(0, s.headClasses()).mapToObj(i -> "class_" + i).toList();
            InMemoryDataset data = new InMemoryDataset(images, labels, names);
            Trainer trainer = new Trainer(optimizer(ParamGroups.all(tm.head()))).batchSize(s.batch()).seed(s.seed());
            clock.synchronize();
            clock.resetPeak();
            Tensor warm = images.slice(0, 0, Math.min(s.batch(), s.frozenImages()));
            for (int i = 0; i < s.warmup(); i++, p.warmup++) {
                tm.extractor().predict(warm);
            }
            clock.synchronize();
            long t0 = System.nanoTime();
            try (FeatureCache.Result cache = FeatureCache.compute(tm.extractor(), data, s.batch(), FeatureCache.Storage.memory())) {
                clock.synchronize();
                double cacheSeconds = (System.nanoTime() - t0) / 1e9;
                trainer.fit(tm.head(), cache.dataset(), null, s.frozenWarmupEpochs()); // warm-up epochs (the JIT)
                clock.synchronize();
                clock.resetProfile();
                p.before = allocated();
                double seconds;
                History history;
                try (HostProfile ignored = hostProfile(which, CaseResult.FROZEN)) {
                    long t1 = System.nanoTime();
                    history = trainer.fit(tm.head(), cache.dataset(), null, s.frozenEpochs());
                    clock.synchronize();
                    seconds = (System.nanoTime() - t1) / 1e9;
                }
                p.timed = s.frozenEpochs();
                Map<String, Object> d = p.details(allocated(), s.frozenEpochs());
                d.put("images", s.frozenImages());
                d.put("cache_seconds", cacheSeconds);
                d.put("cache_images_per_second", s.frozenImages() / cacheSeconds);
                d.put("feature_shape", cache.featureShape());
                d.put("last_loss", history.last().get("loss"));
                double imagesPerSecond = (double) s.frozenImages() * s.frozenEpochs() / seconds;
                return new CaseResult(which.displayName(), CaseResult.FROZEN, imagesPerSecond,
                        1000 * seconds / s.frozenEpochs(), s.frozenEpochs() / seconds,
                        s.frozenEpochs() / (seconds + cacheSeconds), clock.peakBytes(), s.frozenEpochs(), d, null);
            }
        } catch (RuntimeException e) {
            return failed(which, CaseResult.FROZEN, e, p);
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    private Optimizer optimizer(List<ParamGroup> groups) {
        return s.optimizer().equals("adam") ? new Adam(groups, 1e-3) : new SGD(groups, 0.01).momentum(0.9);
    }

    /** {@code (n, S, S, 3)} uniform in [-1, 1), made on the device by its backend (nothing uploaded). */
    private Tensor randomImages(int n, long stream) {
        Tensor x = Tensor.zeros(device(), n, s.imageSize(), s.imageSize(), 3);
        x.backend().randomUniform(x, s.seed() * 31 + stream, 0, -1f, 1f);
        return x;
    }

    private int[] randomLabels(int n, int classes, long stream) {
        Random r = new Random(s.seed() * 31 + stream);
        return r.ints(n, 0, classes).toArray();
    }

    private Long allocated() {
        var st = clock.stats();
        return st == null ? null : st.allocatedBytes();
    }

    private CaseResult timed(BenchModel which, String kind, double seconds, int iterations, Map<String, Object> details) {
        addAllocatorCounters(details);
        return new CaseResult(which.displayName(), kind, (double) s.batch() * iterations / seconds,
                1000 * seconds / iterations, null, null, clock.peakBytes(), iterations, details, null);
    }

    private CaseResult failed(BenchModel which, String kind, RuntimeException e, Progress p) {
        Map<String, Object> d = p.details(allocated(), Math.max(1, p.timed));
        d.put("exception", e.getClass().getName());
        d.put("peak_memory_bytes", clock.peakBytes());
        addAllocatorCounters(d);
        return CaseResult.failed(which.displayName(), kind,
                e.getClass().getSimpleName() + " after " + p.warmup + " warm-up and " + p.timed + " timed iterations: "
                        + e.getMessage(), d);
    }

    /**
     * The allocator's counters since the process started (one case per process in on-device.sh): real device
     * allocations against cache hits, and how often a failed allocation had to run the garbage collector.
     */
    private void addAllocatorCounters(Map<String, Object> d) {
        var st = clock.stats();
        if (st != null) {
            d.put("device_mallocs", st.deviceMallocs());
            d.put("cache_hits", st.cacheHits());
            d.put("gc_runs", st.garbageCollections());
            d.put("cached_bytes", st.cachedBytes());
        }
    }

    /**
     * How far a case got, and the allocator's bytes in use before and after the timed iterations: what grows
     * between them per iteration is device memory that nothing gave back (0 when every temporary was freed).
     */
    private static final class Progress {
        int warmup;
        int timed;
        Long before;

        Map<String, Object> details(Long after, int iterations) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("warmup_done", warmup);
            d.put("timed_done", timed);
            if (before != null && after != null) {
                d.put("allocated_bytes_before", before);
                d.put("allocated_bytes_after", after);
                d.put("allocated_growth_bytes_per_iteration", (after - before) / iterations);
            }
            return d;
        }
    }
}
