/**
 * The op table: {@link org.transfer4j.backend.Backend} is the one SPI that every backend (CPU now,
 * CUDA in the {@code kernels} module) implements, a deliberately small set of primitives that
 * every op and layer lowers to. Backends compute; they never record autograd.
 */
package org.transfer4j.backend;
