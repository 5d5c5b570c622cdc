package org.transfer4j.cuda.backend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.transfer4j.Transfer4jException;
import org.transfer4j.backend.Backend;
import org.transfer4j.backend.BinaryOp;
import org.transfer4j.backend.Conv2dSpec;
import org.transfer4j.backend.Pool2dSpec;
import org.transfer4j.backend.ReduceOp;
import org.transfer4j.backend.Storage;
import org.transfer4j.backend.UnaryOp;
import org.transfer4j.cuda.blas.Cublas;
import org.transfer4j.cuda.dnn.AlgoSearch;
import org.transfer4j.cuda.dnn.Cudnn;
import org.transfer4j.cuda.driver.CudaContext;
import org.transfer4j.cuda.driver.CudaDriver;
import org.transfer4j.cuda.driver.CudaException;
import org.transfer4j.cuda.driver.CudaStream;
import org.transfer4j.cuda.driver.ModuleCache;
import org.transfer4j.cuda.memory.AllocatorStats;
import org.transfer4j.cuda.memory.CachingAllocator;
import org.transfer4j.cuda.memory.CudaOutOfMemoryException;
import org.transfer4j.cuda.memory.JCudaDeviceMemory;
import org.transfer4j.cuda.memory.JCudaPinnedHostMemory;
import org.transfer4j.cuda.memory.PinnedHostPool;
import org.transfer4j.tensor.Device;
import org.transfer4j.tensor.Shape;
import org.transfer4j.tensor.Tensor;

/**
 * The CUDA backend of one device: every primitive of the op table on the GPU, with no host round trip
 * per op (data crosses to the host only in {@link #upload}, {@link #download}, {@link #nonFiniteCount}'s one
 * count, {@link #downloadAndCountNonFinite} and where an op takes host arrays, e.g. gather's indices). It only
 * dispatches; the work lives per family in {@link CudaElementwise}, {@link CudaReduce}, {@link CudaGemm}
 * (cuBLAS), {@link CudaConv} (cuDNN and {@code depthwise.cu}), {@link CudaPool} and {@link CudaBatchNorm} ({@code batchnorm.cu}),
 * {@link CudaLossAndIndexing} and {@link CudaOptimizers}.
 *
 * <p><b>One stream.</b> Every kernel, copy, cuBLAS and cuDNN call of this backend is queued on one CUDA
 * stream, in call order, so an op's inputs are always complete when it runs and the caching allocator
 * may hand a freed block to the next op at once (stream order protects it). The host waits only in
 * {@link #download}, {@link #nonFiniteCount} and {@link #downloadAndCountNonFinite} (and {@link #synchronize()}),
 * and in an upload of more than 64 KiB (a smaller one is staged in a pinned slot and returns at once).
 * The calls themselves are serialised on this object: a cuBLAS or cuDNN handle is not thread-safe, and the
 * order of queued work must be the call order.
 *
 * <p><b>Errors.</b> A failed CUDA, cuBLAS or cuDNN call becomes a {@link CudaBackendException} naming the
 * op, the device and the argument shapes; running out of memory stays the allocator's
 * {@link CudaOutOfMemoryException}. Kernel faults are asynchronous and surface at the next call that
 * synchronises (a download or a count).
 */
public final class CudaBackend implements Backend, AutoCloseable {
    private final Device device;
    private final CudaExec exec;
    private final CudaElementwise elementwise;
    private final CudaReduce reduce;
    private final CudaGemm gemm;
    private final CudaConv conv;
    private final CudaPool pool;
    private final CudaBatchNorm batchNorm;
    private final CudaLossAndIndexing lossAndIndexing;
    private final CudaOptimizers optimizers;
    private final OpProfile profile = OpProfile.fromSystemProperty();
    private boolean closed;

    private CudaBackend(int ordinal, CudaContext context, Cublas cublas, Cudnn cudnn) {
        CudaStream stream = CudaStream.create(context);
        this.exec = new CudaExec(this, context, stream, new CachingAllocator(new JCudaDeviceMemory(context)),
                new PinnedHostPool(new JCudaPinnedHostMemory(context)), new ModuleCache(context), cublas, cudnn);
        this.device = Device.of(Device.Type.CUDA, ordinal, this);
        this.elementwise = new CudaElementwise(exec);
        this.reduce = new CudaReduce(exec);
        this.gemm = new CudaGemm(exec);
        this.conv = new CudaConv(exec, reduce);
        this.pool = new CudaPool(exec);
        this.batchNorm = new CudaBatchNorm(exec);
        this.lossAndIndexing = new CudaLossAndIndexing(exec);
        this.optimizers = new CudaOptimizers(exec);
    }

