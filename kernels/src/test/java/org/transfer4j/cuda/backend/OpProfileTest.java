package org.transfer4j.cuda.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OpProfileTest {

    @Test
    void entriesAddUpPerOpAndComeHeaviestFirst() {
        OpProfile p = new OpProfile(true);
        p.add("conv2d", 3_000_000);
        p.add("add", 500_000);
        p.add("conv2d", 1_000_000);
        List<OpProfile.Entry> e = p.entries();
        assertEquals(List.of(new OpProfile.Entry("conv2d", 2, 4_000_000), new OpProfile.Entry("add", 1, 500_000)), e);
        String table = p.table();
        assertTrue(table.contains("conv2d") && table.contains("88.9%") && table.contains("11.1%"), table);
        assertTrue(table.indexOf("conv2d") < table.indexOf("add"), table);
    }

    @Test
    void offUnlessTheSystemPropertyIsSet() {
        String old = System.getProperty(OpProfile.PROPERTY);
        try {
            System.clearProperty(OpProfile.PROPERTY);
            assertFalse(OpProfile.fromSystemProperty().enabled());
            System.setProperty(OpProfile.PROPERTY, "true");
            assertTrue(OpProfile.fromSystemProperty().enabled());
        } finally {
            if (old == null) {
                System.clearProperty(OpProfile.PROPERTY);
            } else {
                System.setProperty(OpProfile.PROPERTY, old);
            }
        }
    }
}
