package org.transfer4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.transfer4j.applications.MobileNetV2;
import org.transfer4j.backend.FakeDevice;
import org.transfer4j.optim.ParamGroups;
import org.transfer4j.optim.SGD;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/**
 * The primitives of one head training step on a frozen base's cached features, in order: on a GPU each is a kernel
 * launch or two, and this step's time is the host's time per launch (bench README, the frozen case), so a change that
 * adds one to it shows here. The head: global average pooling in the cached extractor, then batch normalisation
 * (training and its moving statistics in one call; its backward without dx, the features need none), dropout and
 * {@code Dense(10)}; the loss's mean is one call; the gradients are checked for non-finite values with the loss's one
 * download; SGD updates the head's weights in one call.
 */
class FrozenHeadStepCallsTest {

    @Test
    void oneHeadStepMakesTheseBackendCallsInThisOrder() {
        FakeDevice fake = FakeDevice.create(6);
        TransferModel tm = TransferModel.on(MobileNetV2.builder().alpha(0.35).includeTop(false).inputShape(32, 32, 3)
                .build()).classes(10).build();
        tm.model().to(fake.device());
        tm.freezeBase();
        int n = 8;
        Tensor images = Tensor.uniform(new Generator(3), -1f, 1f, n, 32, 32, 3).to(fake.device());
        InMemoryDataset data = new InMemoryDataset(images, new int[n],
                IntStream.range(0, 10).mapToObj(i -> "c" + i).toList());
        Trainer trainer = new Trainer(new SGD(ParamGroups.all(tm.head()), 0.01).momentum(0.9)).batchSize(n).seed(1);
        try (FeatureCache.Result cache = FeatureCache.compute(tm.extractor(), data, n, FeatureCache.Storage.memory())) {
            trainer.fit(tm.head(), cache.dataset(), null, 2); // the gradient seed and the momentum exist from here on
            fake.recordCalls();
            trainer.fit(tm.head(), cache.dataset(), null, 1);
        }
        assertEquals(List.of(
                "gather",                                // the batch's features
                "batchNormTrainingWithMovingAverages",
                "dropout",
                "gemm", "binary",                        // Dense: the product, the bias
                "softmaxCrossEntropy", "reduceSumScaled", // the loss and its mean over the batch
                "fill",                                  // the fit's gradient seed, made at its first step
                "softmaxCrossEntropyBackward",
                "reduce", "gemm", "gemm",                // Dense: the bias's, the kernel's and the input's gradients
                "binary",                                // dropout's gradient: dy times the mask
                "batchNormParameterGradients",
                "downloadAndCountNonFinite",             // the loss to the host, the gradients checked
                "sgdUpdateGroup"), fake.calls());
    }
}