    /**
     * Opens the backend of CUDA device {@code ordinal}: its primary context, a stream, the allocators,
     * cuBLAS and cuDNN. {@link CudaDeviceProvider} does this once per device.
     *
     * @throws org.transfer4j.cuda.driver.CudaUnavailableException          when CUDA cannot be used here
     * @throws org.transfer4j.cuda.ffm.CudaLibraryNotFoundException when cuBLAS or cuDNN is missing
     * @throws IllegalArgumentException                                     when there is no such device
     */
    public static CudaBackend open(int ordinal) {
        CudaDriver.initialise();
        Cublas cublas = Cublas.load();
        Cudnn cudnn = Cudnn.load();
        CudaContext context = CudaContext.primary(ordinal);
        return new CudaBackend(ordinal, context, cublas, cudnn);
    }

    @Override
    public Device device() {
        return device;
    }

    /** An op's name, with its route when profiling (so that the profile tells depthwise.cu from cuDNN). */
    private String profiled(String op, Supplier<ConvRoute> route) {
        return profile.enabled() ? op + " " + route.get() : op;
    }

    /** The per-op profile ({@link OpProfile}; empty unless its system property is set). */
    public OpProfile profile() {
        return profile;
    }

    /** The device's caching allocator's counters (allocated, cached, peak). */
    public AllocatorStats memoryStats() {
        synchronized (this) {
            return exec.allocator.stats();
        }
    }

    /**
     * Sets the peak of {@link #memoryStats()} to the bytes allocated now, as
     * {@code torch.cuda.reset_peak_memory_stats()}, to measure the peak of one phase (the GPU harness in bench).
     */
    public void resetPeakMemoryStats() {
        synchronized (this) {
            exec.allocator.resetPeak();
        }
    }

    /** Frees the allocator's cached blocks to the driver, as {@code torch.cuda.empty_cache()}; returns the bytes. */
    public long emptyCache() {
        return call("emptyCache", () -> exec.allocator.emptyCache());
    }

    /**
     * Whether cuDNN convolutions may use TF32 tensor cores (inputs rounded to a 10-bit mantissa): on by
     * default, as PyTorch's {@code torch.backends.cudnn.allow_tf32}; off gives fp32 results that match the
     * CPU backend to about 1e-5. GEMMs (Dense layers) never use TF32 here.
     */
    public void setTf32Convolutions(boolean on) {
        exec.tf32Convolutions(on);
    }

    /**
     * Whether pointwise (1x1, stride 1, unpadded) convolutions run as one cuBLAS matrix product each way instead of
     * through cuDNN; the default comes from the system property {@code transfer4j.cuda.pointwise} ({@code gemm} or
     * {@code cudnn}, default {@code gemm}: faster on MobileNetV2 and ResNet50, see {@code ConvRoute}). Both give the
     * same values within the convolutions' TF32 setting.
     */
    public void setPointwiseConvolutionsAsGemm(boolean on) {
        exec.pointwiseAsGemm(on);
    }

    /**
     * Parses a pointwise route as the system property takes it: {@code gemm} (true) or {@code cudnn} (false).
     *
     * @throws IllegalArgumentException quoting any other value
     */
    public static boolean parsePointwiseRoute(String value) {
        return ConvRoute.pointwiseAsGemm(value);
    }

    /** See {@link #setPointwiseConvolutionsAsGemm}. */
    public boolean pointwiseConvolutionsAsGemm() {
        return exec.pointwiseAsGemm();
    }

    /** See {@link #setTf32Convolutions}. */
    public boolean tf32Convolutions() {
        return exec.tf32Convolutions();
    }

    /**
     * How cuDNN convolutions choose their algorithm for each new shape: {@link AlgoSearch#HEURISTIC}
     * (cuDNN's heuristic ranking, the default) or {@link AlgoSearch#BENCHMARK} (every candidate run and
     * timed once per shape, as PyTorch's {@code torch.backends.cudnn.benchmark = True}). The initial mode
     * comes from the system property {@value AlgoSearch#PROPERTY}, read when the backend is opened.
     * Shapes already chosen keep their choice under the mode it was made in.
     */
    public void setConvolutionAlgorithmSearch(AlgoSearch search) {
        exec.convolutionAlgorithmSearch(search);
    }

