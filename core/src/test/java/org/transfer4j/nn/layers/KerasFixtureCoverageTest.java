package org.transfer4j.nn.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.transfer4j.testdata.KerasJsFixtures;
import org.transfer4j.testdata.TestData;

/**
 * Accounts for every keras-js fixture file: each is either checked case by case against Keras by a
 * fixture test, or listed here as unsupported with the reason. A new fixture file fails this test
 * until it is classified, and the unsupported listing is printed on every run.
 */
class KerasFixtureCoverageTest {
    /** Fixture file -> the test class that matches every case of it within 1e-4. */
    private static final Map<String, String> CHECKED = Map.ofEntries(
            Map.entry("convolutional.Conv2D.json", "KerasCoreLayersFixtureTest"),
            Map.entry("core.Dense.json", "KerasCoreLayersFixtureTest"),
            Map.entry("core.Activation.json", "KerasCoreLayersFixtureTest"),
            Map.entry("normalization.BatchNormalization.json", "KerasCoreLayersFixtureTest"),
            Map.entry("convolutional.SeparableConv2D.json", "KerasSpatialLayersFixtureTest"),
            Map.entry("convolutional.UpSampling2D.json", "KerasSpatialLayersFixtureTest (both data formats)"),
            Map.entry("convolutional.ZeroPadding2D.json", "KerasSpatialLayersFixtureTest (both data formats)"),
            Map.entry("pooling.MaxPooling2D.json", "KerasSpatialLayersFixtureTest (both data formats)"),
            Map.entry("pooling.AveragePooling2D.json", "KerasSpatialLayersFixtureTest (both data formats)"),
            Map.entry("pooling.GlobalAveragePooling2D.json", "KerasSpatialLayersFixtureTest (both data formats)"),
            Map.entry("core.Dropout.json", "KerasOtherLayersFixtureTest"),
            Map.entry("core.Flatten.json", "KerasOtherLayersFixtureTest"),
            Map.entry("core.Reshape.json", "KerasOtherLayersFixtureTest"),
            Map.entry("merge.Add.json", "KerasOtherLayersFixtureTest"),
            Map.entry("merge.Concatenate.json", "KerasOtherLayersFixtureTest"),
            Map.entry("merge.Multiply.json", "KerasOtherLayersFixtureTest"),
            Map.entry("advanced_activations.json", "KerasOtherLayersFixtureTest"));

    /** Fixture file -> why no transfer4j layer is checked against it. */
    private static final Map<String, String> UNSUPPORTED = Map.of(
            "convolutional.Conv1D.json", "1-D layers are not part of transfer4j (image CNNs only)",
            "convolutional.Cropping1D.json", "1-D layers are not part of transfer4j (image CNNs only)",
            "pooling.GlobalAveragePooling1D.json", "1-D layers are not part of transfer4j (image CNNs only)",
            "pooling.GlobalMaxPooling1D.json", "1-D layers are not part of transfer4j (image CNNs only)",
            "merge.Dot.json", "Dot is not among transfer4j's layers",
            "merge.Minimum.json", "Minimum is not among transfer4j's layers");

    @Test
    void everyFixtureFileIsCheckedOrListedAsUnsupported() throws IOException {
        Path folder = TestData.require(KerasJsFixtures.FOLDER);
        TreeSet<String> files;
        try (Stream<Path> s = Files.list(folder)) {
            files = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        TreeSet<String> classified = new TreeSet<>(CHECKED.keySet());
        classified.addAll(UNSUPPORTED.keySet());
        assertEquals(files, classified, "every fixture file must be checked or listed as unsupported");

        StringBuilder listing = new StringBuilder("keras-js fixtures not checked (unsupported):\n");
        new TreeMap<>(UNSUPPORTED).forEach((file, why) -> listing.append("  ").append(file).append(": ").append(why)
                .append('\n'));
        System.out.print(listing);
    }
}
