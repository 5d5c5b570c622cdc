package org.transfer4j.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.transfer4j.backend.cpu.CpuBackend;
import org.transfer4j.tensor.Device;
import org.transfer4j.tensor.DeviceMismatchException;
import org.transfer4j.tensor.Tensor;
import org.transfer4j.tensor.TensorScope;

/**
 * A second device for tests, standing in for a GPU: a {@link Backend} that computes every primitive with the
 * CPU backend, so its results are the CPU's bit for bit, but owns its own {@link Storage} type and its own
 * {@link Device} ({@code cuda:<index>}). Each primitive unwraps its inputs (a view of the same shape, strides
 * and offset over the CPU storage inside) and wraps its outputs; an input that is not this device's storage,
 * a CPU tensor above all, throws a {@link DeviceMismatchException} naming the primitive. So any place where
 * CPU and "device" tensors mix fails loudly, as it would on a GPU.
 *
 * <p>It counts the host transfers, {@link #uploads()} ({@code Tensor.of(device, ...)}, {@code to(device)})
 * and {@link #downloads()} ({@code toArray}, {@code item}, {@link #nonFiniteCount}), to show how often work
 * crosses to the host.
 */
public final class FakeDevice implements Backend {
    private final CpuBackend cpu = CpuBackend.instance();
    private final Device device;
    private final AtomicLong uploads = new AtomicLong();
    private final AtomicLong downloads = new AtomicLong();
    private final AtomicLong optimizerCalls = new AtomicLong();
    private final AtomicLong liveStorages = new AtomicLong();
    private final AtomicLong liveFloats = new AtomicLong();
    /** Storage births and deaths in order while recording ({@link #recordAllocations}); null when not. */
    private List<long[]> allocationLog;
    private long nextStorageId;
    private final AtomicLong peakFloats = new AtomicLong();

    /**
     * What this device's tensors report as their backend: the device itself, or while {@link #recordCalls} is on, a
     * proxy that logs each SPI call's name and hands it to the device.
     */
    private volatile Backend self = this;
    private List<String> calls;

    private FakeDevice(int index) {
        this.device = Device.of(Device.Type.CUDA, index, this);
    }

    /** A fresh fake device {@code cuda:index}; two fakes with the same index count as the same device. */
    public static FakeDevice create(int index) {
        return new FakeDevice(index);
    }

    @Override
    public Device device() {
        return device;
    }

    public long uploads() {
        return uploads.get();
    }

    public long downloads() {
        return downloads.get();
    }

    /** Storages of this device made and not yet closed: what a device would still hold in memory. */
    public long liveStorages() {
        return liveStorages.get();
    }

    /** Floats held by open storages now, and the most held at once since {@link #resetPeak} (a GPU's peak memory). */
    public long liveFloats() {
        return liveFloats.get();
    }

    public long peakFloats() {
        return peakFloats.get();
    }

    /**
     * Starts recording every storage made and closed from now on, in order: {@code {id, bytes}} when one is made,
     * {@code {-id, 0}} when it is closed. The allocations a GPU allocator would see, to replay through one.
     */
    public synchronized void recordAllocations() {
        allocationLog = new ArrayList<>();
    }

    /** What {@link #recordAllocations} recorded so far (a copy). */
    public synchronized List<long[]> allocations() {
        return allocationLog == null ? List.of() : List.copyOf(allocationLog);
    }

    private synchronized long logMade(long bytes) {
        long id = ++nextStorageId;
        if (allocationLog != null) {
            allocationLog.add(new long[] {id, bytes});
        }
        return id;
    }

    private synchronized void logClosed(long id) {
        if (allocationLog != null) {
            allocationLog.add(new long[] {-id, 0});
        }
    }

