package org.transfer4j.cuda.driver;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parameter list of a kernel as its PTX declares it, so that a launch can be checked before it
 * reaches the driver: {@code cuLaunchKernel} copies as many bytes per parameter as the kernel expects
 * and cannot tell a missing or mistyped argument, which then shows up as wrong results or an illegal
 * address. For example {@code add_bcast_f32} in {@code elementwise.sm90.ptx}:
 * <pre>
 * .visible .entry add_bcast_f32(
 *     .param .u64 add_bcast_f32_param_0,                // long long n
 *     .param .align 8 .b8 add_bcast_f32_param_1[144],   // Broadcast6 s, by value
 *     .param .u64 add_bcast_f32_param_2, ...            // const float* a, ...
 * </pre>
 *
 * @param name   the kernel's entry name, e.g. {@code relu_f32}
 * @param params its parameters in order
 */
public record KernelSignature(String name, List<Param> params) {

    /** How a PTX parameter is declared: a scalar type or a byte array (a struct passed by value). */
    public enum ParamType {
        /** {@code .u32 .s32 .b32}: {@code int}, {@code unsigned}. */
        INT32,
        /** {@code .u64 .s64 .b64}: {@code long long}, or a pointer (PTX does not distinguish them). */
        INT64,
        /** {@code .f32}: {@code float}. */
        FLOAT32,
        /** {@code .f64}: {@code double}. */
        FLOAT64,
        /** {@code .b8 name[n]} (with an {@code .align}): a struct of n bytes by value. */
        BYTES,
        /** Any other declaration (8- or 16-bit scalars, vectors): not launchable through {@link KernelArgs}. */
        OTHER
    }

    /**
     * One parameter.
     *
     * @param type  how it is declared
     * @param bytes its size in bytes
     * @param ptx   the declaration as written, for messages less the name (e.g. {@code .align 8 .b8[144]})
     */
    public record Param(ParamType type, int bytes, String ptx) {
    }

    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+([A-Za-z_$][\\w$]*)\\s*\\(([^)]*)\\)");
    private static final Pattern SCALAR = Pattern.compile("\\.([usbf])(8|16|32|64)");
    private static final Pattern ARRAY = Pattern.compile("\\[(\\d+)]\\s*$");

    public KernelSignature {
        params = List.copyOf(params);
    }

    /**
     * Every {@code .entry} of a PTX text, by name, in file order.
     *
     * @throws IllegalArgumentException when a parameter declaration cannot be read
     */
    public static Map<String, KernelSignature> parseAll(String ptx) {
        Map<String, KernelSignature> entries = new LinkedHashMap<>();
        Matcher m = ENTRY.matcher(ptx);
        while (m.find()) {
            List<Param> params = new ArrayList<>();
            for (String decl : m.group(2).split(",")) {
                if (!decl.isBlank()) {
                    params.add(parseParam(m.group(1), decl.strip()));
                }
            }
            entries.put(m.group(1), new KernelSignature(m.group(1), params));
        }
        return entries;
    }

    private static Param parseParam(String kernel, String decl) {
        // ".param .u64 relu_f32_param_0" or ".param .align 8 .b8 add_bcast_f32_param_1[144]"; newer
        // nvcc may add ".ptr .global .align 4" after the type of a pointer parameter
        String body = decl.startsWith(".param") ? decl.substring(".param".length()).strip() : decl;
        Matcher scalar = SCALAR.matcher(body);
        if (!scalar.find()) {
            throw new IllegalArgumentException("cannot read parameter \"" + decl + "\" of kernel " + kernel);
        }
        int bits = Integer.parseInt(scalar.group(2));
        String kind = scalar.group(1);
        Matcher array = ARRAY.matcher(body);
        String shown = body.replaceAll("\\s+[A-Za-z_$][\\w$]*(\\[\\d+])?$", "$1");
        if (array.find()) {
            int count = Integer.parseInt(array.group(1));
            ParamType type = kind.equals("b") && bits == 8 ? ParamType.BYTES : ParamType.OTHER;
            return new Param(type, count * bits / 8, shown);
        }
        ParamType type = switch (kind + bits) {
            case "u32", "s32", "b32" -> ParamType.INT32;
            case "u64", "s64", "b64" -> ParamType.INT64;
            case "f32" -> ParamType.FLOAT32;
            case "f64" -> ParamType.FLOAT64;
            default -> ParamType.OTHER;
        };
        return new Param(type, bits / 8, shown);
    }

    @Override
    public String toString() {
        return name + "(" + String.join(", ", params.stream().map(Param::ptx).toList()) + ")";
    }
}
