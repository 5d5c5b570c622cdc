package org.transfer4j.cuda.dnn;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Objects;

/**
 * cuDNN convolutions on NHWC fp32 tensors described by a {@link ConvPlan}: forward
 * {@code x (N,inH,inW,C), w (OC,KH,KW,C/groups) -> y (N,OH,OW,OC)}, backward data
 * {@code dy, w -> dx (N,inH,inW,C)} and backward filter {@code x, dy -> dw (OC,KH,KW,C/groups)}, where
 * {@code inH x inW} is the input after the plan's pre-pad. Filters are KRSC ({@link FilterLayout}).
 *
 * <p>Algorithms: on the first call for a (plan, direction, math, search) key the candidates are listed,
 * by the {@code *_v7} heuristic query ({@link AlgoSearch#HEURISTIC}, the default) or by running and
 * timing each with {@code cudnnFind*AlgorithmEx} on the call's own buffers ({@link AlgoSearch#BENCHMARK},
 * as PyTorch's {@code cudnn.benchmark}; see {@link BenchmarkQuery}), and {@link AlgoSelector} picks the
 * best whose workspace fits the {@link AlgoCache}'s limit; the choice is cached. The convolution
 * descriptor then gets the chosen result's math type, and the convolution runs.
 *
 * <p>TF32: on by default, as PyTorch's {@code torch.backends.cudnn.allow_tf32}: the descriptor gets
 * {@code CUDNN_DEFAULT_MATH}, which lets cuDNN use TF32 tensor cores for fp32 on Ampere and later; off
 * gives {@code CUDNN_FMA_MATH}, plain fp32 FMA (PyTorch maps the flag the same way), and only results
 * reporting {@code CUDNN_FMA_MATH} are taken.
 *
 * <p>Outputs are written with {@code beta = 0} ({@code y = conv}); gradients are written, not
 * accumulated: the backend adds them into {@code grad} itself. In benchmark mode the first call of a
 * key writes its output several times (once per timed candidate, then the real call).
 */
public final class CudnnConvolution {

    /** 256 MiB: enough for the fast algorithms of the convolutions in MobileNetV2 and ResNet50 at batch 64. */
    public static final long DEFAULT_WORKSPACE_LIMIT = 256L << 20;

    private final Cudnn cudnn;
    private final AlgoCache cache;
    private final boolean tf32;
    private final BenchmarkQuery benchmark;
    private volatile AlgoSearch search;

    /** TF32 on, workspace limit {@link #DEFAULT_WORKSPACE_LIMIT}, heuristic search. */
    public CudnnConvolution(Cudnn cudnn) {
        this(cudnn, new AlgoCache(DEFAULT_WORKSPACE_LIMIT), true);
    }

    /** Heuristic search. */
    public CudnnConvolution(Cudnn cudnn, AlgoCache cache, boolean tf32) {
        this(cudnn, cache, tf32, AlgoSearch.HEURISTIC);
    }

    /** A benchmark fallback (no memory for Find's workspace) is reported once on {@code System.err}. */
    public CudnnConvolution(Cudnn cudnn, AlgoCache cache, boolean tf32, AlgoSearch search) {
        this.cudnn = cudnn;
        this.cache = cache;
        this.tf32 = tf32;
        this.benchmark = new BenchmarkQuery(cache.workspaceLimit(), System.err::println);
        this.search = Objects.requireNonNull(search, "search");
    }

    /** The algorithm cache. */
    public AlgoCache cache() {
        return cache;
    }

    /** How new shapes get their algorithm. */
    public AlgoSearch search() {
        return search;
    }

    /** Sets how new shapes get their algorithm; choices made so far stay cached under their own mode. */
    public void search(AlgoSearch search) {
        this.search = Objects.requireNonNull(search, "search");
    }

    /** {@code y = conv(x, w)}; returns the algorithm used. */
    public AlgoPerf forward(long stream, ConvPlan plan, long x, long w, long y, DeviceWorkspace workspace) {
        return run(stream, plan, ConvDirection.FORWARD, workspace, "cudnnConvolutionForward",
                (h, s, requested, count, out) -> (int) cudnn.fn.fwdAlgo.handle()
                        .invokeExact(h, s.x, s.w, s.conv, s.y, requested, count, out),
                (h, s, requested, count, out, ws, bytes) -> (int) cudnn.fn.findFwdAlgo.handle().invokeExact(h, s.x, addr(x),
                        s.w, addr(w), s.conv, s.y, addr(y), requested, count, out, ws, bytes),
                (h, s, perf, ws, one, zero) -> (int) cudnn.fn.convForward.handle().invokeExact(h, one, s.x, addr(x), s.w, addr(w),
                        s.conv, perf.algo(), ws, perf.memory(), zero, s.y, addr(y)));
    }

