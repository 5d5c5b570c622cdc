package org.transfer4j.examples;

import java.util.ArrayList;
import java.util.List;
import org.transfer4j.nn.Input;
import org.transfer4j.nn.Layer;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Sequential;
import org.transfer4j.nn.SymbolicTensor;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.nn.layers.Conv2D;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.nn.layers.Dropout;
import org.transfer4j.nn.layers.GlobalAveragePooling2D;
import org.transfer4j.nn.layers.MaxPooling2D;
import org.transfer4j.nn.layers.ReLU;

/**
 * The demo's network, built the way Keras Applications are: a convolutional base (no top) and a
 * classifier head put on it as a functional model, {@code head(base(input))}.
 * <pre>
 * base, input (S,S,3):
 *   block1: conv 3x3 16 (same, no bias) - BN - ReLU - max pool 2   -> (S/2, S/2, 16)
 *   block2: conv 3x3 32 (same, no bias) - BN - ReLU - max pool 2   -> (S/4, S/4, 32)
 *   block3: conv 3x3 64 (same, no bias) - BN - ReLU                -> (S/4, S/4, 64)   "the top block"
 *   global average pool                                            -> (64)
 * classifier: base - dropout 0.2 - dense(classes) (logits)
 * </pre>
 * Layer names are fixed ({@code block3_conv}, ...), so code can address them: freeze, unfreeze from,
 * cut at, as it would with a Keras application.
 */
public final class StripeNet {
    /** The first layer of the top block, where fine-tuning unfreezes from. */
    public static final String TOP_BLOCK = "block3_conv";

    private StripeNet() {
    }

    /** A fresh convolutional base for {@code size x size} RGB images; output (N, 64). */
    public static Model base(int size) {
        List<Layer> layers = new ArrayList<>();
        addBlock(layers, 1, 16, true);
        addBlock(layers, 2, 32, true);
        addBlock(layers, 3, 64, false);
        layers.add(new GlobalAveragePooling2D().named("avg_pool"));
        return new Sequential("stripe_base", new int[] {size, size, 3}, layers.toArray(Layer[]::new));
    }

    /** {@code base} with a new head: dropout 0.2 and a dense layer named {@code headName} giving logits. */
    public static Model classifier(Model base, int classes, String headName) {
        SymbolicTensor in = Input.of(base.input().shape());
        SymbolicTensor features = base.apply(in);
        SymbolicTensor dropped = new Dropout(0.2f).named(headName + "_dropout").apply(features);
        SymbolicTensor logits = new Dense(classes).named(headName).apply(dropped);
        return Model.of(headName + "_model", in, logits);
    }

    private static void addBlock(List<Layer> layers, int block, int filters, boolean pool) {
        String prefix = "block" + block + "_";
        layers.add(new Conv2D(filters, 3).padding("same").useBias(false).named(prefix + "conv"));
        layers.add(new BatchNormalization().named(prefix + "bn"));
        layers.add(new ReLU().named(prefix + "relu"));
        if (pool) {
            layers.add(new MaxPooling2D(2).named(prefix + "pool"));
        }
    }
}
