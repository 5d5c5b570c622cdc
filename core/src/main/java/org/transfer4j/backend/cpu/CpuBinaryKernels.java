package org.transfer4j.backend.cpu;

import org.transfer4j.backend.BinaryOp;

/** Inner loops of the binary functions over one strided row ({@code sa}/{@code sb} may be 0: broadcast). */
final class CpuBinaryKernels {
    private CpuBinaryKernels() {
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