    /**
     * Starts logging the SPI calls ops make on this device's tensors, by method name and in order (not those made
     * through {@code Device.backend()}, such as a new tensor's allocation): how a test pins the primitives, and so the
     * kernel launches on a GPU, of a step.
     */
    public synchronized void recordCalls() {
        calls = new ArrayList<>();
        FakeDevice device = this;
        self = (Backend) java.lang.reflect.Proxy.newProxyInstance(Backend.class.getClassLoader(),
                new Class<?>[] {Backend.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) { // identity: the proxy stands for the device
                        return switch (method.getName()) {
                            case "equals" -> proxy == args[0];
                            case "hashCode" -> System.identityHashCode(proxy);
                            default -> "calls of " + device;
                        };
                    }
                    if (!method.getName().equals("device")) { // a question, not a primitive
                        synchronized (device) {
                            calls.add(method.getName());
                        }
                    }
                    try {
                        return method.invoke(device, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** The SPI calls logged since {@link #recordCalls}, in order. */
    public synchronized List<String> calls() {
        return calls == null ? List.of() : List.copyOf(calls);
    }

    /** Starts a new peak at what is held now. */
    public void resetPeak() {
        peakFloats.set(liveFloats.get());
    }

    /** Calls of the fused optimizer updates so far, a per-weight and a group call counting one each. */
    public long optimizerCalls() {
        return optimizerCalls.get();
    }

    /** This device's storage: a CPU storage it owns. */
    private final class FakeStorage implements Storage {
        private final Storage inner;
        private final long id;
        private boolean closed;

        FakeStorage(Storage inner) {
            this.inner = inner;
            this.id = logMade(inner.size() * Float.BYTES);
            liveStorages.incrementAndGet();
            peakFloats.accumulateAndGet(liveFloats.addAndGet(inner.size()), Math::max);
        }

        @Override
        public Backend backend() {
            return self;
        }

        /** The device that made it (its {@link #backend} may be the call-logging proxy). */
        FakeDevice owner() {
            return FakeDevice.this;
        }

        @Override
        public long size() {
            return inner.size();
        }

        @Override
        public boolean isClosed() {
            return inner.isClosed();
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                liveStorages.decrementAndGet();
                logClosed(id);
                liveFloats.addAndGet(-inner.size());
            }
            inner.close();
        }
    }

    /** The CPU view behind a tensor of this device; null stays null; a tensor of any other device throws. */
    private Tensor in(String op, Tensor t) {
        if (t == null) {
            return null;
        }
        if (!(t.storage() instanceof FakeStorage s) || s.owner() != this) {
            throw new DeviceMismatchException("fake " + device + " backend, " + op, device, t.device());
        }
        t.ensureOpen(op);
        return Tensor.over(s.inner, (int) s.inner.size()).view(t.shape(), t.strides(), t.offset());
    }

    /** A CPU result as a tensor of this device (same view over the wrapped storage). */
    private Tensor out(Tensor cpuResult) {
        Storage s = new FakeStorage(cpuResult.storage());
        TensorScope.adopt(s, cpuResult.storage()); // a TensorScope frees (or keeps) the pair through the wrapper
        return Tensor.over(s, (int) s.size()).view(cpuResult.shape(), cpuResult.strides(), cpuResult.offset());
    }

    // ---- memory -----------------------------------------------------------------------------------

    @Override
    public Storage allocate(long numel) {
        return new FakeStorage(cpu.allocate(numel));
    }

    @Override
    public Storage upload(float[] data, int offset, int length) {
        uploads.incrementAndGet();
        return new FakeStorage(cpu.upload(data, offset, length));
    }

    @Override
    public void download(Tensor src, float[] dst, int dstOffset) {
        downloads.incrementAndGet();
        cpu.download(in("download", src), dst, dstOffset);
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        cpu.copy(in("copy", src), in("copy", dst));
    }

    @Override
    public void fill(Tensor dst, float value) {
        cpu.fill(in("fill", dst), value);
    }

    @Override
    public void movingAverage(Tensor average, Tensor value, float momentum) {
        cpu.movingAverage(in("movingAverage", average), in("movingAverage", value), momentum);
    }

    @Override
    public void scaleShiftActivation(Tensor y, Tensor scale, Tensor shift, Tensor residual, float low, float high) {
        String op = "scaleShiftActivation";
        cpu.scaleShiftActivation(in(op, y), in(op, scale), in(op, shift), in(op, residual), low, high);
    }

    @Override
    public void randomUniform(Tensor dst, long seed, long counter, float low, float high) {
        cpu.randomUniform(in("randomUniform", dst), seed, counter, low, high);
    }

    @Override
    public void randomNormal(Tensor dst, long seed, long counter, float mean, float std) {
        cpu.randomNormal(in("randomNormal", dst), seed, counter, mean, std);
    }

    @Override
    public DropoutForward dropout(Tensor x, long seed, long counter, float rate, float scale) {
        DropoutForward r = cpu.dropout(in("dropout", x), seed, counter, rate, scale);
        return new DropoutForward(out(r.output()), out(r.mask()));
    }

    // ---- compute ----------------------------------------------------------------------------------

    @Override
    public Tensor unary(UnaryOp op, Tensor x, float alpha, float beta) {
        return out(cpu.unary(op, in("unary", x), alpha, beta));
    }

    @Override
    public Tensor unaryBackward(UnaryOp op, Tensor x, Tensor gradY, float alpha, float beta) {
        return out(cpu.unaryBackward(op, in("unaryBackward", x), in("unaryBackward", gradY), alpha, beta));
    }

    @Override
    public Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        return out(cpu.binary(op, in("binary", a), in("binary", b)));
    }

    /** The CPU's one-pass sum and clamp, as a GPU backend fuses it: no sum is made. */
    @Override
    public Tensor addClamped(Tensor a, Tensor b, float low, float high) {
        return out(cpu.addClamped(in("addClamped", a), in("addClamped", b), low, high));
    }

    /** The CPU's in-place sum, as a GPU backend writes it: no new storage. */
    @Override
    public void addInPlace(Tensor into, Tensor g) {
        cpu.addInPlace(in("addInPlace", into), in("addInPlace", g));
    }

    @Override
    public Tensor reduce(ReduceOp op, Tensor x, int[] axes) {
        return out(cpu.reduce(op, in("reduce", x), axes));
    }

    @Override
    public Tensor gemm(Tensor a, Tensor b, boolean transA, boolean transB) {
        return out(cpu.gemm(in("gemm", a), in("gemm", b), transA, transB));
    }

    @Override
    public Tensor conv2d(Tensor x, Tensor kernel, Conv2dSpec spec) {
        return out(cpu.conv2d(in("conv2d", x), in("conv2d", kernel), spec));
    }

    @Override
    public Tensor conv2dBackwardData(Tensor gradY, Tensor kernel, Conv2dSpec spec, int[] xShape) {
        return out(cpu.conv2dBackwardData(in("conv2dBackwardData", gradY), in("conv2dBackwardData", kernel), spec,
                xShape));
    }

    @Override
    public Tensor conv2dBackwardFilter(Tensor x, Tensor gradY, Conv2dSpec spec, int[] kernelShape) {
        return out(cpu.conv2dBackwardFilter(in("conv2dBackwardFilter", x), in("conv2dBackwardFilter", gradY), spec,
                kernelShape));
    }

    @Override
    public Tensor pool2d(Tensor x, Pool2dSpec spec) {
        return out(cpu.pool2d(in("pool2d", x), spec));
    }

    @Override
    public Tensor pool2dBackward(Tensor x, Tensor y, Tensor gradY, Pool2dSpec spec) {
        return out(cpu.pool2dBackward(in("pool2dBackward", x), in("pool2dBackward", y), in("pool2dBackward", gradY),
                spec));
    }

    @Override
    public BatchNormForward batchNormTraining(Tensor x, Tensor gamma, Tensor beta, float epsilon) {
        BatchNormForward r = cpu.batchNormTraining(in("batchNormTraining", x), in("batchNormTraining", gamma),
                in("batchNormTraining", beta), epsilon);
        return new BatchNormForward(out(r.output()), out(r.mean()), out(r.variance()), out(r.invStd()));
    }

    /** The CPU's fused clamp, as a GPU backend fuses it: no unclamped output is made. */
    @Override
    public BatchNormForward batchNormTraining(Tensor x, Tensor gamma, Tensor beta, float epsilon, float low,
                                              float high) {
        String op = "batchNormTraining";
        BatchNormForward r = cpu.batchNormTraining(in(op, x), in(op, gamma), in(op, beta), epsilon, low, high);
        return new BatchNormForward(out(r.output()), out(r.mean()), out(r.variance()), out(r.invStd()));
    }

    @Override
    public void batchNormMovingAverages(Tensor movingMean, Tensor batchMean, Tensor bias, Tensor movingVariance,
                                        Tensor batchVariance, float momentum) {
        String op = "batchNormMovingAverages";
        cpu.batchNormMovingAverages(in(op, movingMean), in(op, batchMean), in(op, bias), in(op, movingVariance),
                in(op, batchVariance), momentum);
    }

    @Override
    public Tensor batchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor mean, Tensor variance,
                                     float epsilon) {
        String op = "batchNormInference";
        return out(cpu.batchNormInference(in(op, x), in(op, gamma), in(op, beta), in(op, mean), in(op, variance),
                epsilon));
    }

    @Override
    public BatchNormGradients batchNormBackward(Tensor x, Tensor gradY, Tensor gamma, Tensor mean, Tensor invStd) {
        String op = "batchNormBackward";
        BatchNormGradients r = cpu.batchNormBackward(in(op, x), in(op, gradY), in(op, gamma), in(op, mean),
                in(op, invStd));
        return new BatchNormGradients(out(r.gradX()), out(r.gradGamma()), out(r.gradBeta()));
    }

    /** The CPU's masked backward, as a GPU backend fuses it: no masked gradient is made. */
    @Override
    public BatchNormGradients batchNormBackward(Tensor x, Tensor gradY, Tensor gamma, Tensor mean, Tensor invStd,
                                                Tensor y, float low, float high) {
        String op = "batchNormBackward";
        BatchNormGradients r = cpu.batchNormBackward(in(op, x), in(op, gradY), in(op, gamma), in(op, mean),
                in(op, invStd), in(op, y), low, high);
        return new BatchNormGradients(out(r.gradX()), out(r.gradGamma()), out(r.gradBeta()));
    }

    /** The CPU's, as a GPU backend skips dx: no dx is made. */
    @Override
    public BatchNormGradients batchNormParameterGradients(Tensor x, Tensor gradY, Tensor gamma, Tensor mean,
                                                          Tensor invStd, Tensor y, float low, float high) {
        String op = "batchNormParameterGradients";
        BatchNormGradients r = cpu.batchNormParameterGradients(in(op, x), in(op, gradY), in(op, gamma), in(op, mean),
                in(op, invStd), in(op, y), low, high);
        return new BatchNormGradients(null, out(r.gradGamma()), out(r.gradBeta()));
    }

    @Override
    public SoftmaxCrossEntropy softmaxCrossEntropy(Tensor logits, Tensor targets) {
        SoftmaxCrossEntropy r = cpu.softmaxCrossEntropy(in("softmaxCrossEntropy", logits),
                in("softmaxCrossEntropy", targets));
        return new SoftmaxCrossEntropy(out(r.loss()), out(r.probabilities()));
    }

    @Override
    public Tensor softmaxCrossEntropyBackward(Tensor probabilities, Tensor targets, Tensor rowWeights, Tensor gradLoss,
                                             float scale) {
        String op = "softmaxCrossEntropyBackward";
        return out(cpu.softmaxCrossEntropyBackward(in(op, probabilities), in(op, targets), in(op, rowWeights),
                in(op, gradLoss), scale));
    }

    @Override
    public Tensor gather(Tensor x, int axis, int[] indices) {
        return out(cpu.gather(in("gather", x), axis, indices));
    }

    @Override
    public Tensor scatterAdd(Tensor gradY, int axis, int[] indices, int axisSize) {
        return out(cpu.scatterAdd(in("scatterAdd", gradY), axis, indices, axisSize));
    }

    @Override
    public void sgdUpdate(Tensor param, Tensor grad, Tensor buffer, double momentum, double gradScale,
                          double stepScale, boolean nesterov, double l2, double decay) {
        optimizerCalls.incrementAndGet();
        cpu.sgdUpdate(in("sgdUpdate", param), in("sgdUpdate", grad), in("sgdUpdate", buffer), momentum, gradScale,
                stepScale, nesterov, l2, decay);
    }

    @Override
    public void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v, double beta1, double beta2,
                           double stepSize, double epsHat, double l2, double decay) {
        optimizerCalls.incrementAndGet();
        cpu.adamUpdate(in("adamUpdate", param), in("adamUpdate", grad), in("adamUpdate", m), in("adamUpdate", v),
                beta1, beta2, stepSize, epsHat, l2, decay);
    }

    @Override
    public void rmspropUpdate(Tensor param, Tensor grad, Tensor squareAvg, Tensor gradAvg, Tensor buffer, double rho,
                              double momentum, double epsInside, double epsOutside, double gradScale,
                              double stepScale, double l2, double decay) {
        String op = "rmspropUpdate";
        optimizerCalls.incrementAndGet();
        cpu.rmspropUpdate(in(op, param), in(op, grad), in(op, squareAvg), in(op, gradAvg), in(op, buffer), rho,
                momentum, epsInside, epsOutside, gradScale, stepScale, l2, decay);
    }

    @Override
    public void sgdUpdateGroup(List<Tensor> params, List<Tensor> grads, List<Tensor> buffers, double momentum,
                               double gradScale, double stepScale, boolean nesterov, double l2, double decay) {
        String op = "sgdUpdateGroup";
        optimizerCalls.incrementAndGet();
        cpu.sgdUpdateGroup(in(op, params), in(op, grads), in(op, buffers), momentum, gradScale, stepScale, nesterov,
                l2, decay);
    }

    @Override
    public void adamUpdateGroup(List<Tensor> params, List<Tensor> grads, List<Tensor> ms, List<Tensor> vs,
                                double beta1, double beta2, double stepSize, double epsHat, double l2, double decay) {
        String op = "adamUpdateGroup";
        optimizerCalls.incrementAndGet();
        cpu.adamUpdateGroup(in(op, params), in(op, grads), in(op, ms), in(op, vs), beta1, beta2, stepSize, epsHat,
                l2, decay);
    }

    @Override
    public void rmspropUpdateGroup(List<Tensor> params, List<Tensor> grads, List<Tensor> squareAvgs,
                                   List<Tensor> gradAvgs, List<Tensor> buffers, double rho, double momentum,
                                   double epsInside, double epsOutside, double gradScale, double stepScale,
                                   double l2, double decay) {
        String op = "rmspropUpdateGroup";
        optimizerCalls.incrementAndGet();
        cpu.rmspropUpdateGroup(in(op, params), in(op, grads), in(op, squareAvgs), in(op, gradAvgs), in(op, buffers),
                rho, momentum, epsInside, epsOutside, gradScale, stepScale, l2, decay);
    }

    /** A GPU reads the count back to the host: one download, as {@link #download} counts. */
    @Override
    public long nonFiniteCount(List<Tensor> tensors) {
        downloads.incrementAndGet();
        return cpu.nonFiniteCount(in("nonFiniteCount", tensors));
    }

    /** A GPU reads the values and the count back together: one download. */
    @Override
    public long downloadAndCountNonFinite(List<Tensor> reads, float[] dst, List<Tensor> checked) {
        downloads.incrementAndGet();
        String op = "downloadAndCountNonFinite";
        return cpu.downloadAndCountNonFinite(in(op, reads), dst, in(op, checked));
    }

    /** {@link #in(String, Tensor)} of each entry; null stays null (a slot list that is not used). */
    private List<Tensor> in(String op, List<Tensor> ts) {
        if (ts == null) {
            return null;
        }
        List<Tensor> out = new ArrayList<>(ts.size());
        for (Tensor t : ts) {
            out.add(in(op, t));
        }
        return out;
    }
}
