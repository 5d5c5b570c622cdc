package org.transfer4j.backend;

import java.util.List;
import org.transfer4j.tensor.Device;
import org.transfer4j.tensor.Tensor;

/**
 * The op table. Every primitive that ops and layers lower to, once; each backend implements all of
 * them. The few default methods are fusions, each defined as the composite of other primitives that it must equal
 * bit for bit (a batch norm with its ReLU, a residual sum with its ReLU, a batch norm's moving statistics' update, the
 * loss's backward): a backend overrides them to save passes and launches, and one that does not still computes the
 * same values.
 * Backends compute only: no autograd, no shape inference beyond what the primitive needs.
 *
 * <p>Conventions. Tensors are NHWC, row-major. "Any strides" means the argument may be any view
 * (permuted, sliced, broadcast with stride 0); otherwise arguments must be contiguous and the
 * backend may throw if they are not. Every returned tensor is new, contiguous, on this backend's
 * device. Shapes are checked by the ops before they call in; backends re-check only what would
 * otherwise corrupt memory.
 */
public interface Backend {
    Device device();

    // ---- memory -------------------------------------------------------------------------------

    /** A new storage of {@code numel} floats, zero-filled. */
    Storage allocate(long numel);

    /** A new storage holding a copy of {@code data[offset, offset+length)}. */
    Storage upload(float[] data, int offset, int length);

    /** Copies {@code src} (any strides) into {@code dst[dstOffset...]} in row-major order. */
    void download(Tensor src, float[] dst, int dstOffset);

    /** {@code dst[...] = src[...]} for two views of the same shape, any strides on both sides. */
    void copy(Tensor src, Tensor dst);

    /** Sets every element of the view {@code dst} (any strides) to {@code value}. */
    void fill(Tensor dst, float value);

    /**
     * {@code average[i] = momentum * average[i] + (1 - momentum) * value[i]} in place, each product rounded to
     * float and then their sum (no fused multiply-add): batch normalisation's moving statistics, one op instead
     * of two scalings, a sum and a copy. Both contiguous, of the same shape.
     */
    void movingAverage(Tensor average, Tensor value, float momentum);

    /**
     * Fills contiguous {@code dst} with uniform numbers in {@code [low, high)}: element {@code i} from
     * counter {@code counter + i} of {@link org.transfer4j.tensor.Generator}'s stream {@code seed}.
     */
    void randomUniform(Tensor dst, long seed, long counter, float low, float high);

    /** As {@link #randomUniform}, normal with the given mean and std; element {@code i} uses counters {@code counter+2i} and {@code counter+2i+1}. */
    void randomNormal(Tensor dst, long seed, long counter, float mean, float std);

    /**
     * Inverted dropout with its mask drawn in the same pass: {@code x (contiguous) -> y, mask} of x's shape,
     * {@code mask[i] = u_i >= rate ? scale : 0} with {@code u_i} uniform in [0, 1) from counter {@code counter + i}
     * of {@link org.transfer4j.tensor.Generator}'s stream {@code seed} (drawn as {@link #randomUniform} draws it
     * with {@code low = 0, high = 1}), and {@code y[i] = x[i] * mask[i]}: bit for bit the composite
     * {@code x * affine(u >= rate; scale, 0)}, in one op instead of five. The backward pass multiplies the
     * gradient by the mask.
     */
    DropoutForward dropout(Tensor x, long seed, long counter, float rate, float scale);

    // ---- elementwise ----------------------------------------------------------------------------

    /** {@code y = op(x; alpha, beta)}; x any strides. */
    Tensor unary(UnaryOp op, Tensor x, float alpha, float beta);

    /** {@code dx = dy * op'(x; alpha, beta)}; x and dy of the same shape, any strides. */
    Tensor unaryBackward(UnaryOp op, Tensor x, Tensor gradY, float alpha, float beta);

    /** {@code y = op(a, b)} with NumPy broadcasting; a and b any strides. */
    Tensor binary(BinaryOp op, Tensor a, Tensor b);

