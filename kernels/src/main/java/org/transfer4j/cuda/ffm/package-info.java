/**
 * The Java FFM ({@code java.lang.foreign}) plumbing under the cuBLAS and cuDNN bindings: finding a
 * CUDA library by its sonames ({@link org.transfer4j.cuda.ffm.NativeLibraryLoader}), C prototypes
 * turned into {@link java.lang.foreign.FunctionDescriptor}s under the x86-64 SysV / LP64 ABI
 * ({@link org.transfer4j.cuda.ffm.Prototype}) and downcall handles resolved on first use
 * ({@link org.transfer4j.cuda.ffm.Downcall}).
 *
 * <p>Why FFM and not JCublas/JCudnn: Maven Central's JCublas 12.6 links {@code libcublas.so.12} and
 * JCudnn stops at cuDNN 8, so neither loads against CUDA 13 / cuDNN 9 (docs/ARCHITECTURE.md, "Facts
 * about the CUDA libraries"). FFM binds whatever soname is installed, with no native glue of ours.
 * The JCuda driver artifact is still used by the driver layer: it needs only {@code libcuda.so.1}.
 *
 * <p>Every prototype bound here is checked against the real headers by
 * {@code PrototypeSignatureTest} (test resource {@code cuda-prototypes.h}).
 */
package org.transfer4j.cuda.ffm;
