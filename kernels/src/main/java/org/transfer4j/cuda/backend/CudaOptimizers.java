package org.transfer4j.cuda.backend;

import java.util.Arrays;
import org.transfer4j.cuda.driver.KernelArgs;
import org.transfer4j.cuda.kernels.Kernels;
import org.transfer4j.tensor.Tensor;

/**
 * The fused optimizer updates with {@code optim.cu}, one launch per weight, in place: formulas on the
 * {@link org.transfer4j.backend.Backend} methods. Scalars are rounded to float once; the complements
 * {@code 1 - beta} and {@code 1 - rho} are formed in double first, as {@code CpuOptimizers} does, so the
 * kernels are bit-identical to the CPU backend. An absent slot (null) is passed as address 0.
 */
final class CudaOptimizers {
    private final CudaExec exec;

    CudaOptimizers(CudaExec exec) {
        this.exec = exec;
    }

    void sgd(Tensor param, Tensor grad, Tensor buffer, double momentum, double gradScale, double stepScale,
             boolean nesterov, double l2, double decay) {
        check("sgdUpdate", param, grad, buffer);
        long n = param.numel();
        KernelArgs args = KernelArgs.create().i64(n).f32((float) momentum).f32((float) gradScale).f32((float) stepScale)
                .i32(nesterov ? 1 : 0).f32((float) l2).f32((float) decay).pointer(exec.address(param))
                .pointer(exec.address(grad)).pointer(exec.addressOrNull(buffer));
        if (n > 0) {
            exec.launch(Kernels.SGD_UPDATE, KernelGeometry.elementwise(n), args);
        }
    }

    void adam(Tensor param, Tensor grad, Tensor m, Tensor v, double beta1, double beta2, double stepSize, double epsHat,
              double l2, double decay) {
        requirePresent("adamUpdate", m, v);
        check("adamUpdate", param, grad, m, v);
        long n = param.numel();
        KernelArgs args = KernelArgs.create().i64(n).f32((float) beta1).f32((float) beta2).f32((float) (1 - beta1))
                .f32((float) (1 - beta2)).f32((float) stepSize).f32((float) epsHat).f32((float) l2).f32((float) decay)
                .pointer(exec.address(param)).pointer(exec.address(grad)).pointer(exec.address(m)).pointer(exec.address(v));
        if (n > 0) {
            exec.launch(Kernels.ADAM_UPDATE, KernelGeometry.elementwise(n), args);
        }
    }

    void rmsprop(Tensor param, Tensor grad, Tensor squareAvg, Tensor gradAvg, Tensor buffer, double rho, double momentum,
                 double epsInside, double epsOutside, double gradScale, double stepScale, double l2, double decay) {
        requirePresent("rmspropUpdate", squareAvg);
        check("rmspropUpdate", param, grad, squareAvg, gradAvg, buffer);
        long n = param.numel();
        KernelArgs args = KernelArgs.create().i64(n).f32((float) rho).f32((float) (1 - rho)).f32((float) momentum)
                .f32((float) epsInside).f32((float) epsOutside).f32((float) gradScale).f32((float) stepScale)
                .f32((float) l2).f32((float) decay).pointer(exec.address(param)).pointer(exec.address(grad))
                .pointer(exec.address(squareAvg)).pointer(exec.addressOrNull(gradAvg)).pointer(exec.addressOrNull(buffer));
        if (n > 0) {
            exec.launch(Kernels.RMSPROP_UPDATE, KernelGeometry.elementwise(n), args);
        }
    }

    private static void requirePresent(String op, Tensor... slots) {
        for (Tensor t : slots) {
            if (t == null) {
                throw new IllegalArgumentException(op + ": a required state slot is null");
            }
        }
    }

    /** Non-null tensors must be contiguous tensors of the weight's shape (as CpuOptimizers checks). */
    private static void check(String op, Tensor param, Tensor... others) {
        CudaExec.requireContiguous(op, param);
        for (Tensor t : others) {
            if (t == null) {
                continue;
            }
            CudaExec.requireContiguous(op, t);
            if (!Arrays.equals(t.shape(), param.shape())) {
                throw new IllegalArgumentException(op + ": every tensor needs the weight's shape "
                        + Arrays.toString(param.shape()) + ", got " + Arrays.toString(t.shape()));
            }
        }
    }
}
