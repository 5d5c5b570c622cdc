package org.transfer4j.nn;

import java.util.List;
import org.transfer4j.tensor.Tensor;

/**
 * One node of a functional graph: a layer applied to symbolic inputs. A shared layer appears in
 * several calls; its weights are the same in each.
 */
final class LayerCall implements GraphStep {
    private final Layer layer;
    private final List<SymbolicTensor> inputs;
    private final SymbolicTensor output;
    private final Boolean fixedTraining; // null: the call runs in the mode the model is called in

    LayerCall(Layer layer, List<SymbolicTensor> inputs, int[] outputShape, Boolean fixedTraining) {
        this.layer = layer;
        this.inputs = List.copyOf(inputs);
        this.fixedTraining = fixedTraining;
        this.output = new SymbolicTensor(outputShape, this);
    }

    /** The mode this call runs in when the model runs in {@code modelTraining} mode. */
    boolean training(boolean modelTraining) {
        return fixedTraining == null ? modelTraining : fixedTraining;
    }

    Boolean fixedTraining() {
        return fixedTraining;
    }

    Layer layer() {
        return layer;
    }

    @Override
    public List<SymbolicTensor> inputs() {
        return inputs;
    }

    @Override
    public SymbolicTensor output() {
        return output;
    }

    @Override
    public Tensor run(List<Tensor> values, boolean modelTraining) {
        return layer.forward(values, training(modelTraining));
    }

    @Override
    public boolean backwardReadsInputs() {
        return layer.backwardReadsInputs();
    }

    @Override
    public boolean backwardReadsOutput() {
        return layer.backwardReadsOutput();
    }
}
