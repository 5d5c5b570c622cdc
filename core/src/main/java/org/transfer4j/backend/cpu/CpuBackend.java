package org.transfer4j.backend.cpu;

import java.util.List;
import java.util.Objects;
import org.transfer4j.backend.Backend;
import org.transfer4j.backend.BatchNormChecks;
import org.transfer4j.backend.BinaryOp;
import org.transfer4j.backend.Conv2dSpec;
import org.transfer4j.backend.Pool2dSpec;
import org.transfer4j.backend.ReduceOp;
import org.transfer4j.backend.Storage;
import org.transfer4j.backend.UnaryOp;
import org.transfer4j.backend.UpdateGroupLists;
import org.transfer4j.tensor.Device;
import org.transfer4j.tensor.Shape;
import org.transfer4j.tensor.Tensor;

/** The CPU backend. It only dispatches: each family of primitives lives in its own {@code Cpu*} class. */
public final class CpuBackend implements Backend {
    private static final CpuBackend INSTANCE = new CpuBackend();

    private CpuBackend() {
    }

    public static CpuBackend instance() {
        return INSTANCE;
    }

    @Override
    public Device device() {
        return Device.cpu();
    }

    // ---- helpers shared by the Cpu* classes ---------------------------------------------------------

    /** The backing array of a CPU tensor (its elements start at {@code t.offset()}). */
    static float[] data(Tensor t) {
        if (!(t.storage() instanceof CpuStorage s)) {
            throw new IllegalArgumentException("CPU backend got a tensor on " + t.device());
        }
        t.ensureOpen("cpu");
        return s.data();
    }

    static Tensor newTensor(int... shape) {
        return Tensor.wrap(new CpuStorage(new float[(int) Shape.numel(shape)]), shape);
    }

    static void requireContiguous(String op, Tensor... ts) {
        for (Tensor t : ts) {
            if (t != null && !t.isContiguous()) {
                throw new IllegalArgumentException(op + ": the CPU primitive needs contiguous input, got shape "
                        + java.util.Arrays.toString(t.shape()) + " strides " + java.util.Arrays.toString(t.strides()));
            }
        }
    }

    // ---- memory -----------------------------------------------------------------------------------

    @Override
    public Storage allocate(long numel) {
        if (numel > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("CPU storage is limited to 2^31 elements, asked for " + numel);
        }
        return new CpuStorage(new float[(int) numel]);
    }

    @Override
    public Storage upload(float[] data, int offset, int length) {
        return new CpuStorage(java.util.Arrays.copyOfRange(data, offset, offset + length));
    }

    @Override
    public void download(Tensor src, float[] dst, int dstOffset) {
        CpuElementwise.download(src, dst, dstOffset);
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        CpuElementwise.copy(src, dst);
    }

    @Override
    public void fill(Tensor dst, float value) {
        CpuElementwise.fill(dst, value);
    }

    @Override
    public void movingAverage(Tensor average, Tensor value, float momentum) {
        requireContiguous("movingAverage", average, value);
        BatchNormChecks.movingAverage(average, value);
        float[] a = data(average);
        float[] v = data(value);
        int ao = average.offset();
        int vo = value.offset();
        float rest = 1f - momentum;
        for (int i = 0, n = average.numel(); i < n; i++) {
            a[ao + i] = momentum * a[ao + i] + rest * v[vo + i]; // Java never fuses these into an FMA
        }
    }

    @Override
    public void randomUniform(Tensor dst, long seed, long counter, float low, float high) {
        requireContiguous("randomUniform", dst);
        CpuElementwise.randomUniform(dst, seed, counter, low, high);
    }

    @Override
    public void randomNormal(Tensor dst, long seed, long counter, float mean, float std) {
        requireContiguous("randomNormal", dst);
        CpuElementwise.randomNormal(dst, seed, counter, mean, std);
    }

    @Override
    public DropoutForward dropout(Tensor x, long seed, long counter, float rate, float scale) {
        requireContiguous("dropout", x);
        return CpuElementwise.dropout(x, seed, counter, rate, scale);
    }

    // ---- compute ----------------------------------------------------------------------------------

    @Override
    public Tensor unary(UnaryOp op, Tensor x, float alpha, float beta) {
        return CpuElementwise.unary(op, x, alpha, beta);
    }

    @Override
    public Tensor unaryBackward(UnaryOp op, Tensor x, Tensor gradY, float alpha, float beta) {
        return CpuElementwise.unaryBackward(op, x, gradY, alpha, beta);
    }

