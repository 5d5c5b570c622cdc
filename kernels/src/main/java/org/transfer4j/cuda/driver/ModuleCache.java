package org.transfer4j.cuda.driver;

import static jcuda.driver.CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK;
import static jcuda.driver.CUfunction_attribute.CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES;

import java.util.HashMap;
import java.util.Map;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;
import org.transfer4j.cuda.PtxModules;
import org.transfer4j.cuda.PtxTarget;

/**
 * The kernel modules of one context: a family's PTX ({@link PtxModules}, the target the device's
 * compute capability runs) is loaded with {@code cuModuleLoadData} (the driver JIT-compiles it) the
 * first time one of its kernels is asked for, and modules and functions are cached by name.
 * Thread-safe. {@link #close()} unloads the modules.
 */
public final class ModuleCache implements AutoCloseable {

    private record Module(CUmodule handle, PtxTarget target, Map<String, KernelSignature> kernels) {
    }

    private final CudaContext context;
    private final Map<String, Module> modules = new HashMap<>();
    private final Map<String, KernelFunction> functions = new HashMap<>();
    private boolean closed;

    /** An empty cache for {@code context}. */
    public ModuleCache(CudaContext context) {
        this.context = context;
    }

    /**
     * The kernel {@code kernel} of family {@code family}, loading the family's module if needed.
     *
     * @throws IllegalArgumentException when there is no such family, or the family has no such kernel
     *                                  (naming both and listing the family's kernels)
     * @throws CudaException            when the driver cannot load the module or find the function
     */
    public synchronized KernelFunction function(String family, String kernel) {
        checkOpen();
        String key = family + "/" + kernel;
        KernelFunction cached = functions.get(key);
        if (cached != null) {
            return cached;
        }
        Module module = module(family);
        KernelSignature signature = module.kernels().get(kernel);
        if (signature == null) {
            throw unknownKernel(family, kernel, module.kernels().keySet());
        }
        context.makeCurrent();
        CUfunction function = new KernelFunction.AddressableFunction(); // its address for FfmLaunch
        CudaException.check(JCudaDriver.cuModuleGetFunction(function, module.handle(), kernel),
                "cuModuleGetFunction(" + family + "." + module.target().suffix() + ", " + kernel + ")");
        CudaDevice device = context.device();
        LaunchLimits limits = LaunchLimits.of(device.maxThreadsPerBlock(), device.maxGridX(),
                device.maxSharedMemoryPerBlock(), attribute(function, CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK, key),
                attribute(function, CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES, key));
        KernelFunction loaded = new KernelFunction(family, kernel, function, signature, limits);
        functions.put(key, loaded);
        return loaded;
    }

    /** The error for a kernel name the family's PTX does not define. */
    static IllegalArgumentException unknownKernel(String family, String kernel, Iterable<String> known) {
        return new IllegalArgumentException("kernel family " + family + " has no kernel \"" + kernel
                + "\"; its kernels are " + String.join(", ", known));
    }

    private Module module(String family) {
        Module module = modules.get(family);
        if (module == null) {
            PtxTarget target = PtxTarget.forComputeCapability(context.device().computeCapability());
            String ptx = PtxModules.load(family, target);
            context.makeCurrent();
            CUmodule handle = new CUmodule();
            CudaException.check(JCudaDriver.cuModuleLoadData(handle, PtxModules.nulTerminated(ptx)),
                    "cuModuleLoadData(" + family + "." + target.suffix() + ")");
            module = new Module(handle, target, KernelSignature.parseAll(ptx));
            modules.put(family, module);
        }
        return module;
    }

    private static int attribute(CUfunction function, int attribute, String kernel) {
        int[] value = new int[1];
        CudaException.check(JCudaDriver.cuFuncGetAttribute(value, attribute, function),
                "cuFuncGetAttribute(" + attribute + ", " + kernel + ")");
        return value[0];
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("module cache is closed");
        }
    }

    /** Unloads every module ({@code cuModuleUnload}); their functions become invalid. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        context.makeCurrent();
        for (Map.Entry<String, Module> e : modules.entrySet()) {
            CudaException.check(JCudaDriver.cuModuleUnload(e.getValue().handle()), "cuModuleUnload(" + e.getKey() + ")");
        }
        modules.clear();
        functions.clear();
    }
}
