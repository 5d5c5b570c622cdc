package org.transfer4j.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jhdf.HdfFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transfer4j.testdata.TestData;

/**
 * The cases {@link KerasFilesFuzzTest} found, shrunk to one mutation each and kept as fixed tests. Each
 * failed before its fix; the fix is named in the test's comment. Offsets are those of the shared files
 * (their SHA-256 is in the data folder's INVENTORY.md), and each test first checks that the field it
 * changes is the one the fuzzer found there.
 */
class KerasFilesFuzzRegressionTest {
    @TempDir
    Path dir;

    /** The shared file {@code name} with the HDF5 field of {@code kind} at {@code offset} set to {@code value}. */
    private Path withField(String name, H5Landmarks.Kind kind, int offset, long value) throws IOException {
        Path original = TestData.require("keras/" + name);
        H5Landmarks.Field field = H5Landmarks.find(original).fields().stream()
                .filter(f -> f.kind() == kind && f.offset() == offset).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " at " + offset + " in " + name));
        return Files.write(dir.resolve(name), new FileMutation.SetField(field, value).apply(Files.readAllBytes(original)));
    }

    /** Reads every array of {@code file} under the fuzz test's rule (type, time and allocation) and returns the refusal. */
    private static KerasImportException refusal(Path file) {
        String outcome = KerasFilesFuzzTest.readsOrRefuses("KerasWeights.read", file, () -> {
            try (HdfFile hdf = H5Arrays.open(file)) {
                return KerasWeights.read(KerasWeightGroup.of(hdf, file), file);
            }
        });
        assertTrue(!outcome.equals("read"), "the damaged file read whole");
        return assertThrows(KerasImportException.class, () -> {
            try (HdfFile hdf = H5Arrays.open(file)) {
                KerasWeights.read(KerasWeightGroup.of(hdf, file), file);
            }
        });
    }

    // Before H5Arrays.open mapped the file, jhdf's file-channel reader allocated a heap buffer as long as an
    // object header's declared size before reading it: 1.5 GB here (a 1 MB file), and 2 GiB - 1 ended in
    // OutOfMemoryError("Requested array size exceeds VM limit"). Now the read is a slice of the mapped file,
    // and a slice past its end fails as damage.

    @Test
    void anObjectHeaderDeclaringAHugeSizeIsRefusedWithoutAllocatingIt() throws IOException {
        // Shrunk from try 50 of the default seed: the header of /model_weights/batch_normalization/batch_normalization.
        Path file = withField("resnet8_cifar10_keras2.4.0.h5", H5Landmarks.Kind.HEADER_SIZE, 46304, 0x2de78c9dL);

        KerasImportException e = refusal(file);
        assertTrue(e.getMessage().startsWith(file + ": layer 'batch_normalization': cannot read the weight "
                + "'batch_normalization/gamma:0'") && e.getMessage().contains("damaged"), e.getMessage());
    }

    @Test
    void anObjectHeaderDeclaring2GiBIsRefusedWithoutOutOfMemoryError() throws IOException {
        Path file = withField("mobilenet_2_5_224_tf_no_top.h5", H5Landmarks.Kind.HEADER_SIZE, 270008, Integer.MAX_VALUE);

        KerasImportException e = refusal(file);
        assertTrue(e.getMessage().startsWith(file + ": layer 'conv_dw_8': cannot read its group"), e.getMessage());
    }

    @Test
    void aLocalHeapDeclaring2GiBIsRefusedWithoutOutOfMemoryError() throws IOException {
        // The local heap of the group /model_weights/conv_dw_5, which holds its members' names.
        Path file = withField("mobilenet_v1_0.25_224_imagenet.h5", H5Landmarks.Kind.HEAP_SIZE, 157464, Integer.MAX_VALUE);

        KerasImportException e = refusal(file);
        assertTrue(e.getMessage().startsWith(file + ": layer 'conv_dw_5': cannot read the weight "
                + "'conv_dw_5/depthwise_kernel:0'"), e.getMessage());
    }

    // Mapping the file changed how jhdf reports a missing member: getByPath threw HdfInvalidPathException
    // for a file opened by path, but a plain HdfException ("No backing file. In-memory") for a mapped one,
    // so KerasWeightGroup took a missing weight for damage. It now walks the path with getChild, which
    // returns null for a missing member (KerasWeightsMatchingTest.aListedWeightWithoutItsDatasetIsAnError
    // holds it for a file written by jhdf; this is the same on a real file).

    @Test
    void aWeightNameWithoutItsDatasetIsReportedAsMissing() throws IOException {
        Path original = TestData.require("keras/mobilenet_2_5_224_tf_no_top.h5");
        byte[] bytes = Files.readAllBytes(original);
        // "conv1/kernel:0" in conv1's weight_names becomes "conv1/kernel:9": same length, no such dataset.
        Path file = Files.write(dir.resolve("renamed.h5"),
                new FileMutation.ReplaceBytes("conv1/kernel:0", "conv1/kernel:9").apply(bytes));

        KerasImportException e = refusal(file);
        assertEquals(file + ": layer 'conv1': weight 'conv1/kernel:9' is listed in 'weight_names' but there is no "
                + "dataset at that path", e.getMessage());
    }
}
