package org.transfer4j.nn;

import java.util.List;
import org.transfer4j.tensor.Tensor;

/**
 * One step of running a functional graph ({@link GraphRunner}): it reads some values and makes one. A
 * {@link LayerCall}, or in an {@link InferenceModel} a convolution with the layers after it fused.
 */
interface GraphStep {
    /** The values it reads, in the order {@link #run} takes them. */
    List<SymbolicTensor> inputs();

    /** The value it makes. */
    SymbolicTensor output();

    /** Computes the output from the inputs' values when the graph runs in {@code modelTraining} mode. */
    Tensor run(List<Tensor> inputs, boolean modelTraining);

    /** Whether a backward pass through this step reads its inputs' values ({@link Layer#backwardReadsInputs}). */
    boolean backwardReadsInputs();

    /** Whether a backward pass through this step reads its output's values ({@link Layer#backwardReadsOutput}). */
    boolean backwardReadsOutput();
}
