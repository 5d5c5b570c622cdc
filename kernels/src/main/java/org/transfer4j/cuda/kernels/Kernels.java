package org.transfer4j.cuda.kernels;

import static org.transfer4j.cuda.kernels.KernelSpec.Param.F32;
import static org.transfer4j.cuda.kernels.KernelSpec.Param.I32;
import static org.transfer4j.cuda.kernels.KernelSpec.Param.I64;
import static org.transfer4j.cuda.kernels.KernelSpec.Param.PTR;
import static org.transfer4j.cuda.kernels.KernelSpec.Param.STRUCT144;
import static org.transfer4j.cuda.kernels.KernelSpec.Param.TENSOR_LIST32;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.transfer4j.backend.BinaryOp;
import org.transfer4j.backend.ReduceOp;
import org.transfer4j.backend.UnaryOp;

/**
 * Every hand-written kernel, by family, with the parameter list its {@code .cu} header documents
 * (shapes and launch geometry are there). The CUDA backend takes names and argument orders from here;
 * {@code KernelsCatalogueTest} checks each entry against the checked-in PTX for every target.
 */
public final class Kernels {
    /** Kernel families: {@code kernels/src/main/cuda/<family>.cu}, PTX resource {@code <family>.<target>.ptx}. */
    public static final String ELEMENTWISE = "elementwise";
    public static final String UNARY_BACKWARD = "unary_backward";
    public static final String REDUCE = "reduce";
    public static final String SOFTMAX_XENT = "softmax_xent";
    public static final String LAYOUT = "layout";
    public static final String GATHER = "gather";
    public static final String RANDOM = "random";
    public static final String OPTIM = "optim";
    public static final String BIAS_ACT = "bias_act";
    public static final String DEPTHWISE = "depthwise";
    public static final String BATCHNORM = "batchnorm";

    /** All families, in the order of the README. */
    public static final List<String> FAMILIES = List.of(ELEMENTWISE, UNARY_BACKWARD, REDUCE, SOFTMAX_XENT, LAYOUT,
            GATHER, RANDOM, OPTIM, BIAS_ACT, DEPTHWISE, BATCHNORM);

    private static final Map<String, KernelSpec> ALL = new LinkedHashMap<>();

    // ---- elementwise.cu ---------------------------------------------------------------------------
    /** {@code (n, value, y)}. */
    public static final KernelSpec FILL = add(ELEMENTWISE, "fill_f32", I64, F32, PTR);
    /** {@code (n, x, y)}. */
    public static final KernelSpec COPY = add(ELEMENTWISE, "copy_f32", I64, PTR, PTR);
    /** {@code (n, a, b, x, y)}: {@code y = a*x + b}. */
    public static final KernelSpec AFFINE = add(ELEMENTWISE, "affine_f32", I64, F32, F32, PTR, PTR);
    /** {@code (n, momentum, value, average)}: average = momentum*average + (1-momentum)*value, in place. */
    public static final KernelSpec MOVING_AVERAGE = add(ELEMENTWISE, "moving_average_f32", I64, F32, PTR, PTR);
    /** {@code (n, lo, hi, x, y)}. */
    public static final KernelSpec CLAMP = add(ELEMENTWISE, "clamp_f32", I64, F32, F32, PTR, PTR);
    /** {@code (n, lo, hi, a, b, y)}: {@code y = clamp(a + b, lo, hi)}, a, b and y of one shape. */
    public static final KernelSpec ADD_CLAMP = add(ELEMENTWISE, "add_clamp_f32", I64, F32, F32, PTR, PTR, PTR);
    /** {@code (n, alpha, x, y)}. */
    public static final KernelSpec LEAKY_RELU = add(ELEMENTWISE, "leaky_relu_f32", I64, F32, PTR, PTR);
    /** {@code (n, a, x, y)}: {@code y = x^a}. */
    public static final KernelSpec POW_SCALAR = add(ELEMENTWISE, "pow_scalar_f32", I64, F32, PTR, PTR);