    /**
     * {@code y = clamp(a + b, low, high)}: a residual sum and the ReLU ({@code 0, +inf}) or ReLU6 ({@code 0, 6}) that
     * alone reads it (the end of a ResNet bottleneck), {@code a} and {@code b} of one shape, both contiguous (no
     * broadcasting; the op computes other inputs as the composite), {@code low <= high}. Bit for bit this default,
     * {@code binary(ADD)} then {@code unary(CLAMP)}: the sum rounded to float, the clamp NaN-propagating as
     * {@link UnaryOp#CLAMP}'s. A backend overrides it to clamp in the sum's pass, so that the sum is never written.
     *
     * @throws org.transfer4j.tensor.ShapeMismatchException naming both shapes when they differ
     * @throws IllegalArgumentException naming the bounds when {@code low <= high} does not hold, or an input that is
     *         not contiguous ({@link ElementwiseChecks#addClamped})
     */
    default Tensor addClamped(Tensor a, Tensor b, float low, float high) {
        ElementwiseChecks.addClamped(a, b, low, high);
        try (Tensor sum = binary(BinaryOp.ADD, a, b)) {
            return unary(UnaryOp.CLAMP, sum, low, high);
        }
    }

    /**
     * {@code into[i] = into[i] + g[i]} in place, both contiguous, of one shape: the backward pass adding a tensor's
     * second gradient to its first (a residual fork), where a new tensor for the sum would hold a third block of the
     * activation's size at once. Bit for bit {@code binary(ADD, into, g)}. This default computes that sum and copies it
     * back; a backend overrides it to write the sum over {@code into} in one pass. {@code g} must not overlap
     * {@code into} other than element for element.
     *
     * @throws org.transfer4j.tensor.ShapeMismatchException naming both shapes when they differ
     * @throws IllegalArgumentException naming an input that is not contiguous
     */
    default void addInPlace(Tensor into, Tensor g) {
        ElementwiseChecks.sameShapeContiguous("addInPlace", into, g);
        try (Tensor sum = binary(BinaryOp.ADD, into, g)) {
            copy(sum, into);
        }
    }

    // ---- reductions -----------------------------------------------------------------------------

    /** Reduces contiguous {@code x} over sorted, distinct {@code axes}; the result keeps the reduced axes as size 1. */
    Tensor reduce(ReduceOp op, Tensor x, int[] axes);

    /**
     * The sum of contiguous {@code x} over {@code axes} (kept as size 1) times {@code scale}, as {@link UnaryOp#AFFINE}
     * rounds {@code scale * sum + 0}: a mean, {@code scale = 1/count}. Bit for bit this default,
     * {@code unary(AFFINE, reduce(SUM, x, axes), scale, 0)}; a backend overrides it to scale in the sum's last pass (a
     * launch fewer on a GPU: a loss's mean over the batch, a global average pooling).
     */
    default Tensor reduceSumScaled(Tensor x, int[] axes, float scale) {
        try (Tensor sum = reduce(ReduceOp.SUM, x, axes)) {
            return unary(UnaryOp.AFFINE, sum, scale, 0f);
        }
    }

    // ---- matrix multiply --------------------------------------------------------------------------

    /**
     * Batched GEMM: {@code a (B,M,K)} (stored {@code (B,K,M)} when {@code transA}), {@code b (B,K,N)}
     * (stored {@code (B,N,K)} when {@code transB}) {@code -> (B,M,N)}. Both contiguous rank 3; either
     * batch may be 1 and is then broadcast.
     */
    Tensor gemm(Tensor a, Tensor b, boolean transA, boolean transB);

    // ---- convolution ------------------------------------------------------------------------------

    /** {@code x (N,H,W,C), kernel (KH,KW,C/groups,OC) -> y (N,OH,OW,OC)}; contiguous. */
    Tensor conv2d(Tensor x, Tensor kernel, Conv2dSpec spec);

    /** {@code dy (N,OH,OW,OC), kernel (KH,KW,C/groups,OC) -> dx} of shape {@code xShape}. */
    Tensor conv2dBackwardData(Tensor gradY, Tensor kernel, Conv2dSpec spec, int[] xShape);

    /** {@code x (N,H,W,C), dy (N,OH,OW,OC) -> dkernel} of shape {@code kernelShape}. */
    Tensor conv2dBackwardFilter(Tensor x, Tensor gradY, Conv2dSpec spec, int[] kernelShape);