    /** {@code dx} = gradient of the (pre-padded) input from {@code dy} and {@code w}; returns the algorithm used. */
    public AlgoPerf backwardData(long stream, ConvPlan plan, long w, long dy, long dx, DeviceWorkspace workspace) {
        return run(stream, plan, ConvDirection.BACKWARD_DATA, workspace, "cudnnConvolutionBackwardData",
                (h, s, requested, count, out) -> (int) cudnn.fn.bwdDataAlgo.handle()
                        .invokeExact(h, s.w, s.y, s.conv, s.x, requested, count, out),
                (h, s, requested, count, out, ws, bytes) -> (int) cudnn.fn.findBwdDataAlgo.handle().invokeExact(h, s.w, addr(w),
                        s.y, addr(dy), s.conv, s.x, addr(dx), requested, count, out, ws, bytes),
                (h, s, perf, ws, one, zero) -> (int) cudnn.fn.convBackwardData.handle().invokeExact(h, one, s.w, addr(w), s.y,
                        addr(dy), s.conv, perf.algo(), ws, perf.memory(), zero, s.x, addr(dx)));
    }

    /** {@code dw} (KRSC) = gradient of the filter from {@code x} (pre-padded) and {@code dy}; returns the algorithm used. */
    public AlgoPerf backwardFilter(long stream, ConvPlan plan, long x, long dy, long dw, DeviceWorkspace workspace) {
        return run(stream, plan, ConvDirection.BACKWARD_FILTER, workspace, "cudnnConvolutionBackwardFilter",
                (h, s, requested, count, out) -> (int) cudnn.fn.bwdFilterAlgo.handle()
                        .invokeExact(h, s.x, s.y, s.conv, s.w, requested, count, out),
                (h, s, requested, count, out, ws, bytes) -> (int) cudnn.fn.findBwdFilterAlgo.handle().invokeExact(h, s.x,
                        addr(x), s.y, addr(dy), s.conv, s.w, addr(dw), requested, count, out, ws, bytes),
                (h, s, perf, ws, one, zero) -> (int) cudnn.fn.convBackwardFilter.handle().invokeExact(h, one, s.x, addr(x), s.y,
                        addr(dy), s.conv, perf.algo(), ws, perf.memory(), zero, s.w, addr(dw)));
    }

    /**
     * cuDNN's own output shape for {@code plan} ({@code cudnnGetConvolution2dForwardOutputDim}) as
     * {@code {n, c, h, w}}: a check that the descriptors agree with core's shape rule.
     */
    public int[] outputDim(ConvPlan plan) {
        try (Descriptors d = new Descriptors(cudnn); Arena arena = Arena.ofConfined()) {
            ConvDescs s = set(d, plan);
            MemorySegment dims = arena.allocate(ValueLayout.JAVA_INT, 4);
            cudnn.check("cudnnGetConvolution2dForwardOutputDim(" + plan + ")", () -> (int) cudnn.fn.convOutputDim.handle().invokeExact(
                    s.conv, s.x, s.w, dims.asSlice(0), dims.asSlice(4), dims.asSlice(8), dims.asSlice(12)));
            return dims.toArray(ValueLayout.JAVA_INT);
        }
    }

    /** The four descriptors of one convolution. */
    private record ConvDescs(MemorySegment x, MemorySegment w, MemorySegment y, MemorySegment conv) {
    }

    private ConvDescs set(Descriptors d, ConvPlan plan) {
        int[] xs = plan.xDescriptor(), ys = plan.yDescriptor(), fs = plan.filterDescriptor();
        return new ConvDescs(d.tensorNhwc(xs[0], xs[1], xs[2], xs[3]), d.filterNhwc(fs[0], fs[1], fs[2], fs[3]),
                d.tensorNhwc(ys[0], ys[1], ys[2], ys[3]),
                d.convolution(plan, tf32 ? CudnnConstants.DEFAULT_MATH : CudnnConstants.FMA_MATH));
    }

    /** One direction's {@code cudnnGet*Algorithm_v7} call: fills {@code results}, writes how many into {@code returnedCount}. */
    @FunctionalInterface
    private interface PerfQuery {
        int run(MemorySegment handle, ConvDescs s, int requested, MemorySegment returnedCount, MemorySegment results)
                throws Throwable;
    }

