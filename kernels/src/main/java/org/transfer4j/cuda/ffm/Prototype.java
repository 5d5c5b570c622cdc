package org.transfer4j.cuda.ffm;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A C function prototype as written in a CUDA header, and the FFM {@link FunctionDescriptor} it has
 * under the x86-64 System V ABI with the LP64 data model (Linux):
 * <ul>
 *   <li>{@code int}, {@code unsigned}, {@code int32_t}, {@code uint32_t} and every enum type
 *       ({@code cublasStatus_t}, {@code cudnnDataType_t}, ...): {@link ValueLayout#JAVA_INT} (C enums
 *       are {@code int}-sized when their values fit, which theirs do);</li>
 *   <li>{@code size_t}, {@code int64_t}, {@code long}, {@code long long}, {@code unsigned long long}:
 *       {@link ValueLayout#JAVA_LONG};</li>
 *   <li>{@code float}: {@link ValueLayout#JAVA_FLOAT}; {@code double}: {@link ValueLayout#JAVA_DOUBLE};</li>
 *   <li>any pointer ({@code const float *}, {@code void *}, {@code int padA[]}) and every opaque handle
 *       typedef, which is a pointer to a struct ({@code cublasHandle_t}, {@code cudaStream_t},
 *       {@code cudnnTensorDescriptor_t}, ...): {@link ValueLayout#ADDRESS};</li>
 *   <li>a {@code void} return: no return layout.</li>
 * </ul>
 * A type outside these tables is rejected with its name rather than guessed, because guessing wrong
 * (an enum read as a pointer) corrupts the call silently.
 *
 * <p>{@link #parse} accepts a declaration as it appears in the headers: over several lines, with
 * parameter names, comments and the {@code CUBLASAPI}/{@code CUBLASWINAPI}/{@code CUDNNWINAPI}/
 * {@code CUDNN_DEPRECATED} decorations, optionally ending in {@code ;}.
 *
 * @param returnType the return C type, normalised ({@code cublasStatus_t}, {@code const char *}, {@code void})
 * @param name       the function's name, which is also its symbol
 * @param parameters the parameter C types, normalised, without names
 */
public record Prototype(String returnType, String name, List<String> parameters) {

    /** Opaque handle typedefs: each is a pointer to an incomplete struct. */
    static final Set<String> HANDLE_TYPES = Set.of("CUfunction", "CUstream", "cublasHandle_t", "cudaStream_t", "cudnnHandle_t",
            "cudnnTensorDescriptor_t", "cudnnFilterDescriptor_t", "cudnnConvolutionDescriptor_t",
            "cudnnPoolingDescriptor_t", "cudnnActivationDescriptor_t");
    /** Enum typedefs: each is passed as a C {@code int}. */
    static final Set<String> ENUM_TYPES = Set.of("CUresult", "cublasStatus_t", "cublasOperation_t", "cublasMath_t",
            "cublasComputeType_t", "cublasGemmAlgo_t", "cudaDataType", "cudaDataType_t", "cudaError_t",
            "cudaMemcpyKind", "cudnnStatus_t", "cudnnTensorFormat_t", "cudnnDataType_t", "cudnnMathType_t",
            "cudnnNanPropagation_t", "cudnnConvolutionMode_t", "cudnnConvolutionFwdAlgo_t",
            "cudnnConvolutionBwdDataAlgo_t", "cudnnConvolutionBwdFilterAlgo_t", "cudnnPoolingMode_t",
            "cudnnActivationMode_t", "cudnnBatchNormMode_t", "cudnnDeterminism_t");
    private static final Set<String> INT_TYPES = Set.of("int", "unsigned", "unsigned int", "signed int", "int32_t", "uint32_t");
    private static final Set<String> LONG_TYPES = Set.of("size_t", "int64_t", "uint64_t", "long", "long int",
            "unsigned long", "long long", "long long int", "unsigned long long", "unsigned long long int");
    /** Header decorations that are not part of the type. */
    private static final Pattern DECORATIONS = Pattern.compile(
            "\\b(CUDAAPI|CUBLASAPI|CUBLASWINAPI|CUDNNWINAPI|CUDARTAPI|CUDNN_DEPRECATED|extern|__host__|__cudart_builtin__|enum)\\b");
    private static final Pattern DECLARATION = Pattern.compile("^(.*?)\\b(\\w+)\\s*\\((.*)\\)\\s*;?$", Pattern.DOTALL);
    private static final Pattern IDENTIFIER = Pattern.compile("\\w+");

    public Prototype {
        parameters = List.copyOf(parameters);
    }

    /**
     * Parses one C declaration.
     *
     * @throws IllegalArgumentException quoting the text when it is not a function declaration
     */
    public static Prototype parse(String declaration) {
        String text = DECORATIONS.matcher(stripComments(declaration)).replaceAll(" ").strip();
        Matcher m = DECLARATION.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a C function declaration: \"" + declaration.strip() + "\"");
        }
        String returnType = normaliseType(m.group(1));
        if (returnType.isEmpty()) {
            throw new IllegalArgumentException("no return type in \"" + declaration.strip() + "\"");
        }
        List<String> params = new ArrayList<>();
        String list = m.group(3).strip();
        if (!list.isEmpty() && !list.equals("void")) {
            for (String param : list.split(",")) {
                params.add(parameterType(param.strip(), declaration));
            }
        }
        return new Prototype(returnType, m.group(2), params);
    }

    /** The descriptor of this prototype under the x86-64 SysV / LP64 ABI (see the class comment). */
    public FunctionDescriptor descriptor() {
        MemoryLayout[] args = parameters.stream().map(t -> layout(t, name)).toArray(MemoryLayout[]::new);
        return returnType.equals("void") ? FunctionDescriptor.ofVoid(args) : FunctionDescriptor.of(layout(returnType, name), args);
    }

    /**
     * The layout of one C type.
     *
     * @throws IllegalArgumentException naming the type and the function when the type is unknown
     */
    static ValueLayout layout(String cType, String function) {
        if (cType.endsWith("*") || HANDLE_TYPES.contains(cType)) {
            return ValueLayout.ADDRESS;
        }
        String bare = cType.replaceFirst("^const ", "");
        if (INT_TYPES.contains(bare) || ENUM_TYPES.contains(bare)) {
            return ValueLayout.JAVA_INT;
        }
        if (LONG_TYPES.contains(bare)) {
            return ValueLayout.JAVA_LONG;
        }
        if (bare.equals("float")) {
            return ValueLayout.JAVA_FLOAT;
        }
        if (bare.equals("double")) {
            return ValueLayout.JAVA_DOUBLE;
        }
        throw new IllegalArgumentException("unknown C type \"" + cType + "\" in " + function
                + ": add it to Prototype's type tables with its ABI class");
    }

    /** The type of one parameter, its name dropped: {@code const int padA[]} -> {@code const int *}. */
    private static String parameterType(String param, String declaration) {
        String p = param;
        boolean array = p.endsWith("]");
        if (array) {
            p = p.substring(0, p.lastIndexOf('[')).strip();
        }
        // the last identifier is the parameter's name unless the parameter is a bare type
        Matcher ids = IDENTIFIER.matcher(p);
        List<int[]> spans = new ArrayList<>();
        while (ids.find()) {
            spans.add(new int[] {ids.start(), ids.end()});
        }
        if (spans.isEmpty()) {
            throw new IllegalArgumentException("empty parameter in \"" + declaration.strip() + "\"");
        }
        int[] last = spans.get(spans.size() - 1);
        String lastWord = p.substring(last[0], last[1]);
        boolean named = spans.size() > 1 && !p.substring(last[1]).contains("*") && !isTypeWord(lastWord, p.substring(0, last[0]));
        String type = named ? p.substring(0, last[0]) : p;
        return normaliseType(array ? type + " *" : type);
    }

    /** Whether {@code word} continues a multi-word type ({@code long long}, {@code unsigned int}) rather than naming a parameter. */
    private static boolean isTypeWord(String word, String before) {
        String b = before.strip();
        return switch (word) {
            case "int", "long", "char", "short" -> b.endsWith("long") || b.endsWith("unsigned") || b.endsWith("signed")
                    || b.endsWith("short") || b.isEmpty() || b.equals("const");
            default -> false;
        };
    }

    /** {@code const  float*} -> {@code const float *}; pointers keep their constness, values drop it. */
    static String normaliseType(String raw) {
        String t = raw.replace("*", " * ").replaceAll("\\s+", " ").strip();
        if (!t.contains("*")) {
            t = t.replaceFirst("^const ", "").replaceFirst(" const$", "");
        }
        return t.replace("* *", "**");
    }

    private static String stripComments(String s) {
        return s.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", " ");
    }

    /** The C text of this prototype, normalised: {@code cublasStatus_t cublasDestroy_v2(cublasHandle_t)}. */
    @Override
    public String toString() {
        return returnType + " " + name + "(" + String.join(", ", parameters) + ")";
    }
}
