package org.transfer4j.tensor;

import java.util.Arrays;
import org.transfer4j.autograd.Autograd;
import org.transfer4j.autograd.Node;
import org.transfer4j.backend.Backend;
import org.transfer4j.backend.Storage;
import org.transfer4j.ops.Arithmetic;
import org.transfer4j.ops.Gelu;
import org.transfer4j.ops.MatMul;
import org.transfer4j.ops.Reduce;
import org.transfer4j.ops.Softmax;
import org.transfer4j.ops.ToDevice;
import org.transfer4j.ops.Unary;
import org.transfer4j.ops.Views;

/**
 * An n-dimensional float32 array: a view (shape, strides, offset) over a {@link Storage}.
 * Row-major; images are NHWC {@code (N,H,W,C)} as in Keras. Views (reshape, permute, slice,
 * broadcast) share storage; ops return new tensors. A tensor that requires grad records the ops
 * applied to it (see {@link Autograd}).
 *
 * <p>The fluent methods here are shorthands for the op classes in {@code org.transfer4j.ops},
 * where each op's forward and backward live side by side.
 */
public final class Tensor implements AutoCloseable {
    private final Storage storage;
    private final int[] shape;
    private final int[] strides;
    private final int offset;

    private boolean requiresGrad;
    private boolean freeAfterBackward;
    private Tensor grad;
    private Node gradFn;

    private Tensor(Storage storage, int[] shape, int[] strides, int offset) {
        this.storage = storage;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
    }

    // ---- creation -----------------------------------------------------------------------------------

    /**
     * Wraps a storage just made as a contiguous tensor; for backends. The innermost open {@link TensorScope}
     * of this thread takes it over (frees it when it closes unless kept). A storage that exists already and
     * belongs to someone else is wrapped with {@link #over}.
     */
    public static Tensor wrap(Storage storage, int... shape) {
        Tensor t = over(storage, shape);
        TensorScope.track(storage);
        return t;
    }

    /** A contiguous tensor over an existing storage, which stays its owner's (no {@link TensorScope} takes it over). */
    public static Tensor over(Storage storage, int... shape) {
        int[] s = Shape.check("wrap", shape);
        if (Shape.numel(s) > storage.size()) {
            throw ShapeMismatchException.of("wrap", "storage of " + storage.size() + " elements is too small", s);
        }
        return new Tensor(storage, s, Shape.contiguousStrides(s), 0);
    }

    /** A new contiguous tensor on {@code device}, zero-filled. */
    public static Tensor zeros(Device device, int... shape) {
        int[] s = Shape.check("zeros", shape);
        return wrap(device.backend().allocate(Shape.numel(s)), s);
    }

    public static Tensor zeros(int... shape) {
        return zeros(Device.cpu(), shape);
    }

    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    public static Tensor ones(Device device, int... shape) {
        return full(device, 1f, shape);
    }

    public static Tensor full(float value, int... shape) {
        return full(Device.cpu(), value, shape);
    }

    /** A new contiguous tensor on {@code device} with every element {@code value}. */
    public static Tensor full(Device device, float value, int... shape) {
        Tensor t = zeros(device, shape);
        if (value != 0f) {
            t.backend().fill(t, value);
        }
        return t;
    }

    public static Tensor scalar(float value) {
        return full(value);
    }

    /** A copy of {@code data} with the given shape (row-major). */
    public static Tensor of(float[] data, int... shape) {
        return of(Device.cpu(), data, shape);
    }

    public static Tensor of(Device device, float[] data, int... shape) {
        int[] s = Shape.check("of", shape);
        if (Shape.numel(s) != data.length) {
            throw ShapeMismatchException.of("of", data.length + " values cannot fill the shape", s);
        }
        return wrap(device.backend().upload(data, 0, data.length), s);
    }

