package org.transfer4j.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.transfer4j.keras.KerasH5;
import org.transfer4j.nn.Input;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.Sequential;
import org.transfer4j.nn.SymbolicTensor;
import org.transfer4j.nn.layers.Activation;
import org.transfer4j.nn.layers.Conv2D;
import org.transfer4j.nn.layers.Dense;
import org.transfer4j.nn.layers.Dropout;
import org.transfer4j.nn.layers.Flatten;
import org.transfer4j.nn.layers.GlobalAveragePooling2D;
import org.transfer4j.nn.layers.Reshape;
import org.transfer4j.nn.layers.Softmax;
import org.transfer4j.testdata.TestData;

/** {@link SoftmaxOutput}: the ways Keras classifiers end in a softmax, and the logits models that do not. */
class SoftmaxOutputTest {
    private static Model head(org.transfer4j.nn.Layer... top) {
        org.transfer4j.nn.Layer[] layers = new org.transfer4j.nn.Layer[top.length + 1];
        layers[0] = new GlobalAveragePooling2D();
        System.arraycopy(top, 0, layers, 1, top.length);
        return new Sequential(new int[] {4, 4, 3}, layers);
    }

    @Test
    void softmaxLayersAndActivationsAreProbabilities() {
        assertTrue(SoftmaxOutput.endsInSoftmax(head(new Dense(5).activation("softmax"))));
        assertTrue(SoftmaxOutput.endsInSoftmax(head(new Dense(5), new Activation("softmax"))));
        assertTrue(SoftmaxOutput.endsInSoftmax(head(new Dense(5), new Softmax())));
        assertTrue(SoftmaxOutput.endsInSoftmax(head(new Dense(5), new Softmax().axis(1))), "axis 1 of (N, 5) is the last");
        // Keras' MobileNet: Conv2D on (1,1,C), Reshape to (C), Activation softmax; and the reverse order.
        assertTrue(SoftmaxOutput.endsInSoftmax(head(new Reshape(1, 1, 3), new Conv2D(5, 1), new Reshape(5),
                new Activation("softmax"))));
        assertTrue(SoftmaxOutput.endsInSoftmax(head(new Reshape(1, 1, 3), new Conv2D(5, 1).activation("softmax"),
                new Flatten(), new Dropout(0.5f))));
    }

    @Test
    void logitsAndOtherActivationsAreNot() {
        assertFalse(SoftmaxOutput.endsInSoftmax(head(new Dense(5))));
        assertFalse(SoftmaxOutput.endsInSoftmax(head(new Dense(5).activation("sigmoid"))));
        assertFalse(SoftmaxOutput.endsInSoftmax(head(new Dense(5).activation("softmax"), new Dense(5))));
        // A softmax over an axis that is not the last does not make the scores per class probabilities.
        assertFalse(SoftmaxOutput.endsInSoftmax(new Sequential(new int[] {4, 3}, new Softmax().axis(1))));
        // Reshape mixing the rows of the softmax axis: (2, 3) -> (6).
        assertFalse(SoftmaxOutput.endsInSoftmax(new Sequential(new int[] {2, 3}, new Softmax(), new Reshape(6))));
    }

    @Test
    void aNestedModelIsLookedInto() {
        Model inner = head(new Dense(3).activation("softmax"));
        SymbolicTensor x = Input.of("image", 4, 4, 3);
        assertTrue(SoftmaxOutput.endsInSoftmax(Model.of(x, inner.apply(x))));
    }

    @Test
    void kerasMobileNetEndsInASoftmax() {
        assertTrue(SoftmaxOutput.endsInSoftmax(KerasH5.buildModel(TestData.require("keras/mobilenet_v1_0.25_224_imagenet.h5"))));
    }
}
