package org.transfer4j.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.transfer4j.backend.BinaryOp;

/** Inner loops of the binary functions over one strided row ({@code sa}/{@code sb} may be 0: broadcast). */
final class CpuBinaryKernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private CpuBinaryKernels() {
    }

    /**
     * {@code y[iy + i] = min(max(a[ia + i] + b[ib + i], low), high)} for {@code i < n}, all unit stride: a residual
     * sum and its ReLU ({@link org.transfer4j.backend.Backend#addClamped}). The sum is one IEEE float addition and
     * {@code FloatVector.max/min} are {@code Math.max/min} lane by lane (NaN propagates, {@code -0 < +0}), so the
     * vectors and the scalar tail give the bits of {@code binary(ADD)} then {@code unary(CLAMP)}.
     */
    static void addClamp(float[] a, int ia, float[] b, int ib, float[] y, int iy, int n, float low, float high) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromArray(F, a, ia + i).add(FloatVector.fromArray(F, b, ib + i)).max(low).min(high)
                    .intoArray(y, iy + i);
        }
        for (; i < n; i++) {
            y[iy + i] = Math.min(Math.max(a[ia + i] + b[ib + i], low), high);
        }
    }

    static void apply(BinaryOp op, float[] a, int ia, int sa, float[] b, int ib, int sb, float[] y, int iy, int n) {
        switch (op) {
            case ADD -> {
                if (sa == 1 && sb == 1) {
                    for (int i = 0; i < n; i++) {
                        y[iy + i] = a[ia + i] + b[ib + i];
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        y[iy + i] = a[ia + i * sa] + b[ib + i * sb];
                    }
                }
            }
            case MUL -> {
                if (sa == 1 && sb == 1) {
                    for (int i = 0; i < n; i++) {
                        y[iy + i] = a[ia + i] * b[ib + i];
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        y[iy + i] = a[ia + i * sa] * b[ib + i * sb];
                    }
                }
            }
            case SUB -> {
                for (int i = 0; i < n; i++) {
                    y[iy + i] = a[ia + i * sa] - b[ib + i * sb];
                }
            }
            case DIV -> {
                for (int i = 0; i < n; i++) {
                    y[iy + i] = a[ia + i * sa] / b[ib + i * sb];
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    y[iy + i] = scalar(op, a[ia + i * sa], b[ib + i * sb]);
                }
            }
        }
    }

    static float scalar(BinaryOp op, float x, float z) {
        return switch (op) {
            case ADD -> x + z;
            case SUB -> x - z;
            case MUL -> x * z;
            case DIV -> x / z;
            case POW -> z == 2f ? x * x : (float) Math.pow(x, z);
            case MAX -> Math.max(x, z);
            case MIN -> Math.min(x, z);
            case EQ -> x == z ? 1f : 0f;
            case GT -> x > z ? 1f : 0f;
            case GE -> x >= z ? 1f : 0f;
        };
    }
}