    /**
     * The inference epilogue of a convolution ({@code org.transfer4j.nn.InferenceModel}): its bias, the batch
     * normalisation after it, a residual and a ReLU in one pass, in place on contiguous {@code y (..., C)}:
     * {@code y = clamp(y * scale[c] + shift[c] + residual, low, high)}, each product and sum rounded to float
     * (no fused multiply-add), left to right, and the clamp NaN-propagating as {@link UnaryOp#CLAMP}'s.
     * {@code scale (C)} or null (no product: a bias only), {@code shift (C)}, both contiguous; {@code residual}
     * null or contiguous of y's shape (a ResNet shortcut, added before the block's ReLU). {@code low = -inf,
     * high = +inf} is no activation, {@code 0, +inf} ReLU, {@code 0, 6} ReLU6. The layers it replaces make three
     * or four passes over y.
     */
    void scaleShiftActivation(Tensor y, Tensor scale, Tensor shift, Tensor residual, float low, float high);

    // ---- pooling --------------------------------------------------------------------------------

    /** {@code x (N,H,W,C) -> y (N,OH,OW,C)}; contiguous. */
    Tensor pool2d(Tensor x, Pool2dSpec spec);

    /** {@code dx (N,H,W,C)} from x, the forward output y and {@code dy (N,OH,OW,C)}. Max routes each gradient to the first maximum of its window. */
    Tensor pool2dBackward(Tensor x, Tensor y, Tensor gradY, Pool2dSpec spec);

    // ---- batch normalisation over the last axis (channels) ------------------------------------------

    /** Normalises {@code x (..., C)} with the batch statistics over all other axes; biased variance. */
    BatchNormForward batchNormTraining(Tensor x, Tensor gamma, Tensor beta, float epsilon);

    /**
     * {@link #batchNormTraining} with its output clamped to {@code [low, high]} ({@link UnaryOp#CLAMP}: a batch norm
     * and the ReLU ({@code 0, +inf}) or ReLU6 ({@code 0, 6}) after it in training), bit for bit what this default
     * computes, {@code unary(CLAMP)} of the batch norm's output; a backend overrides it to clamp in the same pass,
     * so that the unclamped output is never written. {@code low <= high}.
     */
    default BatchNormForward batchNormTraining(Tensor x, Tensor gamma, Tensor beta, float epsilon, float low,
                                               float high) {
        BatchNormChecks.clamp("batchNormTraining", x, null, low, high);
        BatchNormForward f = batchNormTraining(x, gamma, beta, epsilon);
        try (Tensor normalised = f.output()) {
            return new BatchNormForward(unary(UnaryOp.CLAMP, normalised, low, high), f.mean(), f.variance(), f.invStd());
        }
    }

    /**
     * A training batch norm's update of its moving statistics from the batch's, in place on {@code movingMean} and
     * {@code movingVariance}, all five {@code (C)} and contiguous ({@code bias} may be null):
     * <pre>
     *   movingMean     = momentum * movingMean     + (1 - momentum) * (batchMean + bias)   (batchMean without a bias)
     *   movingVariance = momentum * movingVariance + (1 - momentum) * batchVariance
     * </pre>
     * The bias is that of a convolution whose addition the batch norm made unnecessary (with batch statistics it
     * cancels), which the moving mean still follows. Bit for bit this default, {@code binary(ADD)} of the batch mean
     * and the bias then {@link #movingAverage} twice: the sum, each product and their sum rounded to float, no fused
     * multiply-add. A backend overrides it to update both in one pass (one kernel launch on a GPU, where the three
     * tiny ops cost host time each, for every batch norm of a training step). The outputs must not overlap the inputs
     * other than element for element.
     *
     * @throws org.transfer4j.tensor.ShapeMismatchException naming the argument and the shapes when they do not fit
     */
    default void batchNormMovingAverages(Tensor movingMean, Tensor batchMean, Tensor bias, Tensor movingVariance,
                                         Tensor batchVariance, float momentum) {
        BatchNormChecks.movingAverages(movingMean, batchMean, bias, movingVariance, batchVariance);
        if (bias == null) {
            movingAverage(movingMean, batchMean, momentum);
        } else {
            try (Tensor shifted = binary(BinaryOp.ADD, batchMean, bias)) {
                movingAverage(movingMean, shifted, momentum);
            }
        }
        movingAverage(movingVariance, batchVariance, momentum);
    }