    /**
     * One direction's {@code cudnnFind*AlgorithmEx} call: runs and times the candidates on the call's
     * buffers (overwriting its output) with {@code bytes} of workspace, fills {@code results}.
     */
    @FunctionalInterface
    private interface FindQuery {
        int run(MemorySegment handle, ConvDescs s, int requested, MemorySegment returnedCount, MemorySegment results,
                MemorySegment workspace, long bytes) throws Throwable;
    }

    /** One direction's convolution call with the chosen algorithm, its workspace and {@code alpha = 1, beta = 0}. */
    @FunctionalInterface
    private interface ConvCall {
        int run(MemorySegment handle, ConvDescs s, AlgoPerf perf, MemorySegment workspace, MemorySegment one, MemorySegment zero)
                throws Throwable;
    }

    /**
     * The steps every direction shares: set the descriptors, choose (or recall) the algorithm, give the
     * descriptor its math type, reserve the workspace (or reuse the one Find just ran with), then run {@code call}.
     */
    private AlgoPerf run(long stream, ConvPlan plan, ConvDirection direction, DeviceWorkspace workspace, String callName,
                         PerfQuery query, FindQuery find, ConvCall call) {
        MemorySegment h = cudnn.handle(stream);
        try (Descriptors d = new Descriptors(cudnn); Arena arena = Arena.ofConfined()) {
            ConvDescs s = set(d, plan);
            AlgoCache.Key key = new AlgoCache.Key(plan, direction, tf32, search);
            long[] findWorkspace = {-1};
            AlgoPerf perf = cache.choose(key, () -> {
                if (key.search() == AlgoSearch.HEURISTIC) {
                    return query(direction, arena, h, s, query);
                }
                BenchmarkQuery.Outcome o = benchmark.run(direction + " " + plan + (tf32 ? " (TF32)" : " (fp32)"), workspace,
                        (ws, bytes) -> find(direction, arena, h, s, find, ws, bytes), () -> query(direction, arena, h, s, query));
                findWorkspace[0] = o.workspace();
                return o.results();
            });
            d.setMathType(s.conv, perf.mathType());
            MemorySegment ws = addr(findWorkspace[0] >= 0 ? findWorkspace[0] : workspace.reserve(perf.memory()));
            MemorySegment one = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1f), zero = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 0f);
            cudnn.check(callName + "(" + plan + ", " + direction.algoName(perf.algo()) + ")",
                    () -> call.run(h, s, perf, ws, one, zero));
            return perf;
        }
    }

    private List<AlgoPerf> query(ConvDirection direction, Arena arena, MemorySegment h, ConvDescs s, PerfQuery q) {
        int requested = direction.algoCount();
        MemorySegment count = arena.allocate(ValueLayout.JAVA_INT);
        MemorySegment results = arena.allocate(AlgoPerf.LAYOUT, requested);
        String name = switch (direction) {
            case FORWARD -> "cudnnGetConvolutionForwardAlgorithm_v7";
            case BACKWARD_DATA -> "cudnnGetConvolutionBackwardDataAlgorithm_v7";
            case BACKWARD_FILTER -> "cudnnGetConvolutionBackwardFilterAlgorithm_v7";
        };
        cudnn.check(name, () -> q.run(h, s, requested, count, results));
        return AlgoPerf.read(results, count.get(ValueLayout.JAVA_INT, 0));
    }

    private List<AlgoPerf> find(ConvDirection direction, Arena arena, MemorySegment h, ConvDescs s, FindQuery q,
                                long workspace, long bytes) {
        int requested = direction.algoCount();
        MemorySegment count = arena.allocate(ValueLayout.JAVA_INT);
        MemorySegment results = arena.allocate(AlgoPerf.LAYOUT, requested);
        String name = switch (direction) {
            case FORWARD -> "cudnnFindConvolutionForwardAlgorithmEx";
            case BACKWARD_DATA -> "cudnnFindConvolutionBackwardDataAlgorithmEx";
            case BACKWARD_FILTER -> "cudnnFindConvolutionBackwardFilterAlgorithmEx";
        };
        cudnn.check(name + "(workspace " + bytes + " bytes)", () -> q.run(h, s, requested, count, results, addr(workspace), bytes));
        return AlgoPerf.read(results, count.get(ValueLayout.JAVA_INT, 0));
    }

    private static MemorySegment addr(long address) {
        return MemorySegment.ofAddress(address);
    }
}