    static {
        for (String f : List.of("relu", "relu6", "sigmoid", "tanh", "exp", "log", "neg", "abs", "sqrt", "erf")) {
            add(ELEMENTWISE, f + "_f32", I64, PTR, PTR);                               // (n, x, y)
        }
        for (BinaryOp op : BinaryOp.values()) {
            add(ELEMENTWISE, lower(op) + "_f32", I64, PTR, PTR, PTR);                  // (n, a, b, y)
            add(ELEMENTWISE, lower(op) + "_bcast_f32", I64, STRUCT144, PTR, PTR, PTR); // (n, Broadcast6, a, b, y)
        }
        // ---- unary_backward.cu: (n, alpha, beta, x, dy, dx) for every UnaryOp ------------------------
        for (UnaryOp op : UnaryOp.values()) {
            add(UNARY_BACKWARD, lower(op) + "_backward_f32", I64, F32, F32, PTR, PTR, PTR);
        }
        // ---- reduce.cu ------------------------------------------------------------------------------
        for (ReduceOp op : ReduceOp.values()) {
            add(REDUCE, "reduce_rows_" + lower(op) + "_f32", I64, I64, I64, PTR, PTR);      // (rows, n, chunk, x, y)
            add(REDUCE, "reduce_cols_" + lower(op) + "_f32", I64, I64, I64, I64, PTR, PTR); // (outer, n, cols, chunk, x, y)
        }
    }

    /**
     * {@code (rows, n, chunk, scale, x, y)}: {@code reduce_rows_sum_f32} with each written sum scaled as
     * {@code affine_f32} would scale it (a mean's last pass).
     */
    public static final KernelSpec REDUCE_ROWS_SUM_SCALED =
            add(REDUCE, "reduce_rows_sum_scaled_f32", I64, I64, I64, F32, PTR, PTR);
    /** {@code (outer, n, cols, chunk, scale, x, y)}: {@code reduce_cols_sum_f32} with each written sum scaled. */
    public static final KernelSpec REDUCE_COLS_SUM_SCALED =
            add(REDUCE, "reduce_cols_sum_scaled_f32", I64, I64, I64, I64, F32, PTR, PTR);

    // ---- softmax_xent.cu --------------------------------------------------------------------------
    /** {@code (rows, classes, logits, targets, loss, probs)}; one warp per row, block 128. */
    public static final KernelSpec SOFTMAX_XENT_FORWARD =
            add(SOFTMAX_XENT, "softmax_xent_forward_f32", I64, I64, PTR, PTR, PTR, PTR);
    /**
     * {@code (n, classes, scale, gradLoss, probs, targets, rowWeights, dlogits)}:
     * {@code dlogits = scale * (p - t) * w * g + 0}, rowWeights may be null, gradLoss one float in device memory;
     * grid-stride, block 256.
     */
    public static final KernelSpec SOFTMAX_XENT_BACKWARD =
            add(SOFTMAX_XENT, "softmax_xent_backward_f32", I64, I64, F32, PTR, PTR, PTR, PTR, PTR);

    // ---- layout.cu --------------------------------------------------------------------------------
    /** {@code (n, Strided6 s, x, y)}. */
    public static final KernelSpec STRIDED_COPY = add(LAYOUT, "strided_copy_f32", I64, STRUCT144, PTR, PTR);
    /** {@code (n, Strided6 s, value, y)}. */
    public static final KernelSpec STRIDED_FILL = add(LAYOUT, "strided_fill_f32", I64, STRUCT144, F32, PTR);
    /** {@code (n, h, w, c, oh, ow, top, left, value, x, y)}. */
    public static final KernelSpec PAD_NHWC =
            add(LAYOUT, "pad_nhwc_f32", I64, I32, I32, I32, I32, I32, I32, I32, F32, PTR, PTR);
    /** {@code (n, h, w, c, oh, ow, top, left, dy, dx)}. */
    public static final KernelSpec CROP_NHWC =
            add(LAYOUT, "crop_nhwc_f32", I64, I32, I32, I32, I32, I32, I32, I32, PTR, PTR);
    /** {@code (n, xInner, yInner, offset, x, y)}. */
    public static final KernelSpec CONCAT = add(LAYOUT, "concat_f32", I64, I64, I64, I64, PTR, PTR);
    /** {@code (n, xInner, yInner, offset, x, y)}. */
    public static final KernelSpec SLICE = add(LAYOUT, "slice_f32", I64, I64, I64, I64, PTR, PTR);
    /** {@code (batch, rows, cols, x, y)}; block (32,8). */
    public static final KernelSpec TRANSPOSE = add(LAYOUT, "transpose_f32", I64, I32, I32, PTR, PTR);

    // ---- gather.cu --------------------------------------------------------------------------------
    /** {@code (n, count, axisSize, inner, indices, x, y)}. */
    public static final KernelSpec GATHER_AXIS = add(GATHER, "gather_f32", I64, I64, I64, I64, PTR, PTR, PTR);
    /** {@code (n, count, axisSize, inner, indices, dy, dx)}; dx zero-filled first. */
    public static final KernelSpec SCATTER_ADD = add(GATHER, "scatter_add_f32", I64, I64, I64, I64, PTR, PTR, PTR);

