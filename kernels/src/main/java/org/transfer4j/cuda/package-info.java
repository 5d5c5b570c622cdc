/**
 * The CUDA backend: hand-written kernels, the driver layer and the GPU libraries.
 *
 * <p>The GPU-independent base:
 * <ul>
 *   <li>the kernels themselves, in {@code kernels/src/main/cuda/<family>.cu} (one file per family:
 *       see {@code kernels/README.md}), compiled by {@code kernels/scripts/build-ptx.sh} to PTX
 *       resources {@code org/transfer4j/cuda/ptx/<family>.sm90.ptx} ({@code nvcc -arch=compute_90})
 *       and {@code <family>.sm75.ptx} ({@code compute_75}), checked in, each headed by the SHA-256 of
 *       its source;</li>
 *   <li>{@link org.transfer4j.cuda.PtxModules}: the PTX text of a family for a device's
 *       {@link org.transfer4j.cuda.ComputeCapability};</li>
 *   <li>{@link org.transfer4j.cuda.LaunchGeometry}: grid and block sizes for the grid-stride kernels,
 *       checked against CUDA's limits;</li>
 *   <li>{@link org.transfer4j.cuda.CudaAvailability}: whether a CUDA driver ({@code libcuda.so.1}) and
 *       a device can be used, and if not, why, so that device selection can fall back to the CPU
 *       with a message instead of failing.</li>
 * </ul>
 *
 * <p>On top of these: {@link org.transfer4j.cuda.driver} (JCuda: device, primary context, streams,
 * events, module loading of these PTX texts, checked launches) and {@link org.transfer4j.cuda.memory}
 * (the caching device allocator, pinned host buffers); {@link org.transfer4j.cuda.ffm},
 * {@link org.transfer4j.cuda.blas} and {@link org.transfer4j.cuda.dnn} bind cuBLAS and cuDNN through Java FFM
 * (see {@code docs/ARCHITECTURE.md}, "Facts about the CUDA libraries").
 */
package org.transfer4j.cuda;
