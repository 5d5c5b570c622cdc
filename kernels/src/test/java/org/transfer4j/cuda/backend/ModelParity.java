package org.transfer4j.cuda.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.transfer4j.nn.InputLayer;
import org.transfer4j.nn.Layer;
import org.transfer4j.nn.Model;
import org.transfer4j.nn.SymbolicTensor;
import org.transfer4j.nn.Weight;
import org.transfer4j.nn.layers.BatchNormalization;
import org.transfer4j.tensor.Device;
import org.transfer4j.tensor.Generator;
import org.transfer4j.tensor.Tensor;

/**
 * Helpers of the whole-model GPU parity tests: the same model twice, one copy moved to the GPU with the same
 * weights, and two measures of the difference between a CPU tensor {@code e} and its GPU twin {@code a}.
 * <ul>
 *   <li><b>to scale</b>: {@code max_i |a_i - e_i| <= rtol * max_i |e_i|}, the error relative to the tensor's
 *       largest magnitude. Element-by-element relative error ({@link GpuParity#assertClose}) is right for one op
 *       on random inputs; a network's activations hold many values near 0 that come out of large cancelling
 *       sums, whose absolute rounding error is set by the tensor's scale, not by the value.</li>
 *   <li><b>normwise</b>: {@code ||a - e||_2 <= rtol * ||e||_2}, for gradients back-propagated through a whole
 *       network, where an element may legitimately differ a lot (see {@link MobileNetsGpuParityTest}).</li>
 * </ul>
 * Both fail on a NaN or an infinity on either side.
 */
final class ModelParity {

    private ModelParity() {
    }

    /**
     * A model on the CPU and its twin, built from the same seed, on the GPU: identical weights (checked); {@code shadow}
     * builds a further CPU copy with the same weights, for {@link #shadow}.
     */
    record Twin(Model cpu, Model gpu, Supplier<Model> cpuCopy) {
    }

    /**
     * A CPU copy of the twin whose input and every convolution kernel are multiplied by {@code 1 + rho r}, r uniform
     * in [-1, 1] from {@code seed}: rounding-level noise of relative size {@code rho} injected at every convolution.
     * How far its results are from the CPU's measures the conditioning of each compared quantity: a quantity that
     * moves by {@code d} under this noise cannot be expected to agree between two devices, whose roundings differ by
     * about as much, to better than about {@code d}. Returns the copy; {@link #perturbed} gives its input.
     */
    static Model shadow(Twin twin, double rho, long seed) {
        Model copy = twin.cpuCopy().get();
        long s = seed;
        for (Weight w : copy.weights()) {
            if (w.name().equals("kernel") || w.name().equals("depthwise_kernel")) {
                w.assign(perturbed(w.value(), rho, s++));
            }
        }
        return copy;
    }