    // ---- random.cu --------------------------------------------------------------------------------
    /** {@code (n, seed, counter, low, high, y)}. */
    public static final KernelSpec UNIFORM = add(RANDOM, "uniform_f32", I64, I64, I64, F32, F32, PTR);
    /** {@code (n, seed, counter, mean, std, y)}. */
    public static final KernelSpec NORMAL = add(RANDOM, "normal_f32", I64, I64, I64, F32, F32, PTR);
    /** {@code (n, seed, counter, rate, scale, x, y, mask)}. */
    public static final KernelSpec DROPOUT = add(RANDOM, "dropout_f32", I64, I64, I64, F32, F32, PTR, PTR, PTR);

    // ---- optim.cu ---------------------------------------------------------------------------------
    /** {@code (n, momentum, gradScale, stepScale, nesterov, l2, decay, p, g, u)}; u may be 0. */
    public static final KernelSpec SGD_UPDATE =
            add(OPTIM, "sgd_update_f32", I64, F32, F32, F32, I32, F32, F32, PTR, PTR, PTR);
    /** {@code (n, beta1, beta2, 1-beta1, 1-beta2, stepSize, epsHat, l2, decay, p, g, m, v)}. */
    public static final KernelSpec ADAM_UPDATE =
            add(OPTIM, "adam_update_f32", I64, F32, F32, F32, F32, F32, F32, F32, F32, PTR, PTR, PTR, PTR);
    /** {@code (n, rho, 1-rho, momentum, epsInside, epsOutside, gradScale, stepScale, l2, decay, p, g, s, a, u)}. */
    public static final KernelSpec RMSPROP_UPDATE = add(OPTIM, "rmsprop_update_f32", I64, F32, F32, F32, F32, F32,
            F32, F32, F32, F32, PTR, PTR, PTR, PTR, PTR);
    /** {@code (momentum, gradScale, stepScale, nesterov, l2, decay, TensorList32 [s0 = u])}. */
    public static final KernelSpec SGD_UPDATE_MULTI =
            add(OPTIM, "sgd_update_multi_f32", F32, F32, F32, I32, F32, F32, TENSOR_LIST32);
    /** {@code (beta1, beta2, 1-beta1, 1-beta2, stepSize, epsHat, l2, decay, TensorList32 [s0 = m, s1 = v])}. */
    public static final KernelSpec ADAM_UPDATE_MULTI =
            add(OPTIM, "adam_update_multi_f32", F32, F32, F32, F32, F32, F32, F32, F32, TENSOR_LIST32);
    /** {@code (rho, 1-rho, momentum, epsInside, epsOutside, gradScale, stepScale, l2, decay, TensorList32 [s0 = s, s1 = a, s2 = u])}. */
    public static final KernelSpec RMSPROP_UPDATE_MULTI = add(OPTIM, "rmsprop_update_multi_f32", F32, F32, F32, F32, F32,
            F32, F32, F32, F32, TENSOR_LIST32);
    /** {@code (TensorList32 [g = the tensors], count)}: {@code *count +=} their NaN and infinite elements (u64). */
    public static final KernelSpec COUNT_NONFINITE_MULTI =
            add(OPTIM, "count_nonfinite_multi_f32", TENSOR_LIST32, PTR);

    // ---- bias_act.cu ------------------------------------------------------------------------------
    /** {@code (n, c, x, bias, y)}. */
    public static final KernelSpec BIAS_ADD = add(BIAS_ACT, "bias_add_f32", I64, I64, PTR, PTR, PTR);
    /** {@code (n, c, x, bias, y)}. */
    public static final KernelSpec BIAS_RELU = add(BIAS_ACT, "bias_relu_f32", I64, I64, PTR, PTR, PTR);
    /** {@code (n, c, x, bias, y)}. */
    public static final KernelSpec BIAS_RELU6 = add(BIAS_ACT, "bias_relu6_f32", I64, I64, PTR, PTR, PTR);
    /** {@code (rows, c, chunk, y, dy, dz, dbPartial)}; block (32,8). */
    public static final KernelSpec BIAS_RELU_BACKWARD =
            add(BIAS_ACT, "bias_relu_backward_f32", I64, I64, I64, PTR, PTR, PTR, PTR);
    /** {@code (rows, c, chunk, y, dy, dz, dbPartial)}; block (32,8). */
    public static final KernelSpec BIAS_RELU6_BACKWARD =
            add(BIAS_ACT, "bias_relu6_backward_f32", I64, I64, I64, PTR, PTR, PTR, PTR);

