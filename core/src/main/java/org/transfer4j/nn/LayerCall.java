package org.transfer4j.nn;

import java.util.List;

/**
 * One node of a functional graph: a layer applied to symbolic inputs. A shared layer appears in
 * several calls; its weights are the same in each.
 */
final class LayerCall {
    private final Layer layer;
    private final List<SymbolicTensor> inputs;
    private final SymbolicTensor output;

    LayerCall(Layer layer, List<SymbolicTensor> inputs, int[] outputShape) {
        this.layer = layer;
        this.inputs = List.copyOf(inputs);
        this.output = new SymbolicTensor(outputShape, this);
    }

    Layer layer() {
        return layer;
    }

    List<SymbolicTensor> inputs() {
        return inputs;
    }

    SymbolicTensor output() {
        return output;
    }
}