    /**
     * A training batch norm and its update of the moving statistics as one call: {@link #batchNormTraining} (the plain
     * one for {@code low, high = -inf, +inf}, else the clamped one), then {@link #batchNormMovingAverages} of
     * {@code moving} from the batch mean and variance it computed. Bit for bit this default; a backend overrides it to
     * update the moving statistics in the pass that computes the batch's (on a GPU a launch fewer per batch norm and
     * training step).
     */
    default BatchNormForward batchNormTrainingWithMovingAverages(Tensor x, Tensor gamma, Tensor beta, float epsilon,
                                                                 float low, float high, MovingStatistics moving) {
        boolean clamped = low != Float.NEGATIVE_INFINITY || high != Float.POSITIVE_INFINITY;
        BatchNormForward f = clamped ? batchNormTraining(x, gamma, beta, epsilon, low, high)
                : batchNormTraining(x, gamma, beta, epsilon);
        batchNormMovingAverages(moving.mean(), f.mean(), moving.bias(), moving.variance(), f.variance(),
                moving.momentum());
        return f;
    }

    /** {@code y = gamma * (x - mean) / sqrt(variance + epsilon) + beta}, all per channel {@code (C)}. */
    Tensor batchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor mean, Tensor variance, float epsilon);

    /** Gradients of {@link #batchNormTraining} given what it saved. */
    BatchNormGradients batchNormBackward(Tensor x, Tensor gradY, Tensor gamma, Tensor mean, Tensor invStd);

    /**
     * Gradients of the clamped {@link #batchNormTraining(Tensor, Tensor, Tensor, float, float, float)} given what it
     * saved and its clamped output {@code y (..., C)}: {@code gradY} counts only where {@code low < y < high} (the
     * clamp's derivative, read from its output as {@link UnaryOp#CLAMP}'s backward reads it). Bit for bit this
     * default, {@code unaryBackward(CLAMP, y, gradY)} then the batch norm's backward; a backend overrides it to mask
     * {@code gradY} as it reads it, so that the masked gradient is never written.
     */
    default BatchNormGradients batchNormBackward(Tensor x, Tensor gradY, Tensor gamma, Tensor mean, Tensor invStd,
                                                 Tensor y, float low, float high) {
        BatchNormChecks.clamp("batchNormBackward", x, java.util.Objects.requireNonNull(y, "batchNormBackward: y"), low,
                high);
        try (Tensor masked = unaryBackward(UnaryOp.CLAMP, y, gradY, low, high)) {
            return batchNormBackward(x, masked, gamma, mean, invStd);
        }
    }

    /**
     * {@link #batchNormBackward}'s gradients of gamma and beta alone ({@code gradX} null), for a batch norm whose input
     * needs no gradient: a new head's first batch norm over a frozen base's features. With {@code y} not null, the
     * clamped form ({@code dy} counts where {@code low < y < high}), else the plain one. Bit for bit the gradients of
     * this default, which computes dx too and frees it; a backend overrides it to skip dx's pass over the batch (on a
     * GPU a launch and a tensor fewer in every step of the head).
     */
    default BatchNormGradients batchNormParameterGradients(Tensor x, Tensor gradY, Tensor gamma, Tensor mean,
                                                           Tensor invStd, Tensor y, float low, float high) {
        BatchNormGradients all = y == null ? batchNormBackward(x, gradY, gamma, mean, invStd)
                : batchNormBackward(x, gradY, gamma, mean, invStd, y, low, high);
        all.gradX().close();
        return new BatchNormGradients(null, all.gradGamma(), all.gradBeta());
    }

    // ---- losses -----------------------------------------------------------------------------------

    /**
     * Fused, stable softmax cross-entropy: {@code logits (N,C)}, {@code targets (N,C)} (a distribution
     * per row) {@code -> loss (N)} {@code = -sum_c targets * log_softmax(logits)}, and the softmax
     * probabilities (N,C) that the backward pass uses.
     */
    SoftmaxCrossEntropy softmaxCrossEntropy(Tensor logits, Tensor targets);

    /**
     * The gradient of the mean softmax cross-entropy with respect to the logits, from what
     * {@link #softmaxCrossEntropy} saved: {@code probabilities (N,C)}, {@code targets (N,C)} (after label
     * smoothing), both contiguous, {@code rowWeights (N,1)} (each row's class weight) or null, and
     * {@code gradLoss} the loss's upstream gradient, one element of any shape, read where it lies (never to the
     * host) {@code -> dlogits (N,C)}:
     * <pre>
     *   d       = probabilities - targets
     *   d       = d * rowWeights[row]          with row weights only
     *   d       = d * gradLoss
     *   dlogits = scale * d + 0                scale = 1/N for the mean over the batch
     * </pre>
     * Bit for bit this default, {@code binary(SUB)}, {@code binary(MUL)} (twice, or once without row weights) and
     * {@code unary(AFFINE, scale, 0)} of this backend: each product and difference rounded to float, no fused
     * multiply-add, and the {@code + 0} that turns a -0 into +0 as the affine does. A backend overrides it to
     * compute in one pass (one kernel launch on a GPU, where the four small ops cost host time each).
     *
     * @throws org.transfer4j.tensor.ShapeMismatchException naming the shapes when they do not fit
     */
    default Tensor softmaxCrossEntropyBackward(Tensor probabilities, Tensor targets, Tensor rowWeights,
                                              Tensor gradLoss, float scale) {
        SoftmaxCrossEntropyChecks.backward(probabilities, targets, rowWeights, gradLoss);
        // gradLoss as a scalar view (not a copy: it must not be closed), so that any shape of one element broadcasts
        // to (N,C) and not to a higher rank
        Tensor g = gradLoss.view(new int[0], new int[0], gradLoss.offset());
        try (Tensor d = binary(BinaryOp.SUB, probabilities, targets);
             Tensor weighted = rowWeights == null ? null : binary(BinaryOp.MUL, d, rowWeights);
             Tensor scaled = binary(BinaryOp.MUL, weighted == null ? d : weighted, g)) {
            return unary(UnaryOp.AFFINE, scaled, scale, 0f);
        }
    }

    // ---- indexing --------------------------------------------------------------------------------

    /** Selects {@code indices} along {@code axis} of contiguous x (NumPy {@code take}, PyTorch {@code index_select}). */
    Tensor gather(Tensor x, int axis, int[] indices);

    /** The adjoint of {@link #gather}: a zero tensor whose {@code axis} has {@code axisSize} entries, with each slice of dy added at its index. */
    Tensor scatterAdd(Tensor gradY, int axis, int[] indices, int axisSize);

    // ---- fused optimizer updates (in place, one weight or one group of weights per call) -------------

    /*
     * All three update contiguous tensors of one shape in place: the weight {@code param}, its state
     * slots, from its gradient {@code grad} (read only). A slot passed as null is not used. Each first
     * applies weight decay in both forms, from the weight before the call:
     *   g' = g + l2 * p          (L2, "coupled": PyTorch's weight_decay for SGD, Adam, RMSprop)
     *   p  = p - decay * p       (decoupled: AdamW, and every Keras optimizer; the caller passes lr * wd)
     * The optimizers in org.transfer4j.optim choose the scalars that give Keras' or PyTorch's rule.
     * Scalars come in double; backends compute in float32 from each scalar rounded once, forming
     * 1 - beta (and 1 - rho) in double first: in float, 1 - 0.999f keeps only 4 correct digits.
     * Each *Group form updates several weights that share the scalars (a parameter group, or the part
     * of one whose decay and step count agree) in one call, one kernel launch on a GPU: element for
     * element the same arithmetic, so the result is bit-identical to one per-weight call each. Its
     * lists run in parallel (slot i belongs to weight i), all of one size; an optional slot list is
     * null when no weight uses that slot. The weights may have different shapes.
     */

    /**
     * SGD, with momentum when {@code buffer} is not null:
     * {@code u = momentum * u + gradScale * g'};
     * {@code p += stepScale * u}, or with Nesterov {@code p += stepScale * (momentum * u + gradScale * g')};
     * without a buffer {@code p += stepScale * (gradScale * g')}.
     * Keras ({@code gradScale = -lr, stepScale = 1}) keeps its velocity {@code v = m*v - lr*g} in u;
     * PyTorch ({@code gradScale = 1, stepScale = -lr}) keeps its buffer {@code b = m*b + g}.
     */
    void sgdUpdate(Tensor param, Tensor grad, Tensor buffer, double momentum, double gradScale, double stepScale,
                   boolean nesterov, double l2, double decay);

    /**
     * Adam: {@code m = beta1*m + (1-beta1)*g'}, {@code v = beta2*v + (1-beta2)*g'^2},
     * {@code p -= stepSize * m / (sqrt(v) + epsHat)}. With {@code bc_t = 1 - beta^t}:
     * {@code stepSize = lr * sqrt(bc2) / bc1} for both conventions; Keras' epsilon is epsHat itself,
     * PyTorch's {@code eps} (added to {@code sqrt(v / bc2)}) is {@code epsHat = eps * sqrt(bc2)}.
     */
    void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v, double beta1, double beta2, double stepSize,
                    double epsHat, double l2, double decay);

    /**
     * RMSprop: {@code s = rho*s + (1-rho)*g'^2}; centered (when {@code gradAvg} is not null)
     * {@code a = rho*a + (1-rho)*g'} and {@code s~ = s - a^2}, else {@code s~ = s};
     * {@code inc = gradScale * g' / (sqrt(s~ + epsInside) + epsOutside)}; with a momentum
     * {@code buffer}: {@code u = momentum*u + inc}, {@code p += stepScale * u}, else {@code p += stepScale * inc}.
     * Keras: {@code gradScale = lr, stepScale = -1, epsInside = eps, epsOutside = 0};
     * PyTorch: {@code gradScale = 1, stepScale = -lr, epsInside = 0, epsOutside = eps}.
     */
    void rmspropUpdate(Tensor param, Tensor grad, Tensor squareAvg, Tensor gradAvg, Tensor buffer, double rho,
                       double momentum, double epsInside, double epsOutside, double gradScale, double stepScale,
                       double l2, double decay);

    /** {@link #sgdUpdate} of every {@code params.get(i)}; {@code buffers} null or one per weight. */
    void sgdUpdateGroup(List<Tensor> params, List<Tensor> grads, List<Tensor> buffers, double momentum,
                        double gradScale, double stepScale, boolean nesterov, double l2, double decay);

    /** {@link #adamUpdate} of every {@code params.get(i)}, with its moments {@code ms.get(i)}, {@code vs.get(i)}. */
    void adamUpdateGroup(List<Tensor> params, List<Tensor> grads, List<Tensor> ms, List<Tensor> vs, double beta1,
                         double beta2, double stepSize, double epsHat, double l2, double decay);

    /** {@link #rmspropUpdate} of every {@code params.get(i)}; {@code gradAvgs} and {@code buffers} null or one per weight. */
    void rmspropUpdateGroup(List<Tensor> params, List<Tensor> grads, List<Tensor> squareAvgs, List<Tensor> gradAvgs,
                            List<Tensor> buffers, double rho, double momentum, double epsInside, double epsOutside,
                            double gradScale, double stepScale, double l2, double decay);

    // ---- checks ---------------------------------------------------------------------------------------

    /**
     * The number of NaN and infinite elements over all {@code tensors}, of any shapes, read to the host: one
     * download on a GPU however many tensors. Contiguous tensors (the CPU backend also takes views); an empty
     * list counts 0. The training loop's finite-gradient check: unlike a sum, it cannot overflow to infinity
     * when every element is finite.
     */
    long nonFiniteCount(List<Tensor> tensors);

    /**
     * What a training step reads back, with one wait for the device: copies each of {@code reads} (any shapes
     * and strides) into {@code dst}, one after another from index 0, and returns {@link #nonFiniteCount} of
     * {@code checked}. On a GPU the count and the copies are queued behind the step's work and the host waits
     * once, where a download and a count would wait once each.
     */
    long downloadAndCountNonFinite(List<Tensor> reads, float[] dst, List<Tensor> checked);

    /** What {@link #batchNormTraining} returns: the output and the per-channel statistics it used. */
    record BatchNormForward(Tensor output, Tensor mean, Tensor variance, Tensor invStd) {
    }

    /**
     * The moving statistics a training batch norm updates ({@link #batchNormTrainingWithMovingAverages}): its moving
     * mean and variance {@code (C)}, changed in place, the bias {@code (C)} the mean follows (a convolution's skipped
     * bias, or null) and the momentum.
     */
    record MovingStatistics(Tensor mean, Tensor variance, Tensor bias, float momentum) {
    }

    /** Gradients of batch normalisation with respect to x (null where not asked for), gamma and beta. */
    record BatchNormGradients(Tensor gradX, Tensor gradGamma, Tensor gradBeta) {
    }

    /** What {@link #dropout} returns: the output and the mask it was multiplied by. */
    record DropoutForward(Tensor output, Tensor mask) {
    }

    /** Per-row loss and the softmax probabilities. */
    record SoftmaxCrossEntropy(Tensor loss, Tensor probabilities) {
    }
}
