/**
 * The CUDA driver layer over JCuda ({@code org.jcuda:jcuda} 12.6.0, which needs only
 * {@code libcuda.so.1}): {@link org.transfer4j.cuda.driver.CudaDevice} (selection by ordinal),
 * {@link org.transfer4j.cuda.driver.CudaContext} (the primary context),
 * {@link org.transfer4j.cuda.driver.CudaStream} and {@link org.transfer4j.cuda.driver.CudaEvent},
 * {@link org.transfer4j.cuda.driver.ModuleCache} (the PTX of a kernel family loaded once per context),
 * and {@link org.transfer4j.cuda.driver.KernelLauncher}, which checks typed
 * {@link org.transfer4j.cuda.driver.KernelArgs} against the kernel's PTX parameters
 * ({@link org.transfer4j.cuda.driver.KernelSignature}) and the launch against
 * {@link org.transfer4j.cuda.driver.LaunchLimits} before {@code cuLaunchKernel}.
 *
 * <p>Every driver status passes through {@link org.transfer4j.cuda.driver.CudaException#check}, which
 * names the operation and the {@code CUresult}; {@link org.transfer4j.cuda.driver.CudaDriver} is the
 * single entry point that loads JCuda, and turns a missing driver or a native library that does not
 * load into a {@link org.transfer4j.cuda.driver.CudaUnavailableException} (never a linkage error).
 * Argument packing, {@link org.transfer4j.cuda.driver.Broadcast6}'s layout, the signature parser and
 * the limit checks are plain Java, tested without a GPU.
 */
package org.transfer4j.cuda.driver;
