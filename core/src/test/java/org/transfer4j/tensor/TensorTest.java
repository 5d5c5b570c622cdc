package org.transfer4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class TensorTest {

    // ---- creation ---------------------------------------------------------------------------------

    @Test
    void zerosOnesAndFullHoldTheirValueAndShape() {
        assertArrayEquals(new float[6], Tensor.zeros(2, 3).toArray());
        assertArrayEquals(new float[] {1, 1, 1, 1}, Tensor.ones(4).toArray());
        Tensor f = Tensor.full(2.5f, 3, 1, 2);
        assertArrayEquals(new int[] {3, 1, 2}, f.shape());
        assertArrayEquals(new float[] {2.5f, 2.5f, 2.5f, 2.5f, 2.5f, 2.5f}, f.toArray());
        Tensor s = Tensor.scalar(7f);
        assertEquals(0, s.rank());
        assertEquals(7f, s.item());
    }

    @Test
    void arangeStopsBeforeEnd() {
        assertArrayEquals(new float[] {0, 1, 2, 3, 4}, Tensor.arange(5).toArray());
        assertArrayEquals(new float[] {1, 1.5f, 2, 2.5f}, Tensor.arange(1f, 3f, 0.5f).toArray());
        assertArrayEquals(new float[] {3, 1}, Tensor.arange(3f, 0f, -2f).toArray());
        assertEquals(0, Tensor.arange(2f, 1f, 1f).numel());
        assertThrows(IllegalArgumentException.class, () -> Tensor.arange(0f, 1f, 0f));
    }

    @Test
    void ofCopiesTheArrayRowMajor() {
        float[] data = {1, 2, 3, 4, 5, 6};
        Tensor t = Tensor.of(data, 2, 3);
        data[0] = 100; // the tensor holds a copy
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, t.toArray());
        assertEquals(6f, t.slice(0, 1, 2).slice(1, 2, 3).item());
    }

    @Test
    void ofRejectsAValueCountThatDoesNotFillTheShape() {
        var e = assertThrows(ShapeMismatchException.class, () -> Tensor.of(new float[5], 2, 3));
        assertTrue(e.getMessage().contains("of") && e.getMessage().contains("[2, 3]"), e.getMessage());
    }

    @Test
    void negativeDimensionsAreRejected() {
        var e = assertThrows(ShapeMismatchException.class, () -> Tensor.zeros(2, -1));
        assertTrue(e.getMessage().contains("zeros") && e.getMessage().contains("[2, -1]"), e.getMessage());
    }

    @Test
    void randomTensorsAreReproducibleForASeed() {
        assertArrayEquals(Tensor.rand(new Generator(42), 100).toArray(), Tensor.rand(new Generator(42), 100).toArray());
        assertArrayEquals(Tensor.randn(new Generator(7), 3, 5).toArray(),
                Tensor.randn(new Generator(7), 3, 5).toArray());
        Generator g = new Generator(42);
        float[] first = Tensor.rand(g, 100).toArray();
        float[] second = Tensor.rand(g, 100).toArray(); // the generator moved on
        assertFalse(java.util.Arrays.equals(first, second));
        assertFalse(java.util.Arrays.equals(first, Tensor.rand(new Generator(43), 100).toArray()));
    }

    @Test
    void replayingTheCounterReplaysTheStream() {
        Generator g = new Generator(5);
        Tensor.randn(g, 10);
        long mark = g.counter();
        float[] a = Tensor.randn(g, 20).toArray();
        g.setCounter(mark);
        assertArrayEquals(a, Tensor.randn(g, 20).toArray());
    }

    @Test
    void uniformSamplesHaveTheRightRangeMeanAndStd() {
        float[] v = Tensor.uniform(new Generator(1), -1f, 3f, 100_000).toArray();
        double[] ms = meanStd(v);
        for (float x : v) {
            assertTrue(x >= -1f && x < 3f, "out of range: " + x);
        }
        // Uniform(-1, 3): mean 1, std 4/sqrt(12) = 1.1547; standard error of the mean ~ 0.004.
        assertEquals(1.0, ms[0], 0.02);
        assertEquals(4 / Math.sqrt(12), ms[1], 0.02);
    }

    @Test
    void uniformNeverReturnsTheUpperBoundEvenWhenRoundingWould() {
        float low = 1e6f; // floats near 1e6 are 1/16 apart, so low + u * 1 rounds up to high for u > 31/32
        float[] v = Tensor.uniform(new Generator(9), low, low + 1, 2000).toArray();
        for (float x : v) {
            assertTrue(x >= low && x < low + 1, "out of [low, high): " + x);
        }
    }

    @Test
    void normalSamplesHaveTheRightMeanAndStd() {
        float[] v = Tensor.normal(new Generator(2), 3f, 2f, 100_000).toArray();
        double[] ms = meanStd(v);
        assertEquals(3.0, ms[0], 0.03); // standard error 2/sqrt(1e5) = 0.0063
        assertEquals(2.0, ms[1], 0.03);
        float[] z = Tensor.randn(new Generator(3), 100_000).toArray();
        double[] zs = meanStd(z);
        assertEquals(0.0, zs[0], 0.015);
        assertEquals(1.0, zs[1], 0.015);
        long beyond2 = 0;
        for (float x : z) {
            beyond2 += Math.abs(x) > 2 ? 1 : 0;
        }
        assertEquals(0.0455, beyond2 / 100_000.0, 0.004); // the tails of a Gaussian, not just its moments
    }

    // ---- data out -----------------------------------------------------------------------------------

    @Test
    void itemReadsTheOnlyElement() {
        assertEquals(4f, Tensor.of(new float[] {4}, 1, 1).item());
        var e = assertThrows(ShapeMismatchException.class, () -> Tensor.zeros(2).item());
        assertTrue(e.getMessage().contains("item") && e.getMessage().contains("[2]"), e.getMessage());
    }

    @Test
    void toArrayOfAPermutedViewIsRowMajorInTheViewsOrder() {
        Tensor x = Tensor.arange(24).reshape(2, 3, 4);
        Tensor p = x.permute(2, 0, 1); // (4, 2, 3), p[i][j][k] = x[j][k][i]
        assertFalse(p.isContiguous());
        float[] v = p.toArray();
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 2; j++) {
                for (int k = 0; k < 3; k++) {
                    assertEquals(j * 12 + k * 4 + i, v[(i * 2 + j) * 3 + k]);
                }
            }
        }
        assertArrayEquals(new float[] {5, 9, 17, 21}, x.slice(1, 1, 3).slice(2, 1, 2).toArray());
    }

    @Test
    void viewsShareStorageWithTheirBase() {
        Tensor x = Tensor.zeros(3, 4);
        Tensor row = x.slice(0, 1, 2);
        x.backend().fill(row, 9f);
        assertArrayEquals(new float[] {0, 0, 0, 0, 9, 9, 9, 9, 0, 0, 0, 0}, x.toArray());
        assertTrue(row.storage() == x.storage());
    }

    @Test
    void toStringShowsShapeAndValues() {
        String s = Tensor.of(new float[] {1, 2.5f, -3, 4}, 2, 2).toString();
        assertTrue(s.contains("[2, 2]"), s);
        assertTrue(s.contains("2.500") && s.contains("-3.000") && s.contains("4.000"), s);
        assertTrue(s.contains("[[1.000, 2.500],"), s);
    }

    @Test
    void toStringDoesNotDependOnTheDefaultLocale() {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY); // decimal comma
            String s = Tensor.of(new float[] {1.5f}, 1).toString();
            assertTrue(s.contains("1.500"), s);
        } finally {
            Locale.setDefault(saved);
        }
    }

    @Test
    void toStringElidesTheMiddleOfLargeTensors() {
        String s = Tensor.arange(5000).toString();
        assertTrue(s.contains("[5000]") && s.contains("...") && s.contains("4999"), s);
        assertTrue(s.length() < 300, s);
    }

    @Test
    void toStringOfClosedAndGradTensorsSaysSo() {
        Tensor x = Tensor.ones(2).requiresGrad(true);
        assertTrue(x.toString().contains("requires_grad"));
        assertTrue(x.mul(2f).toString().contains("grad_fn=affine"));
        x.close();
        assertTrue(x.toString().contains("closed"));
    }

    // ---- errors -------------------------------------------------------------------------------------

    @Test
    void usingAClosedTensorThrowsClosedTensorException() {
        Tensor x = Tensor.ones(2, 3);
        Tensor view = x.slice(0, 0, 1);
        Tensor other = Tensor.ones(2, 3);
        Tensor single = Tensor.ones(1, 3).slice(1, 0, 1);
        single.close();
        x.close();
        assertTrue(x.isClosed() && view.isClosed());
        Executable[] uses = {
            x::toArray, view::toArray, single::item, () -> x.add(other), () -> other.add(x), () -> x.exp(),
            () -> x.sum(), () -> x.reshape(3, 2), () -> x.permute(1, 0), () -> x.slice(1, 0, 1), () -> x.copy(),
            () -> x.matmul(other.transpose(0, 1)), () -> x.detach()};
        for (Executable use : uses) {
            var e = assertThrows(ClosedTensorException.class, use);
            assertTrue(e.getMessage().matches("(?s).*\\[[12], [13]\\].*after close.*"), e.getMessage());
        }
    }

    @Test
    void shapeErrorsNameTheOpAndTheShapes() {
        assertMessage(() -> Tensor.zeros(2, 3).reshape(4, 2), "reshape", "[2, 3]", "[4, 2]");
        assertMessage(() -> Tensor.zeros(2, 3).add(Tensor.zeros(3, 2)), "add", "[2, 3]", "[3, 2]");
        assertMessage(() -> Tensor.zeros(2, 3).matmul(Tensor.zeros(2, 3)), "matmul", "[2, 3]", "[2, 3]");
        assertMessage(() -> Tensor.zeros(2, 3).permute(0), "permute", "[2, 3]");
        assertMessage(() -> Tensor.zeros(2, 3).squeeze(1), "squeeze", "[2, 3]");
        assertMessage(() -> Tensor.zeros(2, 3).broadcastTo(4, 3), "broadcastTo", "[2, 3]", "[4, 3]");
        assertMessage(() -> Tensor.zeros(2, 3).sum(2), "sum", "axis 2");
    }

    private static void assertMessage(Executable e, String... parts) {
        var ex = assertThrows(ShapeMismatchException.class, e);
        for (String p : parts) {
            assertTrue(ex.getMessage().contains(p), "'" + p + "' missing in: " + ex.getMessage());
        }
    }

    private static double[] meanStd(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += x;
        }
        double mean = sum / v.length;
        double sq = 0;
        for (float x : v) {
            sq += (x - mean) * (x - mean);
        }
        assertNotEquals(0.0, sq);
        return new double[] {mean, Math.sqrt(sq / v.length)};
    }
}
