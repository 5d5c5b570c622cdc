package org.transfer4j.nn.layers;

import java.util.Arrays;
import org.transfer4j.nn.Activations;
import org.transfer4j.nn.Initializer;
import org.transfer4j.nn.Initializers;
import org.transfer4j.nn.SingleInputLayer;
import org.transfer4j.nn.Weight;
import org.transfer4j.ops.MatMul;
import org.transfer4j.ops.Views;
import org.transfer4j.tensor.Tensor;

/**
 * Keras {@code Dense}: {@code x (N, ..., in) -> activation(x @ kernel + bias) (N, ..., units)}, acting
 * on the last axis. Weights: {@code kernel (in, units)} (Keras' layout), {@code bias (units)}.
 * Defaults: no activation, bias on, glorot-uniform kernel, zero bias.
 */
public class Dense extends SingleInputLayer {
    private final int units;
    private String activation = "linear";
    private boolean useBias = true;
    private Initializer kernelInitializer = Initializers.glorotUniform();
    private Initializer biasInitializer = Initializers.zeros();

    private Weight kernel;
    private Weight bias;

    public Dense(int units) {
        LayerArgs.positive("Dense units", units);
        this.units = units;
    }

    public Dense activation(String name) {
        checkNotBuilt("activation");
        this.activation = LayerArgs.activation(name);
        return this;
    }

    public Dense useBias(boolean value) {
        checkNotBuilt("useBias");
        this.useBias = value;
        return this;
    }

    public Dense kernelInitializer(Initializer value) {
        checkNotBuilt("kernelInitializer");
        this.kernelInitializer = value;
        return this;
    }

    public Dense biasInitializer(Initializer value) {
        checkNotBuilt("biasInitializer");
        this.biasInitializer = value;
        return this;
    }

    public int units() {
        return units;
    }

    public String activation() {
        return activation;
    }

    public boolean useBias() {
        return useBias;
    }

    @Override
    protected int[] outputShape(int[] in) {
        if (in.length < 1) {
            throw shapeError("Dense expects inputs with at least one axis besides the batch", in);
        }
        if (kernel != null && kernel.shape()[0] != in[in.length - 1]) {
            throw shapeError("the kernel was built for " + kernel.shape()[0] + " input features", in, kernel.shape());
        }
        int[] out = in.clone();
        out[out.length - 1] = units;
        return out;
    }

    @Override
    protected void build(int[] in) {
        kernel = addWeight("kernel", new int[] {in[in.length - 1], units}, kernelInitializer, true);
        if (useBias) {
            bias = addWeight("bias", new int[] {units}, biasInitializer, true);
        }
    }

    /** The product reads x and the kernel, the bias add nothing; only an activation may read the output. */
    @Override
    protected boolean backwardReadsOutput() {
        return !activation.equals("linear");
    }

    @Override
    protected Tensor forward(Tensor x, boolean training) {
        int features = x.shape(x.rank() - 1);
        int[] outShape = x.shape();
        outShape[outShape.length - 1] = units;
        Tensor rows = x.rank() == 2 ? x : Views.reshape(x, x.numel() / features, features);
        Tensor y = BiasAdd.onto(MatMul.matmul(rows, kernel.value()), bias);
        y = Activations.get(activation).apply(y);
        return Arrays.equals(y.shape(), outShape) ? y : Views.reshape(y, outShape);
    }
}