    /** {@code [start, start+step, ...)} up to but excluding {@code end}. */
    public static Tensor arange(float start, float end, float step) {
        if (step == 0 || Float.isNaN(start + end + step)) {
            throw new IllegalArgumentException("arange: invalid range " + start + ".." + end + " step " + step);
        }
        int n = Math.max(0, (int) Math.ceil((end - start) / step));
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = start + i * step;
        }
        return of(v, n);
    }

    public static Tensor arange(int n) {
        return arange(0, n, 1);
    }

    /** Uniform in {@code [low, high)} from the generator's stream (reproducible for a given seed). */
    public static Tensor uniform(Generator gen, float low, float high, int... shape) {
        Tensor t = zeros(shape);
        t.backend().randomUniform(t, gen.seed(), gen.reserve(t.numel()), low, high);
        return t;
    }

    public static Tensor rand(Generator gen, int... shape) {
        return uniform(gen, 0f, 1f, shape);
    }

    public static Tensor normal(Generator gen, float mean, float std, int... shape) {
        Tensor t = zeros(shape);
        t.backend().randomNormal(t, gen.seed(), gen.reserve(t.numel() * 2L), mean, std);
        return t;
    }

    public static Tensor randn(Generator gen, int... shape) {
        return normal(gen, 0f, 1f, shape);
    }

    // ---- facts ------------------------------------------------------------------------------------

    public int[] shape() {
        return shape.clone();
    }

    public int shape(int axis) {
        return shape[Shape.axis("shape", axis, shape.length)];
    }

    public int rank() {
        return shape.length;
    }

    public int numel() {
        return (int) Shape.numel(shape);
    }

    public int[] strides() {
        return strides.clone();
    }

    public int offset() {
        return offset;
    }

    public Storage storage() {
        return storage;
    }

    public Device device() {
        return storage.backend().device();
    }

    public Backend backend() {
        return storage.backend();
    }

    /** True when the elements are laid out row-major without gaps from {@link #offset()}. */
    public boolean isContiguous() {
        int expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }

    // ---- views (not recorded; the differentiable versions are in ops.Views) --------------------------

    /** A view with new shape/strides/offset over the same storage; for ops and backends. */
    public Tensor view(int[] newShape, int[] newStrides, int newOffset) {
        ensureOpen("view");
        return new Tensor(storage, newShape.clone(), newStrides.clone(), newOffset);
    }

    public Tensor reshape(int... newShape) {
        return Views.reshape(this, newShape);
    }

    public Tensor permute(int... axes) {
        return Views.permute(this, axes);
    }

    public Tensor transpose(int axisA, int axisB) {
        return Views.transpose(this, axisA, axisB);
    }

    /** Elements {@code [start, end)} of {@code axis} with the given step. */
    public Tensor slice(int axis, int start, int end, int step) {
        return Views.slice(this, axis, start, end, step);
    }

    public Tensor slice(int axis, int start, int end) {
        return Views.slice(this, axis, start, end, 1);
    }

    public Tensor squeeze(int axis) {
        return Views.squeeze(this, axis);
    }

    public Tensor unsqueeze(int axis) {
        return Views.unsqueeze(this, axis);
    }

    public Tensor broadcastTo(int... newShape) {
        return Views.broadcastTo(this, newShape);
    }

    /** This tensor if contiguous, else a contiguous copy (recorded, so gradients flow). */
    public Tensor contiguous() {
        return isContiguous() ? this : Views.copy(this);
    }

    /** A contiguous copy that is never this tensor itself (recorded). */
    public Tensor copy() {
        return Views.copy(this);
    }

    /**
     * This tensor on {@code device}: itself when it is already there, else a contiguous copy made by way of
     * the host (recorded, so a gradient flows back to this device). Move batches and weights with it once,
     * not tensors inside a layer.
     */
    public Tensor to(Device device) {
        return ToDevice.to(this, device);
    }

    // ---- data out ---------------------------------------------------------------------------------

    public float[] toArray() {
        ensureOpen("toArray");
        float[] out = new float[numel()];
        backend().download(this, out, 0);
        return out;
    }

    /** The single value of a one-element tensor. */
    public float item() {
        if (numel() != 1) {
            throw ShapeMismatchException.of("item", "needs exactly one element", shape);
        }
        return toArray()[0];
    }

    // ---- autograd -------------------------------------------------------------------------------

    /** True for a leaf marked with {@link #requiresGrad(boolean)} and for every result computed from one. */
    public boolean requiresGrad() {
        return requiresGrad || gradFn != null;
    }

    /** Marks a leaf tensor as one whose gradient {@code backward()} computes. Returns this. */
    public Tensor requiresGrad(boolean value) {
        if (gradFn != null) {
            throw new IllegalStateException("requiresGrad is set on leaf tensors; this one was computed by '"
                    + gradFn.op() + "' (use detach() first)");
        }
        this.requiresGrad = value;
        return this;
    }

    /**
     * Marks this tensor, an activation inside a model's graph, as one nobody reads once a backward pass has
     * computed its gradient: that pass then frees its storage (where a {@link TensorScope} owns it), as PyTorch's
     * backward frees saved tensors as it goes, so that a training step's memory falls during backward instead of
     * holding every activation until the step ends. Set by the graph runner, never on a tensor a caller holds.
     */
    public void freeAfterBackward() {
        this.freeAfterBackward = true;
    }

    /** Whether {@link #freeAfterBackward} was called. */
    public boolean freesAfterBackward() {
        return freeAfterBackward;
    }

    /** The accumulated gradient of a leaf, or null before any backward. */
    public Tensor grad() {
        return grad;
    }

    /**
     * Drops the gradient and frees its storage (the gradient is this tensor's own: {@link #accumulateGrad} makes
     * it anew each time), so that a training loop's gradients do not wait for the garbage collector on a GPU. A reference
     * to the old gradient kept by the caller fails afterwards; copy it first to keep its values.
     */
    public void zeroGrad() {
        Tensor old = grad;
        grad = null;
        if (old != null) {
            old.close();
        }
    }

    public Node gradFn() {
        return gradFn;
    }

    /** For {@link Autograd#record}: makes this tensor the output of a recorded op. */
    public void attachGradFn(Node node) {
        this.gradFn = node;
    }

    /** For {@link Autograd#backward}: adds {@code g} into this leaf's gradient (never assigns it in place). */
    public void accumulateGrad(Tensor g) {
        // The gradient belongs to this tensor, not to the TensorScope of the step that computed it: it lives
        // until zeroGrad (which frees it), e.g. for a user to read after training.
        // A tensor that held the earlier gradient keeps its values (the sum is a new tensor).
        Tensor old = grad;
        grad = TensorScope.outside(() -> old == null ? Views.copy(g) : Arithmetic.add(old, g));
    }

    /**
     * For {@link Autograd#backward}: makes {@code g} this leaf's gradient as it is, without a copy, when it has none.
     * {@code g} must be a tensor nobody else holds (the backward pass made it and hands it over); {@link #zeroGrad}
     * frees it later.
     */
    public void takeGrad(Tensor g) {
        if (grad != null) {
            throw new IllegalStateException("takeGrad: this tensor has a gradient already; accumulate into it");
        }
        if (!Arrays.equals(g.shape, shape)) {
            throw ShapeMismatchException.of("takeGrad", "the gradient's shape differs from the tensor's", shape, g.shape);
        }
        grad = g;
    }

    /** A view of the same data that is cut off from the tape and does not require grad. */
    public Tensor detach() {
        ensureOpen("detach");
        return new Tensor(storage, shape, strides, offset);
    }

    /** Back-propagates from this scalar (gradient 1). */
    public void backward() {
        if (numel() != 1) {
            throw ShapeMismatchException.of("backward", "needs a scalar; pass the output gradient for others", shape);
        }
        Storage oneStorage = backend().allocate(1);
        TensorScope.track(oneStorage);
        Tensor one = new Tensor(oneStorage, shape.clone(), new int[shape.length], 0);
        backend().fill(one, 1f);
        Autograd.backward(this, one);
    }

    /** Back-propagates the given gradient of this tensor. */
    public void backward(Tensor gradient) {
        Autograd.backward(this, gradient);
    }

    // ---- lifetime -----------------------------------------------------------------------------------

    /** Frees the storage (shared with every view of it). */
    @Override
    public void close() {
        storage.close();
    }

    public boolean isClosed() {
        return storage.isClosed();
    }

    /** Fails with {@link ClosedTensorException} naming {@code op} when the storage is closed. */
    public void ensureOpen(String op) {
        if (storage.isClosed()) {
            throw new ClosedTensorException(op, shape);
        }
    }

    // ---- fluent op shorthands --------------------------------------------------------------------

    public Tensor add(Tensor other) {
        return Arithmetic.add(this, other);
    }

    public Tensor sub(Tensor other) {
        return Arithmetic.sub(this, other);
    }

    public Tensor mul(Tensor other) {
        return Arithmetic.mul(this, other);
    }

    public Tensor div(Tensor other) {
        return Arithmetic.div(this, other);
    }

    public Tensor add(float value) {
        return Unary.affine(this, 1f, value);
    }

    public Tensor mul(float value) {
        return Unary.affine(this, value, 0f);
    }

    public Tensor neg() {
        return Unary.neg(this);
    }

    public Tensor exp() {
        return Unary.exp(this);
    }

    public Tensor log() {
        return Unary.log(this);
    }

    public Tensor sqrt() {
        return Unary.sqrt(this);
    }

    public Tensor abs() {
        return Unary.abs(this);
    }

    public Tensor pow(float exponent) {
        return Unary.pow(this, exponent);
    }

    public Tensor pow(Tensor exponent) {
        return Arithmetic.pow(this, exponent);
    }

    public Tensor clamp(float min, float max) {
        return Unary.clamp(this, min, max);
    }

    public Tensor relu() {
        return Unary.relu(this);
    }

    public Tensor sigmoid() {
        return Unary.sigmoid(this);
    }

    public Tensor tanh() {
        return Unary.tanh(this);
    }

    public Tensor gelu() {
        return Gelu.gelu(this);
    }

    public Tensor softmax(int axis) {
        return Softmax.softmax(this, axis);
    }

    public Tensor logSoftmax(int axis) {
        return Softmax.logSoftmax(this, axis);
    }

    /** Sum over the given axes (all when none), without kept dimensions. */
    public Tensor sum(int... axes) {
        return Reduce.sum(this, axes, false);
    }

    public Tensor mean(int... axes) {
        return Reduce.mean(this, axes, false);
    }

    public Tensor max(int... axes) {
        return Reduce.max(this, axes, false);
    }

    public Tensor matmul(Tensor other) {
        return MatMul.matmul(this, other);
    }

    // ---- printing ---------------------------------------------------------------------------------

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(Arrays.toString(shape))
                .append(' ').append(device()).append(" float32");
        if (requiresGrad()) {
            sb.append(gradFn != null ? " grad_fn=" + gradFn.op() : " requires_grad");
        }
        if (storage.isClosed()) {
            return sb.append(" (closed)").toString();
        }
        return sb.append('\n').append(TensorFormat.format(this)).toString();
    }
}
