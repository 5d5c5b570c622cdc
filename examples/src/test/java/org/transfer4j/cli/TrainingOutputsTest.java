package org.transfer4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transfer4j.applications.Preprocessing;
import org.transfer4j.plots.ConfusionMatrixPlot;

class TrainingOutputsTest {

    @Test
    void aPlotThatCannotBeDrawnIsReportedAndTheOthersAreStillWritten(@TempDir Path dir) throws Exception {
        TrainingOutputs outputs = new TrainingOutputs(dir.resolve("m.h5"), null, List.of("a", "b"), Preprocessing.MOBILENET);
        Path broken = dir.resolve("m.training-curves.png");
        // what AWT throws on a machine without fonts (seen on the GPU machine's minimal JRE)
        outputs.writePlot(() -> {
            throw new RuntimeException("Fontconfig head is null, check your fonts or fonts configuration");
        }, broken);
        Path fine = dir.resolve("m.confusion-matrix.png");
        outputs.writePlot(() -> new ConfusionMatrixPlot(new long[][] {{3, 1}, {0, 4}}, List.of("a", "b")), fine);

        assertFalse(Files.exists(broken));
        assertEquals(1, outputs.skipped().size());
        assertTrue(outputs.skipped().getFirst().contains("m.training-curves.png")
                && outputs.skipped().getFirst().contains("Fontconfig head is null"), outputs.skipped().getFirst());
        assertTrue(Files.size(fine) > 0, "the other plot is drawn");
        assertTrue(outputs.describe().contains("m.confusion-matrix.png"));
        assertFalse(outputs.describe().contains("training-curves"));
    }
}
