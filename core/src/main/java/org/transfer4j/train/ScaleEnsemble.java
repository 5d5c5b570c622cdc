package org.transfer4j.train;

import java.util.ArrayList;
import java.util.List;
import org.transfer4j.nn.Input;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.SymbolicTensor;
import org.transfer4j.nn.layers.Average;
import org.transfer4j.nn.layers.Resizing;

/**
 * A trained {@link TransferModel} and more heads that look at each image at other sizes through the same base,
 * their logits averaged, as one model:
 * <pre>
 * image (H,W,3) -> base -> pooled features -> head ------------------------------------\
 *               -> Resizing(s1,s1) -> base (shared) -> pooled features -> head_s1 -----> Average -> logits
 *               -> Resizing(s2,s2) -> base (shared) -> pooled features -> head_s2 -----/
 * </pre>
 * A convolutional base ending in global pooling runs at any size, and what it sees at 160 or 288 pixels
 * differs from what it sees at 224: the heads of different sizes err on different images, so their average
 * is right more often than any of them (measured on the five flowers: README). The base's layers are called
 * once per size in this model's own graph ({@link Model#wireInto}), so a Keras file holds each base weight
 * once. The extra heads train on the frozen base's cached features ({@link TransferTraining#scaleHeads}).
 */
public final class ScaleEnsemble {
    /** One extra head: images {@code (N,H,W,3)} resized to {@code size} and pooled by {@code extractor}, then {@code head}. */
    public record Branch(int size, Model extractor, Model head) {
    }

    private final List<Branch> branches;
    private final Model model;

    private ScaleEnsemble(List<Branch> branches, Model model) {
        this.branches = branches;
        this.model = model;
    }

    /** The ensemble of {@code transfer}'s own head and one new head (fresh weights) per size in {@code sizes}. */
    public static ScaleEnsemble of(TransferModel transfer, int... sizes) {
        if (sizes.length == 0) {
            throw new IllegalArgumentException("a scale ensemble needs at least one size besides the model's own");
        }
        int[] shape = transfer.model().input().shape();
        Boolean baseMode = transfer.baseInInferenceMode() ? Boolean.FALSE : null;
        SymbolicTensor image = Input.of("image", shape);
        List<SymbolicTensor> logits = new ArrayList<>();
        logits.add(transfer.head().apply(transfer.features().wireInto(image, baseMode)));
        List<Branch> branches = new ArrayList<>();
        for (int size : sizes) {
            if (size < 1 || (size == shape[0] && size == shape[1])) {
                throw new IllegalArgumentException("scale ensemble: size " + size + " must be positive and differ "
                        + "from the model's own input " + shape[0] + "x" + shape[1]);
            }
            SymbolicTensor resized = new Resizing(size, size).named("resize_" + size).apply(image);
            SymbolicTensor pooled = transfer.features().wireInto(resized, baseMode);
            Model head = transfer.newHead("s" + size);
            logits.add(head.apply(pooled));
            branches.add(new Branch(size, Model.of(transfer.model().name() + "_extractor_" + size, image, pooled), head));
        }
        SymbolicTensor average = new Average().named("scale_average").apply(logits);
        Model model = Model.of(transfer.model().name(), image, average);
        model.to(transfer.model().device()); // the new heads join the base where it is
        return new ScaleEnsemble(List.copyOf(branches), model);
    }

    /** The extra heads, in the order of the sizes given. */
    public List<Branch> branches() {
        return branches;
    }

    /** Images {@code (N,H,W,3)} to the average of the heads' logits {@code (N,classes)}. */
    public Model model() {
        return model;
    }
}