    /** {@code (n, c, y, scale, shift, residual, low, high)}: in place; scale and residual may be 0; n <= 2^30. */
    public static final KernelSpec SCALE_SHIFT_CLAMP =
            add(BIAS_ACT, "scale_shift_clamp_f32", I32, I32, PTR, PTR, PTR, PTR, F32, F32);

    // ---- depthwise.cu -----------------------------------------------------------------------------
    /** {@code (batch, h, w, c, oh, ow, strideH, strideW, padTop, padLeft, x, k, y)}; block (32,8), grid (ceil(c/32), P). */
    public static final KernelSpec DEPTHWISE3X3_FORWARD = add(DEPTHWISE, "depthwise3x3_forward_f32",
            I64, I32, I32, I32, I32, I32, I32, I32, I32, I32, PTR, PTR, PTR);
    /** {@code (batch, h, w, c, oh, ow, strideH, strideW, padTop, padLeft, dy, k, dx)}; block (32,8), grid (ceil(c/32), P). */
    public static final KernelSpec DEPTHWISE3X3_BACKWARD_DATA = add(DEPTHWISE, "depthwise3x3_backward_data_f32",
            I64, I32, I32, I32, I32, I32, I32, I32, I32, I32, PTR, PTR, PTR);
    /** {@code (batch, h, w, c, oh, ow, strideH, strideW, padTop, padLeft, chunk, x, dy, dkPartial)}; block (32,8). */
    public static final KernelSpec DEPTHWISE3X3_BACKWARD_FILTER = add(DEPTHWISE, "depthwise3x3_backward_filter_f32",
            I64, I32, I32, I32, I32, I32, I32, I32, I32, I32, I64, PTR, PTR, PTR);

    // ---- batchnorm.cu -----------------------------------------------------------------------------
    /** {@code (c, eps, gamma, beta, mean, var, scale, shift)}: the per-channel coefficients, in double. */
    public static final KernelSpec BATCHNORM_COEFFICIENTS =
            add(BATCHNORM, "batchnorm_coefficients_f32", I64, F32, PTR, PTR, PTR, PTR, PTR, PTR);
    /**
     * {@code (n, c, x, scale, shift, y, low, high)}: {@code y = clamp(fmaf(x, scale[c], shift[c]), low, high)}
     * (NaN kept; {@code -inf, +inf} for no clamp).
     */
    public static final KernelSpec SCALE_SHIFT =
            add(BATCHNORM, "scale_shift_f32", I64, I64, PTR, PTR, PTR, PTR, F32, F32);
    /** {@code (rows, c, chunk, x, partial)}: per chunk, sums of {@code x - x[0]} and its square (doubles); block (32,8). */
    public static final KernelSpec BATCHNORM_MOMENTS = add(BATCHNORM, "batchnorm_moments_f32", I64, I64, I64, PTR, PTR);
    /**
     * {@code (rows, c, chunks, eps, x, partial, gamma, beta, mean, var, invStd, scale, shift, momentum, bias,
     * movingMean, movingVariance)}: the moving statistics updated too unless movingMean is null; block (32,32).
     */
    public static final KernelSpec BATCHNORM_TRAINING_FINALIZE = add(BATCHNORM, "batchnorm_training_finalize_f32",
            I64, I64, I64, F32, PTR, PTR, PTR, PTR, PTR, PTR, PTR, PTR, PTR, F32, PTR, PTR, PTR);
    /**
     * {@code (rows, c, chunk, x, dy, mean, y, low, high, partial)}: per chunk, sums of g and {@code g*(x - mean)},
     * g = dy, or {@code low < y < high ? dy : 0} when y (the clamped output) is not null; block (32,8).
     */
    public static final KernelSpec BATCHNORM_BACKWARD_SUMS =
            add(BATCHNORM, "batchnorm_backward_sums_f32", I64, I64, I64, PTR, PTR, PTR, PTR, F32, F32, PTR);
    /** {@code (rows, c, chunks, partial, gamma, mean, invStd, dGamma, dBeta, a, b, d)}; block (32,32). */
    public static final KernelSpec BATCHNORM_BACKWARD_FINALIZE = add(BATCHNORM, "batchnorm_backward_finalize_f32",
            I64, I64, I64, PTR, PTR, PTR, PTR, PTR, PTR, PTR, PTR, PTR);
    /**
     * {@code (n, c, x, dy, a, b, d, y, low, high, dx)}: {@code dx = fmaf(g, a[c], fmaf(x, b[c], d[c]))}, g as in
     * {@link #BATCHNORM_BACKWARD_SUMS}.
     */
    public static final KernelSpec BATCHNORM_BACKWARD_DX =
            add(BATCHNORM, "batchnorm_backward_dx_f32", I64, I64, PTR, PTR, PTR, PTR, PTR, PTR, F32, F32, PTR);
    /**
     * {@code (rows, c, eps, x, gamma, beta, mean, var, invStd, y, low, high, momentum, bias, movingMean,
     * movingVariance)}: the moments, finalize and scale-shift of training in one launch for few rows, bit for bit them
     * with one chunk, the moving statistics as the finalize updates them; block (32,8), grid (ceil(C/32)).
     */
    public static final KernelSpec BATCHNORM_TRAINING_SINGLE = add(BATCHNORM, "batchnorm_training_single_f32",
            I64, I64, F32, PTR, PTR, PTR, PTR, PTR, PTR, PTR, F32, F32, F32, PTR, PTR, PTR);
    /**
     * {@code (rows, c, x, dy, gamma, mean, invStd, y, low, high, dGamma, dBeta, dx)}: the sums, finalize and dx of the
     * backward in one launch for few rows (dx may be null: not computed), g as in {@link #BATCHNORM_BACKWARD_SUMS},
     * bit for bit them with one chunk; block (32,8), grid (ceil(C/32)).
     */
    public static final KernelSpec BATCHNORM_BACKWARD_SINGLE = add(BATCHNORM, "batchnorm_backward_single_f32",
            I64, I64, PTR, PTR, PTR, PTR, PTR, PTR, F32, F32, PTR, PTR, PTR);
    /**
     * {@code (c, momentum, batchMean, bias, batchVariance, movingMean, movingVariance)}: in place,
     * {@code movingMean = momentum*movingMean + (1-momentum)*(batchMean + bias)} (bias may be null) and
     * {@code movingVariance = momentum*movingVariance + (1-momentum)*batchVariance}; grid-stride, block 256.
     */
    public static final KernelSpec BATCHNORM_MOVING_AVERAGES =
            add(BATCHNORM, "batchnorm_moving_averages_f32", I64, F32, PTR, PTR, PTR, PTR, PTR);