    @Override
    public Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        return CpuElementwise.binary(op, a, b);
    }

    /** The clamp in the sum's pass ({@link CpuElementwise#addClamped}). */
    @Override
    public Tensor addClamped(Tensor a, Tensor b, float low, float high) {
        return CpuElementwise.addClamped(a, b, low, high);
    }

    /** One pass writing the sum over {@code into}. */
    @Override
    public void addInPlace(Tensor into, Tensor g) {
        CpuElementwise.addInPlace(into, g);
    }

    @Override
    public Tensor reduce(ReduceOp op, Tensor x, int[] axes) {
        return CpuReduce.reduce(op, x, axes);
    }

    @Override
    public Tensor gemm(Tensor a, Tensor b, boolean transA, boolean transB) {
        return CpuGemm.batched(a, b, transA, transB);
    }

    @Override
    public Tensor conv2d(Tensor x, Tensor kernel, Conv2dSpec spec) {
        return CpuConv2d.forward(x, kernel, spec);
    }

    @Override
    public Tensor conv2dBackwardData(Tensor gradY, Tensor kernel, Conv2dSpec spec, int[] xShape) {
        return CpuConv2d.backwardData(gradY, kernel, spec, xShape);
    }

    @Override
    public Tensor conv2dBackwardFilter(Tensor x, Tensor gradY, Conv2dSpec spec, int[] kernelShape) {
        return CpuConv2d.backwardFilter(x, gradY, spec, kernelShape);
    }

    @Override
    public Tensor pool2d(Tensor x, Pool2dSpec spec) {
        return CpuPool2d.forward(x, spec);
    }

    @Override
    public Tensor pool2dBackward(Tensor x, Tensor y, Tensor gradY, Pool2dSpec spec) {
        return CpuPool2d.backward(x, y, gradY, spec);
    }

    @Override
    public BatchNormForward batchNormTraining(Tensor x, Tensor gamma, Tensor beta, float epsilon) {
        return CpuBatchNorm.training(x, gamma, beta, epsilon, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
    }

    /** The clamp in the batch norm's output pass ({@link CpuBatchNorm}). */
    @Override
    public BatchNormForward batchNormTraining(Tensor x, Tensor gamma, Tensor beta, float epsilon, float low,
                                              float high) {
        BatchNormChecks.clamp("batchNormTraining", x, null, low, high);
        return CpuBatchNorm.training(x, gamma, beta, epsilon, low, high);
    }

    /**
     * One loop over the C channels updating both statistics, bit for bit the composite ({@code binary(ADD)}, then
     * {@link #movingAverage} twice): float add and multiply are exact IEEE operations whichever loop does them, and
     * Java never fuses them into an FMA.
     */
    @Override
    public void batchNormMovingAverages(Tensor movingMean, Tensor batchMean, Tensor bias, Tensor movingVariance,
                                        Tensor batchVariance, float momentum) {
        BatchNormChecks.movingAverages(movingMean, batchMean, bias, movingVariance, batchVariance);
        requireContiguous("batchNormMovingAverages", movingMean, batchMean, bias, movingVariance, batchVariance);
        float[] mm = data(movingMean);
        float[] bm = data(batchMean);
        float[] b = bias == null ? null : data(bias);
        float[] mv = data(movingVariance);
        float[] bv = data(batchVariance);
        int mmo = movingMean.offset();
        int bmo = batchMean.offset();
        int bo = bias == null ? 0 : bias.offset();
        int mvo = movingVariance.offset();
        int bvo = batchVariance.offset();
        float rest = 1f - momentum;
        for (int k = 0, c = movingMean.numel(); k < c; k++) {
            float mean = b == null ? bm[bmo + k] : bm[bmo + k] + b[bo + k];
            mm[mmo + k] = momentum * mm[mmo + k] + rest * mean;
            mv[mvo + k] = momentum * mv[mvo + k] + rest * bv[bvo + k];
        }
    }

    @Override
    public Tensor batchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor mean, Tensor variance,
                                     float epsilon) {
        return CpuBatchNorm.inference(x, gamma, beta, mean, variance, epsilon);
    }

    @Override
    public BatchNormGradients batchNormBackward(Tensor x, Tensor gradY, Tensor gamma, Tensor mean, Tensor invStd) {
        return CpuBatchNorm.backward(x, gradY, gamma, mean, invStd, null, 0f, 0f, true);
    }

    /** The two column sums alone: no dx pass. */
    @Override
    public BatchNormGradients batchNormParameterGradients(Tensor x, Tensor gradY, Tensor gamma, Tensor mean,
                                                          Tensor invStd, Tensor y, float low, float high) {
        if (y != null) {
            BatchNormChecks.clamp("batchNormBackward", x, y, low, high);
        }
        return CpuBatchNorm.backward(x, gradY, gamma, mean, invStd, y, low, high, false);
    }

    /** The clamp's derivative masks dy as the batch norm's backward passes read it ({@link CpuBatchNorm}). */
    @Override
    public BatchNormGradients batchNormBackward(Tensor x, Tensor gradY, Tensor gamma, Tensor mean, Tensor invStd,
                                                Tensor y, float low, float high) {
        BatchNormChecks.clamp("batchNormBackward", x, Objects.requireNonNull(y, "batchNormBackward: y"), low, high);
        return CpuBatchNorm.backward(x, gradY, gamma, mean, invStd, y, low, high, true);
    }

    @Override
    public SoftmaxCrossEntropy softmaxCrossEntropy(Tensor logits, Tensor targets) {
        return CpuSoftmaxCrossEntropy.forward(logits, targets);
    }

    /** One loop over dlogits ({@link CpuSoftmaxCrossEntropy#backward}), bit for bit the composite. */
    @Override
    public Tensor softmaxCrossEntropyBackward(Tensor probabilities, Tensor targets, Tensor rowWeights, Tensor gradLoss,
                                             float scale) {
        return CpuSoftmaxCrossEntropy.backward(probabilities, targets, rowWeights, gradLoss, scale);
    }

    @Override
    public Tensor gather(Tensor x, int axis, int[] indices) {
        return CpuGather.gather(x, axis, indices);
    }

    @Override
    public Tensor scatterAdd(Tensor gradY, int axis, int[] indices, int axisSize) {
        return CpuGather.scatterAdd(gradY, axis, indices, axisSize);
    }

    @Override
    public void sgdUpdate(Tensor param, Tensor grad, Tensor buffer, double momentum, double gradScale, double stepScale,
                          boolean nesterov, double l2, double decay) {
        CpuOptimizers.sgd(param, grad, buffer, momentum, gradScale, stepScale, nesterov, l2, decay);
    }

    @Override
    public void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v, double beta1, double beta2, double stepSize,
                           double epsHat, double l2, double decay) {
        CpuOptimizers.adam(param, grad, m, v, beta1, beta2, stepSize, epsHat, l2, decay);
    }

    @Override
    public void rmspropUpdate(Tensor param, Tensor grad, Tensor squareAvg, Tensor gradAvg, Tensor buffer, double rho,
                              double momentum, double epsInside, double epsOutside, double gradScale, double stepScale,
                              double l2, double decay) {
        CpuOptimizers.rmsprop(param, grad, squareAvg, gradAvg, buffer, rho, momentum, epsInside, epsOutside,
                gradScale, stepScale, l2, decay);
    }

    // The group forms run the per-weight loops one weight after another: each weight is split across
    // cores when it is large (CpuOptimizers.GRAIN), the small ones (biases, BN) cost little either way.

    @Override
    public void sgdUpdateGroup(List<Tensor> params, List<Tensor> grads, List<Tensor> buffers, double momentum,
                               double gradScale, double stepScale, boolean nesterov, double l2, double decay) {
        int n = UpdateGroupLists.count("sgdUpdateGroup", params, grads, buffers);
        for (int i = 0; i < n; i++) {
            CpuOptimizers.sgd(params.get(i), grads.get(i), UpdateGroupLists.at(buffers, i), momentum, gradScale,
                    stepScale, nesterov, l2, decay);
        }
    }

    @Override
    public void adamUpdateGroup(List<Tensor> params, List<Tensor> grads, List<Tensor> ms, List<Tensor> vs,
                                double beta1, double beta2, double stepSize, double epsHat, double l2, double decay) {
        int n = UpdateGroupLists.count("adamUpdateGroup", params, grads, ms, vs);
        for (int i = 0; i < n; i++) {
            CpuOptimizers.adam(params.get(i), grads.get(i), UpdateGroupLists.at(ms, i), UpdateGroupLists.at(vs, i),
                    beta1, beta2, stepSize, epsHat, l2, decay);
        }
    }

    @Override
    public void rmspropUpdateGroup(List<Tensor> params, List<Tensor> grads, List<Tensor> squareAvgs,
                                   List<Tensor> gradAvgs, List<Tensor> buffers, double rho, double momentum,
                                   double epsInside, double epsOutside, double gradScale, double stepScale,
                                   double l2, double decay) {
        int n = UpdateGroupLists.count("rmspropUpdateGroup", params, grads, squareAvgs, gradAvgs, buffers);
        for (int i = 0; i < n; i++) {
            CpuOptimizers.rmsprop(params.get(i), grads.get(i), UpdateGroupLists.at(squareAvgs, i),
                    UpdateGroupLists.at(gradAvgs, i), UpdateGroupLists.at(buffers, i), rho, momentum, epsInside,
                    epsOutside, gradScale, stepScale, l2, decay);
        }
    }

    @Override
    public void scaleShiftActivation(Tensor y, Tensor scale, Tensor shift, Tensor residual, float low, float high) {
        CpuElementwise.scaleShiftActivation(y, scale, shift, residual, low, high);
    }

    @Override
    public long nonFiniteCount(List<Tensor> tensors) {
        long count = 0;
        for (Tensor t : tensors) {
            count += CpuElementwise.nonFiniteCount(t);
        }
        return count;
    }

    /** On the host there is nothing to wait for: the downloads, then the count. */
    @Override
    public long downloadAndCountNonFinite(List<Tensor> reads, float[] dst, List<Tensor> checked) {
        long total = 0;
        for (Tensor t : reads) {
            total += t.numel();
        }
        if (total > dst.length) {
            throw new IllegalArgumentException("downloadAndCountNonFinite: " + total + " floats to read do not fit "
                    + dst.length);
        }
        int at = 0;
        for (Tensor t : reads) {
            CpuElementwise.download(t, dst, at);
            at += t.numel();
        }
        return nonFiniteCount(checked);
    }
}
