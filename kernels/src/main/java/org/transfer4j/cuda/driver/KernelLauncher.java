package org.transfer4j.cuda.driver;

import java.util.List;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.JCudaDriver;
import org.transfer4j.cuda.LaunchGeometry;
import org.transfer4j.cuda.LaunchGrid;
import org.transfer4j.cuda.ffm.Prototype;

/**
 * Launches kernels with checked, typed arguments:
 * <pre>{@code
 * KernelFunction relu = modules.function("elementwise", "relu_f32");
 * KernelLauncher.launch(relu, LaunchGeometry.forElements(n), 0, stream,
 *         KernelArgs.create().i64(n).pointer(x).pointer(y));
 * }</pre>
 * Before {@code cuLaunchKernel}, the arguments are checked against the kernel's PTX parameters
 * ({@link KernelArgs#checkAgainst}) and the geometry and dynamic shared memory against the kernel's
 * {@link LaunchLimits}, so a wrong launch fails with a message naming the kernel instead of corrupting
 * memory. The launch is asynchronous: a fault inside the kernel surfaces at the next synchronisation.
 */
public final class KernelLauncher {

    private KernelLauncher() {
    }

    /**
     * Queues {@code kernel} on {@code stream} with grid {@code (gridX,1,1)} and block {@code (blockX,1,1)}.
     *
     * @throws IllegalArgumentException when the arguments, geometry or shared memory do not fit the kernel
     * @throws CudaException            when the driver refuses the launch
     */
    public static void launch(KernelFunction kernel, LaunchGeometry geometry, int dynamicSharedBytes,
                              CudaStream stream, KernelArgs args) {
        String name = kernel.qualifiedName();
        args.checkAgainst(name, kernel.signature());
        kernel.limits().check(name, geometry, dynamicSharedBytes);
        submit(kernel, geometry.gridX(), 1, 1, geometry.blockX(), 1, 1, dynamicSharedBytes, stream, args);
    }

    /**
     * Queues {@code kernel} on {@code stream} with a 3-D grid and block ({@link LaunchGrid}), for the kernels
     * whose headers ask for block (32,8) or a grid with y and z sides.
     *
     * @throws IllegalArgumentException when the arguments, geometry or shared memory do not fit the kernel
     * @throws CudaException            when the driver refuses the launch
     */
    public static void launch(KernelFunction kernel, LaunchGrid grid, int dynamicSharedBytes, CudaStream stream,
                              KernelArgs args) {
        String name = kernel.qualifiedName();
        args.checkAgainst(name, kernel.signature());
        kernel.limits().check(name, grid, dynamicSharedBytes);
        submit(kernel, grid.gridX(), grid.gridY(), grid.gridZ(), grid.blockX(), grid.blockY(), grid.blockZ(),
                dynamicSharedBytes, stream, args);
    }

    /** {@code cuLaunchKernel} through {@link FfmLaunch} where it can, else through JCuda; the message only on failure. */
    private static void submit(KernelFunction kernel, int gx, int gy, int gz, int bx, int by, int bz, int shared,
                               CudaStream stream, KernelArgs args) {
        int result = -1;
        long function = kernel.address();
        if (FfmLaunch.enabled() && function != 0) {
            result = FfmLaunch.launch(function, gx, gy, gz, bx, by, bz, shared, stream.address(), args.argList());
        }
        if (result == -1) {
            result = JCudaDriver.cuLaunchKernel(kernel.function(), gx, gy, gz, bx, by, bz, shared, stream.handle(),
                    parameterArray(args), null);
        }
        if (result != CudaException.SUCCESS) {
            CudaException.check(result, "cuLaunchKernel(" + kernel.qualifiedName() + ", grid (" + gx + "," + gy + ","
                    + gz + "), block (" + bx + "," + by + "," + bz + "))");
        }
    }

    /** The driver functions bound through FFM ({@code cuLaunchKernel}), for the signature check. */
    public static List<Prototype> prototypes() {
        return List.of(FfmLaunch.LAUNCH_KERNEL);
    }

    /** Whether launches go through FFM (else JCuda): {@code -Dtransfer4j.cuda.launch=jcuda} turns it off. */
    public static boolean launchesThroughFfm() {
        return FfmLaunch.enabled();
    }

    /**
     * The {@code void** kernelParams} of {@code cuLaunchKernel}: a pointer to an array holding, per
     * argument, a pointer to its bytes (JCuda pins the Java arrays for the call; the driver copies the
     * values when the launch is queued, so they need not outlive it).
     */
    static Pointer parameterArray(KernelArgs args) {
        List<KernelArgs.Arg> list = args.args();
        NativePointerObject[] values = new NativePointerObject[list.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = Pointer.to(list.get(i).bytes());
        }
        return Pointer.to(values);
    }
}