    /** See {@link #setConvolutionAlgorithmSearch}. */
    public AlgoSearch convolutionAlgorithmSearch() {
        return exec.convolutionAlgorithmSearch();
    }

    /** Waits for every op queued so far (for timing; results never need it: downloads wait themselves). */
    public void synchronize() {
        run("synchronize", () -> exec.stream.synchronize());
    }

    // ---- memory -----------------------------------------------------------------------------------

    @Override
    public Storage allocate(long numel) {
        return call("allocate", () -> {
            CudaStorage s = exec.storage(numel);
            exec.memsetZero(s.address(), numel);
            return s;
        }, numel);
    }

    @Override
    public Storage upload(float[] data, int offset, int length) {
        return call("upload", () -> {
            CudaStorage s = exec.storage(length);
            exec.transfers.upload(data, offset, length, s.buffer(), 0, exec.stream);
            return s;
        }, length);
    }

    @Override
    public void download(Tensor src, float[] dst, int dstOffset) {
        run("download", () -> {
            try (Temporaries temps = new Temporaries()) {
                Tensor c = exec.contiguous(src, temps);
                CudaStorage s = (CudaStorage) c.storage();
                exec.transfers.download(s.buffer(), (long) c.offset() * Float.BYTES, dst, dstOffset, c.numel(), exec.stream);
            }
        }, src);
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        if (!Arrays.equals(src.shape(), dst.shape())) {
            throw new IllegalArgumentException("copy: src " + Arrays.toString(src.shape()) + " and dst "
                    + Arrays.toString(dst.shape()) + " differ");
        }
        if (src.backend() != this) { // from the CPU or another device: through the host
            float[] values = src.toArray();
            run("copy", () -> {
                try (Temporaries temps = new Temporaries()) {
                    CudaStorage s = temps.add(exec.storage(values.length));
                    exec.transfers.upload(values, 0, values.length, s.buffer(), 0, exec.stream);
                    exec.stridedCopy(Tensor.over(s, src.shape()), dst); // s is a temporary, freed here
                }
            }, src, dst);
            return;
        }
        run("copy", () -> exec.stridedCopy(src, dst), src, dst);
    }

    @Override
    public void fill(Tensor dst, float value) {
        run("fill", () -> exec.fill(dst, value), dst);
    }

    @Override
    public void movingAverage(Tensor average, Tensor value, float momentum) {
        run("movingAverage", () -> elementwise.movingAverage(average, value, momentum), average, value);
    }

    @Override
    public void scaleShiftActivation(Tensor y, Tensor scale, Tensor shift, Tensor residual, float low, float high) {
        run("scaleShiftActivation", () -> elementwise.scaleShiftActivation(y, scale, shift, residual, low, high), y,
                scale, shift, residual);
    }

    @Override
    public void randomUniform(Tensor dst, long seed, long counter, float low, float high) {
        run("randomUniform", () -> elementwise.randomUniform(dst, seed, counter, low, high), dst);
    }

    @Override
    public void randomNormal(Tensor dst, long seed, long counter, float mean, float std) {
        run("randomNormal", () -> elementwise.randomNormal(dst, seed, counter, mean, std), dst);
    }

    @Override
    public DropoutForward dropout(Tensor x, long seed, long counter, float rate, float scale) {
        return call("dropout", () -> elementwise.dropout(x, seed, counter, rate, scale), x);
    }

    // ---- compute ----------------------------------------------------------------------------------

    @Override
    public Tensor unary(UnaryOp op, Tensor x, float alpha, float beta) {
        return call("unary " + op, () -> elementwise.unary(op, x, alpha, beta), x);
    }

    @Override
    public Tensor unaryBackward(UnaryOp op, Tensor x, Tensor gradY, float alpha, float beta) {
        return call("unaryBackward " + op, () -> elementwise.unaryBackward(op, x, gradY, alpha, beta), x, gradY);
    }