    private Kernels() {
    }

    /** Every catalogued kernel, in declaration order. */
    public static List<KernelSpec> all() {
        return List.copyOf(ALL.values());
    }

    /** The catalogued kernels of one family. */
    public static List<KernelSpec> family(String family) {
        List<KernelSpec> specs = new ArrayList<>();
        for (KernelSpec s : ALL.values()) {
            if (s.family().equals(family)) {
                specs.add(s);
            }
        }
        return Collections.unmodifiableList(specs);
    }

    /**
     * A kernel by entry name.
     *
     * @throws IllegalArgumentException when no kernel has that name
     */
    public static KernelSpec named(String name) {
        KernelSpec spec = ALL.get(name);
        if (spec == null) {
            throw new IllegalArgumentException("no kernel named \"" + name + "\" in the catalogue");
        }
        return spec;
    }

    /** The binary kernel of {@code op}: {@code <op>_bcast_f32} when broadcasting, else {@code <op>_f32}. */
    public static KernelSpec binary(BinaryOp op, boolean broadcast) {
        return named(lower(op) + (broadcast ? "_bcast_f32" : "_f32"));
    }

    /** The gradient kernel of {@code op}: {@code (n, alpha, beta, x, dy, dx)}. */
    public static KernelSpec unaryBackward(UnaryOp op) {
        return named(lower(op) + "_backward_f32");
    }

    /** {@code reduce_rows_<op>_f32}: x (rows, n) -> y (rows, chunks). */
    public static KernelSpec reduceRows(ReduceOp op) {
        return named("reduce_rows_" + lower(op) + "_f32");
    }

    /** {@code reduce_cols_<op>_f32}: x (outer, n, cols) -> y (outer, chunks, cols). */
    public static KernelSpec reduceCols(ReduceOp op) {
        return named("reduce_cols_" + lower(op) + "_f32");
    }

    private static String lower(Enum<?> op) {
        return op.name().toLowerCase(Locale.ROOT);
    }

    private static KernelSpec add(String family, String name, KernelSpec.Param... params) {
        KernelSpec spec = new KernelSpec(family, name, List.of(params));
        if (ALL.putIfAbsent(name, spec) != null) {
            throw new IllegalStateException("kernel " + name + " catalogued twice");
        }
        return spec;
    }
}
