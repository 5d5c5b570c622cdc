package org.transfer4j.train;

import org.transfer4j.nn.Model;
import org.transfer4j.ops.Gather;
import org.transfer4j.tensor.ShapeMismatchException;
import org.transfer4j.tensor.Tensor;

/**
 * Test-time augmentation: a prediction from several views of each image, averaged, as fastai's
 * {@code learn.tta()} does. A model trained with horizontal flips has learnt that a flower and its mirror
 * image are the same flower; asking it about both and averaging its two answers removes part of the noise
 * of either one. It costs one more forward pass per view, and it is not part of the exported model: a Keras
 * user who loads the {@code .h5} gets the single-view prediction.
 */
public enum TestTimeAugmentation {
    /** One view, the image as it is. */
    NONE,
    /** Two views, the image and its mirror image (width reversed); their outputs are averaged. */
    HORIZONTAL_FLIP;

    /**
     * The model's outputs for {@code x (N,H,W,C)} in inference mode, averaged over the views:
     * {@code (y(x) + y(flip(x))) / 2} for {@link #HORIZONTAL_FLIP}. Logits are averaged for a model that ends in
     * logits, probabilities for one that ends in a softmax, so the loss of the average is computed as for one view.
     */
    public Tensor outputs(Model model, Tensor x) {
        Tensor y = model.call(x, false);
        if (this == NONE) {
            return y;
        }
        return y.add(model.call(mirror(x), false)).mul(0.5f);
    }

    /** {@code x (N,H,W,C)} with its width reversed: column w of the result is column W-1-w of x. */
    static Tensor mirror(Tensor x) {
        if (x.rank() != 4) {
            throw ShapeMismatchException.of("horizontal flip", "needs images (N,H,W,C)", x.shape());
        }
        int width = x.shape(2);
        int[] reversed = new int[width];
        for (int w = 0; w < width; w++) {
            reversed[w] = width - 1 - w;
        }
        return Gather.gather(x, 2, reversed);
    }
}