    @Override
    public Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        return call("binary " + op, () -> elementwise.binary(op, a, b), a, b);
    }

    /** The clamp in the sum's launch ({@code add_clamp_f32}): no sum is written. */
    @Override
    public Tensor addClamped(Tensor a, Tensor b, float low, float high) {
        return call("addClamped", () -> elementwise.addClamped(a, b, low, high), a, b, named("low", low),
                named("high", high));
    }

    /** {@code add_f32} writing over {@code into} ({@link CudaElementwise#addInPlace}). */
    @Override
    public void addInPlace(Tensor into, Tensor g) {
        run("addInPlace", () -> elementwise.addInPlace(into, g), into, g);
    }

    @Override
    public Tensor reduce(ReduceOp op, Tensor x, int[] axes) {
        return call("reduce " + op, () -> reduce.reduce(op, x, axes), x, axes);
    }

    /** The scale in the sum's last pass ({@code reduce_*_sum_scaled_f32}): one launch where the composite makes two. */
    @Override
    public Tensor reduceSumScaled(Tensor x, int[] axes, float scale) {
        return call("reduceSumScaled", () -> reduce.sumScaled(x, axes, scale, elementwise), x, axes,
                named("scale", scale));
    }

    @Override
    public Tensor gemm(Tensor a, Tensor b, boolean transA, boolean transB) {
        return call("gemm", () -> gemm.gemm(a, b, transA, transB), a, b, named("transA", transA),
                named("transB", transB));
    }

    @Override
    public Tensor conv2d(Tensor x, Tensor kernel, Conv2dSpec spec) {
        return call(profiled("conv2d", () -> exec.route(x.shape(), kernel.shape(), spec)), () -> conv.forward(x, kernel, spec),
                x, kernel, spec);
    }

    @Override
    public Tensor conv2dBackwardData(Tensor gradY, Tensor kernel, Conv2dSpec spec, int[] xShape) {
        return call(profiled("conv2dBackwardData", () -> exec.route(xShape, kernel.shape(), spec)),
                () -> conv.backwardData(gradY, kernel, spec, xShape), gradY, kernel, spec, xShape);
    }

    @Override
    public Tensor conv2dBackwardFilter(Tensor x, Tensor gradY, Conv2dSpec spec, int[] kernelShape) {
        return call(profiled("conv2dBackwardFilter", () -> exec.route(x.shape(), kernelShape, spec)),
                () -> conv.backwardFilter(x, gradY, spec, kernelShape), x, gradY, spec,
                kernelShape);
    }

    @Override
    public Tensor pool2d(Tensor x, Pool2dSpec spec) {
        return call("pool2d", () -> pool.forward(x, spec), x, spec);
    }

    @Override
    public Tensor pool2dBackward(Tensor x, Tensor y, Tensor gradY, Pool2dSpec spec) {
        return call("pool2dBackward", () -> pool.backward(x, y, gradY, spec), x, y, gradY, spec);
    }

    @Override
    public BatchNormForward batchNormTraining(Tensor x, Tensor gamma, Tensor beta, float epsilon) {
        return call("batchNormTraining", () -> batchNorm.training(x, gamma, beta, epsilon, Float.NEGATIVE_INFINITY,
                Float.POSITIVE_INFINITY, null), x, gamma, beta);
    }

    /** The clamp in the batch norm's output pass ({@link CudaBatchNorm}): no unclamped output, no extra launch. */
    @Override
    public BatchNormForward batchNormTraining(Tensor x, Tensor gamma, Tensor beta, float epsilon, float low,
                                              float high) {
        return call("batchNormTraining", () -> batchNorm.training(x, gamma, beta, epsilon, low, high, null), x, gamma,
                beta, named("low", low), named("high", high));
    }

    /** The finalize (or the single-block kernel) updates the moving statistics too: no launch of its own. */
    @Override
    public BatchNormForward batchNormTrainingWithMovingAverages(Tensor x, Tensor gamma, Tensor beta, float epsilon,
                                                                float low, float high, MovingStatistics moving) {
        Objects.requireNonNull(moving, "batchNormTrainingWithMovingAverages: moving");
        return call("batchNormTraining", () -> batchNorm.training(x, gamma, beta, epsilon, low, high, moving), x, gamma,
                beta, moving.mean(), named("low", low), named("high", high), named("momentum", moving.momentum()));
    }

    /** One launch ({@code batchnorm_moving_averages_f32}) where the composite makes three. */
    @Override
    public void batchNormMovingAverages(Tensor movingMean, Tensor batchMean, Tensor bias, Tensor movingVariance,
                                        Tensor batchVariance, float momentum) {
        run("batchNormMovingAverages", () -> batchNorm.movingAverages(movingMean, batchMean, bias, movingVariance,
                batchVariance, momentum), movingMean, batchMean, bias, movingVariance, batchVariance,
                named("momentum", momentum));
    }

    @Override
    public Tensor batchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor mean, Tensor variance, float epsilon) {
        return call("batchNormInference", () -> batchNorm.inference(x, gamma, beta, mean, variance, epsilon), x, gamma);
    }

    @Override
    public BatchNormGradients batchNormBackward(Tensor x, Tensor gradY, Tensor gamma, Tensor mean, Tensor invStd) {
        return call("batchNormBackward", () -> batchNorm.backward(x, gradY, gamma, mean, invStd, null, 0f, 0f, true), x,
                gradY, gamma);
    }

    /** For the device tests that compare them: the most rows of a batch norm on the single-block kernels (0: none). */
    void batchNormSingleBlockRows(long rows) {
        batchNorm.singleBlockRows(rows);
    }

    /** The clamp's derivative masks dy where the batch norm's backward passes read it ({@link CudaBatchNorm}). */
    @Override
    public BatchNormGradients batchNormBackward(Tensor x, Tensor gradY, Tensor gamma, Tensor mean, Tensor invStd,
                                                Tensor y, float low, float high) {
        Objects.requireNonNull(y, "batchNormBackward: y");
        return call("batchNormBackward", () -> batchNorm.backward(x, gradY, gamma, mean, invStd, y, low, high, true), x,
                gradY, gamma, y, named("low", low), named("high", high));
    }

    /** The sums and their finalize alone: no dx launch or tensor ({@link CudaBatchNorm}). */
    @Override
    public BatchNormGradients batchNormParameterGradients(Tensor x, Tensor gradY, Tensor gamma, Tensor mean,
                                                          Tensor invStd, Tensor y, float low, float high) {
        return call("batchNormParameterGradients", () -> batchNorm.backward(x, gradY, gamma, mean, invStd, y, low, high,
                false), x, gradY, gamma, y, named("low", low), named("high", high));
    }

    @Override
    public SoftmaxCrossEntropy softmaxCrossEntropy(Tensor logits, Tensor targets) {
        return call("softmaxCrossEntropy", () -> lossAndIndexing.softmaxCrossEntropy(logits, targets), logits, targets);
    }

    /** One launch ({@code softmax_xent_backward_f32}) where the composite makes four; gradLoss stays on the device. */
    @Override
    public Tensor softmaxCrossEntropyBackward(Tensor probabilities, Tensor targets, Tensor rowWeights, Tensor gradLoss,
                                             float scale) {
        return call("softmaxCrossEntropyBackward", () -> lossAndIndexing.softmaxCrossEntropyBackward(probabilities,
                targets, rowWeights, gradLoss, scale), probabilities, targets, rowWeights, named("scale", scale));
    }

    @Override
    public Tensor gather(Tensor x, int axis, int[] indices) {
        return call("gather", () -> lossAndIndexing.gather(x, axis, indices), x, named("axis", axis),
                named("indices", indices.length));
    }

    @Override
    public Tensor scatterAdd(Tensor gradY, int axis, int[] indices, int axisSize) {
        return call("scatterAdd", () -> lossAndIndexing.scatterAdd(gradY, axis, indices, axisSize), gradY, named("axis", axis),
                named("axisSize", axisSize));
    }

    @Override
    public void sgdUpdate(Tensor param, Tensor grad, Tensor buffer, double momentum, double gradScale, double stepScale,
                          boolean nesterov, double l2, double decay) {
        run("sgdUpdate", () -> optimizers.sgd(param, grad, buffer, momentum, gradScale, stepScale, nesterov, l2, decay), param);
    }

    @Override
    public void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v, double beta1, double beta2, double stepSize,
                           double epsHat, double l2, double decay) {
        run("adamUpdate", () -> optimizers.adam(param, grad, m, v, beta1, beta2, stepSize, epsHat, l2, decay), param);
    }

    @Override
    public void rmspropUpdate(Tensor param, Tensor grad, Tensor squareAvg, Tensor gradAvg, Tensor buffer, double rho,
                              double momentum, double epsInside, double epsOutside, double gradScale, double stepScale,
                              double l2, double decay) {
        run("rmspropUpdate", () -> optimizers.rmsprop(param, grad, squareAvg, gradAvg, buffer, rho, momentum, epsInside,
                epsOutside, gradScale, stepScale, l2, decay), param);
    }

    @Override
    public void sgdUpdateGroup(List<Tensor> params, List<Tensor> grads, List<Tensor> buffers, double momentum,
                               double gradScale, double stepScale, boolean nesterov, double l2, double decay) {
        run("sgdUpdateGroup", () -> optimizers.sgdGroup(params, grads, buffers, momentum, gradScale, stepScale, nesterov,
                l2, decay), params.size() + " weights");
    }

    @Override
    public void adamUpdateGroup(List<Tensor> params, List<Tensor> grads, List<Tensor> ms, List<Tensor> vs,
                                double beta1, double beta2, double stepSize, double epsHat, double l2, double decay) {
        run("adamUpdateGroup", () -> optimizers.adamGroup(params, grads, ms, vs, beta1, beta2, stepSize, epsHat, l2,
                decay), params.size() + " weights");
    }

    @Override
    public void rmspropUpdateGroup(List<Tensor> params, List<Tensor> grads, List<Tensor> squareAvgs,
                                   List<Tensor> gradAvgs, List<Tensor> buffers, double rho, double momentum,
                                   double epsInside, double epsOutside, double gradScale, double stepScale,
                                   double l2, double decay) {
        run("rmspropUpdateGroup", () -> optimizers.rmspropGroup(params, grads, squareAvgs, gradAvgs, buffers, rho,
                momentum, epsInside, epsOutside, gradScale, stepScale, l2, decay), params.size() + " weights");
    }

    @Override
    public long nonFiniteCount(List<Tensor> tensors) {
        return call("nonFiniteCount", () -> optimizers.nonFiniteCount(tensors), tensors.size() + " tensors");
    }

    @Override
    public long downloadAndCountNonFinite(List<Tensor> reads, float[] dst, List<Tensor> checked) {
        return call("downloadAndCountNonFinite", () -> optimizers.downloadAndCountNonFinite(reads, dst, checked),
                reads.size() + " reads", checked.size() + " checked");
    }

    // ---- dispatch -----------------------------------------------------------------------------------

    /**
     * Runs one op with this device's context current on the calling thread, serialised with every other
     * call, and turns a CUDA, cuBLAS or cuDNN failure into a {@link CudaBackendException} naming the op and
     * the shapes of {@code args} (tensors by shape; other arguments as they print).
     */
    /** {@link #call} for a body that returns nothing. */
    private void run(String op, Runnable body, Object... args) {
        call(op, () -> {
            body.run();
            return null;
        }, args);
    }

    private synchronized <T> T call(String op, Supplier<T> body, Object... args) {
        if (closed) {
            throw new IllegalStateException("the CUDA backend of " + device + " is closed (" + op + ")");
        }
        try {
            exec.context.makeCurrent();
            if (!profile.enabled()) {
                return body.get();
            }
            long t0 = System.nanoTime();
            T result = body.get();
            exec.stream.synchronize();
            profile.add(op, System.nanoTime() - t0);
            return result;
        } catch (CudaOutOfMemoryException e) {
            throw e;
        } catch (Transfer4jException e) {
            if (!isLibraryFailure(e)) {
                throw e; // shape errors and the like are already typed and named
            }
            throw new CudaBackendException(op, describe(args), e);
        }
    }

    private static boolean isLibraryFailure(Transfer4jException e) {
        return e instanceof CudaException || e instanceof org.transfer4j.cuda.blas.CublasException
                || e instanceof org.transfer4j.cuda.dnn.CudnnException;
    }

    /**
     * A scalar argument for {@link #describe}, shown as {@code name=value} only when a failure is reported: the
     * message is not built on every call (a float's decimal form costs more than some ops' host work).
     */
    private record Named(String name, Object value) {
        @Override
        public String toString() {
            return name + "=" + value;
        }
    }

    private static Named named(String name, Object value) {
        return new Named(name, value);
    }

    private String describe(Object... args) {
        List<String> parts = new ArrayList<>();
        for (Object a : args) {
            parts.add(switch (a) {
                case Tensor t -> Shape.toString(t.shape());
                case int[] s -> Arrays.toString(s);
                case null -> "null";
                default -> a.toString();
            });
        }
        return device + " with " + String.join(", ", parts);
    }

    /**
     * Waits for the queued work, then releases the stream, the kernel modules, cuBLAS and cuDNN handles and
     * the cached memory (tensors still open keep their blocks until closed). Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        exec.context.makeCurrent();
        exec.stream.synchronize();
        closed = true;
        exec.cudnn.close();
        exec.cublas.close();
        exec.modules.close();
        exec.allocator.close();
        exec.transfers.close();
        exec.pinned.close();
        exec.stream.close();
        exec.context.close();
    }

    @Override
    public String toString() {
        return "CudaBackend[" + device + ", " + exec.context.device().name() + "]";
    }
}