    /** {@code t (1 + rho r)} element by element, r uniform in [-1, 1] from {@code seed}, on the CPU. */
    static Tensor perturbed(Tensor t, double rho, long seed) {
        float[] v = t.toArray();
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (v[i] * (1 + rho * (2 * r.nextDouble() - 1)));
        }
        return Tensor.of(v, t.shape());
    }

    /**
     * Builds {@code build} twice from {@code seed} (the initializers draw from the default generator), gives every
     * batch-norm layer random gamma, beta and moving statistics from {@code seed} (the builders leave them at 1, 0,
     * 0, 1, which would hide a swapped gamma/beta or mean/variance), moves the second copy to the GPU and checks
     * that the two have the same weights bit for bit.
     */
    static Twin twin(Supplier<Model> build, long seed) {
        Model cpu = built(build, seed);
        Model gpu = built(build, seed).to(GpuParity.gpu());
        for (Weight w : gpu.weights()) {
            assertEquals(GpuParity.gpu(), w.value().device(), w.path() + " moved to the GPU");
        }
        assertSameWeights(cpu, gpu);
        return new Twin(cpu, gpu, () -> built(build, seed));
    }

    private static Model built(Supplier<Model> build, long seed) {
        Generator.manualSeed(seed);
        Model model = build.get();
        Generator g = new Generator(seed + 1);
        for (Layer l : model.flattenedLayers()) {
            if (l instanceof BatchNormalization) {
                for (Weight w : l.weights()) {
                    float[] range = switch (w.name()) {
                        case "gamma", "moving_variance" -> new float[] {0.5f, 1.5f};
                        default -> new float[] {-0.5f, 0.5f};   // beta, moving_mean
                    };
                    w.assign(Tensor.uniform(g, range[0], range[1], w.shape()));
                }
            }
        }
        return model;
    }

    /** Every weight of {@code cpu} equals the weight at the same place of {@code gpu}, bit for bit. */
    static void assertSameWeights(Model cpu, Model gpu) {
        List<Weight> a = cpu.weights();
        List<Weight> b = gpu.weights();
        assertEquals(a.size(), b.size(), "weight count");
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).name(), b.get(i).name(), "weight " + i);
            assertArrayEquals(a.get(i).value().toArray(), b.get(i).value().toArray(), 0f, a.get(i).path());
        }
    }

    /**
     * The layers of the twin at the same places as {@code layers} of the CPU model. Two builds of an application
     * give the same layers in the same order, but a layer the builder leaves unnamed gets a name from a global
     * counter ({@code global_average_pooling2d_4}), so names do not pair them.
     */
    static List<Layer> twinLayers(Model gpu, List<Layer> layers) {
        List<Layer> twins = computingLayers(gpu);
        assertEquals(layers.size(), twins.size(), "layer count");
        for (int i = 0; i < layers.size(); i++) {
            assertEquals(layers.get(i).getClass(), twins.get(i).getClass(), "layer " + i + " " + layers.get(i).name());
        }
        return twins;
    }

    /** The layers of {@code model} that compute (its input layers left out), in call order. */
    static List<Layer> computingLayers(Model model) {
        return model.layers().stream().filter(l -> !(l instanceof InputLayer)).toList();
    }

    /**
     * A model with {@code model}'s input whose outputs are the output of every computing layer, in the order of
     * {@link #computingLayers}; it shares the layers and weights, so it runs on the model's device.
     */
    static Model everyLayer(Model model) {
        List<SymbolicTensor> outputs = computingLayers(model).stream().map(l -> model.outputOf(l.name())).toList();
        return Model.of(model.inputs(), outputs);
    }

    /** {@code max_i |a_i - e_i| / max_i |e_i|}. */
    static double toScale(Tensor expected, Tensor actual) {
        float[] e = expected.toArray();
        float[] a = actual.toArray();
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < e.length; i++) {
            scale = Math.max(scale, Math.abs(e[i]));
            worst = Math.max(worst, Math.abs((double) a[i] - e[i]));
        }
        return worst == 0 ? 0 : worst / scale;
    }

    static void assertCloseToScale(String what, Tensor expected, Tensor actual, double rtol) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shapes");
        assertCloseToScale(what, expected.toArray(), actual.toArray(), rtol);
    }

    static void assertCloseToScale(String what, float[] e, float[] a, double rtol) {
        checkFinite(what, e, a);
        double scale = 0;
        double worst = -1;
        int at = -1;
        for (int i = 0; i < e.length; i++) {
            scale = Math.max(scale, Math.abs(e[i]));
            double d = Math.abs((double) a[i] - e[i]);
            if (d > worst) {
                worst = d;
                at = i;
            }
        }
        if (worst > rtol * scale) {
            fail(String.format("%s: max |gpu - cpu| = %.3g at element %d (cpu %s, gpu %s) is %.3g of the tensor's"
                            + " scale max|cpu| = %.4g; allowed %.1g (normwise error %.3g)", what, worst, at, e[at], a[at],
                    worst / scale, scale, rtol, normwise(e, a)));
        }
    }

    static void assertNormwiseClose(String what, Tensor expected, Tensor actual, double rtol) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shapes");
        float[] e = expected.toArray();
        float[] a = actual.toArray();
        checkFinite(what, e, a);
        double error = normwise(e, a);
        if (!(error <= rtol)) {
            fail(String.format("%s: ||gpu - cpu|| / ||cpu|| = %.3g, allowed %.1g", what, error, rtol));
        }
    }

    /** {@code ||a - e|| / ||e||}; 0 when both are all zeros, infinity when only {@code e} is. */
    static double normwise(float[] e, float[] a) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < e.length; i++) {
            double d = (double) a[i] - e[i];
            diff += d * d;
            norm += (double) e[i] * e[i];
        }
        return diff == 0 ? 0 : Math.sqrt(diff / norm);
    }

    /** The relative difference of two scalars, for losses. */
    static void assertRelativelyClose(String what, double expected, double actual, double rtol) {
        if (!(Math.abs(actual - expected) <= rtol * Math.abs(expected))) {
            fail(String.format("%s: cpu %.9g, gpu %.9g, relative difference %.3g, allowed %.1g", what, expected, actual,
                    Math.abs(actual - expected) / Math.abs(expected), rtol));
        }
    }

    private static void checkFinite(String what, float[] e, float[] a) {
        if (e.length != a.length) {
            fail(what + ": " + e.length + " expected values, got " + a.length);
        }
        for (int i = 0; i < e.length; i++) {
            if (!Float.isFinite(e[i]) || !Float.isFinite(a[i])) {
                fail(what + ": element " + i + " is not finite (cpu " + e[i] + ", gpu " + a[i] + ")");
            }
        }
    }

    /** The same values as a fresh leaf on {@code device} that collects its gradient. */
    static Tensor leaf(Device device, Tensor source) {
        return Tensor.of(device, source.toArray(), source.shape()).requiresGrad(true);
    }
}
