package org.transfer4j.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jhdf.HdfFile;
import org.junit.jupiter.api.Test;
import org.transfer4j.testdata.TestData;

/** jhdf opens the shared Keras files from this module (the dependency and test data are wired). */
class JhdfSmokeTest {
    @Test
    void readsKerasVersionOfTheFullMobileNet() {
        try (HdfFile file = new HdfFile(TestData.require("keras/mobilenet_v1_0.25_224_imagenet.h5"))) {
            assertEquals("2.8.0", file.getAttribute("keras_version").getData().toString());
        }
    }
}
