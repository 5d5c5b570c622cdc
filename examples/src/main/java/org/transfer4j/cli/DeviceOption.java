package org.transfer4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import org.transfer4j.Transfer4jException;
import org.transfer4j.tensor.Device;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code --device cpu|cuda|auto} option of {@code train}, {@code evaluate} and {@code predict}, a picocli
 * {@code @Mixin}. {@code cuda} is CUDA device 0 and a usage error, carrying the reason ({@link Device#cuda}'s),
 * where there is none; {@code auto} (the default) is {@link Device#best()}: CUDA when a provider on the class
 * path can serve it, else the CPU, with {@link Device#whyNoGpu()}'s reason. The commands print the choice as one
 * line, {@link Choice#line()}. This jar carries no CUDA backend: put the {@code transfer4j-kernels} jar (and
 * JCuda) on the class path beside it for a GPU.
 */
final class DeviceOption {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(names = "--device", paramLabel = "cpu|cuda|auto", description = "where to compute: cpu; cuda (CUDA device "
            + "0, an error without one); auto: CUDA when available, else the CPU, saying why (default: ${DEFAULT-VALUE})")
    private String device = "auto";

    /**
     * The device chosen, and when {@code auto} fell back to the CPU, why.
     *
     * @param fallback what is missing for a GPU when {@code auto} chose the CPU, else null
     */
    record Choice(Device device, String fallback) {
        /** {@code cuda:0}, {@code cpu}, or when auto fell back {@code cpu (--device auto found no GPU: <why>)}. */
        String describe() {
            return device + (fallback == null ? "" : " (--device auto found no GPU: " + fallback + ")");
        }

        /** The line the commands print: {@code device: } and {@link #describe()}. */
        String line() {
            return "device: " + describe();
        }

        /** Adds {@code device} and {@code device_fallback} (null unless auto fell back) to a JSON report. */
        void addTo(ObjectNode json) {
            json.put("device", device.toString());
            json.put("device_fallback", fallback);
        }
    }

    /** The device asked for; a usage error for an unknown value or for {@code cuda} without a usable GPU. */
    Choice choose() {
        return switch (device.toLowerCase(Locale.ROOT)) {
            case "cpu" -> new Choice(Device.cpu(), null);
            case "cuda" -> {
                try {
                    yield new Choice(Device.cuda(0), null);
                } catch (Transfer4jException e) {
                    throw usage("--device cuda: " + e.getMessage() + "; use --device cpu, or auto to fall back to it");
                }
            }
            case "auto" -> {
                Device best = Device.best();
                yield new Choice(best, best.type() == Device.Type.CPU ? Device.whyNoGpu().orElse(null) : null);
            }
            default -> throw usage("--device must be cpu, cuda or auto, got '" + device + "'");
        };
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
