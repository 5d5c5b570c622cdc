package org.transfer4j.cuda.kernels;

import java.util.List;
import java.util.stream.Collectors;
import org.transfer4j.cuda.driver.KernelSignature;

/**
 * One kernel as the backend calls it: its family (the {@code .cu} file, the PTX resource), its
 * {@code extern "C"} name and its parameters in order.
 *
 * @param family the kernel family, e.g. {@code reduce}
 * @param name   the entry name, e.g. {@code reduce_rows_sum_f32}
 * @param params the parameter kinds in order
 */
public record KernelSpec(String family, String name, List<KernelSpec.Param> params) {

    /** A C parameter type and how PTX declares it. */
    public enum Param {
        /** A device pointer ({@code float*}, {@code const int*}): {@code .u64}. */
        PTR(KernelSignature.ParamType.INT64, 8),
        /** {@code int}: {@code .u32}/{@code .s32}. */
        I32(KernelSignature.ParamType.INT32, 4),
        /** {@code long long}: {@code .u64}/{@code .s64}. */
        I64(KernelSignature.ParamType.INT64, 8),
        /** {@code float}: {@code .f32}. */
        F32(KernelSignature.ParamType.FLOAT32, 4),
        /** A 144-byte struct by value: {@code Broadcast6} (elementwise.cu), {@code Strided6} (layout.cu). */
        STRUCT144(KernelSignature.ParamType.BYTES, 144),
        /** A 1808-byte struct by value: {@code TensorList32} (optim.cu), the weights of a multi-tensor update. */
        TENSOR_LIST32(KernelSignature.ParamType.BYTES, 1808);

        private final KernelSignature.ParamType ptxType;
        private final int bytes;

        Param(KernelSignature.ParamType ptxType, int bytes) {
            this.ptxType = ptxType;
            this.bytes = bytes;
        }

        /** Whether a PTX parameter declaration receives this C type (PTX does not tell pointers from {@code long long}). */
        public boolean matches(KernelSignature.Param declared) {
            return declared.type() == ptxType && declared.bytes() == bytes;
        }
    }

    public KernelSpec {
        params = List.copyOf(params);
    }

    /** {@code family/name}, as messages name a kernel. */
    public String qualifiedName() {
        return family + "/" + name;
    }

    /**
     * Whether the PTX declaration {@code declared} has exactly these parameters (count, order, types).
     *
     * @throws IllegalArgumentException naming the kernel and both lists when it does not
     */
    public void check(KernelSignature declared) {
        boolean same = declared.name().equals(name) && declared.params().size() == params.size();
        for (int i = 0; same && i < params.size(); i++) {
            same = params.get(i).matches(declared.params().get(i));
        }
        if (!same) {
            throw new IllegalArgumentException("kernel " + qualifiedName() + " is catalogued as " + this
                    + " but its PTX declares " + declared);
        }
    }

    @Override
    public String toString() {
        return name + params.stream().map(p -> p.name().toLowerCase(java.util.Locale.ROOT))
                .collect(Collectors.joining(", ", "(", ")"));
    }
}
