package org.transfer4j.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.transfer4j.testdata.TestData;

/** The fuzzer's map of HDF5 fields agrees with what is known of the shared files by other means. */
class H5LandmarksTest {
    private static final String NO_TOP = "keras/mobilenet_2_5_224_tf_no_top.h5";

    @Test
    void theDimensionsOfConv1KernelAreWhereTheirBytesAre() throws IOException {
        Path file = TestData.require(NO_TOP);
        byte[] bytes = Files.readAllBytes(file);
        // conv1/kernel:0 is (3, 3, 3, 8) (INVENTORY.md); its dims and max dims are the only two runs of these
        // four little-endian longs in the file (KerasWeightsHostileFilesTest patches both).
        byte[] pattern = BytePatches.longs(3, 3, 3, 8);
        int first = BytePatches.indexOf(bytes, pattern, 0);
        int second = BytePatches.indexOf(bytes, pattern, first + 1);
        assertTrue(first >= 0 && second > first, "two runs of (3, 3, 3, 8), at " + first + " and " + second);

        List<H5Landmarks.Field> dims = H5Landmarks.find(file).fields().stream()
                .filter(f -> f.kind() == H5Landmarks.Kind.DATASPACE_DIM && f.offset() >= first && f.offset() < second + 32)
                .toList();
        assertEquals(List.of(first, first + 8, first + 16, first + 24, second, second + 8, second + 16, second + 24),
                dims.stream().map(H5Landmarks.Field::offset).toList());
        assertEquals(List.of(3L, 3L, 3L, 8L, 3L, 3L, 3L, 8L), dims.stream().map(f -> f.read(bytes)).toList());
    }

    @Test
    void everyKindOfFieldButChunkDimsIsFoundAndTheEndOfFileIsTheFileSize() throws IOException {
        for (String name : KerasFilesFuzzTest.H5_FILES) {
            Path file = TestData.require("keras/" + name);
            byte[] bytes = Files.readAllBytes(file);
            H5Landmarks.Found found = H5Landmarks.find(file);
            Set<H5Landmarks.Kind> kinds = found.fields().stream().map(H5Landmarks.Field::kind)
                    .collect(Collectors.toCollection(() -> EnumSet.noneOf(H5Landmarks.Kind.class)));
            // Keras stores every weight contiguously (h5py's default, no chunks), so only chunk dims are absent.
            assertEquals(EnumSet.complementOf(EnumSet.of(H5Landmarks.Kind.CHUNK_DIM)), kinds, name);
            H5Landmarks.Field eof = found.fields().stream().filter(f -> f.kind() == H5Landmarks.Kind.EOF_ADDRESS)
                    .findFirst().orElseThrow();
            // h5py's files end exactly where their superblock says (no user block).
            assertEquals(bytes.length, eof.read(bytes), name);
            // Every located field lies inside the file.
            assertTrue(found.fields().stream().allMatch(f -> f.offset() + f.width() <= bytes.length), name);
        }
    }
}
