/**
 * The CUDA implementation of core's op table: {@link org.transfer4j.cuda.backend.CudaBackend} (one per
 * device, one stream each), its storage {@link org.transfer4j.cuda.backend.CudaStorage} over the caching
 * allocator, and {@link org.transfer4j.cuda.backend.CudaDeviceProvider}, through which core's
 * {@code Device.cuda(i)} and {@code Device.best()} find it. The per-family classes map each primitive
 * onto the kernels of {@code src/main/cuda}, cuBLAS and cuDNN; the host-side decisions (view geometry,
 * reduction plans, routes, launch geometry) are small classes tested without a GPU.
 */
package org.transfer4j.cuda.backend;
