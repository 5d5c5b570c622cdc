package org.transfer4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.transfer4j.examples.Demo.Approach;
import org.transfer4j.examples.Demo.Config;

class DemoTest {
    /** Tiny data, one epoch each: checks the plumbing, not the learning. */
    private static final Config TINY = new Config(3, 8, 2, 1, 2, 1, 1, 8, 0.01f);

    @Test
    void tinyDemoPrintsTheThreeApproachesWithAccuraciesInUnitRange() {
        StringWriter text = new StringWriter();
        Demo.Result result = Demo.run(TINY, new PrintWriter(text));
        assertEquals(3, result.approaches().size());
        for (Approach a : result.approaches()) {
            assertTrue(a.valAccuracy() >= 0 && a.valAccuracy() <= 1, a.toString());
            assertTrue(a.trainableParams() > 0, a.toString());
        }
        assertTrue(result.frozen().trainableParams() < result.fineTuned().trainableParams());
        assertTrue(result.fineTuned().trainableParams() < result.scratch().trainableParams());
        String printed = text.toString();
        assertTrue(printed.contains("approach") && printed.contains("stayed bit-identical"), printed);
    }

    @Test
    void sameSeedGivesTheSameResults() {
        Demo.Result a = Demo.run(TINY, new PrintWriter(new StringWriter()));
        Demo.Result b = Demo.run(TINY, new PrintWriter(new StringWriter()));
        assertEquals(a.sourceValAccuracy(), b.sourceValAccuracy());
        for (int i = 0; i < 3; i++) {
            assertEquals(a.approaches().get(i).valAccuracy(), b.approaches().get(i).valAccuracy());
        }
    }

    @Test
    void pretrainedFeaturesBeatTrainingFromScratchOnTheSmallTargetSet() {
        // A reduced demo (16x16 images, 60 source images per class): see the assertion messages for the
        // figures; the margins were chosen from runs with several seeds (bench/README.md, "demo").
        Config config = new Config(42, 16, 60, 4, 10, 15, 40, 32, 0.003f);
        Demo.Result r = Demo.run(config, new PrintWriter(new StringWriter()));
        assertTrue(r.sourceValAccuracy() > 0.6, "source accuracy " + r.sourceValAccuracy());
        assertTrue(r.frozenBaseUnchanged(), "training with the base frozen changed it");
        assertTrue(r.frozen().valAccuracy() > r.scratch().valAccuracy(), r.approaches().toString());
        assertTrue(r.fineTuned().valAccuracy() > r.scratch().valAccuracy(), r.approaches().toString());
    }

    @Test
    void configRejectsZeroEpochsNamingTheOption() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Config(1, 8, 1, 0, 1, 1, 1, 8, 0.1f));
        assertTrue(e.getMessage().contains("source-epochs"), e.getMessage());
    }
}
