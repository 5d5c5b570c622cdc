package org.transfer4j.optim;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.transfer4j.backend.Backend;
import org.transfer4j.nn.Weight;
import org.transfer4j.tensor.Tensor;

/**
 * Weights of one parameter group that one fused group update ({@code Backend.*UpdateGroup}) can take
 * together: same backend and equal update scalars. Within a group the rate, betas and momentum are
 * shared, but two things can differ per weight: the weight decay ({@link ParamGroup#decays} exempts
 * batch-norm weights and biases) and, for Adam, the step count t behind the bias correction (a weight
 * unfrozen later has had fewer updates). So a group splits into a few batches, usually one or two:
 * by equal scalars, not by runs of neighbours, since decayed kernels and undecayed biases alternate.
 * Each weight's arithmetic is the same in any batch, so the split does not change any result.
 *
 * @param <K>     the update's scalars (a record: equal scalars, equal keys)
 * @param scalars the scalars every weight of the batch is updated with
 * @param backend the weights' backend
 * @param weights the weights, in group order
 * @param grads   their gradients, in the same order
 */
record UpdateBatch<K>(K scalars, Backend backend, List<Weight> weights, List<Tensor> grads) {

    /** Splits {@code weights} (with {@code grads}, in parallel) by backend and {@code scalars(weight)}, in order of first appearance. */
    static <K> Collection<UpdateBatch<K>> split(List<Weight> weights, List<Tensor> grads, Function<Weight, K> scalars) {
        record Key(Backend backend, Object scalars) {
        }
        Map<Key, UpdateBatch<K>> batches = new LinkedHashMap<>();
        for (int i = 0; i < weights.size(); i++) {
            Weight w = weights.get(i);
            K s = scalars.apply(w);
            Backend b = w.value().backend();
            UpdateBatch<K> batch = batches.computeIfAbsent(new Key(b, s),
                    k -> new UpdateBatch<>(s, b, new ArrayList<>(), new ArrayList<>()));
            batch.weights.add(w);
            batch.grads.add(grads.get(i));
        }
        return batches.values();
    }

    /** The weights' tensors. */
    List<Tensor> params() {
        return weights.stream().map(Weight::value).toList();
    }

    /** Slot {@code slot} of each weight, in order. */
    List<Tensor> slots(Function<Weight, Tensor> slot) {
        return weights.stream().map(slot).toList();
    }
}
